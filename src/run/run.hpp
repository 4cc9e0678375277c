#pragma once
// One run of tfkms, whatever the command: options in (paths, configuration, account, parameters,
// rule selection), the inputs found and loaded one by one, each with the account it deploys to.
// `check`, `access` and `diff` are thin over it.
#include "loaders/loaders.hpp"
#include "rules/config.hpp"
#include "rules/engine.hpp"
#include "run/account.hpp"
#include "run/discovery.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tfkms::run {

struct RunOptions {
  std::vector<std::string> paths;         ///< files, directories, cloud assemblies, or "-"
  std::optional<std::string> config_path; ///< --config; default .tfkms.yml in the working directory
  std::optional<std::string> account_id;  ///< --account-id
  std::optional<std::string> tf_dir;      ///< --tf-dir
  std::map<std::string, std::string> parameters; ///< --parameter KEY=VALUE
  std::map<std::string, bool> conditions;        ///< --condition NAME=true|false
  std::vector<std::string> excludes;             ///< --exclude GLOB, besides the configuration's
  rules::Selection selection;                    ///< --rule / --skip-rule
  bool separately = false;                       ///< --separately: no account graphs
};

/// A run made ready: its configuration read and its inputs found.
struct Run {
  rules::Config config;
  rules::Selection selection;
  /// What every input is loaded with, before its own account (with the configuration's SCPs and
  /// RCPs).
  loaders::LoadOptions load;
  std::string account_source;     ///< where load.account_id came from, when set
  std::vector<std::string> roots; ///< the paths as given
  Discovery discovery;
  bool separately = false; ///< analyse each input alone (RunOptions::separately)
};

/// Reads the configuration and finds the inputs. Fails on a configuration file that cannot be read,
/// on an organisation policy file it names that cannot be read, and on a rule id that does not
/// exist.
[[nodiscard]] model::Result<Run> prepare(const RunOptions& options);

/// One input, loaded.
struct LoadedInput {
  loaders::Input input;
  loaders::LoadOptions options; ///< what it was loaded with
  Deployment deployment;
};

/// What became of one source.
struct Loaded {
  std::optional<LoadedInput> input;
  std::optional<std::string> skipped_because; ///< a scanned file that is not an input
  std::optional<model::Diagnostic> error;     ///< a file that cannot be read (exit code 2)
};

/// Loads `source`: a file met while walking a directory that is not an input is skipped with the
/// reason; one named on the command line is an error, with advice for the files often taken for
/// inputs (Terraform configuration, a binary plan, cdk.json).
[[nodiscard]] Loaded load(const Run& run, const Source& source);

/// The findings of `loaded` (read from `source`): over every way its undecided CloudFormation
/// conditions can go and, when its account is unknown, over every account it may deploy to (see
/// run/account.hpp). Notes for the report go to `notes`.
[[nodiscard]] std::vector<rules::Finding> findings_of(const Run& run, const Source& source,
                                                      const LoadedInput& loaded,
                                                      std::vector<model::Diagnostic>& notes);

/// Errors for the directories given that held no input, each saying what the directory holds when
/// that is known. `inputs_per_root` counts the inputs loaded from each of run.roots.
[[nodiscard]] std::vector<model::Diagnostic>
roots_without_inputs(const Run& run, const std::vector<std::size_t>& inputs_per_root);

} // namespace tfkms::run
