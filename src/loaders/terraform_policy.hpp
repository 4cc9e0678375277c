#pragma once
// Policies in Terraform values: JSON strings (parsed twice, formats.md §3), or values known only
// after apply, rebuilt where the plan says enough: from the data.aws_iam_policy_document they come
// from, or from the jsonencode() literal in the .tf source. What cannot be rebuilt stays `unknown`
// with the references it waits on; it is never dropped or taken as safe.
#include "loaders/terraform_context.hpp"
#include "model/graph.hpp"

#include <string_view>

namespace tfkms::loaders::terraform {

/// Parses policy JSON text into a PolicySource (document, or unreadable with the parse error).
[[nodiscard]] model::PolicySource parse_policy_text(std::string_view text);

class PolicyReader {
public:
  explicit PolicyReader(const Context& context) : m_context(context) {}

  /// The policy `field` of `resource` holds; `attribute` is its top-level attribute name (for the
  /// .tf rebuild; empty for nested blocks) and `pointer` its JSON Pointer below the resource
  /// values.
  [[nodiscard]] model::PolicySource read(const Resource& resource, const Field& field,
                                         std::string_view attribute,
                                         std::string_view pointer) const;

  /// The policy document a data.aws_iam_policy_document produces: its `json` when known, else
  /// rebuilt from its arguments (unknown leaves as markers). Nothing when it cannot be rebuilt;
  /// `waits_on` then lists why.
  [[nodiscard]] std::optional<nlohmann::json>
  document_of(const Resource& data, std::vector<std::string>& waits_on, int depth = 0) const;

private:
  [[nodiscard]] bool merge_documents(const Resource& data, const Field& root,
                                     nlohmann::json& document, std::vector<std::string>& waits_on,
                                     int depth) const;

  const Context& m_context;
};

} // namespace tfkms::loaders::terraform
