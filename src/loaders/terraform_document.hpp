#pragma once
// What the Terraform loader keeps of a plan or state file: the resources that matter for KMS
// access, with their attribute values, and the configuration expressions that say what unknown
// values reference. Everything else in the file is skipped while reading.
#include "loaders/input.hpp"
#include "loaders/loaders.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tfkms::loaders::terraform {

struct Resource {
  std::string address;        ///< module.kms.aws_kms_key.this["app"]
  std::string module_address; ///< module.kms; empty in the root module
  bool data = false;          ///< mode "data"
  std::string type;
  std::string name;
  nlohmann::json values; ///< attributes on the side being built (object)
  nlohmann::json
      unknown; ///< `after_unknown`: true at leaves known only after apply (object or null)
  std::string
      planned_action;     ///< create, update, replace, no-op, read; empty when not from a change
  std::string pointer;    ///< JSON Pointer of `values` in the file
  std::uint32_t line = 0; ///< line of the resource object in the file; 0 when unknown
};

struct ConfigResource {
  nlohmann::json expressions; ///< the `expressions` object of configuration
  std::string module_path;    ///< module.a.module.b (no instance keys)
};

struct Document {
  std::string format_version;
  std::string terraform_version;
  std::vector<Resource> resources; ///< managed resources and data sources on the side being built
  std::vector<Resource> before_resources; ///< Snapshot::both: the same before the change
  /// Configuration by module path and module-relative address ("module.a.aws_kms_key.k").
  std::unordered_map<std::string, ConfigResource> config;
  std::map<std::string, std::string> module_sources; ///< module path -> `source` of its module call
  nlohmann::json provider_config = nlohmann::json::object();
  nlohmann::json variables = nlohmann::json::object();
  std::vector<model::Diagnostic> warnings;
};

/// Frees the value trees of `document` (free_tree(): faster than their destructors), leaving its
/// resources and configuration empty of values.
void free_values(Document& document);

/// True for the resource types the graph is built from (and whose attributes other resources refer
/// to).
[[nodiscard]] bool relevant_type(std::string_view type, bool data);

/// Reads a plan or state (`kind`) keeping what `relevant_type` selects, from `snapshot`'s side of
/// each change (both: the after side in `resources`, the before side in `before_resources`). Fails
/// on malformed JSON and on an unsupported or inconsistent format_version.
[[nodiscard]] model::Result<Document> read_document(const InputText& input, const std::string& path,
                                                    InputKind kind, Snapshot snapshot);

} // namespace tfkms::loaders::terraform
