#include "report/block_output.hpp"

#include <cstring>

namespace tfkms::report {

BlockOutput::int_type BlockOutput::overflow(int_type byte) {
  if (sync() != 0)
    return traits_type::eof();
  if (!traits_type::eq_int_type(byte, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(byte);
    pbump(1);
  }
  return traits_type::not_eof(byte);
}

std::streamsize BlockOutput::xsputn(const char* bytes, std::streamsize count) {
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
  deliver_unless_failed(bytes, size); // a block or more: handed on from where it lies
  return m_failed ? 0 : count;
}

int BlockOutput::sync() {
  deliver_unless_failed(pbase(), static_cast<std::size_t>(pptr() - pbase()));
  drop_pending();
  return m_failed ? -1 : 0;
}

void BlockOutput::deliver_unless_failed(const char* bytes, std::size_t size) {
  if (!m_failed && size > 0 && !deliver(bytes, size))
    m_failed = true;
}

} // namespace tfkms::report
