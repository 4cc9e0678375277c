#pragma once
// Block-buffered writing to a stream that passes every small write on.
#include "report/block_output.hpp"

#include <ostream>

namespace tfkms::cli {

/// Hands what is written to `target` in blocks of 64 KB. std::cout stays in step with C's stdio
/// and so passes every small write on to fwrite: a report of a large plan makes millions of them.
class BlockBuffer final : public report::BlockOutput {
public:
  explicit BlockBuffer(std::ostream& target) : m_target(target) {}
  ~BlockBuffer() override { sync(); }

protected:
  bool deliver(const char* bytes, std::size_t size) override {
    m_target.write(bytes, static_cast<std::streamsize>(size));
    return static_cast<bool>(m_target);
  }

private:
  std::ostream& m_target;
};

} // namespace tfkms::cli
