#include "analysis/access.hpp"
#include "analysis/analysis_detail.hpp"
#include "graph_builders.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace tfkms;
using namespace tfkms::analysis;
using nlohmann::json;
using tfkms::test::add_inline_policy;

namespace {

constexpr const char* k_account = "111122223333";
constexpr const char* k_root = "arn:aws:iam::111122223333:root";

model::Graph graph_with_key(json policy) {
  model::Graph graph;
  graph.account = k_account;
  graph.region = "us-east-1";
  model::Key key;
  key.source.address = "aws_kms_key.data";
  key.arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  key.account = k_account;
  if (!policy.is_null()) {
    key.policy.state = model::PolicySource::State::document;
    key.policy.document = std::move(policy);
  }
  graph.add(std::move(key));
  return graph;
}

constexpr model::KeyId k_key{0};

json policy_of(json statements) {
  return json{{"Version", "2012-10-17"}, {"Statement", std::move(statements)}};
}

json allow(json principal, json actions, json condition = nullptr) {
  json statement{{"Effect", "Allow"},
                 {"Principal", std::move(principal)},
                 {"Action", std::move(actions)},
                 {"Resource", "*"}};
  if (!condition.is_null())
    statement["Condition"] = std::move(condition);
  return statement;
}

json aws(json arns) { return json{{"AWS", std::move(arns)}}; }

/// The statements of an identity policy that allows `action` on every resource.
json allowing_everywhere(const std::string& action) {
  return json::array({{{"Effect", "Allow"}, {"Action", action}, {"Resource", "*"}}});
}

model::PrincipalId add_role(model::Graph& graph, const std::string& name,
                            std::vector<model::PolicyId> policies = {},
                            const std::string& account = k_account) {
  return test::add_role(graph, name, account, std::move(policies));
}

std::size_t subject_index(const KeyAccess& analysis, std::string_view label) {
  const auto& subjects = analysis.subjects();
  const auto it = std::find_if(subjects.begin(), subjects.end(),
                               [&](const Subject& s) { return s.label == label; });
  REQUIRE(it != subjects.end());
  return static_cast<std::size_t>(it - subjects.begin());
}

// The accesses of `label` in `action_class` that cover `action` (allowed ones unless `outcome`
// says).
std::vector<const Access*> accesses(const KeyAccess& analysis, std::string_view label,
                                    ActionClass action_class, std::string_view action,
                                    policy::Outcome outcome = policy::Outcome::allowed) {
  const std::size_t subject = subject_index(analysis, label);
  std::vector<const Access*> out;
  for (const Access* access : analysis.of(action_class)) {
    if (access->subject != subject || access->outcome != outcome)
      continue;
    if (std::find(access->actions.begin(), access->actions.end(), action) != access->actions.end())
      out.push_back(access);
  }
  return out;
}

Caller graph_caller(std::uint32_t principal) {
  Caller caller;
  caller.principal = model::PrincipalId{principal};
  return caller;
}

// The labels of the subjects with any allowed access in `action_class`.
std::vector<std::string> who(const KeyAccess& analysis, ActionClass action_class,
                             bool needs_identity_policy) {
  std::vector<std::string> out;
  for (const Access* access : analysis.of(action_class)) {
    if (access->outcome != policy::Outcome::allowed ||
        access->needs_identity_policy != needs_identity_policy)
      continue;
    const std::string& label = analysis.subjects()[access->subject].label;
    if (std::find(out.begin(), out.end(), label) == out.end())
      out.push_back(label);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool has_ground(const std::vector<Ground>& grounds, policy::ReasonSource source,
                std::string_view text_part) {
  return std::any_of(grounds.begin(), grounds.end(), [&](const Ground& g) {
    return g.source == source && g.text.find(text_part) != std::string::npos;
  });
}

const std::vector<std::string> k_admin_actions = {"kms:Create*",
                                                  "kms:Describe*",
                                                  "kms:Enable*",
                                                  "kms:List*",
                                                  "kms:Put*",
                                                  "kms:Update*",
                                                  "kms:Revoke*",
                                                  "kms:Disable*",
                                                  "kms:Get*",
                                                  "kms:Delete*",
                                                  "kms:TagResource",
                                                  "kms:UntagResource",
                                                  "kms:ScheduleKeyDeletion",
                                                  "kms:CancelKeyDeletion"};
const std::vector<std::string> k_use_actions = {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                                                "kms:GenerateDataKey*", "kms:DescribeKey"};

// Seed 001: the console's default policy with a key administrator and a key user.
json console_default_policy() {
  json root = allow(aws(k_root), "kms:*");
  root["Sid"] = "Enable IAM User Permissions";
  json admins = allow(aws("arn:aws:iam::111122223333:role/Team-Admin-Role"), k_admin_actions);
  admins["Sid"] = "Allow access for Key Administrators";
  json users = allow(aws("arn:aws:iam::111122223333:role/Team-Power-User-Role"), k_use_actions);
  users["Sid"] = "Allow use of the key";
  json attach = allow(aws("arn:aws:iam::111122223333:role/Team-Power-User-Role"),
                      {"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"},
                      {{"Bool", {{"kms:GrantIsForAWSResource", "true"}}}});
  attach["Sid"] = "Allow attachment of persistent resources";
  return policy_of({root, admins, users, attach});
}

} // namespace

TEST_CASE("console default policy: a role with AdministratorAccess reads through delegation",
          "[analysis]") {
  model::Graph graph = graph_with_key(console_default_policy());
  const model::PolicyId admin_access =
      graph.aws_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess");
  const model::PrincipalId ops = add_role(graph, "ops", {admin_access});
  const KeyAccess analysis = analyze_key(graph, k_key);

  const auto reads = accesses(analysis, "aws_iam_role.ops", ActionClass::read, "kms:Decrypt");
  REQUIRE(reads.size() == 1);
  CHECK(reads.front()->unconditional());
  CHECK_FALSE(reads.front()->needs_identity_policy);
  CHECK(has_ground(reads.front()->grounds, policy::ReasonSource::key_policy,
                   "Enable IAM User Permissions"));
  CHECK(has_ground(reads.front()->grounds, policy::ReasonSource::identity_policy,
                   "AdministratorAccess"));

  const auto delegated = delegated_access(analysis, {ActionClass::read});
  REQUIRE(delegated.size() == 1);
  CHECK(delegated.front().principal == ops);
  REQUIRE(delegated.front().identity_grounds.size() == 1);
  CHECK(delegated.front().identity_grounds.front().policy == admin_access);
  CHECK(has_ground(delegated.front().key_policy_grounds, policy::ReasonSource::key_policy,
                   "Sid \"Enable IAM User"));

  // The named key user needs no identity policy: the key policy names it in its own account.
  const auto user_reads = accesses(analysis, "arn:aws:iam::111122223333:role/Team-Power-User-Role",
                                   ActionClass::read, "kms:Decrypt");
  REQUIRE_FALSE(user_reads.empty());
  CHECK_FALSE(user_reads.front()->needs_identity_policy);
  CHECK(has_ground(user_reads.front()->grounds, policy::ReasonSource::key_policy,
                   "Allow use of the key"));

  // The key administrator can rewrite the policy without any identity policy, but not read.
  CHECK_FALSE(accesses(analysis, "arn:aws:iam::111122223333:role/Team-Admin-Role",
                       ActionClass::policy_change, "kms:PutKeyPolicy")
                  .empty());
  for (const Access* access : accesses(analysis, "arn:aws:iam::111122223333:role/Team-Admin-Role",
                                       ActionClass::read, "kms:Decrypt")) {
    CHECK(access->needs_identity_policy);
  }
}

TEST_CASE(
    "console default policy without IAM principals: any principal of the account whose IAM allows",
    "[analysis]") {
  const model::Graph graph = graph_with_key(console_default_policy());
  const KeyAccess analysis = analyze_key(graph, k_key);

  const auto reads =
      accesses(analysis, "any principal of account 111122223333", ActionClass::read, "kms:Decrypt");
  REQUIRE(reads.size() == 1);
  CHECK(reads.front()->needs_identity_policy);
  CHECK(reads.front()->unconditional());
  CHECK(analysis.text(*reads.front())
            .starts_with("any principal of account 111122223333 whose identity policy allows it "
                         "can kms:Decrypt ("));
  CHECK(who(analysis, ActionClass::read, false) ==
        std::vector<std::string>{"arn:aws:iam::111122223333:role/Team-Power-User-Role",
                                 "the root user of account 111122223333"});
  CHECK(delegated_access(analysis, {ActionClass::read}).empty());
  // No other account is named: it gets nothing.
  CHECK(accesses(analysis, "any principal of any other account", ActionClass::read, "kms:Decrypt")
            .empty());
}

TEST_CASE("grants for AWS resources are reported with their condition", "[analysis]") {
  const model::Graph graph = graph_with_key(console_default_policy());
  const KeyAccess analysis = analyze_key(graph, k_key);
  auto grants = accesses(analysis, "arn:aws:iam::111122223333:role/Team-Power-User-Role",
                         ActionClass::grant_management, "kms:CreateGrant");
  // With an identity policy that allows it, root delegation gives CreateGrant without the
  // condition.
  REQUIRE(grants.size() == 2);
  CHECK_FALSE(grants[0]->needs_identity_policy);
  CHECK(text(grants[0]->when) == "kms:GrantIsForAWSResource is true");
  CHECK(grants[1]->needs_identity_policy);
  CHECK(grants[1]->unconditional());
}

TEST_CASE("kms:ViaService with kms:CallerAccount: every principal of the account, only through the "
          "service",
          "[analysis]") {
  const model::Graph graph =
      graph_with_key(policy_of({allow("*",
                                      {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                                       "kms:GenerateDataKey*", "kms:DescribeKey"},
                                      {{"StringEquals",
                                        {{"kms:CallerAccount", k_account},
                                         {"kms:ViaService", "s3.us-east-1.amazonaws.com"}}}}),
                                allow(aws(k_root), {"kms:Describe*", "kms:Get*", "kms:List*"})}));
  const KeyAccess analysis = analyze_key(graph, k_key);

  const auto reads =
      accesses(analysis, "any principal of account 111122223333", ActionClass::read, "kms:Decrypt");
  REQUIRE(reads.size() == 1);
  CHECK_FALSE(reads.front()->needs_identity_policy);
  CHECK(text(reads.front()->when) == "kms:ViaService is s3.us-east-1.amazonaws.com");
  const auto writes = accesses(analysis, "any principal of account 111122223333",
                               ActionClass::write, "kms:Encrypt");
  REQUIRE(writes.size() == 1);
  CHECK(writes.front()->actions.size() == actions_of(ActionClass::write).size());
  CHECK(accesses(analysis, "any principal of any other account", ActionClass::read, "kms:Decrypt")
            .empty());
  CHECK(who(analysis, ActionClass::administration, false).empty());
}

TEST_CASE("root delegation limited to a service: IAM principals only via EC2", "[analysis]") {
  model::Graph graph = graph_with_key(policy_of(
      {allow(aws(k_root), {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"},
             {{"StringEquals", {{"kms:ViaService", "ec2.us-east-1.amazonaws.com"}}}})}));
  const model::PolicyId admin_access =
      graph.aws_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess");
  add_role(graph, "ops", {admin_access});
  const KeyAccess analysis = analyze_key(graph, k_key);

  const auto reads = accesses(analysis, "aws_iam_role.ops", ActionClass::read, "kms:Decrypt");
  REQUIRE(reads.size() == 1);
  CHECK(text(reads.front()->when) == "kms:ViaService is ec2.us-east-1.amazonaws.com");
  const auto others =
      accesses(analysis, "any principal of account 111122223333", ActionClass::read, "kms:Decrypt");
  REQUIRE(others.size() == 1);
  CHECK(others.front()->needs_identity_policy);

  CHECK(can(analysis, graph_caller(0), "kms:Decrypt").outcome ==
        policy::Outcome::implicitly_denied);
  const Answer via_ec2 = can(analysis, graph_caller(0), "kms:Decrypt",
                             {{"kms:ViaService", {"ec2.us-east-1.amazonaws.com"}}});
  CHECK(via_ec2.outcome == policy::Outcome::allowed);
  CHECK(has_ground(via_ec2.grounds, policy::ReasonSource::identity_policy, "AdministratorAccess"));
}

TEST_CASE(
    "Principal * with the own account as caller: every principal of the account, no IAM needed",
    "[analysis]") {
  const model::Graph graph =
      graph_with_key(policy_of({allow(aws(k_root), "kms:*"),
                                allow("*", {"kms:Decrypt", "kms:Encrypt"},
                                      {{"StringEquals", {{"kms:CallerAccount", k_account}}}})}));
  const KeyAccess analysis = analyze_key(graph, k_key);
  const auto reads =
      accesses(analysis, "any principal of account 111122223333", ActionClass::read, "kms:Decrypt");
  REQUIRE(reads.size() == 1);
  CHECK_FALSE(reads.front()->needs_identity_policy);
  CHECK(reads.front()->unconditional());
  CHECK(accesses(analysis, "any principal of any other account", ActionClass::read, "kms:Decrypt")
            .empty());
}

TEST_CASE("an Allow with NotAction grants policy change", "[analysis]") {
  const model::Graph graph = graph_with_key(
      policy_of({json{{"Effect", "Allow"},
                      {"Principal", "*"},
                      {"NotAction", "kms:ScheduleKeyDeletion"},
                      {"Resource", "*"},
                      {"Condition", {{"StringEquals", {{"kms:CallerAccount", k_account}}}}}}}));
  const KeyAccess analysis = analyze_key(graph, k_key);
  const std::string everyone = "any principal of account 111122223333";
  CHECK_FALSE(accesses(analysis, everyone, ActionClass::policy_change, "kms:PutKeyPolicy").empty());
  CHECK_FALSE(accesses(analysis, everyone, ActionClass::read, "kms:Decrypt").empty());
  CHECK(
      accesses(analysis, everyone, ActionClass::administration, "kms:ScheduleKeyDeletion").empty());
  CHECK_FALSE(accesses(analysis, everyone, ActionClass::administration, "kms:DisableKey").empty());
}

TEST_CASE("a Deny with NotPrincipal leaves only the exempted principals", "[analysis]") {
  model::Graph graph =
      graph_with_key(policy_of({allow(aws(k_root), "kms:*"),
                                json{{"Effect", "Deny"},
                                     {"NotPrincipal", aws("arn:aws:iam::111122223333:role/admin")},
                                     {"Action", "kms:*"},
                                     {"Resource", "*"}}}));
  const model::PolicyId admin_access =
      graph.aws_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess");
  add_role(graph, "admin", {admin_access});
  add_role(graph, "ops", {admin_access});
  const KeyAccess analysis = analyze_key(graph, k_key);
  CHECK(accesses(analysis, "aws_iam_role.ops", ActionClass::read, "kms:Decrypt").empty());
  CHECK(
      accesses(analysis, "any principal of account 111122223333", ActionClass::read, "kms:Decrypt")
          .empty());
  for (const ActionClass action_class : k_action_classes) {
    for (const std::string& label : who(analysis, action_class, false))
      CHECK(label == "aws_iam_role.admin");
  }
  CHECK(can(analysis, graph_caller(1), "kms:Decrypt").outcome ==
        policy::Outcome::explicitly_denied);
}

TEST_CASE(
    "a cross-account statement lets the other account's principals use the key if their IAM allows",
    "[analysis]") {
  const model::Graph graph = graph_with_key(
      policy_of({allow(aws(k_root), "kms:*"),
                 allow(aws("arn:aws:iam::444455556666:root"),
                       {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                        "kms:DescribeKey", "kms:ScheduleKeyDeletion"})}));
  const KeyAccess analysis = analyze_key(graph, k_key);
  const std::string external = "any principal of account 444455556666";
  const auto reads = accesses(analysis, external, ActionClass::read, "kms:Decrypt");
  REQUIRE(reads.size() == 1);
  CHECK(reads.front()->needs_identity_policy);
  CHECK(has_ground(reads.front()->grounds, policy::ReasonSource::key_policy, "statement 1"));
  // ScheduleKeyDeletion is never effective across accounts (kms-reference §1.1).
  CHECK(
      accesses(analysis, external, ActionClass::administration, "kms:ScheduleKeyDeletion").empty());
  CHECK(accesses(analysis, "any principal of any other account", ActionClass::read, "kms:Decrypt")
            .empty());
}

TEST_CASE("a grant gives its grantee exactly its operations under its constraints", "[analysis]") {
  model::Graph graph = graph_with_key(nullptr); // default key policy
  add_role(graph, "worker");
  model::Grant grant;
  grant.source.address = "aws_kms_grant.worker";
  grant.key.kind = model::KeyRef::Kind::node;
  grant.key.key = k_key;
  grant.grantee = "arn:aws:iam::111122223333:role/worker";
  grant.operations = {"Decrypt"};
  grant.encryption_context_equals = {{"dept", "it"}};
  graph.grants.push_back(grant);
  const KeyAccess analysis = analyze_key(graph, k_key);

  const auto reads = accesses(analysis, "aws_iam_role.worker", ActionClass::read, "kms:Decrypt");
  REQUIRE(reads.size() == 1);
  CHECK(has_ground(reads.front()->grounds, policy::ReasonSource::grant, "aws_kms_grant.worker"));
  REQUIRE(reads.front()->when.size() == 1);
  const Condition& when = reads.front()->when.front();
  REQUIRE(when.find("kms:EncryptionContext:dept") != nullptr);
  CHECK(when.find("kms:EncryptionContext:dept")->values == std::vector<std::string>{"it"});
  CHECK_FALSE(when.find("kms:EncryptionContext:dept")->other_values);
  REQUIRE(when.find(k_other_context_key) != nullptr);
  CHECK(when.find(k_other_context_key)->absent);
  CHECK(accesses(analysis, "aws_iam_role.worker", ActionClass::write, "kms:Encrypt").empty());

  CHECK(can(analysis, graph_caller(0), "kms:Decrypt",
            {{"kms:EncryptionContext:dept", {"it"}}, {"kms:EncryptionContextKeys", {"dept"}}})
            .outcome == policy::Outcome::allowed);
}

TEST_CASE("seed 003 NarrowerKeyPolicy: exactly the named roles get access", "[analysis]") {
  const json named = {"arn:aws:iam::111122223333:role/appA", "arn:aws:iam::111122223333:user/ci"};
  json full = allow(aws(named), "kms:*");
  full["Sid"] = "AllowFullAccess";
  json deny{{"Sid", "DenyEveryoneElse"},
            {"Effect", "Deny"},
            {"Principal", aws("*")},
            {"Action", "kms:*"},
            {"Resource", "*"},
            {"Condition", {{"ArnNotEquals", {{"aws:PrincipalArn", named}}}}}};
  json root = allow(aws(k_root), "kms:*");
  model::Graph graph = graph_with_key(policy_of({root, full, deny}));
  const model::PolicyId admin_access =
      graph.aws_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess");
  add_role(graph, "appA");
  add_role(graph, "ops", {admin_access});
  const KeyAccess analysis = analyze_key(graph, k_key);

  const std::vector<std::string> expected{"arn:aws:iam::111122223333:user/ci", "aws_iam_role.appA"};
  for (const ActionClass action_class : k_action_classes) {
    INFO(to_string(action_class));
    CHECK(who(analysis, action_class, false) == expected);
    for (const std::string& label : who(analysis, action_class, true)) {
      CHECK(std::find(expected.begin(), expected.end(), label) != expected.end());
    }
  }
  // The Deny takes away what the root delegation gives the administrator role.
  const StatementEffect deny_effect = statement_effect(analysis, 2);
  CHECK(deny_effect.effect() == policy::Effect::deny);
  CHECK(std::any_of(deny_effect.removes().begin(), deny_effect.removes().end(),
                    [&](const Access& access) {
                      return analysis.subjects()[access.subject].label == "aws_iam_role.ops";
                    }));
}

TEST_CASE("a statement dominated by another adds nothing", "[analysis]") {
  json everyone = allow("*", {"kms:Decrypt", "kms:Encrypt"},
                        {{"StringEquals", {{"kms:CallerAccount", k_account}}}});
  everyone["Sid"] = "AccountUse";
  json app = allow(aws("arn:aws:iam::111122223333:role/app"), "kms:Decrypt",
                   {{"StringEquals", {{"kms:ViaService", "s3.us-east-1.amazonaws.com"}}}});
  app["Sid"] = "AppViaS3";
  const model::Graph graph =
      graph_with_key(policy_of({allow(aws(k_root), "kms:*"), everyone, app}));
  const KeyAccess analysis = analyze_key(graph, k_key);

  const StatementEffect dominated = statement_effect(analysis, 2);
  CHECK(dominated.changes_nothing());
  CHECK(analysis.key_policy().document().statements[dominated.statement()].sid == "AppViaS3");
  CHECK(has_ground(dominated.covered_by(), policy::ReasonSource::key_policy, "AccountUse"));

  const StatementEffect account_use = statement_effect(analysis, 1);
  CHECK_FALSE(account_use.changes_nothing());
  CHECK(
      std::any_of(account_use.adds().begin(), account_use.adds().end(), [&](const Access& access) {
        return analysis.subjects()[access.subject].label ==
                   "any principal of account 111122223333" &&
               !access.needs_identity_policy && access.action_class == ActionClass::read;
      }));
}

TEST_CASE("what covers a statement names each caller's own policy, and a shared one once",
          "[analysis]") {
  const json named = allow(
      aws(json::array({"arn:aws:iam::111122223333:role/ops", "arn:aws:iam::111122223333:role/dev",
                       "arn:aws:iam::111122223333:role/qa", "arn:aws:iam::111122223333:role/ci"})),
      "kms:Decrypt");
  model::Graph graph = graph_with_key(policy_of({allow(aws(k_root), "kms:*"), named}));
  const json decrypt = allowing_everywhere("kms:Decrypt");
  // ops and dev each have their own policy in the same place; qa and ci share AdministratorAccess.
  add_role(graph, "ops", {add_inline_policy(graph, "ops", decrypt)});
  add_role(graph, "dev", {add_inline_policy(graph, "dev", decrypt)});
  const model::PolicyId admin =
      graph.aws_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess");
  add_role(graph, "qa", {admin});
  add_role(graph, "ci", {admin});
  const KeyAccess analysis = analyze_key(graph, k_key);

  const StatementEffect effect = statement_effect(analysis, 1);
  CHECK(effect.changes_nothing());
  std::vector<std::string> identity;
  for (const Ground& ground : effect.covered_by()) {
    if (ground.source == policy::ReasonSource::identity_policy)
      identity.push_back(ground.text);
  }
  std::sort(identity.begin(), identity.end());
  CHECK(identity == std::vector<std::string>{"identity policy AdministratorAccess statement 0",
                                             "identity policy dev statement 0",
                                             "identity policy ops statement 0"});
  CHECK(has_ground(effect.covered_by(), policy::ReasonSource::key_policy, "statement 0"));
}

TEST_CASE("what a statement adds concerns only the callers and actions it can apply to",
          "[analysis]") {
  // statement_effect re-evaluates only the rows a statement can apply to and copies the others.
  const json reader = allow(aws("arn:aws:iam::111122223333:role/reader"), "kms:Decrypt");
  const json writer = allow(aws("arn:aws:iam::111122223333:role/writer"), "kms:Encrypt");
  model::Graph graph = graph_with_key(policy_of({reader, writer}));
  add_role(graph, "reader");
  add_role(graph, "writer");
  const KeyAccess analysis = analyze_key(graph, k_key);
  const auto gives = [&](const StatementEffect& effect, const std::string& label,
                         std::string_view action) {
    return std::any_of(effect.adds().begin(), effect.adds().end(), [&](const Access& access) {
      return analysis.subjects()[access.subject].label == label &&
             std::find(access.actions.begin(), access.actions.end(), action) !=
                 access.actions.end();
    });
  };
  const StatementEffect first = statement_effect(analysis, 0);
  CHECK(gives(first, "aws_iam_role.reader", "kms:Decrypt"));
  CHECK_FALSE(gives(first, "aws_iam_role.writer", "kms:Encrypt"));
  CHECK(first.removes().empty());
  const StatementEffect second = statement_effect(analysis, 1);
  CHECK(gives(second, "aws_iam_role.writer", "kms:Encrypt"));
  CHECK_FALSE(gives(second, "aws_iam_role.reader", "kms:Decrypt"));
  for (const StatementEffect* effect : {&first, &second}) {
    CHECK(effect->adds().size() == 1);
    CHECK(effect->covered_by().empty());
  }
}

TEST_CASE("an unknown key policy gives unknown accesses that say why", "[analysis]") {
  model::Graph graph = graph_with_key(nullptr);
  model::Key& key = graph.key(k_key);
  key.policy.state = model::PolicySource::State::unknown;
  key.policy.waits_on = {"aws_iam_role.app.arn"};
  const KeyAccess analysis = analyze_key(graph, k_key);
  CHECK_FALSE(analysis.key_policy_known());
  const auto reads = accesses(analysis, "any principal of account 111122223333", ActionClass::read,
                              "kms:Decrypt", policy::Outcome::unknown);
  REQUIRE_FALSE(reads.empty());
  REQUIRE_FALSE(reads.front()->unknowns.empty());
  CHECK(reads.front()->unknowns.front().find("aws_iam_role.app.arn") != std::string::npos);
  CHECK(who(analysis, ActionClass::read, false).empty());
}

TEST_CASE("a principal only known after apply makes its statement's access unknown", "[analysis]") {
  model::Graph graph =
      graph_with_key(policy_of({allow(aws(k_root), "kms:*"),
                                allow(aws(model::symbol("aws_iam_role.app.arn")), "kms:Decrypt")}));
  const KeyAccess analysis = analyze_key(graph, k_key);
  const auto unknown = accesses(analysis, "any principal of account 111122223333",
                                ActionClass::read, "kms:Decrypt", policy::Outcome::unknown);
  REQUIRE_FALSE(unknown.empty());
  CHECK_FALSE(unknown.front()->unknowns.empty());
}

TEST_CASE("a user reads through its group's identity policy", "[analysis]") {
  model::Graph graph = graph_with_key(nullptr); // default key policy: root kms:*
  const model::PolicyId group_policy = add_inline_policy(
      graph, "readers", {json{{"Effect", "Allow"}, {"Action", "kms:Decrypt"}, {"Resource", "*"}}});
  model::Principal group;
  group.kind = model::PrincipalKind::group;
  group.name = "readers";
  group.account = k_account;
  group.source.address = "aws_iam_group.readers";
  group.policies = {group_policy};
  const model::PrincipalId readers = graph.add(std::move(group));
  model::Principal user;
  user.kind = model::PrincipalKind::user;
  user.name = "alice";
  user.account = k_account;
  user.arn = "arn:aws:iam::111122223333:user/alice";
  user.source.address = "aws_iam_user.alice";
  user.groups = {readers};
  graph.add(std::move(user));
  const KeyAccess analysis = analyze_key(graph, k_key);

  const auto reads = accesses(analysis, "aws_iam_user.alice", ActionClass::read, "kms:Decrypt");
  REQUIRE(reads.size() == 1);
  CHECK(has_ground(reads.front()->grounds, policy::ReasonSource::identity_policy, "readers"));
  CHECK(accesses(analysis, "aws_iam_user.alice", ActionClass::write, "kms:Encrypt").empty());
  // Groups are not callers.
  CHECK(std::none_of(analysis.subjects().begin(), analysis.subjects().end(),
                     [](const Subject& s) { return s.label == "aws_iam_group.readers"; }));
}

TEST_CASE("a principal's identity policies: its own, then its groups', each once", "[analysis]") {
  model::Graph graph = graph_with_key(nullptr);
  const json decrypt = {json{{"Effect", "Allow"}, {"Action", "kms:Decrypt"}, {"Resource", "*"}}};
  const model::PolicyId first = add_inline_policy(graph, "first", decrypt);
  const model::PolicyId second = add_inline_policy(graph, "second", decrypt);
  const model::PolicyId third = add_inline_policy(graph, "third", decrypt);
  const auto add_group = [&](const std::string& name, std::vector<model::PolicyId> policies) {
    model::Principal group;
    group.kind = model::PrincipalKind::group;
    group.name = name;
    group.account = k_account;
    group.policies = std::move(policies);
    return graph.add(std::move(group));
  };
  const model::PrincipalId readers = add_group("readers", {second, third});
  const model::PrincipalId writers = add_group("writers", {third, first});
  model::Principal user;
  user.kind = model::PrincipalKind::user;
  user.name = "alice";
  user.account = k_account;
  user.arn = "arn:aws:iam::111122223333:user/alice";
  user.policies = {second, first, second};
  user.groups = {readers, writers};
  const model::PrincipalId alice = graph.add(std::move(user));
  const KeyAccess analysis = analyze_key(graph, k_key);

  const detail::Variant variant = detail::graph_variant(analysis.detail(), 0, alice);
  const std::vector<std::optional<model::PolicyId>> expected = {second, first, third};
  CHECK(variant.policy_ids == expected);
  // Visiting stops where asked: the second policy is the member's at position 1.
  std::vector<model::PolicyId> visited;
  detail::for_each_identity_policy(analysis.detail(), alice,
                                   [&](model::PolicyId id, const policy::CompiledPolicy&) {
                                     visited.push_back(id);
                                     return visited.size() < 2;
                                   });
  CHECK(visited == std::vector<model::PolicyId>{second, first});
}

TEST_CASE("an input without an account id is analysed with the deployment account", "[analysis]") {
  model::Graph graph; // graph.account stays model::k_this_account
  model::Key key;
  key.source.address = "aws_kms_key.data";
  key.arn = "arn:aws:kms:us-east-1:" + model::symbol("account") + ":key/k";
  key.account = model::symbol("account");
  key.policy.state = model::PolicySource::State::document;
  key.policy.document = policy_of(
      {allow(aws("arn:aws:iam::" + model::symbol("account") + ":root"), "kms:*"),
       allow(aws("arn:aws:iam::" + model::symbol("account") + ":role/app"), "kms:Decrypt")});
  graph.add(std::move(key));
  const KeyAccess analysis = analyze_key(graph, k_key);
  const std::string everyone = "any principal of account " + std::string(model::k_this_account);
  const auto reads = accesses(analysis, everyone, ActionClass::read, "kms:Decrypt");
  REQUIRE(reads.size() == 1);
  CHECK(reads.front()->needs_identity_policy);
  CHECK(accesses(analysis, everyone, ActionClass::read, "kms:Decrypt", policy::Outcome::unknown)
            .empty());
  CHECK_FALSE(
      accesses(analysis, "arn:aws:iam::this-account:role/app", ActionClass::read, "kms:Decrypt")
          .empty());
}

TEST_CASE("principals the key policy does not tell apart are analysed as one subject",
          "[analysis]") {
  model::Graph graph = graph_with_key(
      policy_of(json::array({allow(aws(k_root), "kms:*"),
                             allow(aws("arn:aws:iam::111122223333:role/named"), "kms:Encrypt")})));
  const json decrypt = allowing_everywhere("kms:Decrypt");
  add_role(graph, "a", {add_inline_policy(graph, "a", decrypt)});
  add_role(graph, "named", {add_inline_policy(graph, "named", decrypt)});
  add_role(graph, "b", {add_inline_policy(graph, "b", decrypt)});
  add_role(graph, "other", {add_inline_policy(graph, "other", allowing_everywhere("kms:Encrypt"))});
  const KeyAccess analysis = analyze_key(graph, k_key);

  const std::size_t shared = subject_index(
      analysis, "aws_iam_role.a and 1 other principal with the same identity policies");
  const Subject& subject = analysis.subjects()[shared];
  CHECK(subject.members ==
        std::vector<model::PrincipalId>{model::PrincipalId{0}, model::PrincipalId{2}});
  CHECK(subject.principal == model::PrincipalId{0});
  // The role the key policy names, and the one with other policies, stay on their own.
  CHECK(analysis.subjects()[subject_index(analysis, "aws_iam_role.named")].members.size() == 1);
  CHECK(analysis.subjects()[subject_index(analysis, "aws_iam_role.other")].members.size() == 1);

  // Evidence for a member names its own policy statement, not the first member's.
  const auto reads = accesses(analysis, subject.label, ActionClass::read, "kms:Decrypt");
  REQUIRE(reads.size() == 1);
  const auto identity = std::find_if(
      reads.front()->grounds.begin(), reads.front()->grounds.end(),
      [](const Ground& g) { return g.source == policy::ReasonSource::identity_policy; });
  REQUIRE(identity != reads.front()->grounds.end());
  CHECK(identity->text == "identity policy a statement 0");
  const Ground for_b = member_ground(analysis, shared, *identity, model::PrincipalId{2});
  CHECK(for_b.text == "identity policy b statement 0");
  CHECK(for_b.policy == model::PolicyId{2});
  CHECK(member_policy(analysis, shared, *identity, model::PrincipalId{2}) == model::PolicyId{2});
  CHECK(member_policy(analysis, shared, *identity, model::PrincipalId{0}) == identity->policy);
  CHECK(member_label(graph, model::PrincipalId{2}) == "aws_iam_role.b");
}

TEST_CASE("a class keeps exactly its members the key policy does not name", "[analysis]") {
  // Named members first, between others, last, and next to each other; one named role is of
  // another class.
  model::Graph graph = graph_with_key(policy_of(json::array(
      {allow(aws(k_root), "kms:*"),
       allow(aws(json::array(
                 {"arn:aws:iam::111122223333:role/r0", "arn:aws:iam::111122223333:role/r2",
                  "arn:aws:iam::111122223333:role/r3", "arn:aws:iam::111122223333:role/r6",
                  "arn:aws:iam::111122223333:role/apart"})),
             "kms:Encrypt")})));
  const json decrypt = allowing_everywhere("kms:Decrypt");
  for (int i = 0; i < 7; ++i) {
    const std::string name = "r" + std::to_string(i);
    add_role(graph, name, {add_inline_policy(graph, name, decrypt)});
  }
  add_role(graph, "apart", {add_inline_policy(graph, "apart", allowing_everywhere("kms:Encrypt"))});
  const KeyAccess analysis = analyze_key(graph, k_key);

  const Subject& unnamed = analysis.subjects()[subject_index(
      analysis, "aws_iam_role.r1 and 2 other principals with the same identity policies")];
  CHECK(unnamed.members == std::vector<model::PrincipalId>{model::PrincipalId{1},
                                                           model::PrincipalId{4},
                                                           model::PrincipalId{5}});
  for (const std::string name : {"r0", "r2", "r3", "r6", "apart"}) {
    INFO(name);
    CHECK(analysis.subjects()[subject_index(analysis, "aws_iam_role." + name)].members.size() == 1);
  }
}

TEST_CASE("a key policy that tests the caller's ARN analyses every principal on its own",
          "[analysis]") {
  model::Graph graph = graph_with_key(policy_of(json::array(
      {allow(aws(k_root), "kms:Decrypt",
             {{"StringLike", {{"aws:PrincipalArn", "arn:aws:iam::111122223333:role/a*"}}}})})));
  const json decrypt = allowing_everywhere("kms:Decrypt");
  add_role(graph, "app", {add_inline_policy(graph, "app", decrypt)});
  add_role(graph, "batch", {add_inline_policy(graph, "batch", decrypt)});
  const KeyAccess analysis = analyze_key(graph, k_key);

  // Each decides differently: the pattern matches one of them only.
  CHECK(who(analysis, ActionClass::read, false) == std::vector<std::string>{"aws_iam_role.app"});
  CHECK(analysis.subjects()[subject_index(analysis, "aws_iam_role.batch")].members.size() == 1);
}

TEST_CASE("identity policies with policy variables keep their principals apart", "[analysis]") {
  model::Graph graph = graph_with_key(policy_of(json::array({allow(aws(k_root), "kms:*")})));
  const json own_key = json::array(
      {{{"Effect", "Allow"},
        {"Action", "kms:Decrypt"},
        {"Resource", "*"},
        {"Condition", {{"StringEquals", {{"kms:EncryptionContext:user", "${aws:username}"}}}}}}});
  add_role(graph, "a", {add_inline_policy(graph, "a", own_key)});
  add_role(graph, "b", {add_inline_policy(graph, "b", own_key)});
  const KeyAccess analysis = analyze_key(graph, k_key);
  CHECK(analysis.subjects()[subject_index(analysis, "aws_iam_role.a")].members.size() == 1);
  CHECK(analysis.subjects()[subject_index(analysis, "aws_iam_role.b")].members.size() == 1);
}

TEST_CASE("one graph analysis serves every key alike", "[analysis]") {
  model::Graph graph = graph_with_key(policy_of(json::array({allow(aws(k_root), "kms:*")})));
  model::Key second = graph.keys.front();
  second.source.address = "aws_kms_key.logs";
  second.policy.document =
      policy_of(json::array({allow(aws("arn:aws:iam::111122223333:role/a"), "kms:Decrypt")}));
  graph.add(std::move(second));
  const json decrypt = allowing_everywhere("kms:Decrypt");
  add_role(graph, "a", {add_inline_policy(graph, "a", decrypt)});
  add_role(graph, "b", {add_inline_policy(graph, "b", decrypt)});

  const GraphAccess graph_access(graph);
  for (const model::KeyId key : {model::KeyId{0}, model::KeyId{1}}) {
    const KeyAccess shared = graph_access.analyze(key);
    const KeyAccess alone = analyze_key(graph, key);
    REQUIRE(shared.accesses().size() == alone.accesses().size());
    for (std::size_t i = 0; i < shared.accesses().size(); ++i)
      CHECK(shared.text(shared.accesses()[i]) == alone.text(alone.accesses()[i]));
  }
  // The second key names role a: a and b are then told apart; b reads only through delegation,
  // which this key's policy does not give.
  const KeyAccess logs = graph_access.analyze(model::KeyId{1});
  CHECK(who(logs, ActionClass::read, false) == std::vector<std::string>{"aws_iam_role.a"});
}
