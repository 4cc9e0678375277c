// SARIF 2.1.0 for GitHub code scanning (shared/docs/sarif-github.md). One run; every rule is
// listed, not only those that fired; locations are relative to the repository root under %SRCROOT%.
//
// Severity mapping (rule defaultConfiguration.level / result level, and the string
// properties["security-severity"] GitHub buckets as >9.0 critical, 7.0-8.9 high, 4.0-6.9 medium,
// 0.1-3.9 low; GH-SARIF):
//   critical -> error   9.5      high -> error   8.0      medium -> warning 5.5
//   low      -> note    3.0      info -> note    1.0
//
// GitHub limits (GH-SARIF, sarif-github.md §1.4). A file above them is rejected whole, losing every
// alert, so this writer never produces one: it keeps at most 25,000 results per run and at most
// 9,500,000 bytes once gzip-compressed (GitHub's limit is 10 MB of gzip; SARIF compresses 20-40x,
// so a cap on the uncompressed size would drop results GitHub accepts), dropping suppressed
// findings first, then the least severe, and says so in a toolExecutionNotification. Each result
// carries at most 100 related locations (GitHub shows 100, rejects above 1,000). Every rule has the
// same five tags (rule_descriptor), within GitHub's limits of 10 shown and 20 accepted.
#include "report/escape.hpp"
#include "report/fix_text_edit.hpp"
#include "report/formats.hpp"
#include "report/gzip_size.hpp"
#include "report/paths.hpp"
#include "report/summary.hpp"
#include "rules/engine.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace tfkms::report {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view k_schema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view k_information_uri = "https://github.com/tfkms/tfkms";
constexpr std::string_view k_root_base_id = "%SRCROOT%";
constexpr std::string_view k_fingerprint_key = "tfkms/v1";
constexpr std::size_t k_max_results = 25'000;
constexpr std::size_t k_max_gzip_bytes = 9'500'000;
constexpr std::size_t k_max_related_locations = 100;
constexpr std::size_t k_max_description = 1024; // shortDescription / fullDescription (GH-SARIF)

struct SeverityMapping {
  std::string_view level;
  std::string_view security_severity;
};

SeverityMapping mapping(rules::Severity severity) {
  switch (severity) {
  case rules::Severity::critical:
    return {"error", "9.5"};
  case rules::Severity::high:
    return {"error", "8.0"};
  case rules::Severity::medium:
    return {"warning", "5.5"};
  case rules::Severity::low:
    return {"note", "3.0"};
  case rules::Severity::info:
    return {"note", "1.0"};
  }
  return {"warning", "5.5"};
}

/// The rules of the run: the report's, plus any rule id a finding uses that the report does not
/// declare, so every result has a ruleIndex (SARIF1010).
struct RuleEntry {
  std::string id;
  std::string name;
  std::string title;
  rules::Severity severity;
  std::string_view markdown;
};

std::vector<RuleEntry> collect_rules(const Report& report,
                                     const std::vector<rules::Finding>& findings) {
  std::vector<RuleEntry> out;
  for (const rules::RuleInfo& info : report.rules) {
    out.push_back({std::string(info.id), std::string(info.name), std::string(info.title),
                   info.severity, info.markdown});
  }
  for (const rules::Finding& finding : findings) {
    const bool known = std::any_of(out.begin(), out.end(),
                                   [&](const RuleEntry& e) { return e.id == finding.rule_id; });
    // No name: SARIF1001 wants a name different from the id, and there is none to give.
    if (!known)
      out.push_back({finding.rule_id, {}, finding.rule_id, finding.severity, {}});
  }
  return out;
}

/// The first paragraph under "## Why it matters" in a rule page; empty when there is none.
std::string why_it_matters(std::string_view markdown) {
  constexpr std::string_view k_heading = "## Why it matters";
  const std::size_t heading = markdown.find(k_heading);
  if (heading == std::string_view::npos)
    return {};
  std::string_view rest = markdown.substr(heading + k_heading.size());
  const std::size_t start = rest.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos)
    return {};
  rest = rest.substr(start);
  const std::size_t end = std::min(rest.find("\n\n"), rest.find("\n#"));
  std::string paragraph(rest.substr(0, end));
  std::replace(paragraph.begin(), paragraph.end(), '\n', ' ');
  return paragraph;
}

Json message(std::string_view text) { return Json{{"text", text}}; }

Json rule_descriptor(const RuleEntry& rule) {
  const SeverityMapping severity = mapping(rule.severity);
  std::string full = why_it_matters(rule.markdown);
  if (full.empty())
    full = rule.title;
  const std::string help_markdown = rule.markdown.empty() ? rule.title : std::string(rule.markdown);
  Json descriptor{{"id", rule.id}};
  if (!rule.name.empty())
    descriptor["name"] = rule.name;
  descriptor.update(
      Json{{"shortDescription", message(truncate_utf8(rule.title, k_max_description))},
           {"fullDescription", message(truncate_utf8(full, k_max_description))},
           {"help", {{"text", help_markdown}, {"markdown", help_markdown}}},
           {"helpUri",
            std::string(k_information_uri) + "/blob/main/rules/" + uri_reference(rule.id) + ".md"},
           {"defaultConfiguration", {{"level", severity.level}}},
           {"properties",
            {{"tags", {"security", "kms", "aws", "terraform", "cloudformation"}},
             {"security-severity", severity.security_severity}}}});
  return descriptor;
}

class SarifWriter {
public:
  SarifWriter(const Report& report, const ReportOptions& options)
      : m_report(report), m_options(options), m_findings(all_findings(report)),
        m_rules(collect_rules(report, m_findings)) {}

  [[nodiscard]] std::string render() const {
    std::vector<Json> results;
    results.reserve(m_findings.size());
    for (const rules::Finding& finding : m_findings)
      results.push_back(result(finding));

    std::vector<std::size_t> kept = keep_order();
    if (kept.size() > k_max_results)
      kept.resize(k_max_results);
    std::string text = render_with(results, kept);
    for (std::size_t compressed = gzip_size(text); compressed > k_max_gzip_bytes && !kept.empty();
         compressed = gzip_size(text)) {
      // Drop the least wanted results until their share of the compressed size, at this file's
      // compression ratio, covers the excess; the ratio of what is dropped is close to the file's.
      const double ratio = static_cast<double>(compressed) / static_cast<double>(text.size());
      const auto excess = static_cast<double>(compressed - k_max_gzip_bytes);
      double dropped = 0;
      while (!kept.empty() && dropped < excess) {
        dropped += ratio * static_cast<double>(results.at(kept.back()).dump().size());
        kept.pop_back();
      }
      text = render_with(results, kept);
    }
    return text;
  }

private:
  /// Finding indexes, most wanted first: unsuppressed before suppressed, then by severity.
  [[nodiscard]] std::vector<std::size_t> keep_order() const {
    std::vector<std::size_t> order(m_findings.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const rules::Finding& fa = m_findings.at(a);
      const rules::Finding& fb = m_findings.at(b);
      if (fa.suppressed != fb.suppressed)
        return !fa.suppressed;
      if (fa.baseline_state != fb.baseline_state)
        return fa.baseline_state != rules::BaselineState::unchanged;
      return fa.severity > fb.severity;
    });
    return order;
  }

  [[nodiscard]] std::string render_with(const std::vector<Json>& results,
                                        std::vector<std::size_t> kept) const {
    std::sort(kept.begin(), kept.end()); // the report's order: by file, line, rule
    Json kept_results = Json::array();
    for (const std::size_t index : kept)
      kept_results.push_back(results.at(index));

    Json notifications = Json::array();
    for (const model::Diagnostic& diagnostic : m_report.diagnostics)
      notifications.push_back(notification(diagnostic));
    if (kept.size() < results.size()) {
      notifications.push_back(Json{
          {"level", "warning"},
          {"message",
           message("Omitted " + std::to_string(results.size() - kept.size()) + " of " +
                   std::to_string(results.size()) +
                   " results: GitHub code scanning rejects runs with more than 25000 results or "
                   "files over 10 MB compressed. The most severe findings were kept; the json "
                   "format lists all.")}});
    }

    Json rules = Json::array();
    for (const RuleEntry& rule : m_rules)
      rules.push_back(rule_descriptor(rule));

    Json run{
        {"tool",
         {{"driver",
           {{"name", "tfkms"},
            {"version", TFKMS_VERSION},
            {"semanticVersion", TFKMS_VERSION},
            {"informationUri", k_information_uri},
            {"rules", std::move(rules)}}}}},
        {"originalUriBaseIds",
         {{k_root_base_id,
           {{"description", message("The repository root; every uri is relative to it.")}}}}},
        {"invocations", Json::array({Json{{"executionSuccessful", !has_errors(m_report)},
                                          {"toolExecutionNotifications", std::move(notifications)},
                                          {"properties", invocation_properties()}}})},
        {"results", std::move(kept_results)}};
    if (!m_options.sarif_category.empty()) {
      // GitHub splits automationDetails.id at the last '/' into category and run id; the trailing
      // slash keeps the whole value as the category (GH-SARIF).
      std::string id = m_options.sarif_category;
      if (id.back() != '/')
        id += '/';
      run["automationDetails"] = Json{{"id", id}};
    }
    const Json log{
        {"$schema", k_schema}, {"version", "2.1.0"}, {"runs", Json::array({std::move(run)})}};
    return log.dump(2, ' ', false, Json::error_handler_t::replace) + '\n';
  }

  /// A repository-relative location. Files outside the repository root are named by their file name
  /// only: GitHub cannot show them anyway, and an absolute or `..` path would leak the runner's
  /// layout or be rejected (sarif-github.md §1.5).
  [[nodiscard]] Json artifact_location(const std::string& file) const {
    std::string path = file.empty() && !m_report.inputs.empty() ? m_report.inputs.front() : file;
    if (const auto relative = repository_relative(path, m_options.repository_root)) {
      path = *relative;
    } else {
      path = std::filesystem::path(path).filename().generic_string();
    }
    if (path.empty())
      path = "unknown";
    return Json{{"uri", uri_reference(path)}, {"uriBaseId", k_root_base_id}};
  }

  [[nodiscard]] Json physical_location(const std::string& file,
                                       const std::optional<std::uint32_t>& line,
                                       const std::optional<std::uint32_t>& column) const {
    // GitHub needs a region with startLine (SDK GH1003); a finding without one points at line 1,
    // as GitHub recommends for file-wide problems.
    Json region{{"startLine", line.value_or(1)}};
    if (line && column)
      region["startColumn"] = *column;
    return Json{{"artifactLocation", artifact_location(file)}, {"region", std::move(region)}};
  }

  [[nodiscard]] Json result(const rules::Finding& finding) const {
    const auto rule = std::find_if(m_rules.begin(), m_rules.end(),
                                   [&](const RuleEntry& e) { return e.id == finding.rule_id; });
    std::string text = finding.message.empty() ? rule->title : finding.message;
    if (!finding.fix.empty())
      text += "\nFix: " + finding.fix;

    Json location{
        {"physicalLocation", physical_location(finding.file, finding.line, finding.column)}};
    if (!finding.resource.empty()) {
      location["logicalLocations"] =
          Json::array({Json{{"fullyQualifiedName", finding.resource}, {"kind", "resource"}}});
    }

    Json result{{"ruleId", finding.rule_id},
                {"ruleIndex", rule - m_rules.begin()},
                {"level", mapping(finding.severity).level},
                {"message", message(text)},
                {"locations", Json::array({std::move(location)})}};

    Json related = Json::array();
    Json evidence = Json::array();
    for (const rules::Evidence& item : finding.evidence) {
      evidence.push_back(Json{{"text", item.text}, {"pointer", item.pointer}});
      if (!item.line || related.size() >= k_max_related_locations)
        continue;
      related.push_back(
          Json{{"id", related.size() + 1},
               {"physicalLocation", physical_location(item.file.empty() ? finding.file : item.file,
                                                      item.line, std::nullopt)},
               {"message", message(item.text.empty() ? "evidence" : item.text)}});
    }
    if (!related.empty())
      result["relatedLocations"] = std::move(related);
    if (!finding.fingerprint.empty())
      result["partialFingerprints"] = Json{{k_fingerprint_key, finding.fingerprint}};
    if (finding.baseline_state != rules::BaselineState::not_compared) {
      const bool unchanged = finding.baseline_state == rules::BaselineState::unchanged;
      result["baselineState"] = unchanged ? "unchanged" : "new";
    }
    if (finding.suppressed) {
      Json suppression{{"kind", finding.suppression_kind == rules::SuppressionKind::external
                                    ? "external"
                                    : "inSource"},
                       {"status", "accepted"}};
      if (!finding.suppression_reason.empty())
        suppression["justification"] = finding.suppression_reason;
      result["suppressions"] = Json::array({std::move(suppression)});
    }
    result["properties"] = Json{{"severity", rules::to_string(finding.severity)},
                                {"resource", finding.resource},
                                {"evidence", std::move(evidence)}};
    // The fix as data stays for tools that read it; where it edits the template the finding
    // points at, it is also a SARIF fix (§3.55): one replacement in that file.
    if (finding.fix_edit.kind != rules::FixKind::text_only) {
      result["properties"]["fixEdit"] = report::to_json(finding.fix_edit);
    }
    if (auto fix = sarif_fix(finding))
      result["fixes"] = Json::array({std::move(*fix)});
    return result;
  }

  [[nodiscard]] std::optional<Json> sarif_fix(const rules::Finding& finding) const {
    if (finding.fix_edit.kind == rules::FixKind::text_only || finding.file.empty())
      return std::nullopt;
    const std::string* text = file_text(finding.file);
    if (text == nullptr)
      return std::nullopt;
    const std::optional<TextEdit> edit = template_text_edit(finding.fix_edit, finding.file, *text);
    if (!edit)
      return std::nullopt;
    Json replacement{
        {"deletedRegion", Json{{"charOffset", edit->offset}, {"charLength", edit->length}}},
        {"insertedContent", Json{{"text", edit->inserted}}}};
    return Json{{"description", message(finding.fix)},
                {"artifactChanges",
                 Json::array({Json{{"artifactLocation", artifact_location(finding.file)},
                                   {"replacements", Json::array({std::move(replacement)})}}})}};
  }

  // The content of input `path`, read once; null when it cannot be read.
  [[nodiscard]] const std::string* file_text(const std::string& path) const {
    auto [entry, added] = m_file_texts.try_emplace(path);
    if (added) {
      std::ifstream in(path, std::ios::binary);
      if (in) {
        std::ostringstream content;
        content << in.rdbuf();
        entry->second = std::move(content).str();
      }
    }
    return entry->second ? &*entry->second : nullptr;
  }

  [[nodiscard]] Json notification(const model::Diagnostic& diagnostic) const {
    Json out{{"level", to_string(diagnostic.level)}, {"message", message(diagnostic.message)}};
    if (!diagnostic.file.empty()) {
      out["locations"] =
          Json::array({Json{{"physicalLocation", physical_location(diagnostic.file, diagnostic.line,
                                                                   diagnostic.column)}}});
    }
    if (!diagnostic.pointer.empty())
      out["properties"] = Json{{"pointer", diagnostic.pointer}};
    return out;
  }

  // What each input was analysed as (its account), and how many scanned files were not inputs.
  [[nodiscard]] Json invocation_properties() const {
    Json accounts = Json::array();
    for (const InputAccount& account : m_report.accounts)
      accounts.push_back(to_json(account));
    return Json{{"accounts", std::move(accounts)}, {"skippedFiles", m_report.skipped.size()}};
  }

  /// New and baselined findings, in report order.
  static std::vector<rules::Finding> all_findings(const Report& report) {
    std::vector<rules::Finding> findings = report.findings;
    findings.insert(findings.end(), report.baselined.begin(), report.baselined.end());
    if (!report.baselined.empty())
      rules::sort_findings(findings);
    return findings;
  }

  const Report& m_report;
  const ReportOptions& m_options;
  std::vector<rules::Finding> m_findings;
  std::vector<RuleEntry> m_rules;
  mutable std::map<std::string, std::optional<std::string>> m_file_texts;
};

class SarifReporter final : public Reporter {
public:
  explicit SarifReporter(ReportOptions options) : m_options(std::move(options)) {}

  void write(const Report& report, std::ostream& out) const override {
    out << SarifWriter(report, m_options).render();
  }

private:
  ReportOptions m_options;
};

} // namespace

std::unique_ptr<Reporter> make_sarif_reporter(const ReportOptions& options) {
  return std::make_unique<SarifReporter>(options);
}

} // namespace tfkms::report
