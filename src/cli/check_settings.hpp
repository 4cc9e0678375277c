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
#include <string_view>
#include <vector>

namespace tfkms::cli {

/// info, low, medium, high, critical or never; nothing for anything else.
[[nodiscard]] std::optional<FailOn> parse_fail_on(std::string_view name);

struct CheckSettings {
  report::Format format = report::Format::text;
  FailOn fail_on = FailOn::low;
  rules::Selection selection;
};

/// The settings of a check: format and fail-on from the command line, else the configuration, else
/// text and low (the rule selection is the run's: run::prepare). A format in the configuration that
/// does not exist is an error in `errors`.
[[nodiscard]] CheckSettings resolve_settings(const CheckOptions& options,
                                             const rules::Config& config,
                                             std::vector<model::Diagnostic>& errors);

/// The suppressions of `review` and `config` that suppressed none of the report's findings, as
/// warnings (errors with --fail-on-unused-suppressions), appended to the report's diagnostics and
/// returned. Suppressions of rules that did not run are not judged.
std::vector<model::Diagnostic> unused_suppressions(const rules::SuppressionReview& review,
                                                   const CheckOptions& options,
                                                   const rules::Config& config,
                                                   const CheckSettings& settings,
                                                   report::Report& report);

} // namespace tfkms::cli
