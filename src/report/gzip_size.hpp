#pragma once
// The size of a text once gzip-compressed, as GitHub measures a SARIF upload (sarif-github.md
// §1.4), counted while the text is written so that it is never held whole.
#include <zlib.h>

#include <array>
#include <cstddef>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace tfkms::report {

/// A stream buffer that gzip-compresses what is written to it at the default level (6, as `gzip`
/// and the upload actions use), counting the compressed bytes and keeping them while they are at
/// most `keep_limit`, so that a text within the limit can be written out afterwards without being
/// rendered again and without its uncompressed copy in memory.
class GzipBuffer final : public std::streambuf {
public:
  explicit GzipBuffer(std::size_t keep_limit);
  ~GzipBuffer() override;
  GzipBuffer(const GzipBuffer&) = delete;
  GzipBuffer& operator=(const GzipBuffer&) = delete;

  /// Bytes written so far.
  [[nodiscard]] std::size_t uncompressed_size() const;
  /// Ends the gzip stream; nothing may be written after it. Returns the compressed size.
  std::size_t finish();
  /// Compressed bytes of the finished stream, header and trailer included.
  [[nodiscard]] std::size_t compressed_size() const { return m_compressed_size; }
  /// Whether the finished stream was at most `keep_limit` bytes, so replay() can write it.
  [[nodiscard]] bool kept() const { return m_kept; }
  /// Writes the text back, uncompressed, to `out`; needs kept(). Throws when zlib fails.
  void replay(std::ostream& out) const;

protected:
  int_type overflow(int_type byte) override;
  int sync() override;
  /// Only tells the position (tellp): the bytes written so far.
  pos_type seekoff(off_type offset, std::ios_base::seekdir direction,
                   std::ios_base::openmode which) override;

private:
  void deflate_pending(int flush);

  std::size_t m_keep_limit;
  z_stream m_stream{};
  std::array<char, 64 * 1024> m_input{};
  std::size_t m_uncompressed_size = 0; ///< bytes already handed to zlib
  std::size_t m_compressed_size = 0;
  std::string m_compressed; ///< empty once the stream outgrew m_keep_limit
  bool m_kept = true;
  bool m_finished = false;
};

/// Bytes of `text` compressed by gzip at its default level.
[[nodiscard]] std::size_t gzip_size(std::string_view text);

} // namespace tfkms::report
