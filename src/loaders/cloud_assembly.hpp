#pragma once
// CDK cloud assemblies (`cdk.out`): a manifest that lists the stacks `cdk synth` wrote, each with
// its template file and the environment it deploys to. Assets, the construct tree and metadata
// files are not inputs.
#include "model/diagnostic.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tfkms::loaders {

/// One template of an assembly.
struct AssemblyStack {
  std::string template_path;          ///< the template file
  std::string display_name;           ///< "Stage/Stack", or "Stack/Nested" for a nested stack
  std::string environment;            ///< "aws://111122223333/eu-west-1", as the manifest says
  std::optional<std::string> account; ///< from the environment; nullopt for "unknown-account"
  std::optional<std::string> region;
};

struct CloudAssembly {
  std::vector<AssemblyStack> stacks; ///< stacks, their nested stacks and those of nested assemblies
  std::vector<model::Diagnostic> notes; ///< what was not read (a nested stack without its template)
};

/// True when `directory` holds the manifest.json of a cloud assembly.
[[nodiscard]] bool is_cloud_assembly(const std::string& directory);

/// Reads the assembly in `directory`: its stacks, each stack's nested stacks whose templates are
/// assets of the assembly, and nested assemblies (CDK stages). Fails on a manifest that cannot be
/// read, with the file and position.
[[nodiscard]] model::Result<CloudAssembly> read_cloud_assembly(const std::string& directory);

} // namespace tfkms::loaders
