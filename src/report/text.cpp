// Plain text for terminals: findings grouped by file, one headline each, then the evidence and the
// fix indented, then diagnostics and a summary. Input text is passed through terminal_safe so a
// resource name cannot carry escape sequences to the user's terminal.
#include "report/access_tables.hpp"
#include "report/escape.hpp"
#include "report/formats.hpp"
#include "report/summary.hpp"

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

namespace tfkms::report {

namespace {

class Style {
public:
  explicit Style(Color color) : m_color(color) {}

  [[nodiscard]] std::string bold(std::string_view text) const { return wrap("1", text); }
  [[nodiscard]] std::string dim(std::string_view text) const { return wrap("2", text); }

  [[nodiscard]] std::string severity(rules::Severity severity) const {
    const std::string_view name = rules::to_string(severity);
    switch (severity) {
    case rules::Severity::critical:
      return wrap("1;31", name);
    case rules::Severity::high:
      return wrap("31", name);
    case rules::Severity::medium:
      return wrap("33", name);
    case rules::Severity::low:
      return wrap("36", name);
    case rules::Severity::info:
      return wrap("2", name);
    }
    return std::string(name);
  }

  [[nodiscard]] std::string level(model::DiagnosticLevel level) const {
    const std::string_view name = to_string(level);
    return level == model::DiagnosticLevel::error ? wrap("1;31", name) : wrap("33", name);
  }

private:
  [[nodiscard]] std::string wrap(std::string_view sgr, std::string_view text) const {
    if (m_color == Color::off)
      return std::string(text);
    return "\x1b[" + std::string(sgr) + "m" + std::string(text) + "\x1b[0m";
  }

  Color m_color;
};

std::string position(const std::string& file, const std::optional<std::uint32_t>& line,
                     const std::optional<std::uint32_t>& column) {
  std::string out = terminal_safe(file);
  if (line) {
    out += ':' + std::to_string(*line);
    if (column)
      out += ':' + std::to_string(*column);
  }
  return out;
}

class TextReporter final : public Reporter {
public:
  explicit TextReporter(const ReportOptions& options)
      : m_style(options.color), m_diagnostics(options.diagnostics), m_verbose(options.verbose) {}

  void write(const Report& report, std::ostream& out) const override {
    // Grouped by file even when the report interleaves files (one input can map to several .tf
    // files).
    std::vector<const rules::Finding*> shown;
    for (const rules::Finding& finding : report.findings) {
      if (!finding.suppressed)
        shown.push_back(&finding);
    }
    std::stable_sort(
        shown.begin(), shown.end(),
        [](const rules::Finding* a, const rules::Finding* b) { return a->file < b->file; });
    const std::string* current_file = nullptr;
    for (const rules::Finding* finding : shown) {
      if (current_file == nullptr || *current_file != finding->file) {
        if (current_file != nullptr)
          out << '\n';
        out << m_style.bold(terminal_safe(finding->file.empty() ? "(no file)" : finding->file))
            << '\n';
        current_file = &finding->file;
      }
      write_finding(*finding, out);
    }
    if (current_file != nullptr)
      out << '\n';

    if (m_diagnostics == DiagnosticsPlace::in_report) {
      for (const model::Diagnostic& diagnostic : report.diagnostics) {
        out << "tfkms: " << m_style.level(diagnostic.level) << ": "
            << terminal_safe(diagnostic.to_string()) << '\n';
      }
    }
    if (report.access_changes) {
      write_changes_text(*report.access_changes, out);
      out << '\n';
    }
    for (const InputAccount& account : report.accounts) {
      out << m_style.dim(terminal_safe(account.stack.empty()
                                           ? account.input
                                           : account.stack + " (" + account.input + ")") +
                         ": " + terminal_safe(describe_account(account)))
          << '\n';
    }
    if (m_verbose) {
      for (const SkippedFile& skipped : report.skipped) {
        out << m_style.dim("skipped " + terminal_safe(skipped.path) + ": " +
                           terminal_safe(skipped.reason))
            << '\n';
      }
    }
    out << describe_findings(count_findings(report)) << "; analysed "
        << describe_analysed(report.counts);
    if (!report.skipped.empty())
      out << "; " << describe_skipped(report) << (m_verbose ? "" : " (--verbose lists them)");
    out << '\n';
  }

private:
  void write_finding(const rules::Finding& finding, std::ostream& out) const {
    out << position(finding.file, finding.line, finding.column) << ": "
        << m_style.severity(finding.severity) << ' ' << m_style.bold(terminal_safe(finding.rule_id))
        << ' ' << TerminalSafe{finding.resource} << ": " << TerminalSafe{finding.message} << '\n';
    for (const rules::Evidence& evidence : finding.evidence) {
      out << "    " << TerminalSafe{evidence.text};
      if (!evidence.pointer.empty())
        out << m_style.dim(" (at " + terminal_safe(evidence.pointer) + ")");
      if (evidence.line && evidence.file != finding.file && !evidence.file.empty()) {
        out << m_style.dim(" " + position(evidence.file, evidence.line, std::nullopt));
      } else if (evidence.line) {
        out << m_style.dim(" line " + std::to_string(*evidence.line));
      }
      out << '\n';
    }
    if (!finding.fix.empty())
      out << "    fix: " << TerminalSafe{finding.fix} << '\n';
  }

  Style m_style;
  DiagnosticsPlace m_diagnostics;
  bool m_verbose = false;
};

} // namespace

std::unique_ptr<Reporter> make_text_reporter(const ReportOptions& options) {
  return std::make_unique<TextReporter>(options);
}

} // namespace tfkms::report
