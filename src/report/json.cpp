// The JSON report: every finding (suppressed ones flagged), every diagnostic and a summary, in the
// shape described by schema/tfkms-report.schema.json. Keys keep a fixed order so output diffs well.
#include "report/access_tables.hpp"
#include "report/formats.hpp"
#include "report/json_printer.hpp"
#include "report/json_stream.hpp"
#include "report/summary.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace tfkms::report {

namespace {

using Json = nlohmann::ordered_json;

// Bump when a field changes meaning or disappears; adding fields keeps the number.
constexpr int k_format_version = 2;

template <typename T> Json optional_number(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

template <typename T> void print_optional(JsonPrinter& out, const std::optional<T>& value) {
  if (value)
    out.number(static_cast<std::int64_t>(*value));
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

// Printed field by field rather than made an nlohmann tree first: findings are most of the report.
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
  out.json(report::to_json(finding.fix_edit));
  out.key("fingerprint");
  out.string(finding.fingerprint);
  out.key("suppressed");
  out.boolean(finding.suppressed);
  out.key("suppression_reason");
  out.string(finding.suppression_reason);
  out.end_object();
}

Json to_json(const model::Diagnostic& diagnostic) {
  return Json{{"level", to_string(diagnostic.level)},
              {"file", diagnostic.file},
              {"line", optional_number(diagnostic.line)},
              {"column", optional_number(diagnostic.column)},
              {"pointer", diagnostic.pointer},
              {"message", diagnostic.message}};
}

Json summary(const Report& report) {
  const FindingCounts counts = count_findings(report);
  Json by_severity = Json::object();
  for (std::size_t i = counts.by_severity.size(); i-- > 0;) {
    by_severity[std::string(rules::to_string(static_cast<rules::Severity>(i)))] =
        counts.by_severity.at(i);
  }
  std::size_t errors = 0;
  for (const model::Diagnostic& diagnostic : report.diagnostics) {
    if (diagnostic.level == model::DiagnosticLevel::error)
      ++errors;
  }
  return Json{{"findings", counts.total},
              {"suppressed", counts.suppressed},
              {"by_severity", std::move(by_severity)},
              {"diagnostics", report.diagnostics.size()},
              {"errors", errors},
              {"analysed",
               {{"files", report.counts.files},
                {"keys", report.counts.keys},
                {"grants", report.counts.grants},
                {"principals", report.counts.principals},
                {"data_stores", report.counts.data_stores}}}};
}

// Writes the document member by member and its arrays element by element (json_stream.hpp): the
// report of a large plan is never held whole.
class JsonReporter final : public Reporter {
public:
  void write(const Report& report, std::ostream& out) const override {
    JsonObjectWriter document(out);
    document.member("version", Json(TFKMS_VERSION));
    document.member("format_version", Json(k_format_version));
    document.member("inputs", Json(report.inputs));
    document.array("accounts", report.accounts,
                   [](const InputAccount& account) { return to_json(account); });
    document.array("skipped", report.skipped, [](const SkippedFile& file) {
      return Json{{"path", file.path}, {"reason", file.reason}};
    });
    document.array_printed("findings", report.findings,
                           [](std::ostream& stream, const rules::Finding& finding) {
                             JsonPrinter printer(stream, 2);
                             print_finding(printer, finding);
                           });
    document.array("diagnostics", report.diagnostics,
                   [](const model::Diagnostic& diagnostic) { return to_json(diagnostic); });
    document.member("summary", summary(report));
    if (report.access_changes) {
      document.array("changes", report.access_changes->changes,
                     [](const analysis::AccessChange& change) { return change_json(change); });
      document.member("comparison", comparison_json(*report.access_changes));
    }
    document.finish();
  }
};

} // namespace

nlohmann::ordered_json to_json(const rules::FixEdit& edit) {
  // Only the fields the kind uses, so a reader can tell "statement 0" from "no statement".
  nlohmann::ordered_json out{{"kind", rules::to_string(edit.kind)}};
  if (!edit.policy.empty())
    out["policy"] = edit.policy;
  if (edit.statement)
    out["statement"] = *edit.statement;
  if (!edit.json.empty())
    out["json"] = nlohmann::ordered_json::parse(edit.json);
  if (!edit.options.empty())
    out["options"] = edit.options;
  if (!edit.property.empty())
    out["property"] = edit.property;
  return out;
}

nlohmann::ordered_json to_json(const InputAccount& account) {
  nlohmann::ordered_json out{
      {"input", account.input},
      {"account", account.account ? nlohmann::ordered_json(*account.account) : nullptr},
      {"source", account.source}};
  if (!account.stack.empty())
    out["stack"] = account.stack;
  if (!account.account)
    out["possibilities"] = account.possibilities;
  return out;
}

std::unique_ptr<Reporter> make_json_reporter(const ReportOptions& /*options*/) {
  return std::make_unique<JsonReporter>();
}

} // namespace tfkms::report
