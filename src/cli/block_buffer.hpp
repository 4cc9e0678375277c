#pragma once
// Block-buffered writing to a stream that passes every small write on.
#include <array>
#include <ostream>
#include <streambuf>

namespace tfkms::cli {

/// Hands what is written to `target` in blocks of 64 KB. std::cout stays in step with C's stdio
/// and so passes every small write on to fwrite: a report of a large plan makes millions of them.
class BlockBuffer final : public std::streambuf {
public:
  explicit BlockBuffer(std::ostream& target) : m_target(target) {
    setp(m_block.data(), m_block.data() + m_block.size());
  }
  BlockBuffer(const BlockBuffer&) = delete;
  BlockBuffer& operator=(const BlockBuffer&) = delete;
  ~BlockBuffer() override { sync(); }

protected:
  int_type overflow(int_type byte) override {
    if (sync() != 0)
      return traits_type::eof();
    if (!traits_type::eq_int_type(byte, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(byte);
      pbump(1);
    }
    return traits_type::not_eof(byte);
  }

  int sync() override {
    m_target.write(pbase(), pptr() - pbase());
    setp(m_block.data(), m_block.data() + m_block.size());
    return m_target ? 0 : -1;
  }

private:
  std::ostream& m_target;
  std::array<char, 64 * 1024> m_block{};
};

} // namespace tfkms::cli
