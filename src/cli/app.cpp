#include "cli/app.hpp"

#include "cli/access.hpp"
#include "cli/build_info.hpp"
#include "cli/check.hpp"
#include "cli/check_settings.hpp"
#include "cli/exit_codes.hpp"
#include "cli/report_output.hpp"
#include "cli/rule_id_option.hpp"
#include "cli/simulate.hpp"
#include "model/arn.hpp"
#include "rule_docs.hpp"
#include "rules/registry.hpp"
#include "run/assignments.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <exception>
#include <iostream>

namespace tfkms::cli {

namespace {

constexpr const char* k_exit_codes_help =
    "Exit codes:\n"
    "  0  nothing found at or above --fail-on\n"
    "  1  findings at or above --fail-on\n"
    "  2  usage error, or an input that could not be read (never a pass)\n"
    "  3  internal error (please report it)\n";

// Raw option text that is validated and converted after parsing.
struct CheckArguments {
  std::optional<std::string> format;  ///< nullopt: the configuration's, else text
  std::optional<std::string> fail_on; ///< nullopt: the configuration's, else low
  std::vector<std::string> outputs;
  std::vector<std::string> parameters;
  std::vector<std::string> conditions;
};

void add_check(CLI::App& app, CheckOptions& options, CheckArguments& arguments) {
  std::optional<std::string>& format_name = arguments.format;
  std::optional<std::string>& fail_on_name = arguments.fail_on;
  CLI::App* check = app.add_subcommand(
      "check", "Check Terraform plans/state and CloudFormation templates for KMS mistakes");
  check->footer(
      std::string(
          "Examples:\n"
          "  terraform show -json tfplan > plan.json && tfkms check plan.json\n"
          "  tfkms check cdk.out/ --output sarif=tfkms.sarif --fail-on high\n"
          "  tfkms check template.yaml --parameter Env=prod --format json\n"
          "  tfkms check . --exclude 'test/*' --verbose\n\n"
          "The input kind (plan JSON, state JSON, CloudFormation JSON or YAML) is detected from "
          "the\n"
          "content. A directory is scanned as a repository: files that are not infrastructure are\n"
          "skipped and counted (--verbose lists them), .git, node_modules, .terraform and the "
          "like\n"
          "are left out, and a CDK cloud assembly (cdk.out) is read through its manifest. Files "
          "named\n"
          "on the command line must be inputs. - reads standard input.\n\n"
          "The deployment account comes from --account-id, a cloud assembly's environment,\n"
          "account_id in .tfkms.yml, or what a plan states; when it stays unknown, rules that\n"
          "depend on it are decided for every account the input names and say when a finding "
          "holds.\n\n"
          "Inputs that deploy to one known account (a platform workspace's keys, an\n"
          "application's roles, the stacks of a CDK app) are analysed as one graph: a key's\n"
          "findings name the principals of every input, Fn::ImportValue reads another\n"
          "stack's export, and a resource two inputs define alike counts once.\n"
          "--separately analyses each input alone.\n\n") +
      k_exit_codes_help);
  check
      ->add_option("paths", options.run.paths,
                   "Plan/state JSON files, templates, directories, or - for stdin")
      ->required();
  check
      ->add_option("-f,--format", format_name,
                   "Output format on standard output: " + std::string(report::k_format_names))
      ->check([](const std::string& name) {
        return report::parse_format(name)
                   ? std::string{}
                   : "unknown format '" + name +
                         "'; valid formats: " + std::string(report::k_format_names);
      })
      ->default_str("text, or the configuration's format");
  check
      ->add_option("-o,--output", arguments.outputs,
                   "Also write FORMAT to FILE (repeatable), e.g. sarif=tfkms.sarif")
      ->allow_extra_args(false);
  check
      ->add_option(
          "--fail-on", fail_on_name,
          "Lowest severity that makes the exit code 1: info, low, medium, high, critical, never")
      ->check(fail_on_problem)
      ->default_str("low, or the configuration's fail_on");
  check->add_option(
      "-c,--config", options.run.config_path,
      "Configuration file (default: .tfkms.yml or .tfkms.yaml here or in the nearest parent, up to "
      "the repository root)");
  check
      ->add_option("--account-id", options.run.account_id,
                   "The AWS account the input deploys to (12 digits)")
      ->check([](const std::string& id) {
        return model::is_account_id(id) ? std::string{}
                                        : std::string("an AWS account id is 12 digits");
      });
  check->add_option(
      "--tf-dir", options.run.tf_dir,
      "Terraform source directory, to point findings at .tf lines (default: the plan's directory)");
  check
      ->add_option("-p,--parameter", arguments.parameters,
                   "CloudFormation parameter value KEY=VALUE (repeatable)")
      ->allow_extra_args(false);
  check
      ->add_option("--condition", arguments.conditions,
                   "Decide a CloudFormation condition the parameters leave open: NAME=true|false "
                   "(repeatable; "
                   "undecided ones are analysed both ways)")
      ->allow_extra_args(false);
  rule_ids(check->add_option("--rule", options.run.selection.only,
                             "Run only these rules (comma-separated, repeatable; any case)"))
      ->allow_extra_args(false);
  rule_ids(check->add_option("--skip-rule", options.run.selection.skip,
                             "Do not run these rules (comma-separated, repeatable)"))
      ->allow_extra_args(false);
  check
      ->add_option("--exclude", options.run.excludes,
                   "Leave out paths matching GLOB when scanning a directory (repeatable; * matches "
                   "across folders, "
                   "also exclude: in .tfkms.yml)")
      ->allow_extra_args(false);
  check->add_flag("--fail-on-unused-suppressions", options.fail_on_unused_suppressions,
                  "Exit 1 when a suppression matches no finding (otherwise a warning)");
  check->add_option(
      "--sarif-category", options.sarif_category,
      "SARIF automationDetails.id, so several runs in one repository do not replace each other");
  check->add_flag("--no-color", options.no_color,
                  "No colour in text output (NO_COLOR is honoured too)");
  check->add_flag("-q,--quiet", options.quiet,
                  "Print nothing on standard output; only errors, and --output files");
  check->add_flag("-v,--verbose", options.verbose,
                  "List the files of scanned directories that are not inputs, and why");
  check->add_flag("--separately", options.run.separately,
                  "Analyse each input alone, not the inputs of one account as one graph");
  check->add_flag("--diff", options.diff,
                  "Also report who gains or loses access to each key in a plan (TFKMS020/021)");
  check->add_option("--base", options.base,
                    "With --diff on a CloudFormation template: the template before the change");
  check->add_option(
      "--baseline", options.baseline,
      "Report only findings not recorded in this baseline file (see --write-baseline)");
  check->add_option("--write-baseline", options.write_baseline,
                    "Record the current findings in this file, then report against it");
}

int list_rules(const std::string& format, std::ostream& out) {
  if (format == "json") {
    nlohmann::json rules = nlohmann::json::array();
    for (const rules::RuleInfo& rule : rules::all_rule_infos()) {
      rules.push_back({{"id", rule.id},
                       {"name", rule.name},
                       {"severity", rules::to_string(rule.severity)},
                       {"title", rule.title}});
    }
    out << rules.dump(2) << '\n';
    return k_exit_clean;
  }
  for (const rules::RuleInfo& rule : rules::all_rule_infos()) {
    out << rule.id << "  " << rules::to_string(rule.severity)
        << std::string(10 - std::min<std::size_t>(9, rules::to_string(rule.severity).size()), ' ')
        << rule.title << '\n';
  }
  return k_exit_clean;
}

int explain(const std::string& id, std::ostream& out, std::ostream& err) {
  for (const auto& doc : docs::k_rule_docs) {
    if (doc.id == id) {
      out << doc.markdown;
      return k_exit_clean;
    }
  }
  err << "tfkms: error: no rule " << id << "; `tfkms rules` lists them\n";
  return k_exit_usage;
}

// "tfkms 0.1.0 (commit 0123456789ab)": the release, and the sources it was built from.
std::string version_line() {
  return std::string("tfkms ") + TFKMS_VERSION + " (commit " + std::string(build_commit()) + ")";
}

int dispatch(int argc, char** argv) {
  CLI::App app{"tfkms finds AWS KMS access mistakes in Terraform plans and CloudFormation "
               "templates, by evaluating\n"
               "key policies, IAM policies and grants with AWS's own semantics.",
               "tfkms"};
  app.footer(std::string("Examples:\n"
                         "  terraform show -json tfplan > plan.json && tfkms check plan.json\n"
                         "  tfkms explain TFKMS001\n\n"
                         "Run `tfkms COMMAND --help` for a command's options and examples.\n\n") +
             k_exit_codes_help);
  app.set_version_flag("--version", version_line());
  app.require_subcommand(1);

  app.failure_message([](const CLI::App* failed, const CLI::Error& error) {
    // CLI11 reports every error on the main app; the subcommand being parsed names the right help.
    const auto parsed = failed->get_subcommands();
    const std::string command = parsed.empty() ? "tfkms" : "tfkms " + parsed.front()->get_name();
    return "tfkms: error: " + std::string(error.what()) + "\nRun `" + command +
           " --help` for usage.\n";
  });

  CheckOptions check_options;
  CheckArguments check_arguments;
  add_check(app, check_options, check_arguments);

  std::string rules_format = "text";
  CLI::App* rules_cmd =
      app.add_subcommand("rules", "List every rule with its id, default severity and title");
  rules_cmd->add_option("-f,--format", rules_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  rules_cmd->footer("Example:\n  tfkms rules --format json");

  std::string rule_id;
  CLI::App* explain_cmd =
      app.add_subcommand("explain", "Print a rule's documentation: why it matters, examples, fix");
  explain_cmd->add_option("rule", rule_id, "Rule id, e.g. TFKMS003")->required();
  explain_cmd->footer("Example:\n  tfkms explain TFKMS001");

  CLI::App* simulate_cmd = app.add_subcommand(
      "simulate",
      "Decide KMS requests given as JSON lines on stdin (one decision per line on stdout)");
  simulate_cmd->footer(
      "Each input line: {\"principal\": ARN, \"action\": \"kms:Decrypt\", \"resource\": KEY_ARN,\n"
      "  \"context\": {KEY: VALUE | [VALUES]}, \"key_policy\": {...}, \"identity_policies\": "
      "[{...}],\n"
      "  \"grants\": [{\"grantee\", \"operations\", \"constraints\", \"retiring_principal\"}]}\n"
      "Each output line: {\"decision\": \"allowed\"|\"explicitly_denied\"|\"implicitly_denied\", "
      "\"reasons\": [...]}\n"
      "or {\"error\": \"...\"} for a malformed line; the exit code is then 2.\n\n"
      "Example:\n"
      "  echo '{\"principal\": \"arn:aws:iam::111122223333:role/App\", \"action\": "
      "\"kms:Decrypt\", \"resource\": "
      "\"arn:aws:kms:eu-west-1:111122223333:key/1\", \"key_policy\": {\"Version\": \"2012-10-17\", "
      "\"Statement\": "
      "[{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:role/App\"}, "
      "\"Action\": "
      "\"kms:Decrypt\", \"Resource\": \"*\"}]}}' | tfkms simulate");

  CLI::App* version_cmd = app.add_subcommand("version", "Print the version");

  AccessOptions access_options;
  DiffOptions diff_options;
  const auto [access_cmd, diff_cmd] = add_access_commands(app, access_options, diff_options);

  try {
    app.parse(argc, argv);
    if (check_arguments.format)
      check_options.format = report::parse_format(*check_arguments.format);
    if (check_arguments.fail_on)
      check_options.fail_on = parse_fail_on(*check_arguments.fail_on);
    for (const std::string& spec : check_arguments.outputs)
      check_options.outputs.push_back(parse_output(spec));
    auto parameters = run::parse_parameters(check_arguments.parameters);
    if (!parameters)
      throw CLI::ValidationError(parameters.error().message);
    check_options.run.parameters = std::move(parameters.value());
    auto conditions = run::parse_conditions(check_arguments.conditions);
    if (!conditions)
      throw CLI::ValidationError(conditions.error().message);
    check_options.run.conditions = std::move(conditions.value());
    if (check_options.base && !check_options.diff)
      throw CLI::ValidationError("--base", "--base goes with --diff");
    if (check_options.base && check_options.run.paths.size() != 1) {
      throw CLI::ValidationError(
          "--base", "--base compares one template with one other; give exactly one path");
    }
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? k_exit_clean : k_exit_usage;
  }

  if (app.got_subcommand("check"))
    return run_check(check_options, std::cout, std::cerr);
  if (app.got_subcommand(rules_cmd))
    return list_rules(rules_format, std::cout);
  if (app.got_subcommand(explain_cmd))
    return explain(rule_id, std::cout, std::cerr);
  if (app.got_subcommand(simulate_cmd))
    return run_simulate(std::cin, std::cout, std::cerr);
  if (app.got_subcommand(access_cmd))
    return run_access(access_options, std::cout, std::cerr);
  if (app.got_subcommand(diff_cmd))
    return run_diff(diff_options, std::cout, std::cerr);
  if (app.got_subcommand(version_cmd))
    std::cout << version_line() << '\n';
  return k_exit_clean;
}

} // namespace

int run(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "tfkms: internal error: " << error.what() << " (please report it)\n";
    return k_exit_internal;
  }
}

} // namespace tfkms::cli
