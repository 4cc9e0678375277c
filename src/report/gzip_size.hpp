#pragma once
// The size of a text once gzip-compressed, as GitHub measures a SARIF upload (sarif-github.md
// §1.4), counted while the text is written so that it is never held whole.
#include "report/print_buffer.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::report {

namespace detail {
class Deflater;
}

/// How a GzipBuffer counts a text that may not fit.
enum class GzipCount {
  exact,    ///< zlib at gzip's default level 6, as `gzip` and the upload actions compress
  estimate, ///< fixed-code deflate on pieces apart: fast; on SARIF logs larger than exact
};

/// A stream buffer that tells whether what is written to it is at most `limit` bytes once
/// gzip-compressed (counted as `count` says), and keeps it while it is, so that a text within the
/// limit can be written out afterwards without being rendered again and without its uncompressed
/// copy and its compressed one both in memory.
///
/// Given a `copy`, it also writes the text there as the text comes, for a caller that can undo
/// that copy when the text turns out too large; it then keeps no compressed bytes (an estimate is
/// only counted) and cannot replay().
///
/// A text short enough that deflate cannot make it larger than the limit (zlib's deflateBound:
/// stored blocks and the gzip header and trailer) is within the limit however it compresses: it
/// is held as it is and never compressed. A longer one is compressed as it comes and its
/// compressed bytes are counted, and kept while they stay within the limit.
class GzipBuffer final : public PrintBuffer {
public:
  explicit GzipBuffer(std::size_t limit, GzipCount count = GzipCount::exact,
                      std::streambuf* copy = nullptr);
  ~GzipBuffer() override;
  GzipBuffer(const GzipBuffer&) = delete;
  GzipBuffer& operator=(const GzipBuffer&) = delete;

  /// Bytes written so far.
  [[nodiscard]] std::size_t uncompressed_size() const;
  /// Ends the text; nothing may be written after it. Returns within_limit().
  bool finish();
  /// Whether the finished text is at most `limit` bytes once gzip-compressed; replay() can then
  /// write it.
  [[nodiscard]] bool within_limit() const;
  /// The gzip size of the finished text, header and trailer included, when it was compressed;
  /// nullopt when it was too short to need it (then within_limit()).
  [[nodiscard]] std::optional<std::size_t> compressed_size() const;
  /// Writes the text back, uncompressed, to `out`; needs within_limit(). Throws when
  /// decompressing fails.
  void replay(std::ostream& out) const;

protected:
  int_type overflow(int_type byte) override;
  int sync() override;
  /// Only tells the position (tellp): the bytes written so far.
  pos_type seekoff(off_type offset, std::ios_base::seekdir direction,
                   std::ios_base::openmode which) override;

private:
  /// Holds or compresses what is in the put area; `last`: the text ends there.
  void take_pending(bool last);
  /// Makes a new held block the put area.
  void hold_new_block();
  /// Makes the deflater's room the put area.
  void put_into_deflater();

  std::unique_ptr<detail::Deflater> m_deflater; ///< counts and keeps the text past m_plain_limit
  std::streambuf* m_copy;                       ///< where the text also goes, or null
  std::size_t m_uncompressed_size = 0;          ///< bytes already held or handed to the deflater
  std::size_t m_plain_limit = 0;                ///< the longest text held without compressing it
  bool m_compressing = false;
  /// The text while it is not compressed, in blocks of 1 MB, each full but the last, which is
  /// the put area.
  std::vector<std::unique_ptr<char[]>> m_held;
  bool m_finished = false;
};

/// Bytes of `text` compressed by gzip, counted as `count` says.
[[nodiscard]] std::size_t gzip_size(std::string_view text, GzipCount count = GzipCount::exact);

} // namespace tfkms::report
