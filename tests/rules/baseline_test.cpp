#include "rules/baseline.hpp"

#include <catch2/catch.hpp>

using namespace tfkms;

namespace {

rules::Finding finding(const std::string& rule, const std::string& resource, std::uint32_t line) {
  rules::Finding out;
  out.rule_id = rule;
  out.resource = resource;
  out.file = "main.tf";
  out.line = line;
  out.message = rule + " on " + resource;
  rules::assign_fingerprints({&out});
  return out;
}

} // namespace

TEST_CASE("a written baseline reads back and matches the same findings", "[rules][baseline]") {
  std::vector<rules::Finding> before{finding("TFKMS003", "aws_kms_grant.a", 10),
                                     finding("TFKMS007", "aws_kms_key.k", 2)};
  const auto baseline = rules::parse_baseline(rules::baseline_text(before), "b.json");
  REQUIRE(baseline);
  REQUIRE(baseline.value().entries.size() == 2);

  // The same findings 30 lines further down, and one new.
  std::vector<rules::Finding> after{finding("TFKMS003", "aws_kms_grant.a", 40),
                                    finding("TFKMS007", "aws_kms_key.k", 32),
                                    finding("TFKMS003", "aws_kms_grant.new", 50)};
  const auto comparison = rules::compare_with_baseline(baseline.value(), after);
  REQUIRE(after.size() == 1);
  CHECK(after[0].resource == "aws_kms_grant.new");
  CHECK(after[0].baseline_state == rules::BaselineState::added);
  REQUIRE(comparison.matched.size() == 2);
  CHECK(comparison.matched[0].baseline_state == rules::BaselineState::unchanged);
  CHECK(comparison.stale.empty());
}

TEST_CASE("baseline entries without a finding are stale; each entry absorbs one finding",
          "[rules][baseline]") {
  const auto baseline =
      rules::parse_baseline(rules::baseline_text({finding("TFKMS003", "aws_kms_grant.a", 1),
                                                  finding("TFKMS007", "aws_kms_key.k", 2)}),
                            "b.json");
  REQUIRE(baseline);
  std::vector<rules::Finding> now{finding("TFKMS003", "aws_kms_grant.a", 1),
                                  finding("TFKMS003", "aws_kms_grant.a", 1)};
  const auto comparison = rules::compare_with_baseline(baseline.value(), now);
  CHECK(now.size() == 1); // the duplicate is new
  REQUIRE(comparison.stale.size() == 1);
  CHECK(comparison.stale[0].rule_id == "TFKMS007");
  const auto notes = rules::describe_comparison(baseline.value(), comparison);
  REQUIRE(notes.size() == 2);
  CHECK_THAT(notes[0].message, Catch::Contains("1 finding matches the baseline"));
  CHECK_THAT(notes[1].message, Catch::Contains("stale") && Catch::Contains("aws_kms_key.k"));
}

TEST_CASE("suppressed findings are neither recorded nor matched", "[rules][baseline]") {
  rules::Finding suppressed = finding("TFKMS007", "aws_kms_key.k", 2);
  suppressed.suppressed = true;
  const auto baseline = rules::parse_baseline(rules::baseline_text({suppressed}), "b.json");
  REQUIRE(baseline);
  CHECK(baseline.value().entries.empty());
}

TEST_CASE("a baseline of another version or shape is refused with its name", "[rules][baseline]") {
  const auto newer = rules::parse_baseline(R"({"version": 2, "findings": []})", "b.json");
  REQUIRE_FALSE(newer);
  CHECK(newer.error().file == "b.json");
  CHECK_THAT(newer.error().message, Catch::Contains("version 2"));
  CHECK_FALSE(rules::parse_baseline("[]", "b.json"));
  CHECK_FALSE(rules::parse_baseline("{", "b.json"));
  const auto no_fingerprint =
      rules::parse_baseline(R"({"version": 1, "findings": [{"rule_id": "TFKMS003"}]})", "b.json");
  REQUIRE_FALSE(no_fingerprint);
  CHECK(no_fingerprint.error().pointer == "/findings/0");
}
