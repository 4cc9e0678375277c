#pragma once
// The quickest DEFLATE that still compresses: RFC 1951's fixed Huffman codes and the first match a
// hash of four bytes finds. It is the screen of a long SARIF log's size (deflaters.hpp), which
// needs a size that is surely not below gzip's more than it needs a small one: on a 26 MB log it
// writes 3 times gzip's bytes in half the time of libdeflate's level 1.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace tfkms::report::detail {

class FixedDeflate {
public:
  FixedDeflate();

  /// The most bytes compress() writes for a text of `size` bytes.
  [[nodiscard]] static std::size_t bound(std::size_t size);

  /// Writes `text` to `out` (at least bound(text.size()) bytes) as a whole raw DEFLATE stream: one
  /// block of fixed codes, or stored blocks when those would be shorter. Returns the bytes written.
  std::size_t compress(std::string_view text, std::span<char> out);
  /// What compress() returns for `text`, found without writing the stream.
  std::size_t compressed_size(std::string_view text);

private:
  /// For each hash of four bytes, one more than the last position they were seen at (0: never).
  std::unique_ptr<std::uint32_t[]> m_last_seen;
};

} // namespace tfkms::report::detail
