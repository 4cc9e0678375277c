#include "cli/check.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/access.hpp"
#include "cli/baseline_options.hpp"
#include "cli/check_settings.hpp"
#include "cli/condition_branches.hpp"
#include "cli/exit_codes.hpp"
#include "cli/report_output.hpp"
#include "loaders/loaders.hpp"
#include "rules/config.hpp"
#include "rules/engine.hpp"
#include "rules/registry.hpp"
#include "rules/suppressions.hpp"

namespace tfkms::cli {

namespace {

bool reaches(rules::Severity severity, FailOn fail_on) {
  return fail_on != FailOn::never && static_cast<int>(severity) >= static_cast<int>(fail_on);
}

void print_diagnostic(const model::Diagnostic& diagnostic, std::ostream& err) {
  const char* level = diagnostic.level == model::DiagnosticLevel::error     ? "error"
                      : diagnostic.level == model::DiagnosticLevel::warning ? "warning"
                                                                            : "note";
  err << "tfkms: " << level << ": " << diagnostic.to_string() << '\n';
}

// Expands directories into the inputs they hold; a directory with none is an error, so that a
// mistyped path is never a silent pass.
std::vector<std::string> expand_paths(const std::vector<std::string>& paths, std::vector<model::Diagnostic>& errors) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (path != "-" && std::filesystem::is_directory(path, ec)) {
      std::vector<std::string> found = loaders::find_inputs(path);
      if (found.empty()) {
        model::Diagnostic error;
        error.file = path;
        error.message = "no Terraform plan/state JSON or CloudFormation template found in this directory";
        errors.push_back(std::move(error));
      }
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(path);
    }
  }
  return files;
}

std::optional<rules::Config> load_configuration(const CheckOptions& options, std::vector<model::Diagnostic>& errors) {
  auto found = options.config_path ? model::Result<std::optional<std::string>>(options.config_path)
                                    : rules::find_config_file(std::filesystem::current_path());
  if (!found) {
    errors.push_back(found.error());
    return std::nullopt;
  }
  if (!found.value()) return rules::Config{};
  auto config = rules::load_config(*found.value());
  if (!config) {
    errors.push_back(config.error());
    return std::nullopt;
  }
  return std::move(config.value());
}

void count(const model::Graph& graph, report::Counts& counts) {
  ++counts.files;
  counts.keys += static_cast<std::size_t>(std::count_if(graph.keys.begin(), graph.keys.end(), [](const model::Key& key) {
    return key.kind != model::KeyKind::aws_managed;
  }));
  counts.grants += graph.grants.size();
  counts.principals += graph.principals.size();
  counts.data_stores += graph.data_stores.size();
}

} // namespace

int run_check(const CheckOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<model::Diagnostic> errors;
  const std::optional<rules::Config> config = load_configuration(options, errors);
  if (!config) {
    for (const auto& error : errors) print_diagnostic(error, err);
    return k_exit_usage;
  }

  loaders::LoadOptions load_options;
  load_options.account_id = options.account_id ? options.account_id : config->account_id;
  load_options.tf_dir = options.tf_dir;
  load_options.parameters = options.parameters;
  load_options.conditions = options.conditions;
  load_options.limits = config->limits;

  const CheckSettings settings = resolve_settings(options, *config, errors);
  const rules::Selection& selection = settings.selection;
  rules::SuppressionReview suppressions;
  report::Report report;
  report.rules = rules::all_rule_infos();
  analysis::AccessDiff access_changes;
  for (const std::string& path : expand_paths(options.paths, errors)) {
    report.inputs.push_back(path);
    auto input = loaders::load_file(path, load_options);
    if (!input) {
      errors.push_back(input.error());
      continue;
    }
    const model::Graph& graph = input.value().graph;
    for (const auto& diagnostic : graph.diagnostics) {
      (diagnostic.level == model::DiagnosticLevel::error ? errors : report.diagnostics).push_back(diagnostic);
    }
    count(graph, report.counts);
    suppressions.add_input(graph, errors);
    const bool from_terraform = input.value().kind == loaders::InputKind::terraform_plan ||
                                input.value().kind == loaders::InputKind::terraform_state;
    if (from_terraform && !input.value().tf_source_found) suppressions.add_input_without_source(path);
    std::vector<rules::Finding> findings =
        graph.undecided_conditions.empty()
            ? rules::run_rules(graph, *config, selection)
            : findings_of_every_branch(path, input.value(), load_options, *config, selection, report.diagnostics);
    std::move(findings.begin(), findings.end(), std::back_inserter(report.findings));
    // --diff: a plan holds its change; a template is compared with --base, and a state (or a
    // template without --base) has no change in it: an error rather than an empty "no changes".
    if (options.diff) {
      auto diff = diff_against(path, input.value(), options.base, load_options, *config, selection);
      if (!diff) {
        errors.push_back(diff.error());
        continue;
      }
      analysis::append(access_changes, diff.value().diff);
      std::move(diff.value().findings.begin(), diff.value().findings.end(), std::back_inserter(report.findings));
    }
  }
  if (options.diff) report.access_changes = &access_changes;
  if (auto warning = suppressions.missing_source()) report.diagnostics.push_back(std::move(*warning));
  const std::vector<model::Diagnostic> unused =
      unused_suppressions(suppressions, options, *config, settings, report);
  apply_baseline({options.baseline ? options.baseline : config->baseline, options.write_baseline},
                 report, errors);
  report.diagnostics.insert(report.diagnostics.begin(), errors.begin(), errors.end());

  if (!options.quiet || !errors.empty()) {
    for (const auto& diagnostic : report.diagnostics) {
      if (diagnostic.level == model::DiagnosticLevel::error || !options.quiet) print_diagnostic(diagnostic, err);
    }
  }

  report::ReportOptions report_options;
  report_options.sarif_category = options.sarif_category;
  report_options.repository_root = std::filesystem::current_path().string();
  // What --output files hold; standard output leaves diagnostics to standard error.
  bool written = true;
  for (const auto& [format, file] : options.outputs) {
    written = write_report(report, format, report_options, file, out, err) && written;
  }
  if (!options.quiet) {
    report_options.color = color_for(out, options.no_color);
    report_options.diagnostics = report::DiagnosticsPlace::elsewhere;
    written = write_report(report, settings.format, report_options, "", out, err) && written;
  }

  if (!errors.empty() || !written) return k_exit_usage;
  const bool failing = std::any_of(report.findings.begin(), report.findings.end(), [&](const rules::Finding& finding) {
    return !finding.suppressed && reaches(finding.severity, settings.fail_on);
  });
  const bool failing_unused = options.fail_on_unused_suppressions && !unused.empty();
  return failing || failing_unused ? k_exit_findings : k_exit_clean;
}

} // namespace tfkms::cli
