#pragma once
// What `tfkms version` reports besides TFKMS_VERSION: the commit the binary was built from.
#include <string_view>

namespace tfkms::cli {

// Short git commit of the sources ("-dirty" with uncommitted changes), or "unknown" when they were
// not a git checkout. Defined in a file generated at build time (cmake/BuildCommit.cmake).
[[nodiscard]] std::string_view build_commit();

} // namespace tfkms::cli
