#include "analysis/access_map.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using namespace tfkms;
using namespace tfkms::analysis;
using nlohmann::json;

namespace {

constexpr const char* k_account = "111122223333";

struct Scenario {
  model::Graph graph;

  explicit Scenario(json key_policy) {
    graph.account = k_account;
    graph.region = "us-east-1";
    model::Key key;
    key.source.address = "aws_kms_key.orders";
    key.arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    key.account = k_account;
    if (!key_policy.is_null()) {
      key.policy.state = model::PolicySource::State::document;
      key.policy.document = std::move(key_policy);
    }
    graph.add(std::move(key));
  }

  void principal(model::PrincipalKind kind, const std::string& name,
                 std::vector<model::PolicyId> policies = {}) {
    model::Principal principal;
    principal.kind = kind;
    principal.name = name;
    principal.account = k_account;
    const bool role = kind == model::PrincipalKind::role;
    principal.arn = std::string("arn:aws:iam::") + k_account + (role ? ":role/" : ":user/") + name;
    principal.source.address = (role ? "aws_iam_role." : "aws_iam_user.") + name;
    principal.policies = std::move(policies);
    graph.add(std::move(principal));
  }

  model::PolicyId administrator_access() {
    return graph.aws_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess");
  }
};

json root_statement() {
  return {{"Sid", "Enable IAM User Permissions"},
          {"Effect", "Allow"},
          {"Principal", {{"AWS", "arn:aws:iam::111122223333:root"}}},
          {"Action", "kms:*"},
          {"Resource", "*"}};
}

// Seed 003's NarrowerKeyPolicy: full access for appA and ci, everyone else denied.
json narrower_policy() {
  const json named = {"arn:aws:iam::111122223333:role/appA", "arn:aws:iam::111122223333:user/ci"};
  return {{"Version", "2012-10-17"},
          {"Statement",
           {{{"Sid", "AllowFullAccess"},
             {"Effect", "Allow"},
             {"Principal", {{"AWS", named}}},
             {"Action", "kms:*"},
             {"Resource", "*"}},
            {{"Sid", "DenyEveryoneElse"},
             {"Effect", "Deny"},
             {"Principal", {{"AWS", "*"}}},
             {"Action", "kms:*"},
             {"Resource", "*"},
             {"Condition", {{"ArnNotEquals", {{"aws:PrincipalArn", named}}}}}}}}};
}

std::set<std::string> subjects(const KeyAccessMap& key, ActionClass action_class) {
  std::set<std::string> out;
  for (const AccessEntry& entry : key.entries) {
    if (entry.action_class == action_class && !entry.unknown)
      out.insert(entry.subject);
  }
  return out;
}

const AccessEntry* entry_of(const KeyAccessMap& key, ActionClass action_class,
                            std::string_view subject) {
  for (const AccessEntry& entry : key.entries) {
    if (entry.action_class == action_class && entry.subject == subject)
      return &entry;
  }
  return nullptr;
}

} // namespace

TEST_CASE("the access map of seed 003's narrower key policy names exactly the allowed principals",
          "[analysis][access_map]") {
  Scenario scenario(narrower_policy());
  scenario.principal(model::PrincipalKind::role, "appA");
  scenario.principal(model::PrincipalKind::user, "ci");
  scenario.principal(model::PrincipalKind::role, "admin", {scenario.administrator_access()});
  const AccessMap map = map_access(scenario.graph);
  REQUIRE(map.keys.size() == 1);
  const KeyAccessMap& key = map.keys.front();
  CHECK(key.name == "aws_kms_key.orders");
  const std::set<std::string> allowed{"aws_iam_role.appA", "aws_iam_user.ci"};
  for (const ActionClass action_class : k_reported_classes) {
    INFO(to_string(action_class));
    CHECK(subjects(key, action_class) == allowed);
  }
  const AccessEntry* reader = entry_of(key, ActionClass::read, "aws_iam_role.appA");
  REQUIRE(reader);
  CHECK(reader->actions == std::vector<std::string>{"kms:Decrypt"});
  CHECK(reader->conditions == "always");
  CHECK_FALSE(reader->needs_identity_policy);
  CHECK_FALSE(reader->through_delegation);
  REQUIRE(reader->grounds.size() == 1);
  CHECK(reader->grounds.front().find("AllowFullAccess") != std::string::npos);
}

TEST_CASE(
    "the default key policy lets an AdministratorAccess role read through the account delegation",
    "[analysis][access_map]") {
  Scenario scenario(nullptr); // no policy: AWS's default key policy
  scenario.principal(model::PrincipalKind::role, "admin", {scenario.administrator_access()});
  scenario.principal(model::PrincipalKind::role, "plain");
  const AccessMap map = map_access(scenario.graph);
  const KeyAccessMap& key = map.keys.front();
  const AccessEntry* admin = entry_of(key, ActionClass::read, "aws_iam_role.admin");
  REQUIRE(admin);
  CHECK(admin->reach == Reach::key_account);
  CHECK(admin->through_delegation);
  CHECK_FALSE(admin->needs_identity_policy);
  CHECK(admin->conditions == "always");
  CHECK(std::any_of(admin->grounds.begin(), admin->grounds.end(), [](const std::string& ground) {
    return ground.find("AdministratorAccess") != std::string::npos;
  }));
  // A role without an identity policy gets nothing from a delegating key policy (kms-reference
  // §3.2).
  CHECK(entry_of(key, ActionClass::read, "aws_iam_role.plain") == nullptr);
  CHECK(entry_of(key, ActionClass::administration, "aws_iam_role.admin") != nullptr);
}

TEST_CASE("a data store's access goes through the key that encrypts it", "[analysis][access_map]") {
  Scenario scenario(json{{"Version", "2012-10-17"}, {"Statement", {root_statement()}}});
  model::DataStore queue;
  queue.kind = model::DataStoreKind::sqs_queue;
  queue.source.address = "aws_sqs_queue.orders";
  queue.key.kind = model::KeyRef::Kind::node;
  queue.key.key = model::KeyId{0};
  scenario.graph.data_stores.push_back(queue);
  model::DataStore plain;
  plain.kind = model::DataStoreKind::s3_bucket;
  plain.source.address = "aws_s3_bucket.logs";
  scenario.graph.data_stores.push_back(plain);
  const AccessMap map = map_access(scenario.graph);
  REQUIRE(map.data_stores.size() == 2);
  CHECK(map.data_stores[0].key == "aws_kms_key.orders");
  CHECK(map.data_stores[0].kind == "sqs queue");
  CHECK(map.data_stores[1].key.empty());
  CHECK(map.data_stores[1].key_text == "not encrypted with KMS");
  CHECK(map.keys.front().data_stores == std::vector<std::string>{"aws_sqs_queue.orders"});
}

TEST_CASE("a key whose inputs did not change is analysed once for both snapshots",
          "[analysis][access_map]") {
  Scenario before(json{{"Version", "2012-10-17"}, {"Statement", {root_statement()}}});
  before.principal(model::PrincipalKind::role, "admin", {before.administrator_access()});
  Scenario after = before;

  SECTION("same key, same principals: the before summary is the after one") {
    const AccessPair pair = map_access_pair(before.graph, after.graph);
    CHECK(pair.keys_reused == 1);
    REQUIRE(pair.before.keys.size() == 1);
    CHECK(subjects(pair.before.keys.front(), ActionClass::read) ==
          subjects(pair.after.keys.front(), ActionClass::read));
  }
  SECTION("a changed key policy is analysed again") {
    after.graph.keys.front().policy = model::PolicySource{};
    after.graph.keys.front().policy.state = model::PolicySource::State::document;
    after.graph.keys.front().policy.document = narrower_policy();
    const AccessPair pair = map_access_pair(before.graph, after.graph);
    CHECK(pair.keys_reused == 0);
    CHECK(subjects(pair.before.keys.front(), ActionClass::read).contains("aws_iam_role.admin"));
    CHECK_FALSE(
        subjects(pair.after.keys.front(), ActionClass::read).contains("aws_iam_role.admin"));
  }
  SECTION("a principal added anywhere makes every key be analysed again") {
    after.principal(model::PrincipalKind::role, "other_admin", {after.administrator_access()});
    const AccessPair pair = map_access_pair(before.graph, after.graph);
    CHECK(pair.keys_reused == 0);
    CHECK_FALSE(
        subjects(pair.before.keys.front(), ActionClass::read).contains("aws_iam_role.other_admin"));
    CHECK(
        subjects(pair.after.keys.front(), ActionClass::read).contains("aws_iam_role.other_admin"));
  }
  SECTION("a grant added on the key makes it be analysed again") {
    model::Grant grant;
    grant.source.address = "aws_kms_grant.reader";
    grant.key.kind = model::KeyRef::Kind::node;
    grant.key.key = model::KeyId{0};
    grant.grantee = "arn:aws:iam::111122223333:role/reader";
    grant.operations = {"Decrypt"};
    after.graph.grants.push_back(grant);
    CHECK(map_access_pair(before.graph, after.graph).keys_reused == 0);
  }
}
