#pragma once
// The Terraform source (.tf files) behind a plan: where each resource block starts, the
// `# tfkms:ignore RULE reason` comments above and inside blocks, and the HCL text of block bodies,
// from which `jsonencode({...})` policies with unknown inputs are rebuilt. A scanner for block
// headers and a small expression subset, not an HCL interpreter.
#include "loaders/terraform_document.hpp"
#include "model/graph.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tfkms::loaders::terraform {

struct SourceBlock {
  std::string file;
  std::uint32_t line = 0; ///< line of the block header
  std::string body;       ///< text between the braces
  std::vector<model::Suppression>
      suppressions; ///< from comments just above the header or in the block
};

class SourceIndex {
public:
  /// Scans the .tf files of `directory` (the root module) and of the local modules (sources
  /// starting with ./ or ../) named in `module_sources` (module path -> source).
  [[nodiscard]] static SourceIndex scan(const std::string& directory,
                                        const std::map<std::string, std::string>& module_sources);

  /// The block declaring `resource`, or null.
  [[nodiscard]] const SourceBlock* block(const Resource& resource) const;
  [[nodiscard]] bool empty() const { return m_blocks.empty(); }

  /// Adds the blocks of `text` (the content of `file`) for module `module_path`; used by `scan`
  /// and by tests.
  void add_file(const std::string& file, std::string_view text, const std::string& module_path);

private:
  std::unordered_map<std::string, SourceBlock>
      m_blocks; ///< by module path + module-relative address
};

/// Converts a reference written in the source (module-relative) to a symbol marker.
using MarkerFunction = std::function<std::string(std::string_view reference)>;

/// The value of attribute `attribute` of `block` when it is `jsonencode(<literal>)`: objects,
/// tuples, strings with ${...} interpolations, numbers, booleans and null; each reference becomes
/// `marker(reference)`, anything else (function calls, conditionals, for expressions) a marker that
/// never resolves. Nothing when the attribute is absent or not a jsonencode call.
[[nodiscard]] std::optional<nlohmann::json> jsonencode_argument(const SourceBlock& block,
                                                                std::string_view attribute,
                                                                const MarkerFunction& marker);

} // namespace tfkms::loaders::terraform
