#pragma once
// Finding the inputs of a run: files named on the command line, directories walked as a repository
// is (skipping tool state, dependencies and excluded paths), and CDK cloud assemblies read through
// their manifest.
#include "model/diagnostic.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tfkms::run {

/// One file to load.
struct Source {
  std::string path;
  std::size_t root = 0; ///< the index of the path given that it came from
  /// Found by walking a directory: a file that turns out not to be an input is skipped, not an
  /// error.
  bool scanned = false;
  std::string stack;                  ///< a cloud assembly's stack: its display name
  std::optional<std::string> account; ///< a cloud assembly's stack: the account of its environment
  std::optional<std::string> region;  ///< a cloud assembly's stack: the region of its environment
  std::string environment;            ///< a cloud assembly's stack: "aws://ACCOUNT/REGION"
};

struct Discovery {
  std::vector<Source> sources;
  std::vector<model::Diagnostic> errors; ///< a cloud assembly or directory that cannot be read
  std::vector<model::Diagnostic> notes;  ///< a nested stack whose template is missing
  std::vector<std::string> excluded;     ///< files and directories left out by an exclude pattern
};

/// Directories never walked: version control, dependencies and tool caches hold no input of the
/// repository's own.
[[nodiscard]] bool is_default_excluded(std::string_view directory_name);

/// Expands `paths` ("-" is standard input) into sources. A directory holding a cloud assembly's
/// manifest is read through it; another directory is walked, keeping the files whose extension an
/// input can have (their content decides later), and the cloud assemblies inside it. `excludes` are
/// glob patterns (`*`, `?`, `**` across folders) matched against paths relative to the directory
/// walked and against base names.
[[nodiscard]] Discovery discover(const std::vector<std::string>& paths,
                                 const std::vector<std::string>& excludes);

} // namespace tfkms::run
