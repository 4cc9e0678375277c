#include "policy/actions.hpp"

#include <algorithm>

#include "policy/kms_actions_table.hpp"
#include "policy/match.hpp"

namespace tfkms::policy {

static_assert(detail::k_kms_actions.size() <= k_max_actions, "action masks are 64 bits wide");

std::span<const ActionInfo> kms_actions() { return detail::k_kms_actions; }

std::optional<ActionIndex> find_action(std::string_view action) {
  // The table is sorted by lower-case name (tools/gen_kms_actions.py).
  const auto& table = detail::k_kms_actions;
  const auto it = std::lower_bound(table.begin(), table.end(), action, [](const ActionInfo& info, std::string_view wanted) {
    return std::lexicographical_compare(info.lower.begin(), info.lower.end(), wanted.begin(), wanted.end(),
                                        [](char a, char b) { return lower_ascii(a) < lower_ascii(b); });
  });
  if (it == table.end() || !iequals(it->lower, action)) return std::nullopt;
  return static_cast<ActionIndex>(it - table.begin());
}

std::uint64_t match_actions(std::string_view pattern) {
  // Service prefix and action name are both case-insensitive [IAM-ACTION].
  if (pattern.find_first_of("*?") == std::string_view::npos) {
    const auto index = find_action(pattern);
    return index ? std::uint64_t{1} << *index : 0;
  }
  const std::string encoded = encode_wildcards(pattern);
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i < detail::k_kms_actions.size(); ++i) {
    if (wildcard_match(encoded, detail::k_kms_actions[i].lower, Case::insensitive)) mask |= std::uint64_t{1} << i;
  }
  return mask;
}

} // namespace tfkms::policy
