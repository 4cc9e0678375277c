#include "rules/fix_edits.hpp"

#include "policy/actions.hpp"

namespace tfkms::rules {

FixEdit condition_fix(const model::PolicySource& holder, std::size_t statement,
                      const nlohmann::json& condition) {
  return FixEdit{.kind = FixKind::add_condition,
                 .policy = holder.where.pointer,
                 .statement = statement,
                 .json = condition.dump(),
                 .options = {},
                 .property = {}};
}

FixEdit statement_fix(const model::PolicySource& holder, const nlohmann::json& statement) {
  return FixEdit{.kind = FixKind::add_statement,
                 .policy = holder.where.pointer,
                 .statement = std::nullopt,
                 .json = statement.dump(),
                 .options = {},
                 .property = {}};
}

FixEdit removal_fix(const model::PolicySource& holder, std::size_t statement) {
  return FixEdit{.kind = FixKind::remove_statement,
                 .policy = holder.where.pointer,
                 .statement = statement,
                 .json = {},
                 .options = {},
                 .property = {}};
}

FixEdit actions_fix(const model::PolicySource& holder, std::size_t statement,
                    const std::vector<std::string>& actions) {
  return FixEdit{.kind = FixKind::set_actions,
                 .policy = holder.where.pointer,
                 .statement = statement,
                 .json = nlohmann::json(actions).dump(),
                 .options = {},
                 .property = {}};
}

std::vector<std::string> administration_actions(const policy::CompiledPolicy& policy,
                                                std::size_t statement) {
  const std::uint64_t allowed = policy.actions_of_statement(statement);
  std::vector<std::string> kept;
  const auto catalogue = policy::kms_actions();
  for (std::size_t index = 0; index < catalogue.size(); ++index) {
    const policy::ActionInfo& action = catalogue[index];
    if ((allowed >> index & 1U) != 0 && !action.cryptographic && action.name != "CreateGrant")
      kept.push_back("kms:" + std::string(action.name));
  }
  return kept;
}

FixEdit property_fix(const model::SourceRef& resource, std::string_view pointer,
                     const nlohmann::json& value) {
  return FixEdit{.kind = FixKind::set_property,
                 .policy = {},
                 .statement = std::nullopt,
                 .json = value.dump(),
                 .options = {},
                 .property = resource.pointer + std::string(pointer)};
}

FixEdit choice_fix(std::vector<std::string> options) {
  return FixEdit{.kind = FixKind::design_choice,
                 .policy = {},
                 .statement = std::nullopt,
                 .json = {},
                 .options = std::move(options),
                 .property = {}};
}

std::string options_text(const std::vector<std::string>& options) {
  std::string text;
  for (const std::string& option : options)
    text += (text.empty() ? "" : " Or: ") + option;
  return text;
}

namespace {

// Whether statement `statement` allows the grant operations kms:GrantIsForAWSResource is part of
// (CreateGrant, ListGrants, RevokeGrant) and nothing else.
bool allows_grant_operations_only(const policy::CompiledPolicy& policy, std::size_t statement) {
  constexpr std::string_view k_grant_operations[] = {"kms:CreateGrant", "kms:ListGrants",
                                                     "kms:RevokeGrant"};
  return (policy.actions_of_statement(statement) & ~policy::action_mask(k_grant_operations)) == 0;
}

} // namespace

void set_grant_path_fix(Finding& finding, const model::PolicySource& holder,
                        const policy::CompiledPolicy& policy, std::size_t statement,
                        const std::string& label) {
  const std::string condition = R"({"Bool": {"kms:GrantIsForAWSResource": "true"}})";
  const std::string where = "statement " + std::to_string(statement);
  if (allows_grant_operations_only(policy, statement)) {
    finding.fix = "Add \"Condition\": " + condition + " to " + where +
                  ", which allows kms:CreateGrant, so only AWS services acting for " + label +
                  " can create grants.";
    finding.fix_edit = condition_fix(holder, statement, nlohmann::json::parse(condition));
    return;
  }
  // The condition key is in grant requests only: on a statement that allows other actions too it
  // would take those away (a condition on a missing key is false, kms-reference §3.9), the
  // administration of the key included.
  std::vector<std::string> options{
      "Take kms:CreateGrant out of " + where + " (list its other actions instead of kms:Create*) " +
          "and give " + label + " kms:CreateGrant, kms:ListGrants and kms:RevokeGrant in a " +
          "statement of their own with \"Condition\": " + condition + ".",
      "Take kms:CreateGrant out of " + where + " and give it to " + label + " nowhere else."};
  set_design_choice(finding, std::move(options),
                    "a condition on " + where + " would also take its other actions away. ");
}

void set_design_choice(Finding& finding, std::vector<std::string> options,
                       const std::string& preface) {
  finding.fix = "Design choice: " + preface + options_text(options);
  finding.fix_edit = choice_fix(std::move(options));
}

} // namespace tfkms::rules
