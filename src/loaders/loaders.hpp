#pragma once
// Reading inputs: detect what a file is from its content and load it into a Graph.
#include "model/diagnostic.hpp"
#include "model/graph.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::loaders {

enum class InputKind { terraform_plan, terraform_state, cloudformation_json, cloudformation_yaml };

[[nodiscard]] std::string_view to_string(InputKind kind);

/// Bounds on hostile input; each can be raised by a flag or .tfkms.yml.
struct Limits {
  std::size_t max_input_bytes = 512ull * 1024 * 1024;
  std::size_t max_depth = 256;
  std::size_t max_string_bytes = 1024 * 1024;
  std::size_t max_yaml_aliases = 10000;
  std::size_t max_statements = 1000;
  std::size_t max_condition_values = 1000;
};

/// Which side of a Terraform change to build. `both`: the after side as the input's graph and, for
/// a plan, the before side beside it (Input::before), read in the same pass over the file.
enum class Snapshot { after, before, both };

struct LoadOptions {
  std::optional<std::string> account_id; ///< --account-id
  /// The region a template deploys to, when known (a cloud assembly stack's environment).
  std::optional<std::string> region;
  std::optional<std::string> tf_dir;             ///< --tf-dir: Terraform source for line mapping
  std::map<std::string, std::string> parameters; ///< --parameter KEY=VALUE (CloudFormation)
  /// --condition NAME=true|false (CloudFormation): decides a condition the parameters leave open.
  std::map<std::string, bool> conditions;
  Limits limits;
  Snapshot snapshot = Snapshot::after;
  /// SCPs and RCPs kept outside the inputs (.tfkms.yml `organization`): added to every graph
  /// loaded.
  std::vector<model::OrganizationPolicy> organization;
};

struct Input {
  InputKind kind;
  model::Graph graph; ///< its diagnostics hold the problems met inside the file
  /// Plans and state: whether the .tf files behind them were found (--tf-dir, or beside the file);
  /// without them findings point into the JSON and `# tfkms:ignore` comments cannot apply.
  bool tf_source_found = false;
  /// A plan loaded with Snapshot::both: its side before the change.
  std::optional<model::Graph> before{};
};

/// Reads `path` ("-" is standard input), detects its kind and loads it. Fails (exit code 2 in the
/// CLI) when the file cannot be read, is not valid JSON/YAML, or is none of the supported kinds;
/// the diagnostic names the file and position.
[[nodiscard]] model::Result<Input> load_file(const std::string& path, const LoadOptions& options);

/// Lists the candidate input files below `directory` (plan/state JSON and templates), sorted.
[[nodiscard]] std::vector<std::string> find_inputs(const std::string& directory);

} // namespace tfkms::loaders
