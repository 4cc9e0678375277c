#pragma once
// A finding's fix as data (rules::FixEdit) turned into one replacement in the text of the file it
// edits, for SARIF `fixes` (SARIF 2.1.0 §3.55). Only CloudFormation templates qualify: a Terraform
// plan is not what its author edits (the policy is written in .tf), and a design choice is no edit.
#include "rules/finding.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tfkms::report {

/// Replace `length` characters at `offset` with `inserted`.
struct TextEdit {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string inserted;
};

/// Whether `edit` is an edit of the CloudFormation template at `path` that template_text_edit() can
/// write as a replacement (so the template's text is worth reading).
[[nodiscard]] bool edits_template(const rules::FixEdit& edit, std::string_view path);

/// `edit` (add_statement, remove_statement, add_condition, set_actions, set_property) as a
/// replacement in `text`, the content of a CloudFormation template in JSON or YAML at `path`. A
/// JSON template is rewritten whole (same content, the edit applied, two-space indentation). In a
/// YAML template the edit touches only the lines of the element; it is made where the path to it is
/// written in block style, and not made (nullopt) where it is in flow style, where a Condition
/// block would have to be merged into an existing one, or where the element is not found.
[[nodiscard]] std::optional<TextEdit>
template_text_edit(const rules::FixEdit& edit, std::string_view path, std::string_view text);

} // namespace tfkms::report
