#include "rules/engine.hpp"
#include "rules/glob.hpp"

#include <catch2/catch.hpp>

using namespace tfkms;

namespace {

// Two grants without a retiring principal: two TFKMS003 findings.
model::Graph two_grants() {
  model::Graph graph;
  graph.account = "111111111111";
  for (const char* name : {"b", "a"}) {
    model::Grant grant;
    grant.source.address = std::string("aws_kms_grant.") + name;
    grant.source.file = "plan.json";
    grant.grantee = "arn:aws:iam::111111111111:role/worker";
    grant.operations = {"Encrypt"};
    grant.encryption_context_equals = {{"app", "x"}};
    graph.grants.push_back(grant);
  }
  return graph;
}

} // namespace

TEST_CASE("engine runs rules, sorts and fingerprints", "[rules][engine]") {
  const auto findings = rules::run_rules(two_grants(), rules::Config{}, rules::Selection{});
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].resource == "aws_kms_grant.a");
  CHECK(findings[1].resource == "aws_kms_grant.b");
  CHECK(findings[0].rule_id == "TFKMS003");
  CHECK(findings[0].fingerprint.size() == 16);
  CHECK(findings[0].fingerprint != findings[1].fingerprint);
}

TEST_CASE("engine honours --only, --skip and the config switches", "[rules][engine]") {
  const model::Graph graph = two_grants();
  CHECK(rules::run_rules(graph, {}, {.only = {"TFKMS007"}, .skip = {}}).empty());
  CHECK(rules::run_rules(graph, {}, {.only = {}, .skip = {"TFKMS003"}}).empty());
  rules::Config config;
  config.rules["TFKMS003"].enabled = false;
  CHECK(rules::run_rules(graph, config, {}).empty());
  CHECK(rules::run_rules(graph, config, {.only = {"TFKMS003"}, .skip = {}}).size() == 2);
  config.rules["TFKMS003"] = {.enabled = std::nullopt, .severity = rules::Severity::critical};
  const auto findings = rules::run_rules(graph, config, {});
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].severity == rules::Severity::critical);
}

TEST_CASE("suppressions keep the finding and record the reason", "[rules][engine]") {
  model::Graph graph = two_grants();
  graph.suppressions.push_back(
      {"TFKMS003", "aws_kms_grant.a", "revoked by the migration runbook", {}});
  graph.suppressions.push_back({"TFKMS003", "aws_kms_grant.b", "", {}});
  const auto findings = rules::run_rules(graph, {}, {});
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].suppressed);
  CHECK(findings[0].suppression_reason == "revoked by the migration runbook");
  // Without a reason the suppression is not applied, and the finding says so.
  CHECK_FALSE(findings[1].suppressed);
  CHECK_THAT(findings[1].evidence.back().text, Catch::Contains("gives no reason"));
}

TEST_CASE("config ignore entries match resource globs", "[rules][engine]") {
  rules::Config config;
  config.ignore.push_back({"TFKMS003", "aws_kms_grant.?", "all grants are temporary here", 3});
  const auto findings = rules::run_rules(two_grants(), config, {});
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].suppressed);
  CHECK(findings[1].suppressed);
  config.ignore[0].rule = "TFKMS007";
  CHECK_FALSE(rules::run_rules(two_grants(), config, {})[0].suppressed);
}

TEST_CASE("glob matching", "[rules][engine]") {
  CHECK(rules::glob_match("aws_kms_grant.*", "aws_kms_grant.a"));
  CHECK(rules::glob_match("*", ""));
  CHECK(rules::glob_match("module.*.aws_kms_key.this[\"?\"]", "module.k.aws_kms_key.this[\"a\"]"));
  CHECK_FALSE(rules::glob_match("aws_kms_grant.?", "aws_kms_grant.ab"));
  CHECK_FALSE(rules::glob_match("a*b", "acbd"));
  CHECK(rules::glob_match("a*b*c", "axxbyybc"));
}

TEST_CASE("is_rule_id knows the registered rules", "[rules][engine]") {
  CHECK(rules::is_rule_id("TFKMS003"));
  CHECK_FALSE(rules::is_rule_id("tfkms003"));
  CHECK_FALSE(rules::is_rule_id(""));
}
