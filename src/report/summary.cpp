#include "report/summary.hpp"

#include <algorithm>

namespace tfkms::report {

namespace {

std::string plural(std::size_t count, std::string_view singular, std::string_view plural_form) {
  return std::to_string(count) + ' ' + std::string(count == 1 ? singular : plural_form);
}

} // namespace

FindingCounts count_findings(const Report& report) {
  FindingCounts counts;
  for (const rules::Finding& finding : report.findings) {
    if (finding.suppressed) {
      ++counts.suppressed;
      continue;
    }
    ++counts.by_severity.at(static_cast<std::size_t>(finding.severity));
    ++counts.total;
  }
  return counts;
}

std::string describe_findings(const FindingCounts& counts) {
  std::string out =
      counts.total == 0 ? std::string("no findings") : plural(counts.total, "finding", "findings");
  std::string parts;
  for (std::size_t i = counts.by_severity.size(); i-- > 0;) {
    if (counts.by_severity.at(i) == 0)
      continue;
    if (!parts.empty())
      parts += ", ";
    parts += std::to_string(counts.by_severity.at(i)) + ' ' +
             std::string(rules::to_string(static_cast<rules::Severity>(i)));
  }
  if (!parts.empty())
    out += " (" + parts + ")";
  if (counts.suppressed > 0)
    out += ", " + std::to_string(counts.suppressed) + " suppressed";
  return out;
}

std::string describe_analysed(const Counts& counts) {
  return plural(counts.files, "file", "files") + ": " + plural(counts.keys, "key", "keys") + ", " +
         plural(counts.grants, "grant", "grants") + ", " +
         plural(counts.principals, "principal", "principals") + ", " +
         plural(counts.data_stores, "data store", "data stores");
}

std::string describe_account(const InputAccount& account) {
  if (account.account)
    return "account " + *account.account + " (from " + account.source + ")";
  std::string text = "account unknown (" + account.source + ")";
  if (account.possibilities.empty())
    return text + ": analysed as deployed to an account it does not name";
  text += ": analysed as deployed to ";
  for (std::size_t i = 0; i < account.possibilities.size(); ++i) {
    text += (i == 0 ? "" : ", to ") + account.possibilities[i];
  }
  return text + " and to an account it does not name";
}

std::string describe_skipped(const Report& report) {
  if (report.skipped.empty())
    return {};
  return "skipped " + plural(report.skipped.size(), "file", "files") + " that " +
         (report.skipped.size() == 1 ? "is" : "are") + " not infrastructure";
}

const rules::RuleInfo* find_rule(const Report& report, std::string_view id) {
  const auto it = std::find_if(report.rules.begin(), report.rules.end(),
                               [&](const rules::RuleInfo& info) { return info.id == id; });
  return it == report.rules.end() ? nullptr : &*it;
}

std::vector<const rules::Finding*> most_severe_first(const Report& report) {
  std::vector<const rules::Finding*> out;
  for (const rules::Finding& finding : report.findings) {
    if (!finding.suppressed)
      out.push_back(&finding);
  }
  std::stable_sort(out.begin(), out.end(), [](const rules::Finding* a, const rules::Finding* b) {
    return a->severity > b->severity;
  });
  return out;
}

std::string_view to_string(model::DiagnosticLevel level) {
  switch (level) {
  case model::DiagnosticLevel::error:
    return "error";
  case model::DiagnosticLevel::warning:
    return "warning";
  case model::DiagnosticLevel::note:
    return "note";
  }
  return "error";
}

bool has_errors(const Report& report) {
  return std::any_of(
      report.diagnostics.begin(), report.diagnostics.end(),
      [](const model::Diagnostic& d) { return d.level == model::DiagnosticLevel::error; });
}

} // namespace tfkms::report
