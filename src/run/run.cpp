#include "run/run.hpp"

#include "loaders/input.hpp"
#include "loaders/recognize.hpp"
#include "rules/glob.hpp"
#include "rules/registry.hpp"
#include "run/condition_branches.hpp"
#include "run/organization.hpp"

#include <filesystem>

namespace tfkms::run {

namespace {

// Each account an input names is one more analysis of every key; past this many, the rest are
// assumed to be other accounts and a note says so.
constexpr std::size_t k_max_possible_accounts = 8;

model::Diagnostic diagnostic(const std::string& file, std::string message,
                             model::DiagnosticLevel level = model::DiagnosticLevel::error) {
  model::Diagnostic result;
  result.level = level;
  result.file = file;
  result.message = std::move(message);
  return result;
}

// --config, else .tfkms.yml or .tfkms.yaml here or in the nearest parent up to the repository root.
model::Result<rules::Config> read_configuration(const std::optional<std::string>& path) {
  if (path)
    return rules::load_config(*path);
  auto found = rules::find_config_file(std::filesystem::current_path());
  if (!found)
    return std::move(found.error());
  if (!found.value())
    return rules::Config{};
  return rules::load_config(*found.value());
}

// --rule replaces the configuration's only_rules; --skip-rule adds to its skip_rules.
rules::Selection selection_of(const rules::Selection& given, const rules::Config& config) {
  rules::Selection selection;
  selection.only = given.only.empty() ? config.only_rules : given.only;
  selection.skip = config.skip_rules;
  selection.skip.insert(selection.skip.end(), given.skip.begin(), given.skip.end());
  return selection;
}

// The configuration's account for `path` by glob (matched against the path as given), if any.
const std::pair<std::string, std::string>* account_for_path(const rules::Config& config,
                                                            const std::string& path) {
  const std::string given = path.starts_with("./") ? path.substr(2) : path;
  for (const auto& entry : config.account_by_path) {
    if (rules::glob_match(entry.first, given))
      return &entry;
  }
  return nullptr;
}

// The account to load `source` with, and where it came from: --account-id, else the cloud
// assembly's environment, else the configuration (by path first); otherwise the loader reads what
// the input states.
void choose_account(const Run& run, const Source& source, loaders::LoadOptions& options,
                    std::string& origin) {
  options.region = source.region;
  if (run.load.account_id) {
    origin = run.account_source;
  } else if (source.account) {
    options.account_id = source.account;
    origin = "the cloud assembly's environment " + source.environment;
  } else if (const auto* by_path = account_for_path(run.config, source.path)) {
    options.account_id = by_path->second;
    origin = "account_id for " + by_path->first + " in " + run.config.path;
  } else if (run.config.account_id) {
    options.account_id = run.config.account_id;
    origin = "account_id in " + run.config.path;
  }
}

Deployment deployment_of(const model::Graph& graph, const std::string& origin) {
  Deployment deployment;
  if (graph.account != model::k_this_account) {
    deployment.account = graph.account;
    deployment.source = origin.empty() ? graph.account_source : origin;
    return deployment;
  }
  deployment.source = graph.format == model::InputFormat::cloudformation
                          ? "a template deploys to whichever account runs it"
                          : "the plan names no account of its own";
  deployment.possibilities = named_accounts(graph);
  return deployment;
}

} // namespace

model::Result<Run> prepare(const RunOptions& options) {
  for (const auto* list : {&options.selection.only, &options.selection.skip}) {
    for (const std::string& id : *list) {
      if (!rules::is_rule_id(id))
        return diagnostic("", "no rule " + id + "; `tfkms rules` lists them");
    }
  }
  auto config = read_configuration(options.config_path);
  if (!config)
    return std::move(config.error());
  Run run;
  run.config = std::move(config.value());
  run.selection = selection_of(options.selection, run.config);
  run.load.account_id = options.account_id;
  if (options.account_id)
    run.account_source = "--account-id";
  run.load.tf_dir = options.tf_dir;
  run.load.parameters = options.parameters;
  run.load.conditions = options.conditions;
  run.load.limits = run.config.limits;
  auto organization = read_organization(run.config.organization, run.config.limits);
  if (!organization)
    return std::move(organization.error());
  run.load.organization = std::move(organization.value());
  run.roots = options.paths;
  run.separately = options.separately;
  std::vector<std::string> excludes = run.config.exclude;
  excludes.insert(excludes.end(), options.excludes.begin(), options.excludes.end());
  run.discovery = discover(options.paths, excludes);
  return run;
}

Loaded load(const Run& run, const Source& source) {
  Loaded result;
  LoadedInput loaded{
      loaders::Input{loaders::InputKind::terraform_plan, model::Graph{}}, run.load, {}};
  std::string origin;
  choose_account(run, source, loaded.options, origin);
  model::Result<loaders::Input> input = model::Diagnostic{};
  if (source.scanned) {
    auto text = loaders::read_input(source.path, loaded.options.limits);
    if (!text) {
      if (auto why = loaders::why_unreadable_is_not_an_input(source.path)) {
        result.skipped_because = std::move(why);
      } else {
        result.error = std::move(text.error());
      }
      return result;
    }
    if (auto why = loaders::why_not_an_input(text.value())) {
      result.skipped_because = std::move(why);
      return result;
    }
    input = loaders::load_input(std::move(text.value()), source.path, loaded.options);
  } else if (auto advice =
                 source.path == "-" ? std::nullopt : loaders::explain_non_input(source.path)) {
    result.error = diagnostic(source.path, "not an input tfkms reads: " + *advice);
    return result;
  } else {
    input = loaders::load_file(source.path, loaded.options);
  }
  if (!input) {
    result.error = std::move(input.error());
    return result;
  }
  loaded.input = std::move(input.value());
  loaded.deployment = deployment_of(loaded.input.graph, origin);
  result.input = std::move(loaded);
  return result;
}

std::vector<rules::Finding> findings_of(const Run& run, const Source& source,
                                        const LoadedInput& loaded,
                                        std::vector<model::Diagnostic>& notes) {
  const Deployment& deployment = loaded.deployment;
  std::vector<std::string> accounts = deployment.possibilities;
  if (accounts.size() > k_max_possible_accounts) {
    notes.push_back(diagnostic(
        source.path,
        "it names " + std::to_string(accounts.size()) + " accounts; only the first " +
            std::to_string(k_max_possible_accounts) +
            " were analysed as its own, the others as other accounts (--account-id decides)",
        model::DiagnosticLevel::warning));
    accounts.resize(k_max_possible_accounts);
  }
  rules::Config unnamed = run.config;
  unnamed.own_account_unnamed = true;
  const auto check = [&](const model::Graph& graph) {
    if (deployment.account)
      return rules::run_rules(graph, run.config, run.selection);
    std::vector<rules::PossibleFindings> found =
        rules::run_rules_for_each_account(graph, unnamed, run.selection, accounts);
    // The findings of rules decided once are final as they are. Both lists are sized once: a
    // finding is large, and each growth moves them all.
    std::size_t at_most = 0;
    for (const rules::PossibleFindings& possible : found)
      at_most += possible.findings.size();
    std::vector<rules::Finding> findings;
    findings.reserve(at_most);
    std::vector<Possibility> possibilities(found.size());
    possibilities.front().findings.reserve(found.front().findings.size());
    for (rules::Finding& finding : found.front().findings) {
      const rules::RuleInfo* info = rules::find_rule_info(finding.rule_id);
      (info != nullptr && rules::decided_once(*info) ? findings : possibilities.front().findings)
          .push_back(std::move(finding));
    }
    possibilities.front().keys_refused = std::move(found.front().keys_refused);
    for (std::size_t p = 1; p < found.size(); ++p) {
      possibilities[p] = Possibility{accounts[p - 1], std::move(found[p].findings),
                                     std::move(found[p].keys_refused)};
    }
    for (rules::Finding& finding :
         merge_possibilities(std::move(possibilities), std::string(model::k_this_account))) {
      findings.push_back(std::move(finding));
    }
    rules::sort_findings(findings);
    return findings;
  };
  if (loaded.input.graph.undecided_conditions.empty())
    return check(loaded.input.graph);
  return findings_of_every_branch(source.path, loaded.input, loaded.options, check, notes);
}

std::vector<model::Diagnostic>
roots_without_inputs(const Run& run, const std::vector<std::size_t>& inputs_per_root) {
  std::vector<model::Diagnostic> errors;
  for (std::size_t root = 0; root < run.roots.size(); ++root) {
    const std::string& path = run.roots[root];
    std::error_code error;
    if (inputs_per_root[root] > 0 || path == "-" || !std::filesystem::is_directory(path, error))
      continue;
    std::string message = "no Terraform plan or state (JSON), CloudFormation template or CDK cloud "
                          "assembly found in this directory";
    if (auto advice = loaders::explain_directory_without_inputs(path))
      message += ": it holds " + *advice;
    errors.push_back(diagnostic(path, std::move(message)));
  }
  return errors;
}

} // namespace tfkms::run
