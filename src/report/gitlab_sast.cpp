// GitLab's SAST report (`artifacts:reports:sast`, gl-sast-report.json), schema version 15.0.7 of
// gitlab-org/security-products/security-report-schemas (sast-report-format.json). Required there:
// `version`, `vulnerabilities`, `scan` (analyzer and scanner with id, name, version, vendor.name;
// start_time and end_time as YYYY-MM-DDTHH:MM:SS; status; type "sast"); each vulnerability needs
// `id`, `identifiers` (at least one, each with type, name, value) and `location` (`file`,
// `start_line`). Suppressed findings are left out: the schema has no way to say "accepted", and
// GitLab would show them as open.
#include "report/formats.hpp"
#include "report/paths.hpp"
#include "report/summary.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <ostream>
#include <set>

namespace tfkms::report {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view k_schema_version = "15.0.7";
constexpr std::string_view k_schema =
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v15.0.7/dist/"
    "sast-report-format.json";
constexpr std::string_view k_information_uri = "https://github.com/tfkms/tfkms";

std::string_view gitlab_severity(rules::Severity severity) {
  switch (severity) {
  case rules::Severity::critical:
    return "Critical";
  case rules::Severity::high:
    return "High";
  case rules::Severity::medium:
    return "Medium";
  case rules::Severity::low:
    return "Low";
  case rules::Severity::info:
    return "Info";
  }
  return "Unknown";
}

// The schema's time format has no zone; GitLab reads it as UTC.
std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[20];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
  return text;
}

Json tool(std::string_view id) {
  return Json{{"id", id},
              {"name", "tfkms"},
              {"url", k_information_uri},
              {"vendor", {{"name", "tfkms"}}},
              {"version", TFKMS_VERSION}};
}

class GitlabSastReporter final : public Reporter {
public:
  explicit GitlabSastReporter(ReportOptions options) : m_options(std::move(options)) {}

  void write(const Report& report, std::ostream& out) const override {
    const std::string started = utc_now();
    Json vulnerabilities = Json::array();
    std::set<std::string> ids;
    for (const rules::Finding& finding : report.findings) {
      if (finding.suppressed)
        continue;
      // Identical findings share a fingerprint; ids must differ.
      std::string id = finding.fingerprint;
      for (int copy = 2; !ids.insert(id).second; ++copy)
        id = finding.fingerprint + "-" + std::to_string(copy);
      vulnerabilities.push_back(vulnerability(report, finding, id));
    }
    const Json document{{"$schema", k_schema},
                        {"version", k_schema_version},
                        {"scan",
                         {{"analyzer", tool("tfkms")},
                          {"scanner", tool("tfkms")},
                          {"type", "sast"},
                          {"start_time", started},
                          {"end_time", utc_now()},
                          {"status", has_errors(report) ? "failure" : "success"}}},
                        {"vulnerabilities", std::move(vulnerabilities)}};
    out << document.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
  }

private:
  [[nodiscard]] Json vulnerability(const Report& report, const rules::Finding& finding,
                                   const std::string& id) const {
    const rules::RuleInfo* rule = find_rule(report, finding.rule_id);
    std::string description = finding.message;
    for (const rules::Evidence& evidence : finding.evidence)
      description += "\n- " + evidence.text;
    Json location{
        {"file",
         repository_relative(finding.file, m_options.repository_root).value_or(finding.file)}};
    if (finding.line)
      location["start_line"] = *finding.line;
    Json item{{"id", id},
              {"name", rule == nullptr ? finding.rule_id : std::string(rule->title)},
              {"description", description},
              {"severity", gitlab_severity(finding.severity)},
              {"location", std::move(location)},
              {"identifiers",
               Json::array({Json{{"type", "tfkms_rule_id"},
                                 {"name", finding.rule_id},
                                 {"value", finding.rule_id},
                                 {"url", std::string(k_information_uri) + "/blob/main/rules/" +
                                             finding.rule_id + ".md"}}})}};
    if (!finding.fix.empty())
      item["solution"] = finding.fix;
    return item;
  }

  ReportOptions m_options;
};

} // namespace

std::unique_ptr<Reporter> make_gitlab_sast_reporter(const ReportOptions& options) {
  return std::make_unique<GitlabSastReporter>(options);
}

} // namespace tfkms::report
