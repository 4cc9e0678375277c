#pragma once
// The length of a JSON value written without white space, counted without writing it.
#include <nlohmann/json.hpp>

#include <cstddef>

namespace tfkms::policy {

/// `value.dump().size()`: the bytes of `value` written compactly as nlohmann::json writes it (UTF-8
/// copied, control characters, quotes and backslashes escaped). Its strings must be valid UTF-8, as
/// the loaders ensure; dump() would throw on others.
[[nodiscard]] std::size_t compact_json_size(const nlohmann::json& value);

} // namespace tfkms::policy
