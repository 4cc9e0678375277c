#pragma once
// Output gathered into 64 KB blocks before it is handed on: a report comes in millions of small
// pieces, and a system call or a stdio call per piece costs more than the piece.
#include "report/print_buffer.hpp"

#include <array>
#include <cstddef>

namespace tfkms::report {

/// A stream buffer that hands its text on a block at a time (deliver()), and a piece of a block
/// or more at once from where it lies; a printer prints into the block in place. A derived class
/// syncs in its own destructor: the block still waiting there is delivered through it.
class BlockOutput : public PrintBuffer {
public:
  BlockOutput(const BlockOutput&) = delete;
  BlockOutput& operator=(const BlockOutput&) = delete;
  ~BlockOutput() override = default;

  /// Whether every delivery so far succeeded; after a failure nothing more is delivered.
  [[nodiscard]] bool failed() const { return m_failed; }

protected:
  BlockOutput() { drop_pending(); }

  /// Hands `size` bytes on; false when they did not all arrive.
  virtual bool deliver(const char* bytes, std::size_t size) = 0;
  /// Forgets what waits in the block, undelivered.
  void drop_pending() { setp(m_block.data(), m_block.data() + m_block.size()); }
  void fail() { m_failed = true; }

  int_type overflow(int_type byte) override;
  std::streamsize xsputn(const char* bytes, std::streamsize count) override;
  int sync() override;

private:
  void deliver_unless_failed(const char* bytes, std::size_t size);

  bool m_failed = false;
  std::array<char, 64 * 1024> m_block{};
};

} // namespace tfkms::report
