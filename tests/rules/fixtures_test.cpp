// Data-driven rule tests: every input under fixtures/TFKMSNNN/positive/<scenario>/ must produce
// exactly the findings listed in its <name>.expected.json, at the file and line listed, and every
// input under negative/<scenario>/ none of that rule. Adding a fixture needs no code. A
// <scenario>.tfkms.yml beside an input is used as its configuration.
#include "fixture_inputs.hpp"
#include "rules/engine.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace fs = std::filesystem;
using namespace tfkms;

namespace {

using test::inputs_in;
using test::k_fixtures;
using test::scenario_of;
using test::stem_of;

// Runs `only` (every rule when empty) on a fixture.
std::vector<rules::Finding> run_fixture(const fs::path& input,
                                        const std::vector<std::string>& only) {
  const test::LoadedFixture fixture = test::load_fixture(input);
  return rules::run_rules(fixture.graph, fixture.config, {.only = only, .skip = {}});
}

std::string summary(const std::vector<rules::Finding>& findings) {
  std::string text;
  for (const auto& finding : findings) {
    text += finding.rule_id + " " + std::string(rules::to_string(finding.severity)) + " " +
            finding.resource + " at " + fs::path(finding.file).filename().string() + ":" +
            (finding.line ? std::to_string(*finding.line) : "-") + ": " + finding.message + "\n";
    for (const auto& evidence : finding.evidence)
      text += "    " + evidence.text + " [" + evidence.pointer + "]\n";
  }
  return text;
}

// An expected entry: {"rule", "resource", "file" (the name of the file the finding points into),
// "line" (null when it has none), optional "severity", optional "statement": {"index", "sid"},
// optional "pointer" (some evidence points there), optional "message_contains": [..],
// "message_lacks": [..] (texts the message must not hold), "evidence_contains": [..] (each in
// some evidence text)}.
bool matches(const nlohmann::json& expected, const rules::Finding& finding) {
  if (expected.at("rule") != finding.rule_id || expected.at("resource") != finding.resource)
    return false;
  if (expected.at("file") != fs::path(finding.file).filename().string())
    return false;
  const nlohmann::json line =
      finding.line ? nlohmann::json(*finding.line) : nlohmann::json(nullptr);
  if (expected.at("line") != line)
    return false;
  if (expected.contains("severity") && expected["severity"] != rules::to_string(finding.severity))
    return false;
  const auto has_evidence = [&](auto predicate) {
    return std::any_of(finding.evidence.begin(), finding.evidence.end(), predicate);
  };
  if (expected.contains("statement")) {
    const nlohmann::json& statement = expected["statement"];
    const std::string pointer = "/Statement/" + std::to_string(statement.at("index").get<int>());
    if (!has_evidence([&](const rules::Evidence& e) {
          return e.pointer == pointer || e.pointer.ends_with(pointer);
        })) {
      return false;
    }
    if (statement.contains("sid") && !has_evidence([&](const rules::Evidence& e) {
          return e.text.find("\"" + statement["sid"].get<std::string>() + "\"") !=
                 std::string::npos;
        })) {
      return false;
    }
  }
  if (expected.contains("pointer") && !has_evidence([&](const rules::Evidence& e) {
        return e.pointer == expected["pointer"].get<std::string>();
      })) {
    return false;
  }
  for (const auto& part : expected.value("message_contains", nlohmann::json::array())) {
    if (finding.message.find(part.get<std::string>()) == std::string::npos)
      return false;
  }
  for (const auto& part : expected.value("message_lacks", nlohmann::json::array())) {
    if (finding.message.find(part.get<std::string>()) != std::string::npos)
      return false;
  }
  for (const auto& part : expected.value("evidence_contains", nlohmann::json::array())) {
    const std::string text = part.get<std::string>();
    if (!has_evidence(
            [&](const rules::Evidence& e) { return e.text.find(text) != std::string::npos; }))
      return false;
  }
  return true;
}

} // namespace

TEST_CASE("rule fixtures", "[rules][fixtures]") {
  REQUIRE(fs::exists(k_fixtures));
  std::size_t positives = 0;
  for (const auto& rule_dir : fs::directory_iterator(k_fixtures)) {
    const std::string rule = rule_dir.path().filename().string();
    if (!rule_dir.is_directory() || !rule.starts_with("TFKMS"))
      continue;
    REQUIRE(rules::is_rule_id(rule));
    // A change rule's cases are before/after pairs: diff_fixtures_test.cpp runs them.
    if (rules::is_change_rule(rule))
      continue;
    for (const fs::path& input : inputs_in(rule_dir.path() / "positive")) {
      ++positives;
      DYNAMIC_SECTION(rule << "/positive/" << input.filename().string()) {
        const fs::path expected_path = input.parent_path() / (stem_of(input) + ".expected.json");
        INFO("positive fixture " << input.string());
        REQUIRE(fs::exists(expected_path));
        std::ifstream in(expected_path);
        const nlohmann::json expected = nlohmann::json::parse(in);
        REQUIRE(expected.is_array());
        REQUIRE_FALSE(expected.empty());
        const auto findings = run_fixture(input, {rule});
        INFO("findings:\n" << summary(findings));
        CHECK(findings.size() == expected.size());
        for (const auto& item : expected) {
          INFO("expected " << item.dump());
          // Where a finding points is part of what is expected: a file of another scenario is a
          // defect.
          REQUIRE(item.contains("file"));
          REQUIRE(item.contains("line"));
          CHECK(item["file"].get<std::string>().starts_with(scenario_of(input) + "."));
          CHECK(std::count_if(findings.begin(), findings.end(),
                              [&](const auto& f) { return matches(item, f); }) == 1);
        }
      }
    }
    for (const fs::path& input : inputs_in(rule_dir.path() / "negative")) {
      DYNAMIC_SECTION(rule << "/negative/" << input.filename().string()) {
        INFO("negative fixture " << input.string());
        const auto findings = run_fixture(input, {rule});
        INFO("findings:\n" << summary(findings));
        CHECK(findings.empty());
      }
    }
  }
  CHECK(positives > 0);
}

// Rules whose scenarios cannot be written as a CloudFormation template, and why.
const std::map<std::string, std::string> k_not_in_templates = {
    {"TFKMS003",
     "KMS grants are no CloudFormation resource (formats.md §2.4: no AWS::KMS::Grant; templates "
     "grant through custom resources calling CreateGrant, which tfkms cannot read)"},
};

// A scenario written both as a Terraform plan (<scenario>.tfplan.json) and as a CloudFormation
// template
// (<scenario>.cfn.yaml or .cfn.json) in the same fixture folder must give the same findings under
// every rule, not only the folder's: the same rule ids, severities and amount of evidence, as often
// (resource names differ by format). Every rule that has fixtures has at least one such pair,
// unless it is listed in k_not_in_templates; so the loaders are held to building the same graph
// from both formats.
TEST_CASE("scenarios in both formats give the same findings", "[rules][fixtures]") {
  std::map<std::string, std::size_t> pairs_by_rule;
  for (const auto& rule_dir : fs::directory_iterator(k_fixtures)) {
    const std::string rule = rule_dir.path().filename().string();
    if (!rule_dir.is_directory() || !rule.starts_with("TFKMS") || rules::is_change_rule(rule))
      continue;
    pairs_by_rule[rule];
    for (const char* kind : {"positive", "negative"}) {
      const auto inputs = inputs_in(rule_dir.path() / kind);
      for (const fs::path& plan : inputs) {
        if (!plan.string().ends_with(".tfplan.json"))
          continue;
        for (const fs::path& other : inputs) {
          if (other == plan || scenario_of(other) != scenario_of(plan) ||
              other.string().ends_with(".tfplan.json"))
            continue;
          ++pairs_by_rule[rule];
          DYNAMIC_SECTION(rule << "/" << kind << "/" << plan.filename().string() << " vs "
                               << other.filename().string()) {
            INFO(plan.string() << " vs " << other.string());
            const auto shape = [](const std::vector<rules::Finding>& findings) {
              std::vector<std::tuple<std::string, rules::Severity, std::size_t>> result;
              for (const auto& f : findings)
                result.emplace_back(f.rule_id, f.severity, f.evidence.size());
              std::sort(result.begin(), result.end());
              return result;
            };
            const auto from_plan = run_fixture(plan, {});
            const auto from_template = run_fixture(other, {});
            INFO("plan:\n" << summary(from_plan) << "template:\n" << summary(from_template));
            CHECK(shape(from_plan) == shape(from_template));
          }
        }
      }
    }
  }
  for (const auto& [rule, pairs] : pairs_by_rule) {
    INFO(rule << ": " << pairs << " scenario(s) in both formats");
    if (const auto reason = k_not_in_templates.find(rule); reason != k_not_in_templates.end()) {
      CHECK(pairs == 0); // a pair would show the reason wrong: then drop the entry
    } else {
      CHECK(pairs > 0);
    }
  }
}
