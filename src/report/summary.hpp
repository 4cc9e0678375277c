#pragma once
// Facts about a Report that several formats print: counts by severity, what was analysed, rule
// lookup, and the order in which findings are worth reading.
#include "report/reporter.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::report {

struct FindingCounts {
  std::array<std::size_t, 5> by_severity{}; ///< unsuppressed findings, indexed by rules::Severity
  std::size_t total = 0;                    ///< unsuppressed findings
  std::size_t suppressed = 0;
};

[[nodiscard]] FindingCounts count_findings(const Report& report);

/// "3 findings (1 critical, 2 high)", "no findings"; suppressed ones mentioned when there are any.
[[nodiscard]] std::string describe_findings(const FindingCounts& counts);

/// "4 files: 3 keys, 2 grants, 5 principals, 1 data store".
[[nodiscard]] std::string describe_analysed(const Counts& counts);

/// "account 111122223333 (from data.aws_caller_identity in the plan)", or for an unknown account
/// "account unknown (...): analysed as deployed to 111122223333, to 444455556666 and to an account
/// it does not name".
[[nodiscard]] std::string describe_account(const InputAccount& account);

/// "skipped 14 files that are not infrastructure", or empty when none was skipped.
[[nodiscard]] std::string describe_skipped(const Report& report);

/// The rule declared with `id`, or nullptr when the report does not list it.
[[nodiscard]] const rules::RuleInfo* find_rule(const Report& report, std::string_view id);

/// Unsuppressed findings, most severe first; equal severities keep the report's order.
[[nodiscard]] std::vector<const rules::Finding*> most_severe_first(const Report& report);

/// "error", "warning", "note".
[[nodiscard]] std::string_view to_string(model::DiagnosticLevel level);

/// Whether any diagnostic is an error, i.e. some input could not be read.
[[nodiscard]] bool has_errors(const Report& report);

} // namespace tfkms::report
