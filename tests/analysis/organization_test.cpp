// The rest of the chain in the access analysis: permissions boundaries, SCPs and RCPs from the
// graph (analysis/organization.hpp, docs/evaluation-chain.md "The chain from the inputs").
#include "analysis/access.hpp"
#include "analysis/access_map.hpp"
#include "graph_builders.hpp"
#include "model/value.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace tfkms;
using namespace tfkms::analysis;
using nlohmann::json;
using tfkms::test::add_inline_policy;

namespace {

constexpr const char* k_account = "111122223333";
constexpr model::KeyId k_key{0};
constexpr const char* k_power_user = "arn:aws:iam::111122223333:role/Team-Power-User-Role";

json policy_of(json statements) {
  return json{{"Version", "2012-10-17"}, {"Statement", std::move(statements)}};
}

// The console's default policy reduced to what matters here: account delegation and a named user.
json delegating_policy() {
  return policy_of({{{"Sid", "Enable IAM User Permissions"},
                     {"Effect", "Allow"},
                     {"Principal", {{"AWS", "arn:aws:iam::111122223333:root"}}},
                     {"Action", "kms:*"},
                     {"Resource", "*"}},
                    {{"Sid", "Allow use of the key"},
                     {"Effect", "Allow"},
                     {"Principal", {{"AWS", k_power_user}}},
                     {"Action", {"kms:Decrypt", "kms:Encrypt"}},
                     {"Resource", "*"}}});
}

model::Graph graph_with_key(json policy, model::KeyKind kind = model::KeyKind::customer) {
  model::Graph graph;
  graph.account = k_account;
  graph.region = "us-east-1";
  model::Key key;
  key.kind = kind;
  key.source.address = "aws_kms_key.data";
  key.arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  key.account = k_account;
  key.policy.state = model::PolicySource::State::document;
  key.policy.document = std::move(policy);
  graph.add(std::move(key));
  return graph;
}

model::PrincipalId add_role(model::Graph& graph, const std::string& name,
                            std::vector<model::PolicyId> policies,
                            std::optional<model::PolicyId> boundary = std::nullopt) {
  model::Principal role;
  role.kind = model::PrincipalKind::role;
  role.name = name;
  role.account = k_account;
  role.arn = "arn:aws:iam::111122223333:role/" + name;
  role.source.address = "aws_iam_role." + name;
  role.policies = std::move(policies);
  role.permissions_boundary = boundary;
  return graph.add(std::move(role));
}

void add_organization_policy(model::Graph& graph, model::OrganizationPolicyType type,
                             const std::string& name, json statements,
                             std::vector<std::string> targets) {
  model::OrganizationPolicy policy;
  policy.type = type;
  policy.name = name;
  policy.source.address = "aws_organizations_policy." + name;
  policy.document.state = model::PolicySource::State::document;
  policy.document.document = policy_of(std::move(statements));
  policy.targets = std::move(targets);
  graph.organization_policies.push_back(std::move(policy));
}

json deny_data_outside(const std::string& arn) {
  return {{{"Sid", "DataOnlyForPowerUsers"},
           {"Effect", "Deny"},
           {"Action", {"kms:Decrypt", "kms:Encrypt"}},
           {"Resource", "*"},
           {"Condition", {{"ArnNotEquals", {{"aws:PrincipalArn", arn}}}}}}};
}

bool reads(const KeyAccess& analysis, std::string_view label, bool needs_identity_policy = false) {
  for (const Access* access : analysis.of(ActionClass::read)) {
    const Subject& subject = analysis.subjects()[access->subject];
    if (subject.label.starts_with(label) && access->outcome == policy::Outcome::allowed &&
        access->needs_identity_policy == needs_identity_policy &&
        std::find(access->actions.begin(), access->actions.end(), "kms:Decrypt") !=
            access->actions.end()) {
      return true;
    }
  }
  return false;
}

std::string removed_by(const KeyAccess& analysis, std::string_view label) {
  std::string out;
  for (const Removal& removal : analysis.removals()) {
    if (!analysis.subjects()[removal.subject].label.starts_with(label))
      continue;
    for (const Removal::Cause& cause : removal.by)
      out += cause.text + "\n";
  }
  return out;
}

// Whether some removal of the subject labelled `label` names a policy of kind `source`.
bool removed_by_a(const KeyAccess& analysis, std::string_view label, policy::ReasonSource source) {
  const auto removals = analysis.removals();
  return std::any_of(removals.begin(), removals.end(), [&](const Removal& removal) {
    return analysis.subjects()[removal.subject].label.starts_with(label) && removal.by_a(source);
  });
}

} // namespace

TEST_CASE("a boundary without kms:Decrypt removes a role from who can read", "[analysis][chain]") {
  model::Graph graph = graph_with_key(delegating_policy());
  const model::PolicyId admin = add_inline_policy(
      graph, "admin", json::array({{{"Effect", "Allow"}, {"Action", "*"}, {"Resource", "*"}}}));
  const model::PolicyId s3_only = add_inline_policy(
      graph, "s3_only",
      json::array({{{"Effect", "Allow"}, {"Action", "s3:*"}, {"Resource", "*"}}}));
  const model::PolicyId s3_and_kms = add_inline_policy(
      graph, "s3_and_kms",
      json::array({{{"Effect", "Allow"}, {"Action", {"s3:*", "kms:*"}}, {"Resource", "*"}}}));
  add_role(graph, "bounded", {admin}, s3_only);
  add_role(graph, "free", {admin});
  add_role(graph, "kms_bounded", {admin}, s3_and_kms);
  const KeyAccess analysis = analyze_key(graph, k_key);

  // Same identity policies, different boundaries: three subjects, not one class.
  CHECK_FALSE(reads(analysis, "aws_iam_role.bounded"));
  CHECK(reads(analysis, "aws_iam_role.free"));
  CHECK(reads(analysis, "aws_iam_role.kms_bounded"));
  CHECK(removed_by(analysis, "aws_iam_role.bounded")
            .find("permissions boundary s3_only allows none of it") != std::string::npos);
  CHECK(removed_by(analysis, "aws_iam_role.free").empty());
  CHECK(removed_by_a(analysis, "aws_iam_role.bounded", policy::ReasonSource::permission_boundary));
  CHECK_FALSE(removed_by_a(analysis, "aws_iam_role.bounded", policy::ReasonSource::scp));

  // tfkms access lists what the boundary removed, and only the classes it reports.
  const KeyAccessMap map = summarise(analysis);
  CHECK(std::any_of(map.removed.begin(), map.removed.end(), [](const std::string& line) {
    return line ==
           "aws_iam_role.bounded: kms:Decrypt: permissions boundary s3_only allows none of it";
  }));
  CHECK(std::none_of(map.removed.begin(), map.removed.end(), [](const std::string& line) {
    return line.starts_with("aws_iam_role.free");
  }));

  // can() applies the boundary too.
  Caller bounded;
  bounded.principal = model::PrincipalId{0};
  CHECK(can(analysis, bounded, "kms:Decrypt").outcome != policy::Outcome::allowed);
}

TEST_CASE("an SCP of the account that denies data actions to all but one role",
          "[analysis][chain]") {
  model::Graph graph = graph_with_key(delegating_policy());
  const model::PolicyId admin = add_inline_policy(
      graph, "admin", json::array({{{"Effect", "Allow"}, {"Action", "*"}, {"Resource", "*"}}}));
  add_role(graph, "ops", {admin});
  add_organization_policy(graph, model::OrganizationPolicyType::service_control,
                          "data-only-for-power-users", deny_data_outside(k_power_user),
                          {k_account});
  const KeyAccess analysis = analyze_key(graph, k_key);

  CHECK_FALSE(reads(analysis, "aws_iam_role.ops"));
  CHECK_FALSE(reads(analysis, "any principal of account 111122223333", true));
  CHECK_FALSE(reads(analysis, "the root user of account 111122223333"));
  CHECK(reads(analysis, k_power_user));
  CHECK(removed_by(analysis, "aws_iam_role.ops")
            .find("SCP data-only-for-power-users statement 0 (Sid \"DataOnlyForPowerUsers\") "
                  "denies it") != std::string::npos);
  CHECK(removed_by_a(analysis, "aws_iam_role.ops", policy::ReasonSource::scp));
  CHECK_FALSE(removed_by_a(analysis, "aws_iam_role.ops", policy::ReasonSource::rcp));
  CHECK(analysis.unapplied().empty());
  // The power user's access is kept, and the SCP shows in no ground of it.
  CHECK(removed_by(analysis, k_power_user).empty());
}

TEST_CASE("an SCP attached where the input does not show the account is reported, not applied",
          "[analysis][chain]") {
  const std::vector<std::pair<std::string, std::string>> targets = {
      {"ou-ab12-cd34ef56", "ou-ab12-cd34ef56"},
      {model::symbol("aws_organizations_organizational_unit.apps.id"),
       "${aws_organizations_organizational_unit.apps.id}"}};
  for (const auto& [target, shown] : targets) {
    model::Graph graph = graph_with_key(delegating_policy());
    const model::PolicyId admin = add_inline_policy(
        graph, "admin", json::array({{{"Effect", "Allow"}, {"Action", "*"}, {"Resource", "*"}}}));
    add_role(graph, "ops", {admin});
    add_organization_policy(graph, model::OrganizationPolicyType::service_control, "data-only",
                            deny_data_outside(k_power_user), {target});
    const KeyAccess analysis = analyze_key(graph, k_key);
    INFO(target);
    CHECK(reads(analysis, "aws_iam_role.ops"));
    REQUIRE(analysis.unapplied().size() == 1);
    CHECK(analysis.unapplied().front().find("SCP data-only is not applied: it is attached to " +
                                            shown) != std::string::npos);
  }
}

TEST_CASE("SCPs of the root apply; those of another account do not", "[analysis][chain]") {
  for (const auto& [target, applies] :
       std::vector<std::pair<std::string, bool>>{{"r-ab12", true}, {"444455556666", false}}) {
    model::Graph graph = graph_with_key(delegating_policy());
    const model::PolicyId admin = add_inline_policy(
        graph, "admin", json::array({{{"Effect", "Allow"}, {"Action", "*"}, {"Resource", "*"}}}));
    add_role(graph, "ops", {admin});
    add_organization_policy(graph, model::OrganizationPolicyType::service_control, "data-only",
                            deny_data_outside(k_power_user), {target});
    const KeyAccess analysis = analyze_key(graph, k_key);
    INFO(target);
    CHECK(reads(analysis, "aws_iam_role.ops") == !applies);
    CHECK(analysis.unapplied().empty());
  }
}

TEST_CASE("an SCP AWS would refuse is never applied", "[analysis][chain]") {
  model::Graph graph = graph_with_key(delegating_policy());
  const model::PolicyId admin = add_inline_policy(
      graph, "admin", json::array({{{"Effect", "Allow"}, {"Action", "*"}, {"Resource", "*"}}}));
  add_role(graph, "ops", {admin});
  json statements = deny_data_outside(k_power_user);
  statements[0]["Principal"] = "*"; // SCPs have no Principal
  add_organization_policy(graph, model::OrganizationPolicyType::service_control, "with-principal",
                          statements, {k_account});
  const KeyAccess analysis = analyze_key(graph, k_key);
  CHECK(reads(analysis, "aws_iam_role.ops"));
  REQUIRE(analysis.unapplied().size() == 1);
  CHECK(analysis.unapplied().front().find("AWS would refuse it") != std::string::npos);
}

TEST_CASE("an RCP that denies callers outside the organisation narrows a \"*\" key policy",
          "[analysis][chain]") {
  const json open = policy_of({{{"Sid", "AllowEveryone"},
                                {"Effect", "Allow"},
                                {"Principal", {{"AWS", "*"}}},
                                {"Action", {"kms:Decrypt"}},
                                {"Resource", "*"}}});
  const json rcp = {{{"Sid", "OnlyOrganisation"},
                     {"Effect", "Deny"},
                     {"Principal", "*"},
                     {"Action", "kms:*"},
                     {"Resource", "*"},
                     {"Condition",
                      {{"StringNotEqualsIfExists", {{"aws:PrincipalOrgID", "o-a1b2c3d4e5"}}},
                       {"BoolIfExists", {{"aws:PrincipalIsAWSService", "false"}}}}}}};
  SECTION("on a customer managed key") {
    model::Graph graph = graph_with_key(open);
    add_organization_policy(graph, model::OrganizationPolicyType::resource_control,
                            "only-organisation", rcp, {k_account});
    const KeyAccess analysis = analyze_key(graph, k_key);
    bool found = false;
    for (const Access* access : analysis.of(ActionClass::read)) {
      if (analysis.subjects()[access->subject].label != "any principal of any other account")
        continue;
      found = true;
      CHECK(analysis.text(*access).find("aws:PrincipalOrgID is o-a1b2c3d4e5") != std::string::npos);
    }
    CHECK(found);
    CHECK(removed_by(analysis, "any principal of any other account")
              .find("RCP only-organisation statement 0") != std::string::npos);
    CHECK(removed_by_a(analysis, "any principal of any other account", policy::ReasonSource::rcp));
    CHECK_FALSE(
        removed_by_a(analysis, "any principal of any other account", policy::ReasonSource::scp));
  }
  SECTION("RCPs do not apply to AWS managed keys") {
    model::Graph graph = graph_with_key(open, model::KeyKind::aws_managed);
    add_organization_policy(graph, model::OrganizationPolicyType::resource_control,
                            "only-organisation", rcp, {k_account});
    const KeyAccess analysis = analyze_key(graph, k_key);
    CHECK(analysis.removals().empty());
  }
}
