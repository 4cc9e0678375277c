#include "policy/actions.hpp"

#include "model/data_store_types.hpp"
#include "policy/kms_actions_table.hpp"
#include "policy/match.hpp"

#include <algorithm>
#include <bit>
#include <map>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace tfkms::policy {

namespace {

static_assert(detail::k_kms_actions.size() <= k_max_actions, "action masks are 64 bits wide");

// Hashes a key as a view, so that looking a text up copies nothing.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

/// Masks by pattern as written.
using Remembered = std::unordered_map<std::string, std::uint64_t, TextHash, std::equal_to<>>;

// `table` is sorted by lower-case name.
std::optional<std::size_t> position_in(std::span<const ActionInfo> table, std::string_view action) {
  const auto it = std::lower_bound(
      table.begin(), table.end(), action, [](const ActionInfo& info, std::string_view wanted) {
        return std::lexicographical_compare(
            info.lower.begin(), info.lower.end(), wanted.begin(), wanted.end(),
            [](char a, char b) { return lower_ascii(a) < lower_ascii(b); });
      });
  if (it == table.end() || !iequals(it->lower, action))
    return std::nullopt;
  return static_cast<std::size_t>(it - table.begin());
}

std::uint64_t pattern_mask(std::span<const ActionInfo> table, std::string_view pattern) {
  const std::string encoded = encode_wildcards(pattern);
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (wildcard_match(encoded, table[i].lower, Case::insensitive))
      mask |= std::uint64_t{1} << i;
  }
  return mask;
}

bool has_wildcards(std::string_view pattern) {
  return pattern.find_first_of("*?") != std::string_view::npos;
}

std::uint64_t mask_in(std::span<const ActionInfo> table, Remembered& remembered,
                      std::string_view pattern) {
  // Policies repeat a few names and patterns (kms:Decrypt, kms:*, kms:GenerateDataKey*) thousands
  // of times in a large plan: a name costs a case-insensitive search of the table, a pattern a
  // wildcard match per action. Remember them as written, up to a bound that hostile input cannot
  // push memory past.
  constexpr std::size_t k_remembered = 4096;
  if (const auto found = remembered.find(pattern); found != remembered.end())
    return found->second;
  std::uint64_t mask = 0;
  if (has_wildcards(pattern)) {
    mask = pattern_mask(table, pattern);
  } else if (const auto position = position_in(table, pattern)) {
    // Service prefix and action name are both case-insensitive [IAM-ACTION].
    mask = std::uint64_t{1} << *position;
  }
  if (remembered.size() < k_remembered)
    remembered.emplace(pattern, mask);
  return mask;
}

// The position a name without wildcards has in a table, from its mask: it matches one action or
// none.
std::optional<std::size_t> position_of_name(std::string_view action, std::uint64_t mask) {
  if (has_wildcards(action) || mask == 0)
    return std::nullopt;
  return static_cast<std::size_t>(std::countr_zero(mask));
}

struct StoreActions {
  std::vector<std::string> lower; // storage for ActionInfo::lower, never resized once filled
  std::vector<ActionInfo> table;
};

StoreActions collect_store_actions() {
  std::map<std::string, std::pair<std::string_view, std::string_view>> by_lower;
  for (const model::DataStoreType& type : model::data_store_types()) {
    for (const auto& [use, level] : {std::pair{type.reader, "Read"}, {type.writer, "Write"}}) {
      if (!use.action.empty())
        by_lower.try_emplace(to_lower(use.action), use.action, level);
    }
  }
  StoreActions out;
  out.lower.reserve(by_lower.size());
  for (const auto& [lower, entry] : by_lower) {
    const std::string& stored = out.lower.emplace_back(lower);
    out.table.push_back({.name = entry.first, .lower = stored, .access_level = entry.second});
  }
  return out;
}

const StoreActions& store_table() {
  static const StoreActions table = [] {
    StoreActions collected = collect_store_actions();
    if (collected.table.size() > k_max_actions)
      throw std::logic_error("store action masks are 64 bits wide");
    return collected;
  }();
  return table;
}

} // namespace

std::span<const ActionInfo> kms_actions() { return detail::k_kms_actions; }

std::optional<ActionIndex> find_action(std::string_view action) {
  // Through match_actions(), which remembers the names it has looked up.
  const auto position = position_of_name(action, match_actions(action));
  if (!position)
    return std::nullopt;
  return static_cast<ActionIndex>(*position);
}

std::uint64_t match_actions(std::string_view pattern) {
  thread_local Remembered remembered;
  return mask_in(detail::k_kms_actions, remembered, pattern);
}

std::uint64_t action_mask(std::span<const std::string_view> actions) {
  std::uint64_t mask = 0;
  for (const std::string_view action : actions) {
    if (const std::optional<ActionIndex> index = find_action(action))
      mask |= std::uint64_t{1} << *index;
  }
  return mask;
}

std::span<const ActionInfo> store_actions() { return store_table().table; }

std::optional<ActionIndex> find_store_action(std::string_view action) {
  const auto position = position_of_name(action, match_store_actions(action));
  if (!position)
    return std::nullopt;
  return static_cast<ActionIndex>(k_store_action_base + *position);
}

std::uint64_t match_store_actions(std::string_view pattern) {
  thread_local Remembered remembered;
  return mask_in(store_actions(), remembered, pattern);
}

const ActionInfo& action_info(ActionIndex index) {
  return index >= k_store_action_base ? store_actions()[index - k_store_action_base]
                                      : kms_actions()[index];
}

} // namespace tfkms::policy
