#pragma once
// A report written straight to a file descriptor, in blocks, that can start over when the file is
// a regular one. The SARIF writer uses that to write its log while it screens the log's size, and
// to begin again only in the rare case that the log needs results dropped (sarif.cpp): otherwise it
// would hold the log compressed and write it out once screened, decompressing it again.
#include <array>
#include <cstddef>
#include <streambuf>

namespace tfkms::report {

class FileOutput final : public std::streambuf {
public:
  /// Writes to `descriptor` from where it stands; the descriptor stays open.
  explicit FileOutput(int descriptor);
  FileOutput(const FileOutput&) = delete;
  FileOutput& operator=(const FileOutput&) = delete;
  ~FileOutput() override;

  /// Whether start_over() can work: the descriptor is a regular file, not opened to append (whose
  /// writes go to an end other writers may have moved) and not a pipe or a terminal.
  [[nodiscard]] bool can_start_over() const { return m_start >= 0; }
  /// Drops everything written through this buffer: the file is cut back to where it stood when
  /// the buffer was made, and written from there. False, changing nothing, when it cannot be.
  bool start_over();
  /// Whether every write so far reached the file.
  [[nodiscard]] bool failed() const { return m_failed; }

protected:
  int_type overflow(int_type byte) override;
  std::streamsize xsputn(const char* bytes, std::streamsize count) override;
  int sync() override;

private:
  /// Writes all of `size` bytes, retrying short writes; records a failure.
  void write_all(const char* bytes, std::size_t size);

  int m_descriptor;
  long long m_start = -1; ///< where the file stood, when it can start over
  bool m_failed = false;
  std::array<char, 64 * 1024> m_block{};
};

} // namespace tfkms::report
