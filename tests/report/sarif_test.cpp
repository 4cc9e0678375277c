#include "report/file_output.hpp"
#include "report/gzip_size.hpp"
#include "rules/registry.hpp"
#include "sample_reports.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

using namespace tfkms::report;
using nlohmann::json;

namespace {

json sarif(const Report& report, std::string category = {}) {
  ReportOptions options = samples::in_repo();
  options.sarif_category = std::move(category);
  return json::parse(samples::render(Format::sarif, report, options));
}

const json& result_for(const json& run, std::string_view resource) {
  for (const json& result : run["results"]) {
    if (result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == resource)
      return result;
  }
  FAIL("no result for " << resource);
  throw std::logic_error("unreachable");
}

/// The log as written to a regular file, which the writer writes while it screens the log's size
/// and starts over when the log needs results dropped.
std::string sarif_in_file(const Report& report) {
  std::string path = "/tmp/tfkms-sarif-XXXXXX";
  const int descriptor = mkstemp(path.data());
  REQUIRE(descriptor >= 0);
  {
    FileOutput file(descriptor);
    REQUIRE(file.can_start_over());
    std::ostream out(&file);
    make_reporter(Format::sarif, samples::in_repo())->write(report, out);
    out.flush();
    CHECK_FALSE(file.failed());
  }
  close(descriptor);
  std::ifstream in(path, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::remove(path.c_str());
  return text;
}

} // namespace

TEST_CASE("sarif log has one run with the tool and every rule", "[report][sarif]") {
  const json log = sarif(samples::clean());
  CHECK(log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
  CHECK(log["version"] == "2.1.0");
  REQUIRE(log["runs"].size() == 1);
  const json& driver = log["runs"][0]["tool"]["driver"];
  CHECK(driver["name"] == "tfkms");
  CHECK(driver["semanticVersion"] == TFKMS_VERSION);
  CHECK(driver["informationUri"] == "https://github.com/tfkms/tfkms");
  REQUIRE(driver["rules"].size() == samples::k_rules.size()); // listed although none fired
  CHECK(log["runs"][0]["results"] == json::array());          // empty, so old alerts close
  CHECK(log["runs"][0]["invocations"][0]["executionSuccessful"] == true);
  CHECK_FALSE(log["runs"][0].contains("automationDetails"));
}

TEST_CASE("sarif rules carry descriptions, help and a security severity", "[report][sarif]") {
  const json rules = sarif(samples::clean())["runs"][0]["tool"]["driver"]["rules"];
  const json& open = rules[1];
  CHECK(open["id"] == "TFKMS004");
  CHECK(open["name"] == "KeyPolicyAllowsAnyPrincipal");
  CHECK(open["shortDescription"]["text"] == "Key policy allows any principal");
  CHECK(open["fullDescription"]["text"] ==
        "A key policy statement that allows `*` lets every AWS account use the key unless a "
        "condition limits the caller.");
  CHECK(open["help"]["markdown"] == std::string(samples::k_doc_open_key));
  CHECK(open["help"]["text"] == std::string(samples::k_doc_open_key));
  CHECK(open["helpUri"] == "https://github.com/tfkms/tfkms/blob/main/rules/TFKMS004.md");
  CHECK(open["defaultConfiguration"]["level"] == "error");
  CHECK(open["properties"]["security-severity"] == "9.5");
  CHECK(open["properties"]["tags"][0] == "security");
  CHECK(open["properties"]["tags"].size() <= 10);
  // A rule without a page falls back to its title.
  CHECK(rules[0]["fullDescription"]["text"] == "Customer managed key without rotation");
  CHECK(rules[0]["help"]["text"] == "Customer managed key without rotation");
  CHECK(rules[0]["defaultConfiguration"]["level"] == "warning");
  CHECK(rules[0]["properties"]["security-severity"] == "5.5");
  CHECK(rules[2]["defaultConfiguration"]["level"] == "note");
  CHECK(rules[2]["properties"]["security-severity"] == "3.0");
}

TEST_CASE("sarif results point at repository-relative files", "[report][sarif]") {
  const json run = sarif(samples::representative())["runs"][0];
  REQUIRE(run["results"].size() == 6);
  const json& open = result_for(run, "aws_kms_key.shared");
  CHECK(open["ruleId"] == "TFKMS004");
  CHECK(open["ruleIndex"] == 1);
  CHECK(open["level"] == "error");
  CHECK(open["message"]["text"] ==
        "Key policy statement 1 allows kms:Decrypt to any principal.\nFix: Name the "
        "trusted accounts or add an aws:PrincipalOrgID condition.");
  const json& physical = open["locations"][0]["physicalLocation"];
  CHECK(physical["artifactLocation"]["uri"] == "infra/kms.tf");
  CHECK(physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  CHECK(physical["region"]["startLine"] == 12);
  CHECK(physical["region"]["startColumn"] == 3);
  CHECK(open["locations"][0]["logicalLocations"][0]["kind"] == "resource");
  REQUIRE(open["relatedLocations"].size() == 1); // only evidence with a line
  CHECK(open["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 15);
  CHECK(open["relatedLocations"][0]["message"]["text"].get<std::string>().find("AllowEveryone") !=
        std::string::npos);
  CHECK(open["partialFingerprints"]["tfkms/v1"].get<std::string>().size() == 16);
  CHECK_FALSE(open["partialFingerprints"].contains("primaryLocationLineHash"));
  // Each evidence once: one with a related location refers to it, one without keeps its text.
  const json& evidence = open["properties"]["evidence"];
  REQUIRE(evidence.size() == 2);
  CHECK(evidence[0]["relatedLocation"] == open["relatedLocations"][0]["id"]);
  CHECK_FALSE(evidence[0].contains("text"));
  CHECK(evidence[0]["pointer"] == "/Statement/1/Principal/AWS");
  CHECK(evidence[1]["text"] == "no condition limits the caller");
  CHECK_FALSE(evidence[1].contains("relatedLocation"));

  // A finding without a line still has the region GitHub requires.
  CHECK(result_for(run, "AppGrant")["locations"][0]["physicalLocation"]["region"]["startLine"] ==
        1);
  // Outside the repository: the file name only, never an absolute or ../ path.
  CHECK(result_for(run, "module.shared.aws_kms_key.this")["locations"][0]["physicalLocation"]
                                                         ["artifactLocation"]["uri"] ==
        "plan.json");
  for (const json& result : run["results"]) {
    const std::string uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    CHECK(uri.front() != '/');
    CHECK(uri.find("..") == std::string::npos);
    CHECK(uri.find('\\') == std::string::npos);
  }
}

TEST_CASE("sarif marks suppressed findings with their kind and justification", "[report][sarif]") {
  const json run = sarif(samples::representative())["runs"][0];
  const json& in_source = result_for(run, "LegacyKey")["suppressions"][0];
  CHECK(in_source["kind"] == "inSource");
  CHECK(in_source["justification"] == "imported key material cannot rotate");
  const json& external = result_for(run, "aws_kms_grant.batch")["suppressions"][0];
  CHECK(external["kind"] == "external");
  CHECK_FALSE(external.contains("justification"));
  CHECK_FALSE(result_for(run, "aws_kms_key.shared").contains("suppressions"));
}

TEST_CASE("sarif reports unreadable inputs as tool notifications", "[report][sarif]") {
  const json invocation = sarif(samples::representative())["runs"][0]["invocations"][0];
  CHECK(invocation["executionSuccessful"] == false);
  REQUIRE(invocation["toolExecutionNotifications"].size() == 2);
  const json& error = invocation["toolExecutionNotifications"][0];
  CHECK(error["level"] == "error");
  CHECK(error["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "infra/broken.json");
  CHECK(error["locations"][0]["physicalLocation"]["region"]["startColumn"] == 17);
  CHECK(invocation["toolExecutionNotifications"][1]["properties"]["pointer"] ==
        "/Resources/Key/Properties");
}

TEST_CASE("sarif category becomes the whole automationDetails category", "[report][sarif]") {
  CHECK(sarif(samples::clean(), "tfkms/infra")["runs"][0]["automationDetails"]["id"] ==
        "tfkms/infra/");
  CHECK(sarif(samples::clean(), "prod/")["runs"][0]["automationDetails"]["id"] == "prod/");
}

TEST_CASE("sarif gives an undeclared rule an entry so ruleIndex stays valid", "[report][sarif]") {
  Report report = samples::clean();
  report.findings.push_back(
      samples::make_finding("TFKMS099", tfkms::rules::Severity::high, "x", "repo/a.tf", 2, "m"));
  const json run = sarif(report)["runs"][0];
  REQUIRE(run["tool"]["driver"]["rules"].size() == samples::k_rules.size() + 1);
  CHECK(run["results"][0]["ruleIndex"] == samples::k_rules.size());
  CHECK(run["tool"]["driver"]["rules"][samples::k_rules.size()]["id"] == "TFKMS099");
  CHECK_FALSE(run["tool"]["driver"]["rules"][samples::k_rules.size()].contains("name"));
}

TEST_CASE("sarif over 10 MB that compresses below GitHub's limit is written whole",
          "[report][sarif]") {
  const Report report = samples::long_but_compressible();
  const std::string text = samples::render(Format::sarif, report);
  CHECK(text.size() > 12'000'000);
  CHECK(tfkms::report::gzip_size(text) < 1'000'000);
  const json run = json::parse(text)["runs"][0];
  CHECK(run["results"].size() == 600);
  CHECK(run["invocations"][0]["toolExecutionNotifications"].empty());
}

TEST_CASE("sarif stays within GitHub's compressed size limit, keeping the most severe results",
          "[report][sarif]") {
  const Report report = samples::oversized();
  const std::string text = samples::render(Format::sarif, report);
  CHECK(tfkms::report::gzip_size(text) <= 9'500'000);
  const json run = json::parse(text)["runs"][0];
  const std::size_t kept = run["results"].size();
  CHECK(kept < 800);
  CHECK(kept >= 200); // every critical one fits: 200 x ~15 KB compressed
  std::size_t critical = 0;
  for (const json& result : run["results"])
    critical += result["level"] == "error" ? 1 : 0;
  CHECK(critical == 200);
  // Kept results stay in report order.
  CHECK(run["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1);
  const json& notice = run["invocations"][0]["toolExecutionNotifications"].back();
  CHECK(notice["level"] == "warning");
  CHECK(notice["message"]["text"].get<std::string>().find("Omitted " + std::to_string(800 - kept) +
                                                          " of 800") == 0);
}

TEST_CASE("sarif describes every registered rule from its documentation page", "[report][sarif]") {
  Report report = samples::clean();
  report.rules = tfkms::rules::all_rule_infos();
  REQUIRE_FALSE(report.rules.empty());
  const json rules = sarif(report)["runs"][0]["tool"]["driver"]["rules"];
  REQUIRE(rules.size() == report.rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const tfkms::rules::RuleInfo& info = report.rules[i];
    INFO(info.id);
    CHECK(rules[i]["id"] == std::string(info.id));
    CHECK(rules[i]["help"]["markdown"] == std::string(info.markdown));
    const std::string full = rules[i]["fullDescription"]["text"];
    CHECK(full != std::string(info.title)); // taken from "## Why it matters", not the fallback
    CHECK(full.size() <= 1024);
    CHECK(full.find('\n') == std::string::npos);
  }
}

TEST_CASE("sarif written to a regular file is the log written to any stream", "[report][sarif]") {
  // Within the cap, written as it is screened; over it, started over and written again.
  for (const Report& report : {samples::long_but_compressible(), samples::oversized()})
    CHECK(sarif_in_file(report) == samples::render(Format::sarif, report));
}
