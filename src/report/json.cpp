// The JSON report: every finding (suppressed ones flagged), every diagnostic and a summary, in the
// shape described by schema/tfkms-report.schema.json. Keys keep a fixed order so output diffs well.
#include "report/access_tables.hpp"
#include "report/formats.hpp"
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

Json to_json(const rules::Evidence& evidence) {
  return Json{{"text", evidence.text},
              {"pointer", evidence.pointer},
              {"file", evidence.file},
              {"line", optional_number(evidence.line)}};
}

Json to_json(const rules::Finding& finding) {
  Json evidence = Json::array();
  for (const rules::Evidence& item : finding.evidence)
    evidence.push_back(to_json(item));
  return Json{{"rule_id", finding.rule_id},
              {"severity", rules::to_string(finding.severity)},
              {"resource", finding.resource},
              {"file", finding.file},
              {"line", optional_number(finding.line)},
              {"column", optional_number(finding.column)},
              {"message", finding.message},
              {"evidence", std::move(evidence)},
              {"fix", finding.fix},
              {"fix_edit", report::to_json(finding.fix_edit)},
              {"fingerprint", finding.fingerprint},
              {"suppressed", finding.suppressed},
              {"suppression_reason", finding.suppression_reason}};
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
    document.array("findings", report.findings,
                   [](const rules::Finding& finding) { return to_json(finding); });
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
