// GitHub Actions annotations as workflow commands (GitHub docs "Workflow commands"):
//   ::error file=infra/kms.tf,line=12,col=3,title=TFKMS004 ...::message
// Severity: critical/high -> error, medium -> warning, low/info -> notice. Every value is escaped
// (escape.hpp), so each command stays one line and input cannot start a command of its own.
//
// GitHub shows at most 10 annotations of each type per step (actions/toolkit problem-matchers.md,
// "Limitations"); the rest are dropped silently. So unreadable inputs come first, then findings
// most severe first, each type capped at 10, and one notice counts what was left out. The last
// line, "tfkms: N findings ..." / "tfkms: no findings ...", is what action/run.sh reads for its
// output.
#include "report/escape.hpp"
#include "report/formats.hpp"
#include "report/paths.hpp"
#include "report/summary.hpp"

#include <algorithm>
#include <array>
#include <ostream>
#include <string>
#include <vector>

namespace tfkms::report {

namespace {

enum class Command { error, warning, notice };
constexpr std::array<std::string_view, 3> k_command_names{"error", "warning", "notice"};
constexpr std::size_t k_per_type_limit = 10;

Command command_for(rules::Severity severity) {
  if (severity >= rules::Severity::high)
    return Command::error;
  if (severity == rules::Severity::medium)
    return Command::warning;
  return Command::notice;
}

Command command_for(model::DiagnosticLevel level) {
  switch (level) {
  case model::DiagnosticLevel::error:
    return Command::error;
  case model::DiagnosticLevel::warning:
    return Command::warning;
  case model::DiagnosticLevel::note:
    return Command::notice;
  }
  return Command::error;
}

struct Annotation {
  Command command;
  std::string file; ///< repository-relative; empty: no file property
  std::optional<std::uint32_t> line;
  std::optional<std::uint32_t> column;
  std::string title;
  std::string message;
};

std::string render(const Annotation& annotation) {
  std::string properties;
  const auto add = [&](std::string_view name, std::string_view value) {
    properties += properties.empty() ? " " : ",";
    properties += std::string(name) + '=' + workflow_property(value);
  };
  if (!annotation.file.empty()) {
    add("file", terminal_safe(annotation.file));
    if (annotation.line)
      add("line", std::to_string(*annotation.line));
    if (annotation.line && annotation.column)
      add("col", std::to_string(*annotation.column));
  }
  if (!annotation.title.empty())
    add("title", annotation.title);
  return "::" + std::string(k_command_names.at(static_cast<std::size_t>(annotation.command))) +
         properties + "::" + workflow_data(annotation.message);
}

class GithubReporter final : public Reporter {
public:
  explicit GithubReporter(ReportOptions options) : m_options(std::move(options)) {}

  void write(const Report& report, std::ostream& out) const override {
    std::vector<Annotation> annotations;
    for (const model::Diagnostic& diagnostic : report.diagnostics) {
      annotations.push_back({command_for(diagnostic.level), relative(diagnostic.file),
                             diagnostic.line, diagnostic.column,
                             "tfkms " + std::string(to_string(diagnostic.level)),
                             terminal_safe(diagnostic.to_string())});
    }
    for (const rules::Finding* finding : most_severe_first(report))
      annotations.push_back(annotate(report, *finding));

    std::array<std::size_t, 3> wanted{};
    for (const Annotation& annotation : annotations)
      ++wanted.at(static_cast<std::size_t>(annotation.command));
    const bool omits = std::any_of(wanted.begin(), wanted.end(),
                                   [](std::size_t n) { return n > k_per_type_limit; });
    std::array<std::size_t, 3> limit{k_per_type_limit, k_per_type_limit, k_per_type_limit};
    if (omits)
      --limit.at(static_cast<std::size_t>(Command::notice)); // room for the notice below

    std::array<std::size_t, 3> written{};
    std::size_t omitted = 0;
    for (const Annotation& annotation : annotations) {
      const auto type = static_cast<std::size_t>(annotation.command);
      if (written.at(type) >= limit.at(type)) {
        ++omitted;
        continue;
      }
      ++written.at(type);
      out << render(annotation) << '\n';
    }
    if (omitted > 0) {
      out << render({Command::notice,
                     {},
                     std::nullopt,
                     std::nullopt,
                     "tfkms",
                     std::to_string(omitted) + " more annotations not shown: GitHub shows 10 of "
                                               "each type per step. The step summary "
                                               "and the SARIF file list every finding."})
          << '\n';
    }
    for (const InputAccount& account : report.accounts) {
      out << "tfkms: "
          << workflow_data((account.stack.empty() ? account.input
                                                  : account.stack + " (" + account.input + ")") +
                           ": " + describe_account(account))
          << '\n';
    }
    out << "tfkms: " << describe_findings(count_findings(report)) << "; analysed "
        << describe_analysed(report.counts);
    if (!report.skipped.empty())
      out << "; " << describe_skipped(report);
    out << '\n';
  }

private:
  [[nodiscard]] std::string relative(const std::string& file) const {
    return repository_relative(file, m_options.repository_root).value_or(std::string());
  }

  [[nodiscard]] Annotation annotate(const Report& report, const rules::Finding& finding) const {
    std::string title =
        finding.rule_id + " (" + std::string(rules::to_string(finding.severity)) + ")";
    if (const rules::RuleInfo* rule = find_rule(report, finding.rule_id))
      title += ": " + std::string(rule->title);
    title = terminal_safe(title);
    // Pieces are made terminal-safe one by one (the log renders ANSI colours); the line breaks
    // between them are ours and become %0A.
    std::string text = terminal_safe(finding.message);
    if (!finding.resource.empty())
      text = terminal_safe(finding.resource) + ": " + text;
    for (const rules::Evidence& evidence : finding.evidence)
      text += "\n- " + terminal_safe(evidence.text);
    if (!finding.fix.empty())
      text += "\nFix: " + terminal_safe(finding.fix);
    return {command_for(finding.severity),
            relative(finding.file),
            finding.line,
            finding.column,
            std::move(title),
            std::move(text)};
  }

  ReportOptions m_options;
};

} // namespace

std::unique_ptr<Reporter> make_github_reporter(const ReportOptions& options) {
  return std::make_unique<GithubReporter>(options);
}

} // namespace tfkms::report
