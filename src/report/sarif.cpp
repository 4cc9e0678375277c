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
#include "report/file_output.hpp"
#include "report/fix_text_edit.hpp"
#include "report/formats.hpp"
#include "report/gzip_size.hpp"
#include "report/json_printer.hpp"
#include "report/paths.hpp"
#include "report/summary.hpp"
#include "rules/engine.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace tfkms::report {

namespace {

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
                                     const std::vector<const rules::Finding*>& findings) {
  std::vector<RuleEntry> out;
  for (const rules::RuleInfo& info : report.rules) {
    out.push_back({std::string(info.id), std::string(info.name), std::string(info.title),
                   info.severity, info.markdown});
  }
  for (const rules::Finding* finding : findings) {
    const bool known = std::any_of(out.begin(), out.end(),
                                   [&](const RuleEntry& e) { return e.id == finding->rule_id; });
    // No name: SARIF1001 wants a name different from the id, and there is none to give.
    if (!known)
      out.push_back({finding->rule_id, {}, finding->rule_id, finding->severity, {}});
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

/// Member `member` (a message, a fix's description): {"text": `text`}. Inlined: a large log has one
/// for every related location, and the member's name is then a literal.
[[gnu::always_inline]] inline void print_message(JsonPrinter& out, std::string_view text,
                                                 std::string_view member = "message") {
  out.key(member);
  out.begin_object();
  out.key("text");
  out.string(text);
  out.end_object();
}

void print_rule_descriptor(JsonPrinter& out, const RuleEntry& rule) {
  const SeverityMapping severity = mapping(rule.severity);
  std::string full = why_it_matters(rule.markdown);
  if (full.empty())
    full = rule.title;
  const std::string_view help_markdown =
      rule.markdown.empty() ? std::string_view(rule.title) : rule.markdown;
  out.begin_object();
  out.key("id");
  out.string(rule.id);
  if (!rule.name.empty()) {
    out.key("name");
    out.string(rule.name);
  }
  print_message(out, truncate_utf8(rule.title, k_max_description), "shortDescription");
  print_message(out, truncate_utf8(full, k_max_description), "fullDescription");
  out.key("help");
  out.begin_object();
  out.key("text");
  out.string(help_markdown);
  out.key("markdown");
  out.string(help_markdown);
  out.end_object();
  out.key("helpUri");
  out.string(std::string(k_information_uri) + "/blob/main/rules/" + uri_reference(rule.id) + ".md");
  out.key("defaultConfiguration");
  out.begin_object();
  out.key("level");
  out.string(severity.level);
  out.end_object();
  out.key("properties");
  out.begin_object();
  out.key("tags");
  out.begin_array();
  for (const std::string_view tag : {"security", "kms", "aws", "terraform", "cloudformation"})
    out.string(tag);
  out.end_array();
  out.key("security-severity");
  out.string(severity.security_severity);
  out.end_object();
  out.end_object();
}

class SarifWriter {
public:
  SarifWriter(const Report& report, const ReportOptions& options)
      : m_report(report), m_options(options), m_findings(all_findings(report)),
        m_rules(collect_rules(report, m_findings)) {}

  /// Writes the log result by result. Each attempt is held only while it is short enough to be
  /// within the cap however it compresses, and gzip-compressed as it is written past that, keeping
  /// only its compressed bytes (gzip_size.hpp), so neither the document nor its tree is ever held
  /// whole; an attempt within the cap is then written to `out`.
  void write(std::ostream& out) const {
    std::vector<std::size_t> kept = keep_order();
    if (kept.size() > k_max_results)
      kept.resize(k_max_results);
    std::vector<std::size_t> sizes(m_findings.size()); // each result's bytes, as last written
    if (write_if_surely_within(out, kept, sizes))
      return;
    for (;;) {
      GzipBuffer gzip(k_max_gzip_bytes);
      std::ostream compressed(&gzip);
      write_log(compressed, kept, &sizes);
      if (gzip.finish()) {
        gzip.replay(out);
        return;
      }
      if (kept.empty()) { // nothing left to drop: the log as it is
        write_log(out, kept, nullptr);
        return;
      }
      const std::size_t compressed_size = gzip.compressed_size().value();
      // Drop the least wanted results until their share of the compressed size, at this file's
      // compression ratio, covers the excess; the ratio of what is dropped is close to the file's.
      const double ratio =
          static_cast<double>(compressed_size) / static_cast<double>(gzip.uncompressed_size());
      const auto excess = static_cast<double>(compressed_size - k_max_gzip_bytes);
      double dropped = 0;
      while (!kept.empty() && dropped < excess) {
        dropped += ratio * static_cast<double>(sizes.at(kept.back()));
        kept.pop_back();
      }
    }
  }

private:
  /// Writes the log with the results `kept` when it is surely within the cap without counting it
  /// exactly, which takes ten times as long: the estimate (gzip_size.hpp) is three times gzip's
  /// size on a long SARIF log, and at least 1.5 times it on each of 1,473 logs of the corpus, the
  /// fixtures and the synthetic plans, so a log whose estimate is at most half the cap is within
  /// it. Exact counts are not exact anyway: GitHub's uploader runs Node's zlib, whose level 6
  /// writes 2% fewer bytes than the system's.
  ///
  /// A file that can start over gets the log as it is written, so the log need not be
  /// decompressed from the screen's pieces afterwards.
  bool write_if_surely_within(std::ostream& out, const std::vector<std::size_t>& kept,
                              std::vector<std::size_t>& sizes) const {
    auto* const file = dynamic_cast<FileOutput*>(out.rdbuf());
    const bool write_through = file != nullptr && file->can_start_over();
    GzipBuffer fast(k_max_gzip_bytes, GzipCount::estimate, write_through ? file : nullptr);
    std::ostream compressed(&fast);
    write_log(compressed, kept, &sizes);
    const bool within = fast.finish() && fast.compressed_size().value_or(0) <= k_max_gzip_bytes / 2;
    if (write_through) {
      if (!within)
        file->start_over();
      return within;
    }
    if (within)
      fast.replay(out);
    return within;
  }

  /// Finding indexes, most wanted first: unsuppressed before suppressed, then by severity.
  [[nodiscard]] std::vector<std::size_t> keep_order() const {
    std::vector<std::size_t> order(m_findings.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const rules::Finding& fa = *m_findings.at(a);
      const rules::Finding& fb = *m_findings.at(b);
      if (fa.suppressed != fb.suppressed)
        return !fa.suppressed;
      if (fa.baseline_state != fb.baseline_state)
        return fa.baseline_state != rules::BaselineState::unchanged;
      return fa.severity > fb.severity;
    });
    return order;
  }

  /// The log with the results `kept`, printed as dump() prints it whole (json_printer.hpp): on one
  /// line, since a log is read by tools, and indentation doubled its compressed size, which
  /// GitHub's upload limit counts. When `sizes` is given, each result's byte count (with the
  /// separator before it) goes to its finding's place there.
  void write_log(std::ostream& stream, std::vector<std::size_t> kept,
                 std::vector<std::size_t>* sizes) const {
    std::sort(kept.begin(), kept.end()); // the report's order: by file, line, rule
    JsonPrinter out(stream, 0, JsonPrinter::Layout::compact);
    out.begin_object();
    out.key("$schema");
    out.string(k_schema);
    out.key("version");
    out.string("2.1.0");
    out.key("runs");
    out.begin_array();
    out.begin_object();
    out.key("tool");
    print_tool(out);
    out.key("originalUriBaseIds");
    out.begin_object();
    out.key(k_root_base_id);
    out.begin_object();
    print_message(out, "The repository root; every uri is relative to it.", "description");
    out.end_object();
    out.end_object();
    out.key("invocations");
    print_invocations(out, kept.size());
    out.key("results");
    out.begin_array();
    for (const std::size_t index : kept) {
      const std::size_t start = out.printed();
      print_result(out, *m_findings.at(index));
      if (sizes)
        sizes->at(index) = out.printed() - start;
    }
    out.end_array();
    if (!m_options.sarif_category.empty()) {
      // GitHub splits automationDetails.id at the last '/' into category and run id; the trailing
      // slash keeps the whole value as the category (GH-SARIF).
      std::string id = m_options.sarif_category;
      if (id.back() != '/')
        id += '/';
      out.key("automationDetails");
      out.begin_object();
      out.key("id");
      out.string(id);
      out.end_object();
    }
    out.end_object();
    out.end_array();
    out.end_object();
    out.end_line();
  }

  void print_tool(JsonPrinter& out) const {
    out.begin_object();
    out.key("driver");
    out.begin_object();
    out.key("name");
    out.string("tfkms");
    out.key("version");
    out.string(TFKMS_VERSION);
    out.key("semanticVersion");
    out.string(TFKMS_VERSION);
    out.key("informationUri");
    out.string(k_information_uri);
    out.key("rules");
    out.begin_array();
    for (const RuleEntry& rule : m_rules)
      print_rule_descriptor(out, rule);
    out.end_array();
    out.end_object();
    out.end_object();
  }

  /// The one invocation, with `kept` of the results written.
  void print_invocations(JsonPrinter& out, std::size_t kept) const {
    out.begin_array();
    out.begin_object();
    out.key("executionSuccessful");
    out.boolean(!has_errors(m_report));
    out.key("toolExecutionNotifications");
    out.begin_array();
    for (const model::Diagnostic& diagnostic : m_report.diagnostics)
      print_notification(out, diagnostic);
    if (kept < m_findings.size()) {
      out.begin_object();
      out.key("level");
      out.string("warning");
      print_message(out, "Omitted " + std::to_string(m_findings.size() - kept) + " of " +
                             std::to_string(m_findings.size()) +
                             " results: GitHub code scanning rejects runs with more than 25000 "
                             "results or files over 10 MB compressed. The most severe findings "
                             "were kept; the json format lists all.");
      out.end_object();
    }
    out.end_array();
    // What each input was analysed as (its account), and how many scanned files were not inputs.
    out.key("properties");
    out.begin_object();
    out.key("accounts");
    out.begin_array();
    for (const InputAccount& account : m_report.accounts)
      print_account(out, account);
    out.end_array();
    out.key("skippedFiles");
    out.number(static_cast<std::int64_t>(m_report.skipped.size()));
    out.end_object();
    out.end_object();
    out.end_array();
  }

  /// The uri of a repository-relative location. Files outside the repository root are named by
  /// their file name only: GitHub cannot show them anyway, and an absolute or `..` path would leak
  /// the runner's layout or be rejected (sarif-github.md §1.5).
  [[nodiscard]] std::string artifact_uri(const std::string& file) const {
    std::string path = file.empty() && !m_report.inputs.empty() ? m_report.inputs.front() : file;
    if (const auto relative = repository_relative(path, m_options.repository_root)) {
      path = *relative;
    } else {
      path = std::filesystem::path(path).filename().generic_string();
    }
    if (path.empty())
      path = "unknown";
    return uri_reference(path);
  }

  /// Member "artifactLocation". A large log names a few files in most of its text, so each file's
  /// member is printed once and copied; consecutive locations mostly share a file, which is then
  /// found without hashing its name again.
  void print_artifact_location(JsonPrinter& out, const std::string& file) const {
    if (m_last_artifact == nullptr || m_last_artifact->first != file) {
      auto [entry, added] = m_artifact_locations.try_emplace(file);
      if (added) {
        entry->second = JsonPrinter::compact_members([&](JsonPrinter& member) {
          member.key("artifactLocation");
          member.begin_object();
          member.key("uri");
          member.string(artifact_uri(file));
          member.key("uriBaseId");
          member.string(k_root_base_id);
          member.end_object();
        });
      }
      m_last_artifact = &*entry;
    }
    out.printed_member(m_last_artifact->second);
  }

  /// Member "physicalLocation".
  void print_physical_location(JsonPrinter& out, const std::string& file,
                               const std::optional<std::uint32_t>& line,
                               const std::optional<std::uint32_t>& column) const {
    out.key("physicalLocation");
    out.begin_object();
    print_artifact_location(out, file);
    // GitHub needs a region with startLine (SDK GH1003); a finding without one points at line 1,
    // as GitHub recommends for file-wide problems.
    out.key("region");
    out.begin_object();
    out.key("startLine");
    out.number(line.value_or(1));
    if (line && column) {
      out.key("startColumn");
      out.number(*column);
    }
    out.end_object();
    out.end_object();
  }

  void print_result(JsonPrinter& out, const rules::Finding& finding) const {
    const auto rule = std::find_if(m_rules.begin(), m_rules.end(),
                                   [&](const RuleEntry& e) { return e.id == finding.rule_id; });
    const std::string_view message = finding.message.empty() ? rule->title : finding.message;
    constexpr std::string_view k_fix = "\nFix: ";
    std::string text; // sized once: a message and its fix are a few hundred bytes
    text.reserve(message.size() + k_fix.size() + finding.fix.size());
    text += message;
    if (!finding.fix.empty()) {
      text += k_fix;
      text += finding.fix;
    }

    out.begin_object();
    out.key("ruleId");
    out.string(finding.rule_id);
    out.key("ruleIndex");
    out.number(rule - m_rules.begin());
    out.key("level");
    out.string(mapping(finding.severity).level);
    print_message(out, text);
    out.key("locations");
    out.begin_array();
    out.begin_object();
    print_physical_location(out, finding.file, finding.line, finding.column);
    if (!finding.resource.empty()) {
      out.key("logicalLocations");
      out.begin_array();
      out.begin_object();
      out.key("fullyQualifiedName");
      out.string(finding.resource);
      out.key("kind");
      out.string("resource");
      out.end_object();
      out.end_array();
    }
    out.end_object();
    out.end_array();

    // Evidence with a line has a related location, up to the most GitHub shows: told from the
    // related locations before it, here and where the evidence points at its own.
    const auto has_related_location = [](const rules::Evidence& item, std::int64_t before) {
      return item.line && before < static_cast<std::int64_t>(k_max_related_locations);
    };
    std::int64_t related = 0;
    for (const rules::Evidence& item : finding.evidence) {
      if (!has_related_location(item, related))
        continue;
      if (related++ == 0) {
        out.key("relatedLocations");
        out.begin_array();
      }
      out.begin_object();
      out.key("id");
      out.number(related);
      print_physical_location(out, item.file.empty() ? finding.file : item.file, item.line,
                              std::nullopt);
      print_message(out, item.text.empty() ? std::string_view("evidence") : item.text);
      out.end_object();
    }
    if (related > 0)
      out.end_array();
    if (!finding.fingerprint.empty()) {
      out.key("partialFingerprints");
      out.begin_object();
      out.key(k_fingerprint_key);
      out.string(finding.fingerprint);
      out.end_object();
    }
    if (finding.baseline_state != rules::BaselineState::not_compared) {
      const bool unchanged = finding.baseline_state == rules::BaselineState::unchanged;
      out.key("baselineState");
      out.string(unchanged ? "unchanged" : "new");
    }
    if (finding.suppressed) {
      out.key("suppressions");
      out.begin_array();
      out.begin_object();
      out.key("kind");
      out.string(finding.suppression_kind == rules::SuppressionKind::external ? "external"
                                                                              : "inSource");
      out.key("status");
      out.string("accepted");
      if (!finding.suppression_reason.empty()) {
        out.key("justification");
        out.string(finding.suppression_reason);
      }
      out.end_object();
      out.end_array();
    }
    out.key("properties");
    out.begin_object();
    out.key("severity");
    out.string(rules::to_string(finding.severity));
    out.key("resource");
    out.string(finding.resource);
    // Evidence with a related location points at it rather than repeating its text: the text was
    // a quarter of a large log, which GitHub's upload limit counts.
    out.key("evidence");
    out.begin_array();
    std::int64_t pointed = 0; // related locations pointed at so far
    for (const rules::Evidence& item : finding.evidence) {
      out.begin_object();
      if (has_related_location(item, pointed)) {
        out.key("relatedLocation");
        out.number(++pointed);
      } else {
        out.key("text");
        out.string(item.text);
      }
      out.key("pointer");
      out.string(item.pointer);
      out.end_object();
    }
    out.end_array();
    // The fix as data stays for tools that read it; where it edits the template the finding
    // points at, it is also a SARIF fix (§3.55): one replacement in that file.
    if (finding.fix_edit.kind != rules::FixKind::text_only) {
      out.key("fixEdit");
      print_fix_edit(out, finding.fix_edit);
    }
    out.end_object();
    print_fixes(out, finding);
    out.end_object();
  }

  /// Member "fixes", when the finding's fix edits the template it points at.
  void print_fixes(JsonPrinter& out, const rules::Finding& finding) const {
    if (finding.file.empty() || !edits_template(finding.fix_edit, finding.file))
      return;
    const std::string* text = file_text(finding.file);
    if (text == nullptr)
      return;
    const std::optional<TextEdit> edit = template_text_edit(finding.fix_edit, finding.file, *text);
    if (!edit)
      return;
    out.key("fixes");
    out.begin_array();
    out.begin_object();
    print_message(out, finding.fix, "description");
    out.key("artifactChanges");
    out.begin_array();
    out.begin_object();
    print_artifact_location(out, finding.file);
    out.key("replacements");
    out.begin_array();
    out.begin_object();
    out.key("deletedRegion");
    out.begin_object();
    out.key("charOffset");
    out.number(static_cast<std::int64_t>(edit->offset));
    out.key("charLength");
    out.number(static_cast<std::int64_t>(edit->length));
    out.end_object();
    out.key("insertedContent");
    out.begin_object();
    out.key("text");
    out.string(edit->inserted);
    out.end_object();
    out.end_object();
    out.end_array();
    out.end_object();
    out.end_array();
    out.end_object();
    out.end_array();
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

  void print_notification(JsonPrinter& out, const model::Diagnostic& diagnostic) const {
    out.begin_object();
    out.key("level");
    out.string(to_string(diagnostic.level));
    print_message(out, diagnostic.message);
    if (!diagnostic.file.empty()) {
      out.key("locations");
      out.begin_array();
      out.begin_object();
      print_physical_location(out, diagnostic.file, diagnostic.line, diagnostic.column);
      out.end_object();
      out.end_array();
    }
    if (!diagnostic.pointer.empty()) {
      out.key("properties");
      out.begin_object();
      out.key("pointer");
      out.string(diagnostic.pointer);
      out.end_object();
    }
    out.end_object();
  }

  /// New and baselined findings, in report order.
  static std::vector<const rules::Finding*> all_findings(const Report& report) {
    std::vector<const rules::Finding*> findings;
    findings.reserve(report.findings.size() + report.baselined.size());
    for (const rules::Finding& finding : report.findings)
      findings.push_back(&finding);
    for (const rules::Finding& finding : report.baselined)
      findings.push_back(&finding);
    if (!report.baselined.empty()) {
      std::sort(findings.begin(), findings.end(),
                [](const rules::Finding* a, const rules::Finding* b) {
                  return rules::in_report_order(*a, *b);
                });
    }
    return findings;
  }

  const Report& m_report;
  const ReportOptions& m_options;
  std::vector<const rules::Finding*> m_findings;
  std::vector<RuleEntry> m_rules;
  mutable std::map<std::string, std::optional<std::string>> m_file_texts;
  /// Member "artifactLocation" by file, and the one printed last.
  mutable std::unordered_map<std::string, std::string> m_artifact_locations;
  mutable const std::pair<const std::string, std::string>* m_last_artifact = nullptr;
};

class SarifReporter final : public Reporter {
public:
  explicit SarifReporter(ReportOptions options) : m_options(std::move(options)) {}

  void write(const Report& report, std::ostream& out) const override {
    SarifWriter(report, m_options).write(out);
  }

private:
  ReportOptions m_options;
};

} // namespace

std::unique_ptr<Reporter> make_sarif_reporter(const ReportOptions& options) {
  return std::make_unique<SarifReporter>(options);
}

} // namespace tfkms::report
