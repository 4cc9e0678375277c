#include "cli/access.hpp"

#include <filesystem>
#include <iostream>

#include "analysis/access_map.hpp"
#include "analysis/principal_classes.hpp"
#include "cli/exit_codes.hpp"
#include "cli/report_output.hpp"
#include "cli/rule_id_option.hpp"
#include "cli/snapshots.hpp"
#include "report/access_tables.hpp"
#include "report/summary.hpp"
#include "rules/registry.hpp"
#include "run/run.hpp"

namespace tfkms::cli {

namespace {

constexpr std::string_view k_access_formats = "text, json, markdown";

std::optional<std::map<std::string, std::string>> parse_parameters(const std::vector<std::string>& specs,
                                                                   std::ostream& err) {
  std::map<std::string, std::string> parameters;
  for (const std::string& spec : specs) {
    const auto equals = spec.find('=');
    if (equals == std::string::npos || equals == 0) {
      err << "tfkms: error: --parameter expects KEY=VALUE; got '" << spec << "'\n";
      return std::nullopt;
    }
    parameters[spec.substr(0, equals)] = spec.substr(equals + 1);
  }
  return parameters;
}

void print_error(const model::Diagnostic& error, std::ostream& err) {
  err << "tfkms: error: " << error.to_string() << '\n';
}

// The inputs of a run, loaded one by one: `use` is called with each; errors are printed. Returns false
// when some input could not be read or a directory held none.
template <typename Use> bool for_each_input(const run::Run& run, std::ostream& err, Use use) {
  bool ok = run.discovery.errors.empty();
  for (const model::Diagnostic& error : run.discovery.errors) print_error(error, err);
  std::vector<std::size_t> inputs_per_root(run.roots.size(), 0);
  for (const run::Source& source : run.discovery.sources) {
    run::Loaded loaded = run::load(run, source);
    if (loaded.skipped_because) continue;
    if (loaded.error) {
      print_error(*loaded.error, err);
      ok = false;
      continue;
    }
    ++inputs_per_root[source.root];
    use(source, *loaded.input);
  }
  for (const model::Diagnostic& error : run::roots_without_inputs(run, inputs_per_root)) {
    print_error(error, err);
    ok = false;
  }
  return ok;
}

std::optional<rules::Severity> threshold(const std::string& fail_on) {
  if (fail_on == "never") return std::nullopt;
  return rules::parse_severity(fail_on);
}

} // namespace

std::pair<CLI::App*, CLI::App*> add_access_commands(CLI::App& app, AccessOptions& access, DiffOptions& diff) {
  CLI::App* access_cmd = app.add_subcommand(
      "access", "Who can read, write, manage grants of and administer each key, and the data stores it encrypts");
  access_cmd->add_option("paths", access.paths, "Plan/state JSON files, templates, directories, or - for stdin")->required();
  access_cmd->add_option("-f,--format", access.format, "Output format: " + std::string(k_access_formats))
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->default_str("text");
  access_cmd->add_option("--account-id", access.account_id, "The AWS account the input deploys to (12 digits)");
  access_cmd->add_option("-p,--parameter", access.parameters, "CloudFormation parameter value KEY=VALUE (repeatable)");
  access_cmd->footer("Examples:\n  tfkms access plan.json\n  tfkms access template.yaml --account-id 111122223333 --format markdown");

  CLI::App* diff_cmd = app.add_subcommand(
      "diff", "What a change does to key access: who gains or loses read, write, grants, administration");
  diff_cmd->add_option("paths", diff.paths, "Plan JSON files; with --base, the template after the change")->required();
  diff_cmd->add_option("--base", diff.base, "CloudFormation: the template before the change");
  diff_cmd->add_option("-f,--format", diff.format, "Output format: " + std::string(report::k_format_names))
      ->check([](const std::string& name) {
        return report::parse_format(name) ? std::string{} : "unknown format '" + name + "'";
      })
      ->default_str("text");
  diff_cmd->add_option("--fail-on", diff.fail_on, "Lowest severity that makes the exit code 1 (or never)")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical", "never"}))
      ->default_str("low");
  diff_cmd->add_option("-c,--config", diff.config_path, "Configuration file (default: .tfkms.yml in the working directory)");
  diff_cmd->add_option("--account-id", diff.account_id, "The AWS account the input deploys to (12 digits)");
  diff_cmd->add_option("-p,--parameter", diff.parameters, "CloudFormation parameter value KEY=VALUE (repeatable)");
  rule_ids(diff_cmd->add_option("--rule", diff.only_rules,
                                "Run only these rules (comma-separated, repeatable)"));
  rule_ids(diff_cmd->add_option("--skip-rule", diff.skip_rules,
                                "Do not run these rules (comma-separated, repeatable)"));
  diff_cmd->add_option_function<std::vector<std::string>>(
      "-o,--output",
      [&diff](const std::vector<std::string>& specs) {
        for (const std::string& spec : specs) diff.outputs.push_back(parse_output(spec));
      },
      "Also write FORMAT to FILE (repeatable), e.g. sarif=tfkms.sarif")
      ->allow_extra_args(false);
  diff_cmd->add_flag("--no-color", diff.no_color,
                     "No colour in text output (NO_COLOR is honoured too)");
  diff_cmd->add_flag("-q,--quiet", diff.quiet,
                     "Print nothing on standard output; only errors, and --output files");
  diff_cmd->footer("Examples:\n  terraform show -json tfplan > plan.json && tfkms diff plan.json\n"
                   "  tfkms diff --base main/template.yaml template.yaml --format markdown\n\n"
                   "Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or unreadable input, 3 internal error.");
  return {access_cmd, diff_cmd};
}

int run_access(const AccessOptions& options, std::ostream& out, std::ostream& err) {
  const auto parameters = parse_parameters(options.parameters, err);
  if (!parameters) return k_exit_usage;
  run::RunOptions run_options;
  run_options.paths = options.paths;
  run_options.account_id = options.account_id;
  run_options.parameters = *parameters;
  auto prepared = run::prepare(run_options);
  if (!prepared) {
    print_error(prepared.error(), err);
    return k_exit_usage;
  }
  report::AccessJsonWriter json(out);
  const bool ok = for_each_input(prepared.value(), err, [&](const run::Source& source, const run::LoadedInput& loaded) {
    const model::Graph& graph = loaded.input.graph;
    for (const model::Diagnostic& diagnostic : graph.diagnostics) err << "tfkms: " << diagnostic.to_string() << '\n';
    const analysis::ClassAccessMap map = analysis::map_access_by_class(graph);
    if (options.format == "json") {
      json.add(map, source.path);
    } else if (options.format == "markdown") {
      report::write_access_markdown(map, out);
    } else {
      out << "== " << source.path << "\n";
      report::write_access_text(map, out);
    }
  });
  if (options.format == "json") json.finish(TFKMS_VERSION);
  return ok ? k_exit_clean : k_exit_usage;
}

model::Result<DiffResult> diff_input(const std::string& path, const std::optional<std::string>& base,
                                     const loaders::LoadOptions& options, const rules::Config& config,
                                     const rules::Selection& selection) {
  auto snapshots = load_snapshots(path, base, options);
  if (!snapshots) return snapshots.error();
  return diff_graphs(snapshots.value().before, snapshots.value().after, config, selection);
}

DiffResult diff_graphs(const model::Graph& before, const model::Graph& after, const rules::Config& config,
                       const rules::Selection& selection) {
  DiffResult result;
  result.diff = analysis::diff_access(analysis::map_access_pair_by_class(before, after));
  result.findings = rules::run_diff_rules(after, result.diff, config, selection);
  return result;
}

model::Result<DiffResult> diff_against(const std::string& path, const loaders::Input& after,
                                       const std::optional<std::string>& base, loaders::LoadOptions options,
                                       const rules::Config& config, const rules::Selection& selection) {
  auto before = load_before(path, after.kind, base, std::move(options));
  if (!before) return before.error();
  return diff_graphs(before.value(), after.graph, config, selection);
}

int run_diff(const DiffOptions& options, std::ostream& out, std::ostream& err) {
  const auto parameters = parse_parameters(options.parameters, err);
  if (!parameters) return k_exit_usage;
  if (options.base && options.paths.size() != 1) {
    err << "tfkms: error: --base compares one template with one other; give exactly one path after it\n";
    return k_exit_usage;
  }
  run::RunOptions run_options;
  run_options.paths = options.paths;
  run_options.config_path = options.config_path;
  run_options.account_id = options.account_id;
  run_options.parameters = *parameters;
  run_options.selection = {options.only_rules, options.skip_rules};
  auto prepared = run::prepare(run_options);
  if (!prepared) {
    print_error(prepared.error(), err);
    return k_exit_usage;
  }
  const run::Run& run = prepared.value();

  analysis::AccessDiff all;
  report::Report report;
  bool ok = for_each_input(run, err, [&](const run::Source& source, const run::LoadedInput& loaded) {
    auto result = diff_against(source.path, loaded.input, options.base, loaded.options, run.config, run.selection);
    report.inputs.push_back(source.path);
    if (!result) {
      print_error(result.error(), err);
      report.diagnostics.push_back(result.error());
      return;
    }
    ++report.counts.files;
    DiffResult& one = result.value();
    analysis::append(all, one.diff);
    report.findings.insert(report.findings.end(), one.findings.begin(), one.findings.end());
    report.counts.keys += one.diff.keys_compared;
    report.counts.data_stores += one.diff.data_stores_compared;
  });
  ok = ok && !report::has_errors(report);
  report.rules = rules::all_rule_infos();
  report.access_changes = &all;
  report::ReportOptions report_options;
  report_options.repository_root = std::filesystem::current_path().string();
  const auto stdout_format = options.quiet ? std::nullopt : report::parse_format(options.format);
  const bool written =
      write_reports(report, report_options, options.outputs, stdout_format, options.no_color, out, err);

  if (!ok) return k_exit_usage;
  if (!written) return k_exit_usage;
  const auto fail_on = threshold(options.fail_on);
  for (const rules::Finding& finding : report.findings) {
    if (!finding.suppressed && fail_on && finding.severity >= *fail_on) return k_exit_findings;
  }
  return k_exit_clean;
}

} // namespace tfkms::cli
