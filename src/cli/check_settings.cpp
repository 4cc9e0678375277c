#include "cli/check_settings.hpp"

#include <array>
#include <utility>

namespace tfkms::cli {

namespace {
constexpr std::array<std::pair<std::string_view, FailOn>, 6> k_fail_on{
    {{"info", FailOn::info},
     {"low", FailOn::low},
     {"medium", FailOn::medium},
     {"high", FailOn::high},
     {"critical", FailOn::critical},
     {"never", FailOn::never}}};
} // namespace

std::optional<FailOn> parse_fail_on(std::string_view name) {
  for (const auto& [text, value] : k_fail_on) {
    if (text == name)
      return value;
  }
  return std::nullopt;
}

std::string fail_on_problem(const std::string& name) {
  return parse_fail_on(name)
             ? std::string{}
             : "unknown severity '" + name + "'; valid: info, low, medium, high, critical, never";
}

CheckSettings resolve_settings(std::optional<report::Format> format, std::optional<FailOn> fail_on,
                               const rules::Config& config,
                               std::vector<model::Diagnostic>& errors) {
  CheckSettings settings;
  if (format) {
    settings.format = *format;
  } else if (config.format) {
    if (const auto configured = report::parse_format(*config.format)) {
      settings.format = *configured;
    } else {
      model::Diagnostic error;
      error.file = config.path;
      error.message = "unknown format '" + *config.format +
                      "' in 'format'; valid formats: " + std::string(report::k_format_names);
      errors.push_back(std::move(error));
    }
  }
  // The configuration checked its fail_on when it was read.
  if (fail_on)
    settings.fail_on = *fail_on;
  else if (config.fail_on)
    settings.fail_on = parse_fail_on(*config.fail_on).value_or(FailOn::low);
  return settings;
}

bool reaches(rules::Severity severity, FailOn fail_on) {
  return fail_on != FailOn::never && static_cast<int>(severity) >= static_cast<int>(fail_on);
}

std::vector<model::Diagnostic> unused_suppressions(const rules::SuppressionReview& review,
                                                   const CheckOptions& options,
                                                   const rules::Config& config,
                                                   const CheckSettings& settings,
                                                   report::Report& report) {
  const auto ran = [&](std::string_view id) {
    return rules::is_selected(id, config, settings.selection) &&
           (options.diff || !rules::is_change_rule(id));
  };
  const auto level = options.fail_on_unused_suppressions ? model::DiagnosticLevel::error
                                                         : model::DiagnosticLevel::warning;
  std::vector<model::Diagnostic> unused = review.unused(config, report.findings, ran, level);
  report.diagnostics.insert(report.diagnostics.end(), unused.begin(), unused.end());
  return unused;
}

} // namespace tfkms::cli
