#pragma once
// A report written straight to a file descriptor, in blocks, that can start over when the file is
// a regular one. The SARIF writer uses that to write its log while it screens the log's size, and
// to begin again only in the rare case that the log needs results dropped (sarif.cpp): otherwise it
// would hold the log compressed and write it out once screened, decompressing it again.
#include "report/block_output.hpp"

namespace tfkms::report {

class FileOutput final : public BlockOutput {
public:
  /// Writes to `descriptor` from where it stands; the descriptor stays open.
  explicit FileOutput(int descriptor);
  ~FileOutput() override { sync(); }

  /// Whether start_over() can work: the descriptor is a regular file, not opened to append (whose
  /// writes go to an end other writers may have moved) and not a pipe or a terminal.
  [[nodiscard]] bool can_start_over() const { return m_start >= 0; }
  /// Drops everything written through this buffer: the file is cut back to where it stood when
  /// the buffer was made, and written from there. False, changing nothing, when it cannot be.
  bool start_over();

protected:
  /// Writes all of `size` bytes, retrying short writes.
  bool deliver(const char* bytes, std::size_t size) override;

private:
  int m_descriptor;
  long long m_start = -1; ///< where the file stood, when it can start over
};

} // namespace tfkms::report
