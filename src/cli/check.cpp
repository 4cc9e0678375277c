#include "cli/check.hpp"

#include "cli/access.hpp"
#include "cli/baseline_options.hpp"
#include "cli/check_settings.hpp"
#include "cli/exit_codes.hpp"
#include "cli/keep_until_exit.hpp"
#include "cli/report_output.hpp"
#include "rules/registry.hpp"
#include "rules/suppressions.hpp"
#include "run/account_inputs.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>

namespace tfkms::cli {

namespace {

void print_diagnostic(const model::Diagnostic& diagnostic, std::ostream& err) {
  const char* level = diagnostic.level == model::DiagnosticLevel::error     ? "error"
                      : diagnostic.level == model::DiagnosticLevel::warning ? "warning"
                                                                            : "note";
  err << "tfkms: " << level << ": " << diagnostic.to_string() << '\n';
}

void count(const model::Graph& graph, report::Counts& counts) {
  ++counts.files;
  counts.keys += static_cast<std::size_t>(
      std::count_if(graph.keys.begin(), graph.keys.end(),
                    [](const model::Key& key) { return key.kind != model::KeyKind::aws_managed; }));
  counts.grants += graph.grants.size();
  counts.principals += graph.principals.size();
  counts.data_stores += graph.data_stores.size();
}

// What the report says of an input's account.
report::InputAccount account_of(const run::Source& source, const run::Deployment& deployment) {
  report::InputAccount account;
  account.input = source.path == "-" ? "<stdin>" : source.path;
  account.stack = source.stack;
  account.account = deployment.account;
  account.source = deployment.source;
  account.possibilities = deployment.possibilities;
  return account;
}

} // namespace

int run_check(const CheckOptions& options, std::ostream& out, std::ostream& err) {
  auto prepared = run::prepare(options.run);
  if (!prepared) {
    print_diagnostic(prepared.error(), err);
    return k_exit_usage;
  }
  // --diff reads a plan's two sides in one pass over the file, as `tfkms diff` does, instead of
  // parsing it again for the before side.
  if (options.diff && !options.base)
    prepared.value().load.snapshot = loaders::Snapshot::both;
  const run::Run& run = prepared.value();
  std::vector<model::Diagnostic> errors = run.discovery.errors;
  CheckSettings settings = resolve_settings(options.format, options.fail_on, run.config, errors);
  settings.selection = run.selection;
  rules::SuppressionReview suppressions;
  report::Report report;
  report.rules = rules::all_rule_infos();
  report.diagnostics = run.discovery.notes;
  analysis::AccessDiff access_changes;
  std::vector<std::size_t> inputs_per_root(run.roots.size(), 0);
  const auto add_diff = [&](model::Result<DiffResult> diff) {
    if (!diff) {
      errors.push_back(diff.error());
      return;
    }
    analysis::append(access_changes, diff.value().diff);
    std::move(diff.value().findings.begin(), diff.value().findings.end(),
              std::back_inserter(report.findings));
  };
  const auto check_alone = [&](const run::Source& source, const run::LoadedInput& input) {
    std::vector<rules::Finding> findings = run::findings_of(run, source, input, report.diagnostics);
    std::move(findings.begin(), findings.end(), std::back_inserter(report.findings));
    // --diff: a plan holds its change; a template is compared with --base, and a state (or a
    // template without --base) has no change in it: an error rather than an empty "no changes".
    if (options.diff)
      add_diff(diff_against(source.path, input.input, options.base, input.options, run.config,
                            run.selection));
  };
  // An input that may join an account graph waits until every input is loaded; any other is checked
  // and let go at once, so that memory holds one of them at a time.
  std::vector<run::LoadedSource> inputs;
  run::HeldBackInputs held_back;
  std::optional<run::Loaded> last; // freed when the next input comes, or kept until exit
  for (const run::Source& source : run.discovery.sources) {
    last.reset();
    run::Loaded& loaded = last.emplace(run::load(run, source));
    if (loaded.skipped_because) {
      report.skipped.push_back({source.path, *loaded.skipped_because});
      continue;
    }
    report.inputs.push_back(source.path);
    if (loaded.error) {
      errors.push_back(std::move(*loaded.error));
      continue;
    }
    ++inputs_per_root[source.root];
    const run::LoadedInput& input = *loaded.input;
    const model::Graph& graph = input.input.graph;
    for (const auto& diagnostic : graph.diagnostics) {
      (diagnostic.level == model::DiagnosticLevel::error ? errors : report.diagnostics)
          .push_back(diagnostic);
    }
    count(graph, report.counts);
    report.accounts.push_back(account_of(source, input.deployment));
    suppressions.add_input(graph, errors);
    const bool from_terraform = input.input.kind == loaders::InputKind::terraform_plan ||
                                input.input.kind == loaders::InputKind::terraform_state;
    if (from_terraform && !input.input.tf_source_found)
      suppressions.add_input_without_source(source.path);
    held_back.add(run, source, input);
    if (run::may_join(run, input)) {
      inputs.push_back({&source, std::move(*loaded.input)});
    } else {
      check_alone(source, input);
    }
  }
  const std::vector<run::AccountGroup> groups = run::account_groups(run, inputs);
  const std::vector<bool> joined = run::joined_inputs(groups, inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!joined[i])
      check_alone(*inputs[i].source, inputs[i].input);
  }
  for (const run::AccountGroup& group : groups) {
    report.diagnostics.push_back(run::joined_note(group, inputs));
    if (options.diff)
      add_diff(diff_account(run::members_of(inputs, group), group.account, options.base, run.config,
                            run.selection));
    run::AccountGraph account = run::join_account(run::take_graphs(inputs, group), group.account);
    std::move(account.notes.begin(), account.notes.end(), std::back_inserter(report.diagnostics));
    std::vector<rules::Finding> findings =
        rules::run_rules(account.graph, run.config, run.selection);
    std::move(findings.begin(), findings.end(), std::back_inserter(report.findings));
    keep_until_exit(std::move(account));
  }
  for (model::Diagnostic& warning : held_back.warnings())
    report.diagnostics.push_back(std::move(warning));
  for (model::Diagnostic& error : run::roots_without_inputs(run, inputs_per_root))
    errors.push_back(std::move(error));
  if (options.diff)
    report.access_changes = &access_changes;
  if (auto warning = suppressions.missing_source())
    report.diagnostics.push_back(std::move(*warning));
  const std::vector<model::Diagnostic> unused =
      unused_suppressions(suppressions, options, run.config, settings, report);
  apply_baseline(
      {options.baseline ? options.baseline : run.config.baseline, options.write_baseline}, report,
      errors);
  report.diagnostics.insert(report.diagnostics.begin(), errors.begin(), errors.end());

  if (!options.quiet || !errors.empty()) {
    for (const auto& diagnostic : report.diagnostics) {
      if (diagnostic.level == model::DiagnosticLevel::error || !options.quiet)
        print_diagnostic(diagnostic, err);
    }
  }

  report::ReportOptions report_options;
  report_options.sarif_category = options.sarif_category;
  report_options.verbose = options.verbose;
  report_options.repository_root = std::filesystem::current_path().string();
  const bool written = write_reports(report, report_options, options.outputs,
                                     options.quiet ? std::nullopt : std::optional(settings.format),
                                     options.no_color, out, err);

  if (!errors.empty() || !written)
    return k_exit_usage;
  const bool failing = std::any_of(
      report.findings.begin(), report.findings.end(), [&](const rules::Finding& finding) {
        return !finding.suppressed && reaches(finding.severity, settings.fail_on);
      });
  const bool failing_unused = options.fail_on_unused_suppressions && !unused.empty();
  keep_until_exit(std::move(last));
  keep_until_exit(std::move(inputs));
  keep_until_exit(std::move(report));
  return failing || failing_unused ? k_exit_findings : k_exit_clean;
}

} // namespace tfkms::cli
