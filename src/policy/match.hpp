#pragma once
// String matching used by the evaluator: wildcard patterns (`*`, `?`) and ARNs split into their
// components. Patterns are *encoded*: the wildcards are the bytes k_any and k_one, so a literal `*`
// (written `${*}` in a policy, or substituted from a variable) can never act as a wildcard.
#include "model/arn.hpp"

#include <string>
#include <string_view>

namespace tfkms::policy {

inline constexpr char k_any = '\x03'; ///< encoded `*`: any run of characters
inline constexpr char k_one = '\x04'; ///< encoded `?`: exactly one character

enum class Case { sensitive, insensitive };

/// `text` with `*` and `?` turned into k_any and k_one.
[[nodiscard]] std::string encode_wildcards(std::string_view text);

/// True when encoded `pattern` matches all of `text`. Each run between k_any marks is placed at its
/// leftmost match, which is correct for globs and never backtracks: O(|pattern| * |text|) at worst,
/// so hostile patterns such as `*a*a*a*…b` cannot blow up.
[[nodiscard]] bool wildcard_match(std::string_view pattern, std::string_view text,
                                  Case letter_case);

using model::ArnParts;
using model::split_arn;

/// ArnLike / ArnEquals: each component matched separately, so `*` never crosses a colon except
/// inside the resource part [IAM-CONDOPS]. Case-sensitive.
[[nodiscard]] bool arn_match(std::string_view encoded_pattern, std::string_view arn);

/// A `Resource` element entry against the request's resource: `*` matches everything; otherwise an
/// ARN matched per component, partition/service/region/account ignoring case [IAM-RESOURCE].
[[nodiscard]] bool resource_match(std::string_view encoded_pattern, std::string_view resource);

/// True for a 12-digit AWS account id, or model::k_this_account (the deployment account when
/// unnamed).
[[nodiscard]] bool is_account_id(std::string_view text);

/// ASCII lower case: AWS compares names case-insensitively in ASCII only.
[[nodiscard]] constexpr char lower_ascii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// ASCII lower-case copy.
[[nodiscard]] std::string to_lower(std::string_view text);

/// Equal ignoring ASCII case.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b);

} // namespace tfkms::policy
