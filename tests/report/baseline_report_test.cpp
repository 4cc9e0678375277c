#include "sample_reports.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace tfkms::report;
using nlohmann::json;

namespace {

// The representative report compared with a baseline holding all but its first finding.
Report compared_with_baseline() {
  Report report = samples::representative();
  for (auto& finding : report.findings)
    finding.baseline_state = tfkms::rules::BaselineState::unchanged;
  report.baselined.assign(report.findings.begin() + 1, report.findings.end());
  report.findings.resize(1);
  report.findings[0].baseline_state = tfkms::rules::BaselineState::added;
  return report;
}

} // namespace

TEST_CASE("sarif keeps baselined results as unchanged and marks the others new",
          "[report][sarif][baseline]") {
  const Report report = compared_with_baseline();
  const json log = json::parse(samples::render(Format::sarif, report));
  const json& results = log["runs"][0]["results"];
  REQUIRE(results.size() == report.findings.size() + report.baselined.size());
  std::size_t added = 0;
  for (const json& result : results) {
    const std::string state = result.at("baselineState");
    CHECK((state == "new" || state == "unchanged"));
    added += state == "new" ? 1 : 0;
  }
  CHECK(added == 1);
  // Without a baseline, no result claims a state.
  const json plain = json::parse(samples::render(Format::sarif, samples::representative()));
  for (const json& result : plain["runs"][0]["results"])
    CHECK_FALSE(result.contains("baselineState"));
}

TEST_CASE("text and json show only the new findings", "[report][baseline]") {
  const Report report = compared_with_baseline();
  const std::string text = samples::render(Format::text, report);
  for (const auto& finding : report.baselined)
    CHECK(text.find(finding.resource) == std::string::npos);
  CHECK(text.find(report.findings[0].resource) != std::string::npos);
  CHECK(json::parse(samples::render(Format::json, report))["findings"].size() == 1);
}
