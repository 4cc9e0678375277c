#include "cli/access.hpp"

#include "analysis/access_map.hpp"
#include "analysis/principal_classes.hpp"
#include "cli/baseline_options.hpp"
#include "cli/block_buffer.hpp"
#include "cli/check_settings.hpp"
#include "cli/exit_codes.hpp"
#include "cli/report_output.hpp"
#include "cli/rule_id_option.hpp"
#include "cli/snapshots.hpp"
#include "report/access_tables.hpp"
#include "report/summary.hpp"
#include "rules/registry.hpp"
#include "run/assignments.hpp"
#include "run/run.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

namespace tfkms::cli {

namespace {

constexpr std::string_view k_access_formats = "text, json, markdown";

void print_error(const model::Diagnostic& error, std::ostream& err) {
  err << "tfkms: error: " << error.to_string() << '\n';
}

// Loads the inputs of a run: those that may join an account graph are kept in `inputs` until all
// are loaded; any other is given to `alone` at once and let go. Errors are printed. Returns false
// when some input could not be read or a directory held none.
template <typename Alone>
bool load_inputs(const run::Run& run, std::ostream& err, std::vector<run::LoadedSource>& inputs,
                 run::HeldBackInputs& held_back, Alone alone) {
  bool ok = run.discovery.errors.empty();
  for (const model::Diagnostic& error : run.discovery.errors)
    print_error(error, err);
  std::vector<std::size_t> inputs_per_root(run.roots.size(), 0);
  for (const run::Source& source : run.discovery.sources) {
    run::Loaded loaded = run::load(run, source);
    if (loaded.skipped_because)
      continue;
    if (loaded.error) {
      print_error(*loaded.error, err);
      ok = false;
      continue;
    }
    ++inputs_per_root[source.root];
    run::LoadedSource input{&source, std::move(*loaded.input)};
    held_back.add(run, source, input.input);
    if (run::may_join(run, input.input)) {
      inputs.push_back(std::move(input));
    } else {
      alone(input);
    }
  }
  for (const model::Diagnostic& error : run::roots_without_inputs(run, inputs_per_root)) {
    print_error(error, err);
    ok = false;
  }
  return ok;
}

// How access and diff name an account graph: "account 111122223333 (a/plan.json, b/plan.json)".
std::string group_name(const run::AccountGroup& group,
                       const std::vector<run::LoadedSource>& inputs) {
  std::string name = "account " + group.account + " (";
  for (std::size_t i = 0; i < group.members.size(); ++i) {
    name += (i == 0 ? "" : ", ") + inputs.at(group.members[i]).source->path;
  }
  return name + ")";
}

void print_note(const model::Diagnostic& note, std::ostream& err) {
  const char* level = note.level == model::DiagnosticLevel::warning ? "warning" : "note";
  err << "tfkms: " << level << ": " << note.to_string() << '\n';
}

} // namespace

std::pair<CLI::App*, CLI::App*> add_access_commands(CLI::App& app, AccessOptions& access,
                                                    DiffOptions& diff) {
  CLI::App* access_cmd =
      app.add_subcommand("access", "Who can read, write, manage grants of and administer each key, "
                                   "and the data stores it encrypts");
  access_cmd
      ->add_option("paths", access.paths,
                   "Plan/state JSON files, templates, directories, or - for stdin")
      ->required();
  access_cmd
      ->add_option("-f,--format", access.format, "Output format: " + std::string(k_access_formats))
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->default_str("text");
  access_cmd->add_option("-c,--config", access.config_path,
                         "Configuration file (default: .tfkms.yml in the working directory)");
  access_cmd->add_option("--account-id", access.account_id,
                         "The AWS account the input deploys to (12 digits)");
  access_cmd->add_option("-p,--parameter", access.parameters,
                         "CloudFormation parameter value KEY=VALUE (repeatable)");
  access_cmd->add_flag(
      "--separately", access.separately,
      "Answer for each input alone, not for the inputs of one account as one graph");
  access_cmd->footer(
      "Examples:\n  tfkms access plan.json\n  tfkms access template.yaml --account-id 111122223333 "
      "--format markdown\n"
      "  tfkms access plan.json template.yaml --account-id 111122223333\n\n"
      "Inputs that deploy to one known account are answered as one graph: every key's readers,\n"
      "writers and administrators include the principals of every input. --separately answers\n"
      "for each input alone.");

  CLI::App* diff_cmd = app.add_subcommand(
      "diff",
      "What a change does to key access: who gains or loses read, write, grants, administration");
  diff_cmd
      ->add_option("paths", diff.paths,
                   "Plan JSON files; with --base, the template after the change")
      ->required();
  diff_cmd->add_option("--base", diff.base, "CloudFormation: the template before the change");
  diff_cmd
      ->add_option("-f,--format", diff.format,
                   "Output format: " + std::string(report::k_format_names))
      ->check([](const std::string& name) {
        return report::parse_format(name) ? std::string{} : "unknown format '" + name + "'";
      })
      ->default_str("text, or the configuration's format");
  diff_cmd
      ->add_option("--fail-on", diff.fail_on,
                   "Lowest severity that makes the exit code 1: info, low, medium, high, critical, "
                   "never")
      ->check(fail_on_problem)
      ->default_str("low, or the configuration's fail_on");
  diff_cmd->add_option("--baseline", diff.baseline,
                       "Report only findings not in this baseline (default: the configuration's)");
  diff_cmd->add_option("-c,--config", diff.config_path,
                       "Configuration file (default: .tfkms.yml in the working directory)");
  diff_cmd->add_option("--account-id", diff.account_id,
                       "The AWS account the input deploys to (12 digits)");
  diff_cmd->add_option("-p,--parameter", diff.parameters,
                       "CloudFormation parameter value KEY=VALUE (repeatable)");
  rule_ids(diff_cmd->add_option("--rule", diff.only_rules,
                                "Run only these rules (comma-separated, repeatable)"));
  rule_ids(diff_cmd->add_option("--skip-rule", diff.skip_rules,
                                "Do not run these rules (comma-separated, repeatable)"));
  diff_cmd
      ->add_option_function<std::vector<std::string>>(
          "-o,--output",
          [&diff](const std::vector<std::string>& specs) {
            for (const std::string& spec : specs)
              diff.outputs.push_back(parse_output(spec));
          },
          "Also write FORMAT to FILE (repeatable), e.g. sarif=tfkms.sarif")
      ->allow_extra_args(false);
  diff_cmd->add_flag("--no-color", diff.no_color,
                     "No colour in text output (NO_COLOR is honoured too)");
  diff_cmd->add_flag("-q,--quiet", diff.quiet,
                     "Print nothing on standard output; only errors, and --output files");
  diff_cmd->add_flag("--separately", diff.separately,
                     "Compare each input alone, not the inputs of one account as one graph");
  diff_cmd->footer(
      "Examples:\n  terraform show -json tfplan > plan.json && tfkms diff plan.json\n"
      "  tfkms diff --base main/template.yaml template.yaml --format markdown\n"
      "  tfkms diff plan.json template.yaml --account-id 111122223333\n\n"
      "Inputs that deploy to one known account are compared as one graph: a change in one\n"
      "is measured against the others as its unchanged context (a state, a template without\n"
      "--base). --separately compares each input alone.\n\n"
      "Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or unreadable input, 3 "
      "internal error.");
  return {access_cmd, diff_cmd};
}

int run_access(const AccessOptions& options, std::ostream& out, std::ostream& err) {
  auto parameters = run::parse_parameters(options.parameters);
  if (!parameters) {
    print_error(parameters.error(), err);
    return k_exit_usage;
  }
  run::RunOptions run_options;
  run_options.paths = options.paths;
  run_options.config_path = options.config_path;
  run_options.account_id = options.account_id;
  run_options.parameters = std::move(parameters.value());
  run_options.separately = options.separately;
  auto prepared = run::prepare(run_options);
  if (!prepared) {
    print_error(prepared.error(), err);
    return k_exit_usage;
  }
  const run::Run& run = prepared.value();
  // The report comes in many small pieces: written in blocks, not each one through stdio.
  BlockBuffer block(out);
  std::ostream buffered(&block);
  report::AccessJsonWriter json(buffered);
  const auto write = [&](const model::Graph& graph, const std::string& name) {
    const analysis::ClassAccessMap map = analysis::map_access_by_class(graph);
    if (options.format == "json") {
      json.add(map, name);
    } else if (options.format == "markdown") {
      report::write_access_markdown(map, buffered);
    } else {
      buffered << "== " << name << "\n";
      report::write_access_text(map, buffered);
    }
  };
  const auto print_diagnostics = [&](const run::LoadedSource& input) {
    for (const model::Diagnostic& diagnostic : input.input.input.graph.diagnostics) {
      err << "tfkms: " << diagnostic.to_string() << '\n';
    }
  };
  std::vector<run::LoadedSource> inputs;
  run::HeldBackInputs held_back;
  const bool ok = load_inputs(run, err, inputs, held_back, [&](const run::LoadedSource& input) {
    print_diagnostics(input);
    write(input.input.input.graph, input.source->path);
  });
  for (const run::LoadedSource& input : inputs)
    print_diagnostics(input);
  const std::vector<run::AccountGroup> groups = run::account_groups(run, inputs);
  const std::vector<bool> joined = run::joined_inputs(groups, inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!joined[i])
      write(inputs[i].input.input.graph, inputs[i].source->path);
  }
  for (const run::AccountGroup& group : groups) {
    const std::string name = group_name(group, inputs);
    const run::AccountGraph account =
        run::join_account(run::take_graphs(inputs, group), group.account);
    for (const model::Diagnostic& note : account.notes)
      print_note(note, err);
    write(account.graph, name);
  }
  for (const model::Diagnostic& warning : held_back.warnings())
    print_note(warning, err);
  if (options.format == "json")
    json.finish(TFKMS_VERSION);
  return ok ? k_exit_clean : k_exit_usage;
}

model::Result<DiffResult> diff_input(const std::string& path,
                                     const std::optional<std::string>& base,
                                     const loaders::LoadOptions& options,
                                     const rules::Config& config,
                                     const rules::Selection& selection) {
  auto snapshots = load_snapshots(path, base, options);
  if (!snapshots)
    return snapshots.error();
  return diff_graphs(snapshots.value().before, snapshots.value().after, config, selection);
}

namespace {

// How many of the `items` either snapshot holds, one in both counted once: told apart by their
// labels, as the access map tells keys apart (a --base template is another file but the same
// input, and only an account graph names the input).
template <class Item>
std::size_t in_either(const model::Graph& before, const model::Graph& after,
                      model::SharedVector<Item> model::Graph::*items) {
  std::set<std::string> seen;
  for (const model::Graph* graph : {&before, &after}) {
    for (const Item& item : graph->*items)
      seen.insert(analysis::node_label(*graph, item.source.name(), item.source));
  }
  return seen.size();
}

} // namespace

DiffResult diff_graphs(const model::Graph& before, const model::Graph& after,
                       const rules::Config& config, const rules::Selection& selection) {
  DiffResult result;
  result.diff = analysis::diff_access(analysis::map_access_pair_by_class(before, after));
  result.findings = rules::run_diff_rules(after, result.diff, config, selection);
  result.principals_compared = in_either(before, after, &model::Graph::principals);
  result.grants_compared = in_either(before, after, &model::Graph::grants);
  return result;
}

model::Result<DiffResult> diff_against(const std::string& path, const loaders::Input& after,
                                       const std::optional<std::string>& base,
                                       loaders::LoadOptions options, const rules::Config& config,
                                       const rules::Selection& selection) {
  if (after.before)
    return diff_graphs(*after.before, after.graph, config, selection);
  auto before = load_before(path, after.kind, base, std::move(options));
  if (!before)
    return before.error();
  return diff_graphs(before.value(), after.graph, config, selection);
}

model::Result<DiffResult> diff_account(const std::vector<const run::LoadedSource*>& members,
                                       const std::string& account,
                                       const std::optional<std::string>& base,
                                       const rules::Config& config,
                                       const rules::Selection& selection) {
  std::vector<run::GraphPart> before;
  std::vector<run::GraphPart> after;
  std::optional<model::Diagnostic> no_change;
  std::size_t no_change_count = 0;
  for (const run::LoadedSource* member : members) {
    const std::string& path = member->source->path;
    const loaders::Input& input = member->input.input;
    auto then = input.before ? model::Result<model::Graph>(*input.before)
                             : load_before(path, input.kind, base, member->input.options);
    if (then) {
      before.push_back({path, std::move(then.value()), member->source->stack});
    } else if (input.kind == loaders::InputKind::terraform_plan || base) {
      return then.error(); // a before side that exists but cannot be read
    } else {
      if (!no_change)
        no_change = then.error();
      ++no_change_count;
      before.push_back({path, input.graph, member->source->stack});
    }
    after.push_back({path, input.graph, member->source->stack});
  }
  if (no_change && no_change_count == members.size())
    return *no_change;
  const run::AccountGraph joined_before = run::join_account(std::move(before), account);
  const run::AccountGraph joined_after = run::join_account(std::move(after), account);
  return diff_graphs(joined_before.graph, joined_after.graph, config, selection);
}

int run_diff(const DiffOptions& options, std::ostream& out, std::ostream& err) {
  auto parameters = run::parse_parameters(options.parameters);
  if (!parameters) {
    print_error(parameters.error(), err);
    return k_exit_usage;
  }
  if (options.base && options.paths.size() != 1) {
    err << "tfkms: error: --base compares one template with one other; give exactly one path after "
           "it\n";
    return k_exit_usage;
  }
  run::RunOptions run_options;
  run_options.paths = options.paths;
  run_options.config_path = options.config_path;
  run_options.account_id = options.account_id;
  run_options.parameters = std::move(parameters.value());
  run_options.selection = {options.only_rules, options.skip_rules};
  run_options.separately = options.separately;
  auto prepared = run::prepare(run_options);
  if (!prepared) {
    print_error(prepared.error(), err);
    return k_exit_usage;
  }
  // A plan's two sides are read in one pass over the file: reading it again for the before side
  // would hold the after graph and a second parse of the file at once.
  if (!options.base)
    prepared.value().load.snapshot = loaders::Snapshot::both;
  const run::Run& run = prepared.value();

  analysis::AccessDiff all;
  report::Report report;
  const auto add = [&](model::Result<DiffResult> result, std::size_t files) {
    if (!result) {
      print_error(result.error(), err);
      report.diagnostics.push_back(result.error());
      return;
    }
    DiffResult& one = result.value();
    report.counts.files += files;
    analysis::append(all, one.diff);
    report.findings.insert(report.findings.end(), one.findings.begin(), one.findings.end());
    report.counts.keys += one.diff.keys_compared;
    report.counts.principals += one.principals_compared;
    report.counts.grants += one.grants_compared;
    report.counts.data_stores += one.diff.data_stores_compared;
  };
  const auto diff_alone = [&](const run::LoadedSource& input) {
    add(diff_against(input.source->path, input.input.input, options.base, input.input.options,
                     run.config, run.selection),
        1);
  };
  std::vector<run::LoadedSource> inputs;
  run::HeldBackInputs held_back;
  bool ok = load_inputs(run, err, inputs, held_back, [&](const run::LoadedSource& input) {
    report.inputs.push_back(input.source->path);
    diff_alone(input);
  });
  const std::vector<run::AccountGroup> groups = run::account_groups(run, inputs);
  const std::vector<bool> joined = run::joined_inputs(groups, inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    report.inputs.push_back(inputs[i].source->path);
    if (!joined[i])
      diff_alone(inputs[i]);
  }
  for (const run::AccountGroup& group : groups) {
    report.diagnostics.push_back(run::joined_note(group, inputs));
    add(diff_account(run::members_of(inputs, group), group.account, options.base, run.config,
                     run.selection),
        group.members.size());
  }
  for (model::Diagnostic& warning : held_back.warnings())
    report.diagnostics.push_back(std::move(warning));
  // Format, threshold and baseline come from the command line, else the configuration, as in
  // `check`.
  std::vector<model::Diagnostic> errors;
  const CheckSettings settings = resolve_settings(
      options.format ? report::parse_format(*options.format) : std::nullopt,
      options.fail_on ? parse_fail_on(*options.fail_on) : std::nullopt, run.config, errors);
  apply_baseline({options.baseline ? options.baseline : run.config.baseline, std::nullopt}, report,
                 errors);
  for (const model::Diagnostic& error : errors)
    print_error(error, err);
  report.diagnostics.insert(report.diagnostics.begin(), errors.begin(), errors.end());
  ok = ok && !report::has_errors(report);
  report.rules = rules::all_rule_infos();
  report.access_changes = &all;
  report::ReportOptions report_options;
  report_options.repository_root = std::filesystem::current_path().string();
  const bool written = write_reports(report, report_options, options.outputs,
                                     options.quiet ? std::nullopt : std::optional(settings.format),
                                     options.no_color, out, err);

  if (!ok || !written)
    return k_exit_usage;
  const bool failing = std::any_of(
      report.findings.begin(), report.findings.end(), [&](const rules::Finding& finding) {
        return !finding.suppressed && reaches(finding.severity, settings.fail_on);
      });
  return failing ? k_exit_findings : k_exit_clean;
}

} // namespace tfkms::cli
