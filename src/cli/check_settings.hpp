#pragma once
// What `tfkms check` does when the command line and .tfkms.yml both have a say: the command line
// wins, then the configuration, then the defaults.
#include "cli/check.hpp"
#include "model/diagnostic.hpp"
#include "report/reporter.hpp"
#include "rules/config.hpp"
#include "rules/engine.hpp"
#include "rules/suppressions.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::cli {

/// info, low, medium, high, critical or never; nothing for anything else.
[[nodiscard]] std::optional<FailOn> parse_fail_on(std::string_view name);

/// What is wrong with `name` as a --fail-on value, or empty when it is one: for option validators.
[[nodiscard]] std::string fail_on_problem(const std::string& name);

struct CheckSettings {
  report::Format format = report::Format::text;
  FailOn fail_on = FailOn::low;
  rules::Selection selection;
};

/// The settings `check` and `diff` share: format and fail-on from the command line (`format`,
/// `fail_on`), else the configuration, else text and low (the rule selection is the run's:
/// run::prepare). A format in the configuration that does not exist is an error in `errors`.
[[nodiscard]] CheckSettings resolve_settings(std::optional<report::Format> format,
                                             std::optional<FailOn> fail_on,
                                             const rules::Config& config,
                                             std::vector<model::Diagnostic>& errors);

/// Whether a finding of `severity` makes the exit code 1 under `fail_on`.
[[nodiscard]] bool reaches(rules::Severity severity, FailOn fail_on);

/// The suppressions of `review` and `config` that suppressed none of the report's findings, as
/// warnings (errors with --fail-on-unused-suppressions), appended to the report's diagnostics and
/// returned. Suppressions of rules that did not run are not judged.
std::vector<model::Diagnostic> unused_suppressions(const rules::SuppressionReview& review,
                                                   const CheckOptions& options,
                                                   const rules::Config& config,
                                                   const CheckSettings& settings,
                                                   report::Report& report);

} // namespace tfkms::cli
