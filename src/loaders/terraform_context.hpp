#pragma once
// Shared by the Terraform graph builder and the policy rebuilder: finding resources and their
// configuration, walking a value together with its `after_unknown` flags and configuration
// expression, and turning configuration references into symbol markers (model/value.hpp).
#include "loaders/terraform_document.hpp"
#include "model/source_ref.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tfkms::loaders::terraform {

class SourceIndex;

/// One attribute (or nested element) of a resource: its planned value, its unknown flag and the
/// configuration expression that sets it. Each part may be missing.
class Field {
public:
  Field() = default;
  /// `configured`: the resource has a configuration, so an attribute without an expression is
  /// unset.
  Field(const nlohmann::json* value, const nlohmann::json* unknown,
        const nlohmann::json* expression, bool configured)
      : m_value(value), m_unknown(unknown), m_expression(expression), m_configured(configured) {}

  [[nodiscard]] Field operator[](std::string_view key) const;
  [[nodiscard]] Field operator[](std::size_t index) const;

  /// True when the value is known only after apply.
  [[nodiscard]] bool unknown() const;
  /// True when the value is unknown only because the provider computes a default: the
  /// configuration does not set it (`after_unknown` marks such attributes at create).
  [[nodiscard]] bool computed_default() const {
    return unknown() && m_configured && m_expression == nullptr;
  }
  /// The planned value when known and not null.
  [[nodiscard]] const nlohmann::json* value() const;
  [[nodiscard]] const nlohmann::json* expression() const { return m_expression; }
  /// The references of the expression, most specific only ("aws_iam_role.r.arn", not
  /// "aws_iam_role.r").
  [[nodiscard]] std::vector<std::string> references() const;
  /// Number of elements the value or its configuration block list has.
  [[nodiscard]] std::size_t size() const;

private:
  const nlohmann::json* m_value = nullptr;
  const nlohmann::json* m_unknown = nullptr;
  const nlohmann::json* m_expression = nullptr;
  bool m_configured = false;
};

class Context {
public:
  Context(const Document& document, std::string path, const SourceIndex* source);

  [[nodiscard]] const Document& document() const { return m_document; }
  [[nodiscard]] const SourceIndex* source() const { return m_source; }
  [[nodiscard]] const Resource* find(std::string_view address) const;
  [[nodiscard]] const ConfigResource* config(const Resource& resource) const;
  /// Where `resource` stands in the document's resources; nothing for one from elsewhere. Lets
  /// what is derived from a resource once be kept by position.
  [[nodiscard]] std::optional<std::size_t> position(const Resource& resource) const;
  [[nodiscard]] Field field(const Resource& resource) const;

  /// Where `resource` is: the .tf block when the source is known, else the plan file and line.
  [[nodiscard]] model::SourceRef where(const Resource& resource,
                                       std::string_view attribute_pointer = {}) const;

  /// The symbol marker for configuration reference `ref` made inside `module`: pseudo values of
  /// data.aws_caller_identity / aws_partition / aws_region become account / partition / region.
  [[nodiscard]] std::string marker(std::string_view ref, std::string_view module) const;
  /// `references` made absolute (module prefix) for `waits_on` lists.
  [[nodiscard]] std::vector<std::string> absolute(const std::vector<std::string>& references,
                                                  std::string_view module) const;

  /// The text of a string field: its known value (control characters stripped), a marker for what
  /// an unknown value references, or nothing when unset.
  [[nodiscard]] std::optional<std::string> text(const Field& field, std::string_view module) const;
  /// The strings of a list field, unknown elements as markers.
  [[nodiscard]] std::vector<std::string> texts(const Field& field, std::string_view module) const;

private:
  [[nodiscard]] const ConfigResource* look_up_config(const Resource& resource) const;

  const Document& m_document;
  std::string m_path;
  const SourceIndex* m_source;
  /// Views of the addresses the document's resources hold (most are never looked up), indexed at
  /// the first find(): only policies known only after apply look resources up, and many plans
  /// have none.
  mutable std::unordered_map<std::string_view, const Resource*> m_by_address;
  /// By position in the document's resources: config() of each, once looked up (every pass over
  /// the resources asks again, and the lookup builds a key).
  mutable std::vector<std::optional<const ConfigResource*>> m_config_of;
};

/// Removes control characters from every string of `value` (keys included), so that input can never
/// forge a symbol marker.
void strip_strings(nlohmann::json& value);

} // namespace tfkms::loaders::terraform
