#include "report/file_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

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
    : m_descriptor(descriptor), m_start(rewindable_offset(descriptor)) {}

bool FileOutput::start_over() {
  if (!can_start_over())
    return false;
  drop_pending(); // what waits in the block is dropped too
  if (ftruncate(m_descriptor, m_start) != 0 || lseek(m_descriptor, m_start, SEEK_SET) != m_start)
    fail();
  return !failed();
}

bool FileOutput::deliver(const char* bytes, std::size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(m_descriptor, bytes, size);
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0)
      return false;
    bytes += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

} // namespace tfkms::report
