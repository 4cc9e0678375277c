#include "report/file_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tfkms::report {

namespace {

/// Where `descriptor` stands when it is a regular file written in place; -1 otherwise.
long long rewindable_offset(int descriptor) {
  struct stat status {};
  if (fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode))
    return -1;
  const int flags = fcntl(descriptor, F_GETFL);
  if (flags < 0 || (flags & O_APPEND) != 0)
    return -1;
  return lseek(descriptor, 0, SEEK_CUR);
}

} // namespace

FileOutput::FileOutput(int descriptor)
    : m_descriptor(descriptor), m_start(rewindable_offset(descriptor)) {
  setp(m_block.data(), m_block.data() + m_block.size());
}

FileOutput::~FileOutput() { sync(); }

bool FileOutput::start_over() {
  if (!can_start_over())
    return false;
  setp(m_block.data(), m_block.data() + m_block.size()); // what waits in the block is dropped too
  if (ftruncate(m_descriptor, m_start) != 0 || lseek(m_descriptor, m_start, SEEK_SET) != m_start)
    m_failed = true;
  return !m_failed;
}

FileOutput::int_type FileOutput::overflow(int_type byte) {
  if (sync() != 0)
    return traits_type::eof();
  if (!traits_type::eq_int_type(byte, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(byte);
    pbump(1);
  }
  return traits_type::not_eof(byte);
}

std::streamsize FileOutput::xsputn(const char* bytes, std::streamsize count) {
  const auto size = static_cast<std::size_t>(count);
  if (size <= static_cast<std::size_t>(epptr() - pptr())) {
    std::memcpy(pptr(), bytes, size);
    pbump(static_cast<int>(size));
    return count;
  }
  if (sync() != 0)
    return 0;
  if (size < m_block.size()) {
    std::memcpy(pptr(), bytes, size);
    pbump(static_cast<int>(size));
    return count;
  }
  write_all(bytes, size); // a block or more: written from where it lies, not copied first
  return m_failed ? 0 : count;
}

int FileOutput::sync() {
  write_all(pbase(), static_cast<std::size_t>(pptr() - pbase()));
  setp(m_block.data(), m_block.data() + m_block.size());
  return m_failed ? -1 : 0;
}

void FileOutput::write_all(const char* bytes, std::size_t size) {
  while (size > 0 && !m_failed) {
    const ssize_t written = ::write(m_descriptor, bytes, size);
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0) {
      m_failed = true;
      return;
    }
    bytes += written;
    size -= static_cast<std::size_t>(written);
  }
}

} // namespace tfkms::report
