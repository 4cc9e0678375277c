#pragma once
// Paths as GitHub wants them: relative to the repository root, with forward slashes (SARIF
// artifactLocation.uri, annotation `file=`). See shared/docs/sarif-github.md §1.3 and §1.5.
#include <optional>
#include <string>
#include <string_view>

namespace tfkms::report {

/// `file` relative to `root` ("infra/kms.tf"), both taken relative to the working directory when
/// not absolute (an empty `root` is the working directory). Nothing when `file` is empty or lies
/// outside `root`. Purely lexical: symbolic links are not resolved.
[[nodiscard]] std::optional<std::string> repository_relative(std::string_view file,
                                                             std::string_view root);

/// `path` as an RFC 3986 relative reference: bytes outside the unreserved set and `/` are
/// percent-encoded (spaces, `%`, `:`, `#`, `?`, `\`, non-ASCII), so no segment reads as a scheme.
[[nodiscard]] std::string uri_reference(std::string_view path);

} // namespace tfkms::report
