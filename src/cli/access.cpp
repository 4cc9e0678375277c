#include "cli/access.hpp"

#include <filesystem>
#include <iostream>

#include "analysis/access_map.hpp"
#include "cli/exit_codes.hpp"
#include "cli/report_output.hpp"
#include "cli/rule_id_option.hpp"
#include "cli/snapshots.hpp"
#include "report/access_tables.hpp"
#include "rules/registry.hpp"

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

// Files as given, directories expanded to the inputs they hold.
std::vector<std::string> expand(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code error;
    if (path != "-" && std::filesystem::is_directory(path, error)) {
      for (std::string& found : loaders::find_inputs(path)) files.push_back(std::move(found));
    } else {
      files.push_back(path);
    }
  }
  return files;
}

// --config, else the configuration file find_config_file finds, else the defaults.
std::optional<rules::Config> load_configuration(const std::optional<std::string>& path, std::ostream& err) {
  auto found = path ? model::Result<std::optional<std::string>>(path)
                    : rules::find_config_file(std::filesystem::current_path());
  if (!found) {
    err << "tfkms: error: " << found.error().to_string() << '\n';
    return std::nullopt;
  }
  if (!found.value()) return rules::Config{};
  auto loaded = rules::load_config(*found.value());
  if (!loaded) {
    err << "tfkms: error: " << loaded.error().to_string() << '\n';
    return std::nullopt;
  }
  return loaded.value();
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
  loaders::LoadOptions load;
  load.account_id = options.account_id;
  load.parameters = *parameters;
  int exit_code = k_exit_clean;
  report::AccessJsonWriter json(out);
  for (const std::string& path : expand(options.paths)) {
    auto input = loaders::load_file(path, load);
    if (!input) {
      err << "tfkms: error: " << input.error().to_string() << '\n';
      exit_code = k_exit_usage;
      continue;
    }
    const model::Graph& graph = input.value().graph;
    for (const model::Diagnostic& diagnostic : graph.diagnostics) err << "tfkms: " << diagnostic.to_string() << '\n';
    const analysis::AccessMap map = analysis::map_access(graph);
    if (options.format == "json") {
      json.add(map, path);
    } else if (options.format == "markdown") {
      report::write_access_markdown(map, out);
    } else {
      out << "== " << path << "\n";
      report::write_access_text(map, out);
    }
  }
  if (options.format == "json") json.finish(TFKMS_VERSION);
  return exit_code;
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
  const analysis::AccessPair maps = analysis::map_access_pair(before, after);
  result.diff = analysis::diff_access(maps.before, maps.after);
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
  const auto config = load_configuration(options.config_path, err);
  if (!config) return k_exit_usage;
  loaders::LoadOptions load;
  load.account_id = options.account_id ? options.account_id : config->account_id;
  load.parameters = *parameters;
  const rules::Selection selection{options.only_rules, options.skip_rules};

  int exit_code = k_exit_clean;
  analysis::AccessDiff all;
  report::Report report;
  for (const std::string& path : options.paths) {
    auto result = diff_input(path, options.base, load, *config, selection);
    report.inputs.push_back(path);
    if (!result) {
      err << "tfkms: error: " << result.error().to_string() << '\n';
      report.diagnostics.push_back(result.error());
      exit_code = k_exit_usage;
      continue;
    }
    ++report.counts.files;
    DiffResult& one = result.value();
    analysis::append(all, one.diff);
    report.findings.insert(report.findings.end(), one.findings.begin(), one.findings.end());
    report.counts.keys += one.diff.keys_compared;
    report.counts.data_stores += one.diff.data_stores_compared;
  }
  report.rules = rules::all_rule_infos();
  report.access_changes = &all;
  report::ReportOptions report_options;
  report_options.repository_root = std::filesystem::current_path().string();
  bool written = true;
  for (const auto& [format, file] : options.outputs) {
    written = write_report(report, format, report_options, file, out, err) && written;
  }
  if (!options.quiet) {
    report_options.color = color_for(out, options.no_color);
    report_options.diagnostics = report::DiagnosticsPlace::elsewhere; // errors went to `err` above
    const report::Format format = *report::parse_format(options.format);
    written = write_report(report, format, report_options, "", out, err) && written;
  }

  if (exit_code != k_exit_clean) return exit_code;
  if (!written) return k_exit_usage;
  const auto fail_on = threshold(options.fail_on);
  for (const rules::Finding& finding : report.findings) {
    if (!finding.suppressed && fail_on && finding.severity >= *fail_on) return k_exit_findings;
  }
  return k_exit_clean;
}

} // namespace tfkms::cli
