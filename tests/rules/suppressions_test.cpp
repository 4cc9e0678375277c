#include "rules/engine.hpp"
#include "rules/rule_ids.hpp"
#include "rules/suppressions.hpp"

#include <catch2/catch.hpp>

using namespace tfkms;

namespace {

model::Suppression suppression(std::string rule, std::string reason, std::uint32_t line) {
  model::Suppression out;
  out.rule = std::move(rule);
  out.reason = std::move(reason);
  out.address = "aws_kms_key.k";
  out.where.file = "main.tf";
  out.where.line = line;
  return out;
}

const auto every_rule_ran = [](std::string_view) { return true; };

} // namespace

TEST_CASE("rule ids: any case, and the closest for a typo", "[rules][suppressions]") {
  CHECK(rules::canonical_rule_id("tfkms003") == "TFKMS003");
  CHECK_FALSE(rules::canonical_rule_id("TFKMS03"));
  CHECK(rules::closest_rule_id("TFKMS0077") == "TFKMS007");
  CHECK_FALSE(rules::closest_rule_id("encryption"));
  CHECK_THAT(rules::unknown_rule_id_message("tfkms07"),
             Catch::Contains("'tfkms07'") && Catch::Contains("TFKMS007"));
  CHECK(rules::suppression_covers("tfkms007", "TFKMS007"));
  CHECK(rules::suppression_covers("*", "TFKMS007"));
  CHECK_FALSE(rules::suppression_covers("TFKMS00", "TFKMS007"));
}

TEST_CASE("a suppression with an unknown rule or no reason is an error at its place",
          "[rules][suppressions]") {
  model::Graph graph;
  graph.suppressions = {suppression("TFKMS07", "rotation is done elsewhere", 3),
                        suppression("TFKMS007", " ", 7),
                        suppression("TFKMS007", "rotation is done elsewhere", 9)};
  rules::SuppressionReview review;
  std::vector<model::Diagnostic> errors;
  review.add_input(graph, errors);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].line == 3u);
  CHECK_THAT(errors[0].message,
             Catch::Contains("'TFKMS07'") && Catch::Contains("did you mean TFKMS007"));
  CHECK(errors[1].line == 7u);
  CHECK_THAT(errors[1].message, Catch::Contains("no reason"));
}

TEST_CASE("unused suppressions are reported, used ones and those of rules not run are not",
          "[rules][suppressions]") {
  model::Graph graph;
  graph.suppressions = {suppression("TFKMS007", "done by the HSM team", 1),
                        suppression("TFKMS004", "stale", 2), suppression("TFKMS003", "not run", 3)};
  rules::Config config;
  config.path = ".tfkms.yml";
  config.ignore.push_back({"TFKMS001", "aws_kms_key.*", "reviewed", 4});
  rules::SuppressionReview review;
  std::vector<model::Diagnostic> errors;
  review.add_input(graph, errors);
  REQUIRE(errors.empty());

  rules::Finding used;
  used.rule_id = "TFKMS007";
  used.suppressed = true;
  used.suppressed_at = rules::suppression_site(graph.suppressions[0]);
  const auto ran = [](std::string_view id) { return id != "TFKMS003"; };
  const auto unused = review.unused(config, {used}, ran, model::DiagnosticLevel::warning);
  REQUIRE(unused.size() == 2);
  CHECK(unused[0].level == model::DiagnosticLevel::warning);
  CHECK(unused[0].line == 2u);
  CHECK_THAT(unused[0].message, Catch::Contains("TFKMS004"));
  CHECK(unused[1].file == ".tfkms.yml");
  CHECK(unused[1].line == 4u);
  CHECK(review.unused(config, {used}, every_rule_ran, model::DiagnosticLevel::error).size() == 3);
}

TEST_CASE("the engine records which suppression applied, and config entries as external",
          "[rules][suppressions]") {
  model::Graph graph;
  graph.account = "111111111111";
  model::Grant grant;
  grant.source.address = "aws_kms_grant.a";
  grant.source.file = "plan.json";
  grant.grantee = "arn:aws:iam::111111111111:role/worker";
  grant.operations = {"Encrypt"};
  grant.encryption_context_equals = {{"app", "x"}};
  graph.grants.push_back(grant);
  rules::Config config;
  config.path = ".tfkms.yml";
  config.ignore.push_back({"TFKMS003", "aws_kms_grant.*", "retired by the runbook", 5});
  const auto findings = rules::run_rules(graph, config, rules::Selection{});
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].suppressed);
  CHECK(findings[0].suppression_kind == rules::SuppressionKind::external);
  CHECK(findings[0].suppressed_at == rules::suppression_site(config.ignore[0], config));
}

TEST_CASE("without .tf source, one warning names the inputs", "[rules][suppressions]") {
  rules::SuppressionReview review;
  CHECK_FALSE(review.missing_source());
  review.add_input_without_source("a/plan.json");
  review.add_input_without_source("b/plan.json");
  const auto warning = review.missing_source();
  REQUIRE(warning);
  CHECK(warning->file == "a/plan.json");
  CHECK_THAT(warning->message, Catch::Contains("1 more") && Catch::Contains("cannot apply") &&
                                   Catch::Contains(".tfkms.yml still do"));
}
