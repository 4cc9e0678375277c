#pragma once
// The explicit list of rules: one factory per rule, one line each in registry.cpp.
#include "rules/rule.hpp"
#include "rules/rule_info.hpp"

#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace tfkms::rules {

/// The metadata of every rule, sorted by id.
[[nodiscard]] std::span<const RuleInfo> all_rule_infos();

/// A fresh instance of every rule, sorted by id.
[[nodiscard]] std::vector<std::unique_ptr<Rule>> make_all_rules();

/// The metadata of rule `id` (TFKMS003), or null when no rule has that id.
[[nodiscard]] const RuleInfo* find_rule_info(std::string_view id);

/// True when `id` names a registered rule (TFKMS003).
[[nodiscard]] bool is_rule_id(std::string_view id);

/// The embedded documentation page of rule `id` (rules/<id>.md), empty when there is none.
[[nodiscard]] std::string_view rule_markdown(std::string_view id);

} // namespace tfkms::rules
