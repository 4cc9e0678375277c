// JUnit XML for CI test-report views (GitLab `artifacts:reports:junit`, Jenkins `junit`). One
// testsuite per rule, one testcase per finding: a failure for an active finding, skipped for a
// suppressed one; a rule without findings is one passing testcase, so the report shows what was
// checked. Inputs that could not be read are errors in a "tfkms" testsuite. Only the elements and
// attributes of the common JUnit schema (testsuites/testsuite/testcase/failure/error/skipped) are
// written, since readers reject or drop others.
#include "report/formats.hpp"
#include "report/summary.hpp"

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace tfkms::report {

namespace {

// XML 1.0 allows no control characters but tab, newline and carriage return.
std::string xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    default:
      if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r')
        out += c;
    }
  }
  return out;
}

std::string place(const rules::Finding& finding) {
  std::string out = finding.file;
  if (finding.line)
    out += ":" + std::to_string(*finding.line);
  return out;
}

std::string details(const rules::Finding& finding) {
  std::string out = place(finding) + ": " + finding.message + "\n";
  for (const rules::Evidence& evidence : finding.evidence)
    out += "  " + evidence.text + "\n";
  if (!finding.fix.empty())
    out += "Fix: " + finding.fix + "\n";
  return out;
}

void write_case(const rules::Finding& finding, std::ostream& out) {
  out << "    <testcase name=\"" << xml(finding.resource + " (" + place(finding) + ")")
      << "\" classname=\"tfkms." << xml(finding.rule_id) << "\">\n";
  if (finding.suppressed) {
    out << "      <skipped message=\"" << xml("suppressed: " + finding.suppression_reason)
        << "\"/>\n";
  } else {
    out << "      <failure message=\"" << xml(finding.message) << "\" type=\""
        << xml(finding.rule_id + " " + std::string(rules::to_string(finding.severity))) << "\">"
        << xml(details(finding)) << "</failure>\n";
  }
  out << "    </testcase>\n";
}

class JunitReporter final : public Reporter {
public:
  void write(const Report& report, std::ostream& out) const override {
    std::map<std::string, std::vector<const rules::Finding*>> by_rule;
    for (const rules::RuleInfo& rule : report.rules)
      by_rule[std::string(rule.id)];
    for (const rules::Finding& finding : report.findings)
      by_rule[finding.rule_id].push_back(&finding);
    std::vector<const model::Diagnostic*> errors;
    for (const model::Diagnostic& diagnostic : report.diagnostics) {
      if (diagnostic.level == model::DiagnosticLevel::error)
        errors.push_back(&diagnostic);
    }

    std::size_t tests = errors.size();
    std::size_t failures = 0;
    for (const auto& [rule, findings] : by_rule) {
      tests += findings.empty() ? 1 : findings.size();
      for (const rules::Finding* finding : findings)
        failures += finding->suppressed ? 0 : 1;
    }
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<testsuites name=\"tfkms\" tests=\"" << tests << "\" failures=\"" << failures
        << "\" errors=\"" << errors.size() << "\">\n";
    if (!errors.empty()) {
      out << "  <testsuite name=\"tfkms\" tests=\"" << errors.size()
          << "\" failures=\"0\" errors=\"" << errors.size() << "\" skipped=\"0\">\n";
      for (const model::Diagnostic* error : errors) {
        out << "    <testcase name=\"" << xml(error->file.empty() ? "input" : error->file)
            << "\" classname=\"tfkms.input\">\n      <error message=\"" << xml(error->to_string())
            << "\" type=\"unreadable input\"/>\n    </testcase>\n";
      }
      out << "  </testsuite>\n";
    }
    for (const auto& [rule, findings] : by_rule)
      write_suite(report, rule, findings, out);
    out << "</testsuites>\n";
  }

private:
  static void write_suite(const Report& report, const std::string& rule,
                          const std::vector<const rules::Finding*>& findings, std::ostream& out) {
    std::size_t failures = 0;
    std::size_t skipped = 0;
    for (const rules::Finding* finding : findings)
      (finding->suppressed ? skipped : failures) += 1;
    const rules::RuleInfo* info = find_rule(report, rule);
    const std::string name = info == nullptr ? rule : rule + ": " + std::string(info->title);
    out << "  <testsuite name=\"" << xml(name) << "\" tests=\""
        << (findings.empty() ? 1 : findings.size()) << "\" failures=\"" << failures
        << "\" errors=\"0\" skipped=\"" << skipped << "\">\n";
    if (findings.empty()) {
      out << "    <testcase name=\"no findings\" classname=\"tfkms." << xml(rule) << "\"/>\n";
    }
    for (const rules::Finding* finding : findings)
      write_case(*finding, out);
    out << "  </testsuite>\n";
  }
};

} // namespace

std::unique_ptr<Reporter> make_junit_reporter(const ReportOptions& /*options*/) {
  return std::make_unique<JunitReporter>();
}

} // namespace tfkms::report
