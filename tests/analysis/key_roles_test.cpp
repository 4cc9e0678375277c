#include "analysis/key_roles.hpp"
#include "graph_builders.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace tfkms;
using namespace tfkms::analysis;
using nlohmann::json;

namespace {

constexpr const char* k_account = "111122223333";
constexpr model::KeyId k_key{0};

json allow(std::string principal, json actions) {
  return json{{"Effect", "Allow"},
              {"Principal", {{"AWS", std::move(principal)}}},
              {"Action", std::move(actions)},
              {"Resource", "*"}};
}

model::Graph graph_with_policy(json statements) {
  model::Graph graph;
  graph.account = k_account;
  graph.region = "us-east-1";
  model::Key key;
  key.source.address = "aws_kms_key.data";
  key.arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  key.account = k_account;
  key.policy.state = model::PolicySource::State::document;
  key.policy.document = json{{"Version", "2012-10-17"}, {"Statement", std::move(statements)}};
  graph.add(std::move(key));
  return graph;
}

void add_role(model::Graph& graph, const std::string& name,
              std::vector<model::PolicyId> policies = {}) {
  model::Principal role;
  role.name = name;
  role.account = k_account;
  role.arn = std::string("arn:aws:iam::") + k_account + ":role/" + name;
  role.source.address = "aws_iam_role." + name;
  role.policies = std::move(policies);
  graph.add(std::move(role));
}

std::size_t subject(const KeyAccess& access, std::string_view label) {
  const auto& subjects = access.subjects();
  const auto it = std::find_if(subjects.begin(), subjects.end(),
                               [&](const Subject& s) { return s.label == label; });
  REQUIRE(it != subjects.end());
  return static_cast<std::size_t>(it - subjects.begin());
}

bool has(const Role& role, std::string_view action) {
  return std::find(role.actions.begin(), role.actions.end(), action) != role.actions.end();
}

const std::string k_admin = "arn:aws:iam::111122223333:role/admin";
const std::string k_reader = "arn:aws:iam::111122223333:role/reader";

} // namespace

TEST_CASE("key administrator: named by the key policy with administration actions",
          "[analysis][roles]") {
  model::Graph graph = graph_with_policy(
      {allow(k_admin, {"kms:PutKeyPolicy", "kms:DisableKey"}), allow(k_reader, "kms:Decrypt")});
  add_role(graph, "admin");
  add_role(graph, "reader");
  const KeyAccess access = analyze_key(graph, k_key);
  const Role admin = administers(access, subject(access, "aws_iam_role.admin"));
  CHECK(admin.held());
  CHECK(has(admin, "kms:PutKeyPolicy"));
  REQUIRE(admin.grounds.size() == 1);
  CHECK(admin.grounds.front().statement == 0);
  CHECK_FALSE(administers(access, subject(access, "aws_iam_role.reader")).held());
}

TEST_CASE("key administrator: the account's delegation to IAM makes no one an administrator",
          "[analysis][roles]") {
  model::Graph graph = graph_with_policy({allow("arn:aws:iam::111122223333:root", "kms:*")});
  const model::PolicyId everything = test::add_inline_policy(
      graph, "everything",
      json::array({{{"Effect", "Allow"}, {"Action", "kms:*"}, {"Resource", "*"}}}));
  add_role(graph, "ops", {everything});
  const KeyAccess access = analyze_key(graph, k_key);
  const std::size_t ops = subject(access, "aws_iam_role.ops");
  CHECK_FALSE(administers(access, ops).held());
  // ... but through IAM it can still destroy the data and read it.
  const Role destroy = destroys(access, ops);
  CHECK(has(destroy, "kms:ScheduleKeyDeletion"));
  CHECK(has(destroy, "kms:DisableKey"));
  CHECK(destroy.through_iam);
  CHECK(reads(access, ops).held());
}

TEST_CASE("who can destroy data: deletion, disabling, deleting imported material only",
          "[analysis][roles]") {
  model::Graph graph =
      graph_with_policy({allow(k_admin, {"kms:TagResource", "kms:EnableKeyRotation"}),
                         allow(k_reader, {"kms:DeleteImportedKeyMaterial", "kms:Decrypt"})});
  add_role(graph, "admin");
  add_role(graph, "reader");
  const KeyAccess access = analyze_key(graph, k_key);
  CHECK(administers(access, subject(access, "aws_iam_role.admin")).held());
  CHECK_FALSE(destroys(access, subject(access, "aws_iam_role.admin")).held());
  const Role destroy = destroys(access, subject(access, "aws_iam_role.reader"));
  CHECK(destroy.actions == std::vector<std::string_view>{"kms:DeleteImportedKeyMaterial"});
  CHECK_FALSE(destroy.through_iam);
}

TEST_CASE("who can read and use: Decrypt reads, Encrypt only uses", "[analysis][roles]") {
  model::Graph graph =
      graph_with_policy({allow(k_admin, "kms:Encrypt"), allow(k_reader, "kms:Decrypt")});
  add_role(graph, "admin");
  add_role(graph, "reader");
  const KeyAccess access = analyze_key(graph, k_key);
  const std::size_t writer = subject(access, "aws_iam_role.admin");
  const std::size_t reader = subject(access, "aws_iam_role.reader");
  CHECK_FALSE(reads(access, writer).held());
  CHECK(uses(access, writer).held());
  CHECK(reads(access, reader).actions == std::vector<std::string_view>{"kms:Decrypt"});
  CHECK(uses(access, reader).held());
}

TEST_CASE("roles count only certain access: a principal outside the input is not an administrator",
          "[analysis][roles]") {
  // The root delegation gives an unknown role of the account kms:* only if its own IAM allows it.
  model::Graph graph = graph_with_policy({allow("arn:aws:iam::111122223333:root", "kms:*")});
  const KeyAccess access = analyze_key(graph, k_key);
  std::size_t checked = 0;
  for (std::size_t index = 0; index < access.subjects().size(); ++index) {
    if (access.subjects()[index].kind != SubjectKind::account_principals)
      continue;
    INFO(access.subjects()[index].label);
    CHECK_FALSE(destroys(access, index).held());
    CHECK_FALSE(reads(access, index).held());
    ++checked;
  }
  CHECK(checked > 0);
}

TEST_CASE("who can change the policy and who can create grants", "[analysis][roles]") {
  const json for_services{{"Bool", {{"kms:GrantIsForAWSResource", "true"}}}};
  json service_grants = allow(k_reader, "kms:CreateGrant");
  service_grants["Condition"] = for_services;
  model::Graph graph = graph_with_policy(
      {allow(k_admin, {"kms:PutKeyPolicy", "kms:CreateGrant"}), std::move(service_grants)});
  add_role(graph, "admin");
  add_role(graph, "reader");
  const KeyAccess access = analyze_key(graph, k_key);
  const std::size_t admin = subject(access, "aws_iam_role.admin");
  const std::size_t reader = subject(access, "aws_iam_role.reader");
  const Role rewrite = changes_policy(access, admin);
  CHECK(rewrite.actions == std::vector<std::string_view>{"kms:PutKeyPolicy"});
  REQUIRE(rewrite.accesses.size() == 1);
  CHECK(rewrite.accesses.front()->action_class == ActionClass::policy_change);
  CHECK(creates_grants(access, admin).held());
  CHECK_FALSE(changes_policy(access, reader).held());
  // Grants only for AWS services' resources are not grants it can make for itself.
  CHECK_FALSE(creates_grants(access, reader).held());
  CHECK(policy_changeable(access));
}

TEST_CASE("nobody can change the policy when no statement allows PutKeyPolicy",
          "[analysis][roles]") {
  model::Graph graph = graph_with_policy({allow(k_reader, "kms:Decrypt")});
  add_role(graph, "reader");
  CHECK_FALSE(policy_changeable(analyze_key(graph, k_key)));
}

TEST_CASE("another account's own IAM policies count only when asked for", "[analysis][roles]") {
  // The key policy names a role of another account: it needs its own IAM policy too, which its
  // administrators write.
  model::Graph graph =
      graph_with_policy({allow("arn:aws:iam::444455556666:role/partner", {"kms:PutKeyPolicy"}),
                         allow("arn:aws:iam::444455556666:role/partner", {"kms:Decrypt"})});
  const KeyAccess access = analyze_key(graph, k_key);
  const std::size_t partner = subject(access, "arn:aws:iam::444455556666:role/partner");
  CHECK(is_individual(access.subjects()[partner]));
  CHECK_FALSE(uses(access, partner).held());
  CHECK(uses(access, partner, UnshownPolicies::other_accounts_own).actions ==
        std::vector<std::string_view>{"kms:Decrypt"});
  CHECK_FALSE(changes_policy(access, partner).held());
  // PutKeyPolicy never works across accounts (kms-reference §1.1): not even then.
  CHECK_FALSE(changes_policy(access, partner, UnshownPolicies::other_accounts_own).held());
}

TEST_CASE("an account is not an individual", "[analysis][roles]") {
  model::Graph graph = graph_with_policy({allow("arn:aws:iam::111122223333:root", "kms:*")});
  add_role(graph, "ops");
  const KeyAccess access = analyze_key(graph, k_key);
  CHECK(is_individual(access.subjects()[subject(access, "aws_iam_role.ops")]));
  for (const Subject& each : access.subjects()) {
    if (each.kind == SubjectKind::account_root || each.kind == SubjectKind::account_principals)
      CHECK_FALSE(is_individual(each));
  }
}
