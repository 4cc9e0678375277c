#include "policy/actions.hpp"

#include "policy/kms_actions_table.hpp"
#include "policy/match.hpp"

#include <algorithm>
#include <map>

namespace tfkms::policy {

static_assert(detail::k_kms_actions.size() <= k_max_actions, "action masks are 64 bits wide");

std::span<const ActionInfo> kms_actions() { return detail::k_kms_actions; }

std::optional<ActionIndex> find_action(std::string_view action) {
  // The table is sorted by lower-case name (tools/gen_kms_actions.py).
  const auto& table = detail::k_kms_actions;
  const auto it = std::lower_bound(
      table.begin(), table.end(), action, [](const ActionInfo& info, std::string_view wanted) {
        return std::lexicographical_compare(
            info.lower.begin(), info.lower.end(), wanted.begin(), wanted.end(),
            [](char a, char b) { return lower_ascii(a) < lower_ascii(b); });
      });
  if (it == table.end() || !iequals(it->lower, action))
    return std::nullopt;
  return static_cast<ActionIndex>(it - table.begin());
}

std::uint64_t match_actions(std::string_view pattern) {
  // Service prefix and action name are both case-insensitive [IAM-ACTION].
  if (pattern.find_first_of("*?") == std::string_view::npos) {
    const auto index = find_action(pattern);
    return index ? std::uint64_t{1} << *index : 0;
  }
  // Policies repeat a few patterns (kms:*, kms:Describe*, kms:GenerateDataKey*) thousands of times
  // in a large plan, and each costs a wildcard match per action: remember them, up to a bound that
  // hostile input cannot push memory past.
  constexpr std::size_t k_remembered = 4096;
  thread_local std::map<std::string, std::uint64_t, std::less<>> remembered;
  if (const auto found = remembered.find(pattern); found != remembered.end())
    return found->second;
  const std::string encoded = encode_wildcards(pattern);
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i < detail::k_kms_actions.size(); ++i) {
    if (wildcard_match(encoded, detail::k_kms_actions[i].lower, Case::insensitive))
      mask |= std::uint64_t{1} << i;
  }
  if (remembered.size() < k_remembered)
    remembered.emplace(pattern, mask);
  return mask;
}

} // namespace tfkms::policy
