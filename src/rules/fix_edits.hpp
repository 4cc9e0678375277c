#pragma once
// Fixes as data (rules/finding.hpp FixEdit): what the rules build for the policy edits they
// suggest.
#include "model/graph.hpp"
#include "policy/evaluate.hpp"
#include "rules/finding.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tfkms::rules {

/// Merge Condition block `condition` ({"Bool": {"kms:GrantIsForAWSResource": "true"}}) into
/// statement `statement` of the policy at `holder`.
[[nodiscard]] FixEdit condition_fix(const model::PolicySource& holder, std::size_t statement,
                                    const nlohmann::json& condition);

/// Add `statement` to the policy at `holder`.
[[nodiscard]] FixEdit statement_fix(const model::PolicySource& holder,
                                    const nlohmann::json& statement);

/// Remove statement `statement` from the policy at `holder`.
[[nodiscard]] FixEdit removal_fix(const model::PolicySource& holder, std::size_t statement);

/// Let statement `statement` of the policy at `holder` allow exactly `actions`
/// (["kms:PutKeyPolicy",
/// ...]), in place of its Action or NotAction.
[[nodiscard]] FixEdit actions_fix(const model::PolicySource& holder, std::size_t statement,
                                  const std::vector<std::string>& actions);

/// The actions statement `statement` of `policy` allows that neither use the key nor hand its use
/// out: everything but the cryptographic operations and kms:CreateGrant, as a key's administration
/// statement keeps them (kms-reference §3.10.1, §3.10.5). Never more than the statement allows.
[[nodiscard]] std::vector<std::string> administration_actions(const policy::CompiledPolicy& policy,
                                                              std::size_t statement);

/// Set the property at `pointer` (inside `resource`: "/enable_key_rotation" of a plan's resource,
/// "/Properties/EnableKeyRotation" of a template's) to `value`.
[[nodiscard]] FixEdit property_fix(const model::SourceRef& resource, std::string_view pointer,
                                   const nlohmann::json& value);

/// No mechanical change: the reviewer picks one of `options`.
[[nodiscard]] FixEdit choice_fix(std::vector<std::string> options);

/// The fix that closes the grant path of key-policy statement `statement`, which lets `label`
/// call kms:CreateGrant: sets Finding::fix and fix_edit.
void set_grant_path_fix(Finding& finding, const model::PolicySource& holder,
                        const policy::CompiledPolicy& policy, std::size_t statement,
                        const std::string& label);

/// A fix no edit can make: Finding::fix is "Design choice: " + `preface` + the options, and
/// fix_edit lists them.
void set_design_choice(Finding& finding, std::vector<std::string> options,
                       const std::string& preface = "");

/// `options` as a fix's text says them: "first Or: second Or: ...".
[[nodiscard]] std::string options_text(const std::vector<std::string>& options);

} // namespace tfkms::rules
