// The JSON report: every finding (suppressed ones flagged), every diagnostic and a summary, in the
// shape described by schema/tfkms-report.schema.json. Keys keep a fixed order so output diffs well.
#include "report/access_tables.hpp"
#include "report/formats.hpp"
#include "report/json_printer.hpp"
#include "report/summary.hpp"

#include <ostream>

namespace tfkms::report {

namespace {

// Bump when a field changes meaning or disappears; adding fields keeps the number.
constexpr int k_format_version = 2;

template <typename T> void print_optional(JsonPrinter& out, const std::optional<T>& value) {
  if (value)
    out.number(*value);
  else
    out.null();
}

void print_evidence(JsonPrinter& out, const rules::Evidence& evidence) {
  out.begin_object();
  out.key("text");
  out.string(evidence.text);
  out.key("pointer");
  out.string(evidence.pointer);
  out.key("file");
  out.string(evidence.file);
  out.key("line");
  print_optional(out, evidence.line);
  out.end_object();
}

void print_finding(JsonPrinter& out, const rules::Finding& finding) {
  out.begin_object();
  out.key("rule_id");
  out.string(finding.rule_id);
  out.key("severity");
  out.string(rules::to_string(finding.severity));
  out.key("resource");
  out.string(finding.resource);
  out.key("file");
  out.string(finding.file);
  out.key("line");
  print_optional(out, finding.line);
  out.key("column");
  print_optional(out, finding.column);
  out.key("message");
  out.string(finding.message);
  out.key("evidence");
  out.begin_array();
  for (const rules::Evidence& item : finding.evidence)
    print_evidence(out, item);
  out.end_array();
  out.key("fix");
  out.string(finding.fix);
  out.key("fix_edit");
  print_fix_edit(out, finding.fix_edit);
  out.key("fingerprint");
  out.string(finding.fingerprint);
  out.key("suppressed");
  out.boolean(finding.suppressed);
  out.key("suppression_reason");
  out.string(finding.suppression_reason);
  out.end_object();
}

void print_diagnostic(JsonPrinter& out, const model::Diagnostic& diagnostic) {
  out.begin_object();
  out.key("level");
  out.string(to_string(diagnostic.level));
  out.key("file");
  out.string(diagnostic.file);
  out.key("line");
  print_optional(out, diagnostic.line);
  out.key("column");
  print_optional(out, diagnostic.column);
  out.key("pointer");
  out.string(diagnostic.pointer);
  out.key("message");
  out.string(diagnostic.message);
  out.end_object();
}

void print_summary(JsonPrinter& out, const Report& report) {
  const FindingCounts counts = count_findings(report);
  std::size_t errors = 0;
  for (const model::Diagnostic& diagnostic : report.diagnostics) {
    if (diagnostic.level == model::DiagnosticLevel::error)
      ++errors;
  }
  out.begin_object();
  out.key("findings");
  out.number(counts.total);
  out.key("suppressed");
  out.number(counts.suppressed);
  out.key("by_severity");
  out.begin_object();
  for (std::size_t i = counts.by_severity.size(); i-- > 0;) {
    out.key(rules::to_string(static_cast<rules::Severity>(i)));
    out.number(counts.by_severity.at(i));
  }
  out.end_object();
  out.key("diagnostics");
  out.number(report.diagnostics.size());
  out.key("errors");
  out.number(errors);
  out.key("analysed");
  out.begin_object();
  out.key("files");
  out.number(report.counts.files);
  out.key("keys");
  out.number(report.counts.keys);
  out.key("grants");
  out.number(report.counts.grants);
  out.key("principals");
  out.number(report.counts.principals);
  out.key("data_stores");
  out.number(report.counts.data_stores);
  out.end_object();
  out.end_object();
}

// Printed value by value into one printer (json_printer.hpp): the report of a large plan is never
// held whole, neither as text nor as a tree.
class JsonReporter final : public Reporter {
public:
  void write(const Report& report, std::ostream& stream) const override {
    JsonPrinter out(stream, 0);
    out.begin_object();
    out.key("version");
    out.string(TFKMS_VERSION);
    out.key("format_version");
    out.number(k_format_version);
    out.key("inputs");
    print_strings(out, report.inputs);
    out.key("accounts");
    out.begin_array();
    for (const InputAccount& account : report.accounts)
      print_account(out, account);
    out.end_array();
    out.key("skipped");
    out.begin_array();
    for (const SkippedFile& file : report.skipped) {
      out.begin_object();
      out.key("path");
      out.string(file.path);
      out.key("reason");
      out.string(file.reason);
      out.end_object();
    }
    out.end_array();
    out.key("findings");
    out.begin_array();
    for (const rules::Finding& finding : report.findings)
      print_finding(out, finding);
    out.end_array();
    out.key("diagnostics");
    out.begin_array();
    for (const model::Diagnostic& diagnostic : report.diagnostics)
      print_diagnostic(out, diagnostic);
    out.end_array();
    out.key("summary");
    print_summary(out, report);
    if (report.access_changes) {
      out.key("changes");
      out.begin_array();
      for (const analysis::AccessChange& change : report.access_changes->changes)
        print_change(out, change);
      out.end_array();
      out.key("comparison");
      print_comparison(out, *report.access_changes);
    }
    out.end_object();
    out.end_line();
  }
};

} // namespace

void print_strings(JsonPrinter& out, const std::vector<std::string>& texts) {
  out.begin_array();
  for (const std::string& text : texts)
    out.string(text);
  out.end_array();
}

void print_fix_edit(JsonPrinter& out, const rules::FixEdit& edit) {
  // Only the fields the kind uses, so a reader can tell "statement 0" from "no statement".
  out.begin_object();
  out.key("kind");
  out.string(rules::to_string(edit.kind));
  if (!edit.policy.empty()) {
    out.key("policy");
    out.string(edit.policy);
  }
  if (edit.statement) {
    out.key("statement");
    out.number(*edit.statement);
  }
  if (!edit.json.empty()) {
    out.key("json");
    out.compact_json(edit.json);
  }
  if (!edit.options.empty()) {
    out.key("options");
    print_strings(out, edit.options);
  }
  if (!edit.property.empty()) {
    out.key("property");
    out.string(edit.property);
  }
  out.end_object();
}

void print_account(JsonPrinter& out, const InputAccount& account) {
  out.begin_object();
  out.key("input");
  out.string(account.input);
  out.key("account");
  if (account.account)
    out.string(*account.account);
  else
    out.null();
  out.key("source");
  out.string(account.source);
  if (!account.stack.empty()) {
    out.key("stack");
    out.string(account.stack);
  }
  if (!account.account) {
    out.key("possibilities");
    print_strings(out, account.possibilities);
  }
  out.end_object();
}

std::unique_ptr<Reporter> make_json_reporter(const ReportOptions& /*options*/) {
  return std::make_unique<JsonReporter>();
}

} // namespace tfkms::report
