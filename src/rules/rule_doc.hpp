#pragma once
// Looks up a rule's documentation page among those CMake embedded (rules/*.md -> rule_docs.hpp).
#include "rule_docs.hpp"

#include <string_view>

namespace tfkms::rules {

/// The Markdown page of rule `id`, or empty when rules/<id>.md does not exist (a unit test fails
/// then).
[[nodiscard]] constexpr std::string_view doc_for(std::string_view id) {
  for (const auto& doc : docs::k_rule_docs) {
    if (doc.id == id)
      return doc.markdown;
  }
  return {};
}

} // namespace tfkms::rules
