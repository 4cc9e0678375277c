#pragma once
// `tfkms access`: who can read, write, manage grants of and administer each key and the data stores
// it encrypts. `tfkms diff`: what a change (a plan, or --base OLD NEW templates) does to that, with
// the rules about changes (TFKMS020, TFKMS021).
#include "analysis/access_diff.hpp"
#include "loaders/loaders.hpp"
#include "report/reporter.hpp"
#include "rules/config.hpp"
#include "rules/engine.hpp"
#include "run/account_inputs.hpp"

#include <CLI/CLI.hpp>

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace tfkms::cli {

struct AccessOptions {
  std::vector<std::string> paths;
  std::string format = "text"; ///< text, json, markdown
  std::optional<std::string>
      config_path; ///< as `check`'s: account, trusted accounts, excludes, ...
  std::optional<std::string> account_id;
  std::vector<std::string> parameters; ///< KEY=VALUE
  bool separately = false;             ///< --separately: no account graph
};

struct DiffOptions {
  std::vector<std::string> paths;  ///< plans; with --base, the template after the change
  std::optional<std::string> base; ///< the template before the change
  /// Any report format; nullopt: the configuration's, else text (as `check`).
  std::optional<std::string> format;
  /// Lowest severity that makes the exit code 1, or "never"; nullopt: the configuration's, else
  /// low.
  std::optional<std::string> fail_on;
  std::optional<std::string> baseline; ///< --baseline: report only findings not in it
  std::optional<std::string> config_path;
  std::optional<std::string> account_id;
  std::vector<std::string> parameters;
  std::vector<std::string> only_rules;
  std::vector<std::string> skip_rules;
  std::vector<std::pair<report::Format, std::string>> outputs; ///< --output FORMAT=FILE
  bool quiet = false;
  bool no_color = false;
  bool separately = false; ///< --separately: no account graph
};

/// Adds the `access` and `diff` subcommands to `app`; their options are written into `access` and
/// `diff`. Returns the two subcommands, so the caller can tell which one ran.
std::pair<CLI::App*, CLI::App*> add_access_commands(CLI::App& app, AccessOptions& access,
                                                    DiffOptions& diff);

[[nodiscard]] int run_access(const AccessOptions& options, std::ostream& out, std::ostream& err);
[[nodiscard]] int run_diff(const DiffOptions& options, std::ostream& out, std::ostream& err);

/// The findings and access changes of one change, for `tfkms diff` and `tfkms check --diff`.
struct DiffResult {
  analysis::AccessDiff diff;
  std::vector<rules::Finding> findings;
  std::size_t principals_compared = 0; ///< IAM principals in either snapshot
  std::size_t grants_compared = 0;     ///< grants in either snapshot
};

/// Loads the two snapshots of `path` (see load_snapshots), compares their access and runs the
/// change rules. Fails with the diagnostic of an input that cannot be read.
[[nodiscard]] model::Result<DiffResult> diff_input(const std::string& path,
                                                   const std::optional<std::string>& base,
                                                   const loaders::LoadOptions& options,
                                                   const rules::Config& config,
                                                   const rules::Selection& selection);

/// The same for two graphs already loaded.
[[nodiscard]] DiffResult diff_graphs(const model::Graph& before, const model::Graph& after,
                                     const rules::Config& config,
                                     const rules::Selection& selection);

/// `tfkms check --diff`: `path` is already loaded as `after`; loads its before snapshot (the plan's
/// before side, or `base`) unless `after` carries it (Snapshot::both). Fails like load_snapshots.
[[nodiscard]] model::Result<DiffResult>
diff_against(const std::string& path, const loaders::Input& after,
             const std::optional<std::string>& base, loaders::LoadOptions options,
             const rules::Config& config, const rules::Selection& selection);

/// The change of an account graph: each member's before side (its plan's prior state, or `base`)
/// joined, against the members as loaded, joined. A member that holds no change (a state, a
/// template without `base`) is the unchanged context on both sides. Fails when no member holds a
/// change, or when a before side cannot be read.
[[nodiscard]] model::Result<DiffResult>
diff_account(const std::vector<const run::LoadedSource*>& members, const std::string& account,
             const std::optional<std::string>& base, const rules::Config& config,
             const rules::Selection& selection);

} // namespace tfkms::cli
