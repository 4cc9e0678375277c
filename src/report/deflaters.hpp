#pragma once
// Raw deflate of a text handed over in parts, counting the compressed bytes and keeping them while
// they stay within a limit, so that a text within it can be written back. GzipBuffer
// (gzip_size.hpp) holds a short text as it is and uses one of these past that.
#include <cstddef>
#include <memory>
#include <ostream>
#include <span>
#include <string>

namespace tfkms::report::detail {

class Deflater {
public:
  explicit Deflater(std::size_t limit) : m_limit(limit) {}
  virtual ~Deflater() = default;
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  /// Free room for the next bytes of the text; never empty before the text ends.
  [[nodiscard]] virtual std::span<char> room() = 0;
  /// The first `size` bytes of room() are the text's next; `last`: the text ends with them.
  virtual void commit(std::size_t size, bool last) = 0;
  /// Writes the text back, uncompressed; needs within_limit() after the last commit.
  virtual void replay(std::ostream& out) const = 0;

  /// Hands over bytes that lie elsewhere, through room() and commit() unless a deflater can take
  /// them where they lie.
  virtual void write(const char* bytes, std::size_t size);
  /// Bytes of raw deflate written so far.
  [[nodiscard]] std::size_t compressed_size() const { return m_compressed_size; }
  [[nodiscard]] bool within_limit() const { return m_within_limit; }

protected:
  /// Counts compressed bytes, and keeps them while the count is within the limit.
  void count(const char* bytes, std::size_t size);
  /// Counts `size` compressed bytes that are not kept.
  void tally(std::size_t size);
  [[nodiscard]] const std::string& kept() const { return m_kept; }

private:
  std::size_t m_limit;
  std::size_t m_compressed_size = 0;
  std::string m_kept;
  bool m_within_limit = true;
};

/// zlib's deflate at gzip's default level 6 over the whole text as one stream: the bytes gzip
/// writes, without its wrapper.
[[nodiscard]] std::unique_ptr<Deflater> zlib_deflater(std::size_t limit);

/// Fixed-code deflate (fixed_deflate.hpp) on 1 MB pieces compressed apart, decompressed by
/// libdeflate: on a long SARIF log, a tenth of the time zlib's level 6 takes to count it
/// (docs/performance.md). A piece knows nothing of the text before it, so the count is an estimate
/// of what deflate makes of the text, not the size of one stream; on SARIF logs it is two to three
/// times gzip's.
/// With Keep::nothing it only counts, without writing the compressed pieces: replay() then throws.
/// Whole pieces handed to write() while none is being filled are compressed where they lie.
enum class Keep { compressed, nothing };
/// The piecewise deflater's pieces, 1 MB: on a 32 MB SARIF log, pieces of 64 KB wrote 62% more
/// than pieces of 1 MB, which wrote 3% more than pieces of 4 MB; a piece is held whole while it
/// fills.
constexpr std::size_t k_piece = 1024 * 1024;
[[nodiscard]] std::unique_ptr<Deflater> piecewise_deflater(std::size_t limit, Keep keep);

} // namespace tfkms::report::detail
