#include "rules/fix_edits.hpp"

namespace tfkms::rules {

FixEdit condition_fix(const model::PolicySource& holder, std::size_t statement,
                      const nlohmann::json& condition) {
  return FixEdit{.kind = FixKind::add_condition,
                 .policy = holder.where.pointer,
                 .statement = statement,
                 .json = condition.dump(),
                 .options = {},
                 .property = {}};
}

FixEdit statement_fix(const model::PolicySource& holder, const nlohmann::json& statement) {
  return FixEdit{.kind = FixKind::add_statement,
                 .policy = holder.where.pointer,
                 .statement = std::nullopt,
                 .json = statement.dump(),
                 .options = {},
                 .property = {}};
}

FixEdit removal_fix(const model::PolicySource& holder, std::size_t statement) {
  return FixEdit{.kind = FixKind::remove_statement,
                 .policy = holder.where.pointer,
                 .statement = statement,
                 .json = {},
                 .options = {},
                 .property = {}};
}

FixEdit property_fix(const model::SourceRef& resource, std::string_view pointer,
                     const nlohmann::json& value) {
  return FixEdit{.kind = FixKind::set_property,
                 .policy = {},
                 .statement = std::nullopt,
                 .json = value.dump(),
                 .options = {},
                 .property = resource.pointer + std::string(pointer)};
}

FixEdit choice_fix(std::vector<std::string> options) {
  return FixEdit{.kind = FixKind::design_choice,
                 .policy = {},
                 .statement = std::nullopt,
                 .json = {},
                 .options = std::move(options),
                 .property = {}};
}

std::string options_text(const std::vector<std::string>& options) {
  std::string text;
  for (const std::string& option : options)
    text += (text.empty() ? "" : " Or: ") + option;
  return text;
}

} // namespace tfkms::rules
