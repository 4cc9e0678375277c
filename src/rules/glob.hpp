#pragma once
#include <string_view>

namespace tfkms::rules {

/// True when `text` matches `pattern`, where `*` matches any run of characters (also none) and `?`
/// exactly one. Used for resource patterns in .tfkms.yml ignore entries.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text);

} // namespace tfkms::rules
