#pragma once
// The factories of the rules, one per rule file (src/rules/tfkmsNNN_<what>.cpp). Only registry.cpp
// includes this.
#include "rules/rule.hpp"

#include <memory>

namespace tfkms::rules {

std::unique_ptr<Rule> make_tfkms001_key_policy_looks_restrictive();
std::unique_ptr<Rule> make_tfkms002_aws_managed_key_shared();
std::unique_ptr<Rule> make_tfkms003_grant_without_retirement();
std::unique_ptr<Rule> make_tfkms004_key_open_beyond_account();
std::unique_ptr<Rule> make_tfkms005_self_escalation();
std::unique_ptr<Rule> make_tfkms006_lockout_risk();
std::unique_ptr<Rule> make_tfkms007_rotation_disabled();
std::unique_ptr<Rule> make_tfkms008_administrator_can_use_key();
std::unique_ptr<Rule> make_tfkms009_replica_policy_differs();
std::unique_ptr<Rule> make_tfkms010_cannot_evaluate();
std::unique_ptr<Rule> make_tfkms011_policy_aws_would_reject();
std::unique_ptr<Rule> make_tfkms020_access_gained_outside_account();
std::unique_ptr<Rule> make_tfkms021_access_widened_through_iam();

} // namespace tfkms::rules
