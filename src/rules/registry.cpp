#include "rules/registry.hpp"

#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"

#include <algorithm>

namespace tfkms::rules {

std::vector<std::unique_ptr<Rule>> make_all_rules() {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(make_tfkms001_key_policy_looks_restrictive());
  rules.push_back(make_tfkms002_aws_managed_key_shared());
  rules.push_back(make_tfkms003_grant_without_retirement());
  rules.push_back(make_tfkms004_key_open_beyond_account());
  rules.push_back(make_tfkms005_self_escalation());
  rules.push_back(make_tfkms006_lockout_risk());
  rules.push_back(make_tfkms007_rotation_disabled());
  rules.push_back(make_tfkms008_administrator_can_use_key());
  rules.push_back(make_tfkms009_replica_policy_differs());
  rules.push_back(make_tfkms010_cannot_evaluate());
  rules.push_back(make_tfkms011_policy_aws_would_reject());
  rules.push_back(make_tfkms020_access_gained_outside_account());
  rules.push_back(make_tfkms021_access_widened_through_iam());
  return rules;
}

std::span<const RuleInfo> all_rule_infos() {
  // Built once from the rules themselves, so the metadata cannot drift from the registry.
  static const std::vector<RuleInfo> infos = [] {
    std::vector<RuleInfo> result;
    for (const auto& rule : make_all_rules())
      result.push_back(rule->info());
    return result;
  }();
  return infos;
}

const RuleInfo* find_rule_info(std::string_view id) {
  const auto infos = all_rule_infos();
  const auto found =
      std::find_if(infos.begin(), infos.end(), [&](const RuleInfo& info) { return info.id == id; });
  return found == infos.end() ? nullptr : &*found;
}

bool is_rule_id(std::string_view id) { return find_rule_info(id) != nullptr; }

std::string_view rule_markdown(std::string_view id) { return doc_for(id); }

} // namespace tfkms::rules
