#include "analysis/access_diff.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace tfkms::analysis;

namespace {

AccessEntry entry(ActionClass action_class, std::string subject, std::vector<std::string> actions,
                  std::vector<std::string> grounds, std::string conditions = "always") {
  AccessEntry out;
  out.action_class = action_class;
  out.subject = std::move(subject);
  out.actions = std::move(actions);
  out.grounds = std::move(grounds);
  out.conditions = std::move(conditions);
  return out;
}

KeyAccessMap key(std::string name, std::vector<AccessEntry> entries) {
  KeyAccessMap out;
  out.name = std::move(name);
  out.account = "111122223333";
  out.entries = std::move(entries);
  return out;
}

AccessMap map_of(std::vector<KeyAccessMap> keys) {
  AccessMap out;
  out.keys = std::move(keys);
  return out;
}

const std::string k_root_statement = "key policy statement 0 (Sid \"Root\") allows";

} // namespace

TEST_CASE("a subject that appears gains, and the new statement is the cause",
          "[analysis][access_diff]") {
  const AccessMap before =
      map_of({key("k", {entry(ActionClass::read, "root", {"kms:Decrypt"}, {k_root_statement})})});
  const AccessMap after = map_of(
      {key("k", {entry(ActionClass::read, "root", {"kms:Decrypt"}, {k_root_statement}),
                 entry(ActionClass::read, "partner", {"kms:Decrypt"},
                       {k_root_statement, "key policy statement 1 (Sid \"Partner\") allows"})})});
  const AccessDiff diff = diff_access(before, after);
  REQUIRE(diff.changes.size() == 1);
  const AccessChange& change = diff.changes.front();
  CHECK(change.kind == ChangeKind::gain);
  CHECK(change.subject == "partner");
  CHECK(change.widens());
  CHECK(change.causes ==
        std::vector<std::string>{"key policy statement 1 (Sid \"Partner\") allows"});
  CHECK(diff.keys_created.empty());
}

TEST_CASE("a Deny removed or added is named as the cause, wherever it stood",
          "[analysis][access_diff]") {
  const std::string partner = "key policy statement 1 (Sid \"Partner\") allows";
  const DenyStatement keep_out{"key policy statement 2 (Sid \"KeepOut\")",
                               "Deny kms:Decrypt to arn:aws:iam::444455556666:root",
                               {}};
  const DenyStatement other{"key policy statement 3", "Deny kms:ScheduleKeyDeletion to *", {}};
  KeyAccessMap denied = key("k", {});
  denied.denies = {keep_out, other};
  KeyAccessMap open = key("k", {entry(ActionClass::read, "partner", {"kms:Decrypt"}, {partner})});
  // The other Deny moved up a place when KeepOut went: still the same statement.
  open.denies = {{"key policy statement 2", other.content, {}}};
  // Before, the Partner statement allowed something else: no allowing ground is new.
  denied.entries = {entry(ActionClass::write, "partner", {"kms:Encrypt"}, {partner})};
  const AccessDiff gained = diff_access(map_of({denied}), map_of({open}));
  const auto read = std::find_if(gained.changes.begin(), gained.changes.end(),
                                 [](const AccessChange& c) { return c.kind == ChangeKind::gain; });
  REQUIRE(read != gained.changes.end());
  CHECK(read->causes == std::vector<std::string>{
                            "no longer: " + keep_out.label + ": " + keep_out.content, partner});
  CHECK(read->denies_removed == std::vector<std::string>{keep_out.label});
  const AccessDiff lost = diff_access(map_of({open}), map_of({denied}));
  const auto loss = std::find_if(lost.changes.begin(), lost.changes.end(),
                                 [](const AccessChange& c) { return c.kind == ChangeKind::loss; });
  REQUIRE(loss != lost.changes.end());
  CHECK(loss->causes.front() == "now: " + keep_out.label + ": " + keep_out.content);
  CHECK(loss->denies_removed.empty());
}

TEST_CASE("actions lost and gained by one subject are separate changes",
          "[analysis][access_diff]") {
  const AccessMap before = map_of(
      {key("k", {entry(ActionClass::write, "app", {"kms:Encrypt", "kms:ReEncryptTo"}, {"g1"})})});
  const AccessMap after = map_of({key(
      "k", {entry(ActionClass::write, "app", {"kms:Encrypt", "kms:GenerateDataKey"}, {"g2"})})});
  const AccessDiff diff = diff_access(before, after);
  REQUIRE(diff.changes.size() == 2);
  CHECK(diff.changes[0].kind == ChangeKind::gain);
  CHECK(diff.changes[0].actions == std::vector<std::string>{"kms:GenerateDataKey"});
  CHECK(diff.changes[0].causes == std::vector<std::string>{"g2"});
  CHECK(diff.changes[1].kind == ChangeKind::loss);
  CHECK(diff.changes[1].actions == std::vector<std::string>{"kms:ReEncryptTo"});
  CHECK_FALSE(diff.changes[1].widens());
}

TEST_CASE("a condition dropped widens; a condition added narrows", "[analysis][access_diff]") {
  const AccessEntry conditional = entry(ActionClass::read, "app", {"kms:Decrypt"}, {"s"},
                                        "kms:ViaService is s3.us-east-1.amazonaws.com");
  const AccessEntry always = entry(ActionClass::read, "app", {"kms:Decrypt"}, {"s"});
  const AccessDiff widened =
      diff_access(map_of({key("k", {conditional})}), map_of({key("k", {always})}));
  REQUIRE(widened.changes.size() == 1);
  CHECK(widened.changes.front().kind == ChangeKind::condition);
  CHECK(widened.changes.front().conditions_before ==
        "kms:ViaService is s3.us-east-1.amazonaws.com");
  CHECK(widened.changes.front().widens());
  const AccessDiff narrowed =
      diff_access(map_of({key("k", {always})}), map_of({key("k", {conditional})}));
  REQUIRE(narrowed.changes.size() == 1);
  CHECK_FALSE(narrowed.changes.front().widens());
}

TEST_CASE("no longer needing its own IAM policy widens a subject's access",
          "[analysis][access_diff]") {
  AccessEntry delegated =
      entry(ActionClass::read, "any principal of account 444455556666", {"kms:Decrypt"}, {"s"});
  delegated.needs_identity_policy = true;
  const AccessEntry direct =
      entry(ActionClass::read, "any principal of account 444455556666", {"kms:Decrypt"}, {"s"});
  const AccessDiff diff =
      diff_access(map_of({key("k", {delegated})}), map_of({key("k", {direct})}));
  REQUIRE(diff.changes.size() == 1);
  CHECK(diff.changes.front().widens());
}

TEST_CASE("an unchanged key has no changes; created and destroyed keys gain and lose everything",
          "[analysis][access_diff]") {
  const KeyAccessMap same =
      key("same", {entry(ActionClass::read, "root", {"kms:Decrypt"}, {k_root_statement})});
  const KeyAccessMap old_key =
      key("old",
          {entry(ActionClass::read, "root", {"kms:Decrypt"}, {k_root_statement}),
           entry(ActionClass::administration, "root", {"kms:PutKeyPolicy"}, {k_root_statement})});
  const KeyAccessMap new_key =
      key("new", {entry(ActionClass::write, "app", {"kms:Encrypt"}, {"s"})});
  const AccessDiff diff = diff_access(map_of({same, old_key}), map_of({same, new_key}));
  CHECK(diff.keys_unchanged == std::vector<std::string>{"same"});
  CHECK(diff.keys_created == std::vector<std::string>{"new"});
  CHECK(diff.keys_destroyed == std::vector<std::string>{"old"});
  CHECK(diff.keys_compared == 3);
  REQUIRE(diff.changes.size() == 3);
  CHECK(diff.changes[0].key == "new");
  CHECK(diff.changes[0].kind == ChangeKind::gain);
  CHECK(diff.changes[0].causes == std::vector<std::string>{"key created"});
  CHECK(diff.changes[1].key == "old");
  CHECK(diff.changes[1].kind == ChangeKind::loss);
  CHECK(diff.changes[1].action_class == ActionClass::read);
  CHECK(diff.changes[2].action_class == ActionClass::administration);
  CHECK(diff.changes[2].causes == std::vector<std::string>{"key destroyed"});
}

TEST_CASE(
    "a data store whose key changed is a change; stores are counted once across both snapshots",
    "[analysis][access_diff]") {
  const KeyAccessMap orders =
      key("aws_kms_key.orders",
          {entry(ActionClass::read, "root", {"kms:Decrypt"}, {k_root_statement})});
  const auto store = [](std::string name, std::string graph_key, std::string key_text) {
    DataStoreAccess out;
    out.name = std::move(name);
    out.kind = "s3 bucket";
    out.key = std::move(graph_key);
    out.key_text = std::move(key_text);
    return out;
  };
  AccessMap before = map_of({orders});
  before.data_stores = {store("aws_s3_bucket.moved", "aws_kms_key.orders", ""),
                        store("aws_s3_bucket.kept", "aws_kms_key.orders", ""),
                        store("aws_s3_bucket.removed", "", "not encrypted with KMS")};
  AccessMap after = map_of({orders});
  after.data_stores = {store("aws_s3_bucket.moved", "alias/aws/s3", ""),
                       store("aws_s3_bucket.kept", "aws_kms_key.orders", ""),
                       store("aws_s3_bucket.added", "aws_kms_key.orders", "")};
  const AccessDiff diff = diff_access(before, after);
  CHECK(diff.changes.empty());
  CHECK_FALSE(diff.empty());
  CHECK(diff.data_stores_compared == 4);
  REQUIRE(diff.data_store_changes.size() == 1);
  CHECK(diff.data_store_changes[0].data_store == "aws_s3_bucket.moved");
  CHECK(diff.data_store_changes[0].key_before == "aws_kms_key.orders");
  CHECK(diff.data_store_changes[0].key_after == "alias/aws/s3");

  SECTION("a store that loses its KMS encryption is a change too") {
    after.data_stores[0] = store("aws_s3_bucket.moved", "", "not encrypted with KMS");
    const AccessDiff unencrypted = diff_access(before, after);
    REQUIRE(unencrypted.data_store_changes.size() == 1);
    CHECK(unencrypted.data_store_changes[0].key_after == "not encrypted with KMS");
  }
}
