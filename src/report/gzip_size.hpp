#pragma once
// The size of a text once gzip-compressed, as GitHub measures a SARIF upload (sarif-github.md
// §1.4).
#include <cstddef>
#include <string_view>

namespace tfkms::report {

/// Bytes of `text` compressed by gzip at its default level (6, as `gzip` and the upload actions
/// use).
[[nodiscard]] std::size_t gzip_size(std::string_view text);

} // namespace tfkms::report
