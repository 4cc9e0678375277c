// Markdown for the GitHub job summary ($GITHUB_STEP_SUMMARY): a table of findings by severity and
// rule, then each finding with its resource, location, message and fix, evidence folded in
// <details>. All input text goes through markdown_inline, so a `|` cannot split a table cell and a
// `<script>` stays text.
//
// GitHub refuses a step summary over 1 MiB (GitHub docs, "Adding a job summary"), losing all of it,
// so the output stays under k_max_bytes: findings that do not fit are counted in a closing note.
#include "report/access_tables.hpp"
#include "report/escape.hpp"
#include "report/formats.hpp"
#include "report/paths.hpp"
#include "report/summary.hpp"

#include <map>
#include <ostream>
#include <string>
#include <utility>

namespace tfkms::report {

namespace {

constexpr std::size_t k_max_bytes = 1'000'000;   // below GitHub's 1 MiB (1,048,576 bytes)
constexpr std::size_t k_max_field_bytes = 4'000; // one long message must not crowd out the rest
constexpr std::size_t k_note_reserve = 400;      // room for the truncation note

std::string field(std::string_view text) {
  return markdown_inline(truncate_utf8(text, k_max_field_bytes));
}

/// The file relative to the repository root when it lies inside, else as given.
std::string location(const ReportOptions& options, const std::string& file,
                     const std::optional<std::uint32_t>& line) {
  std::string out = repository_relative(file, options.repository_root)
                        .value_or(file.empty() ? "(no file)" : file);
  if (line)
    out += ':' + std::to_string(*line);
  return field(out);
}

// One line per input: the account it was analysed as deployed to. A scan of a large repository has
// many inputs; past a few dozen lines the JSON and SARIF reports carry the rest.
std::string accounts_markdown(const Report& report) {
  constexpr std::size_t k_max_lines = 30;
  std::string out;
  for (std::size_t i = 0; i < report.accounts.size() && i < k_max_lines; ++i) {
    const InputAccount& account = report.accounts[i];
    out += "- " +
           markdown_inline(account.stack.empty() ? account.input
                                                 : account.stack + " (" + account.input + ")") +
           ": " + markdown_inline(describe_account(account)) + "\n";
  }
  if (report.accounts.size() > k_max_lines) {
    out += "- and " + std::to_string(report.accounts.size() - k_max_lines) +
           " more inputs (see the JSON report)\n";
  }
  return out.empty() ? out : out + '\n';
}

std::string rule_table(const Report& report) {
  // Most severe first, then by rule id.
  std::map<std::pair<int, std::string>, std::size_t> rows;
  for (const rules::Finding* finding : most_severe_first(report)) {
    ++rows[{-static_cast<int>(finding->severity), finding->rule_id}];
  }
  if (rows.empty())
    return {};
  std::string out = "| Severity | Rule | Title | Findings |\n|---|---|---|---:|\n";
  for (const auto& [key, count] : rows) {
    const rules::RuleInfo* rule = find_rule(report, key.second);
    out += "| " + std::string(rules::to_string(static_cast<rules::Severity>(-key.first))) + " | " +
           field(key.second) + " | " + (rule != nullptr ? field(rule->title) : std::string()) +
           " | " + std::to_string(count) + " |\n";
  }
  return out + '\n';
}

std::string finding_section(const ReportOptions& options, const rules::Finding& finding) {
  std::string out =
      "#### " + std::string(rules::to_string(finding.severity)) + ": " + field(finding.rule_id);
  if (!finding.resource.empty())
    out += " in " + field(finding.resource);
  out += "\n\n**Location:** " + location(options, finding.file, finding.line) + "\\\n" +
         field(finding.message) + '\n';
  if (!finding.fix.empty())
    out += "\n**Fix:** " + field(finding.fix) + '\n';
  if (!finding.evidence.empty()) {
    out += "\n<details><summary>Evidence (" + std::to_string(finding.evidence.size()) +
           ")</summary>\n\n";
    for (const rules::Evidence& evidence : finding.evidence) {
      out += "- " + field(evidence.text);
      if (!evidence.pointer.empty())
        out += " (at " + field(evidence.pointer) + ")";
      if (evidence.line)
        out += ", " + location(options, evidence.file.empty() ? finding.file : evidence.file,
                               evidence.line);
      out += '\n';
    }
    out += "\n</details>\n";
  }
  return out + '\n';
}

class MarkdownReporter final : public Reporter {
public:
  explicit MarkdownReporter(ReportOptions options) : m_options(std::move(options)) {}

  void write(const Report& report, std::ostream& out) const override {
    // Written part by part as it is made; `written` counts the bytes against k_max_bytes.
    std::size_t written = 0;
    const auto write_text = [&](const std::string& text) {
      out << text;
      written += text.size();
    };
    write_text("## tfkms: " + describe_findings(count_findings(report)) + "\n\nAnalysed " +
               describe_analysed(report.counts) +
               (report.skipped.empty() ? "" : "; " + describe_skipped(report)) + ".\n\n" +
               accounts_markdown(report) + rule_table(report));
    // The changes table gets two fifths of the budget and diagnostics half at most, so findings
    // always have room and the sum stays under k_max_bytes.
    if (report.access_changes)
      written += write_changes_markdown(*report.access_changes, k_max_bytes * 2 / 5, out);

    // Diagnostics get half the budget at most, so a run with many unreadable files still shows
    // findings.
    std::size_t diagnostics_bytes = 0;
    std::size_t diagnostics_left = 0;
    const auto diagnostics_heading = [&] {
      if (diagnostics_bytes == 0)
        write_text("### Inputs not fully read\n\n");
    };
    for (const model::Diagnostic& diagnostic : report.diagnostics) {
      std::string line = "- **" + std::string(to_string(diagnostic.level)) + "** " +
                         field(diagnostic.to_string()) + '\n';
      if (diagnostics_bytes + line.size() > k_max_bytes / 2) {
        ++diagnostics_left;
        continue;
      }
      diagnostics_heading();
      write_text(line);
      diagnostics_bytes += line.size();
    }
    if (diagnostics_left > 0) {
      diagnostics_heading();
      const std::string line = "- " + std::to_string(diagnostics_left) + " more not shown\n";
      write_text(line);
      diagnostics_bytes += line.size();
    }
    if (diagnostics_bytes > 0)
      write_text("\n");

    const std::vector<const rules::Finding*> findings = most_severe_first(report);
    if (!findings.empty())
      write_text("### Findings\n\n");
    std::size_t shown = 0;
    for (const rules::Finding* finding : findings) {
      const std::string section = finding_section(m_options, *finding);
      if (written + section.size() + k_note_reserve > k_max_bytes)
        break;
      write_text(section);
      ++shown;
    }
    if (shown < findings.size()) {
      write_text("> " + std::to_string(findings.size() - shown) +
                 " more findings are not shown: a step summary is limited to 1 MiB. The SARIF "
                 "and JSON reports list every finding.\n");
    }
  }

private:
  ReportOptions m_options;
};

} // namespace

std::unique_ptr<Reporter> make_markdown_reporter(const ReportOptions& options) {
  return std::make_unique<MarkdownReporter>(options);
}

} // namespace tfkms::report
