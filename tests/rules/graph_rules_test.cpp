// The rules that read the graph alone (no policy evaluation): TFKMS003, TFKMS006 (bypass flag) and
// TFKMS007, on hand-built graphs.
#include "rules/engine.hpp"

#include <catch2/catch.hpp>

using namespace tfkms;

namespace {

std::vector<rules::Finding> run(const model::Graph& graph, const char* rule) {
  return rules::run_rules(graph, rules::Config{}, {.only = {rule}, .skip = {}});
}

model::Graph with_grant(model::Grant grant) {
  model::Graph graph;
  graph.account = "111111111111";
  grant.source.address = "aws_kms_grant.g";
  if (grant.operations.empty())
    grant.operations = {"Encrypt", "GenerateDataKey"};
  graph.grants.push_back(std::move(grant));
  return graph;
}

model::Graph with_key(model::Key key) {
  model::Graph graph;
  key.source.address = "aws_kms_key.k";
  graph.keys.push_back(std::move(key));
  return graph;
}

} // namespace

TEST_CASE("TFKMS003 grant with and without a retiring principal", "[rules][TFKMS003]") {
  model::Grant grant;
  grant.grantee = "arn:aws:iam::111111111111:role/worker";
  const auto plain = run(with_grant(grant), "TFKMS003");
  REQUIRE(plain.size() == 1);
  CHECK(plain[0].severity == rules::Severity::medium);
  CHECK_THAT(plain[0].message, Catch::Contains("no retiring principal"));

  grant.retiring_principal = "arn:aws:iam::111111111111:role/worker";
  CHECK(run(with_grant(grant), "TFKMS003").empty());
}

TEST_CASE("TFKMS003 raises severity for risky grants", "[rules][TFKMS003]") {
  model::Grant cross;
  cross.grantee = "arn:aws:iam::222222222222:role/XYZ";
  auto findings = run(with_grant(cross), "TFKMS003");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].severity == rules::Severity::high);
  CHECK_THAT(findings[0].message, Catch::Contains("222222222222"));

  model::Grant regrant;
  regrant.grantee = "arn:aws:iam::111111111111:role/worker";
  regrant.operations = {"CreateGrant", "Encrypt"};
  CHECK(run(with_grant(regrant), "TFKMS003")[0].severity == rules::Severity::high);

  model::Grant decrypt;
  decrypt.grantee = "arn:aws:iam::111111111111:role/worker";
  decrypt.operations = {"Decrypt"};
  CHECK(run(with_grant(decrypt), "TFKMS003")[0].severity == rules::Severity::high);
  decrypt.encryption_context_subset = {{"dept", "it"}};
  CHECK(run(with_grant(decrypt), "TFKMS003")[0].severity == rules::Severity::medium);
}

TEST_CASE("TFKMS003 says retire_on_delete names nobody", "[rules][TFKMS003]") {
  model::Grant grant;
  grant.grantee = "arn:aws:iam::111111111111:role/worker";
  grant.retire_on_delete = true;
  const auto findings = run(with_grant(grant), "TFKMS003");
  REQUIRE(findings.size() == 1);
  CHECK_THAT(findings[0].evidence.back().text, Catch::Contains("retire_on_delete"));
}

TEST_CASE("TFKMS006 reports the bypass flag", "[rules][TFKMS006]") {
  model::Key key;
  key.bypass_policy_lockout_safety_check = true;
  const auto findings = run(with_key(key), "TFKMS006");
  REQUIRE(findings.size() == 1);
  CHECK_THAT(findings[0].message, Catch::Contains("bypass_policy_lockout_safety_check"));
  key.bypass_policy_lockout_safety_check = false;
  CHECK(run(with_key(key), "TFKMS006").empty());
}

TEST_CASE("TFKMS007 only for keys that can rotate", "[rules][TFKMS007]") {
  model::Key key;
  key.rotation_enabled = false;
  CHECK(run(with_key(key), "TFKMS007").size() == 1);

  SECTION("rotation on or unknown") {
    key.rotation_enabled = true;
    CHECK(run(with_key(key), "TFKMS007").empty());
    key.rotation_enabled.reset();
    CHECK(run(with_key(key), "TFKMS007").empty());
  }
  SECTION("asymmetric, HMAC, imported, replica, AWS managed") {
    model::Key rsa = key;
    rsa.key_spec = "RSA_2048";
    rsa.key_usage = "SIGN_VERIFY";
    CHECK(run(with_key(rsa), "TFKMS007").empty());
    model::Key hmac = key;
    hmac.key_spec = "HMAC_256";
    hmac.key_usage = "GENERATE_VERIFY_MAC";
    CHECK(run(with_key(hmac), "TFKMS007").empty());
    model::Key imported = key;
    imported.kind = model::KeyKind::external;
    imported.origin = "EXTERNAL";
    CHECK(run(with_key(imported), "TFKMS007").empty());
    model::Key replica = key;
    replica.kind = model::KeyKind::replica;
    CHECK(run(with_key(replica), "TFKMS007").empty());
    model::Key managed = key;
    managed.kind = model::KeyKind::aws_managed;
    CHECK(run(with_key(managed), "TFKMS007").empty());
  }
}
