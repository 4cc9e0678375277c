#pragma once
// Which resources a symbol marker can name. Markers for resource attributes are made from the
// references of configuration expressions and of the .tf source (terraform_context.hpp), and by the
// builder for a data store's or an organisation member's own attributes. A plan defines hundreds
// of thousands of attributes and its configuration refers to few of them: only the resources a
// marker can name need their attributes as symbols.
#include "loaders/terraform_document.hpp"

#include <functional>
#include <set>
#include <string>
#include <string_view>

namespace tfkms::loaders::terraform {

class ReferencedResources {
public:
  /// Whether the .tf source is read, whose references are not in the document.
  enum class Source { read, not_read };

  ReferencedResources(const Document& document, Source source);

  /// False only when no marker made for this document can name an attribute of `resource`.
  [[nodiscard]] bool may_be_named(const Resource& resource) const;

private:
  void add(std::string_view reference);
  void add_all(const nlohmann::json& expression);

  bool m_all = false;
  /// Each reference cut at each of its dots: "aws_kms_key.k" of "aws_kms_key.k.arn" (the marker
  /// prefixes a module address, and its attribute name may hold dots).
  std::set<std::string, std::less<>> m_named;
};

} // namespace tfkms::loaders::terraform
