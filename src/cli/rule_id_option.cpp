#include "cli/rule_id_option.hpp"

#include "rules/rule_ids.hpp"

namespace tfkms::cli {

CLI::Option* rule_ids(CLI::Option* option) {
  // CLI11 applies a transform to each value after the split and prefixes errors with the option.
  const CLI::Validator canonical(
      [](std::string& id) {
        const auto found = rules::canonical_rule_id(id);
        if (!found)
          return rules::unknown_rule_id_message(id);
        id = *found;
        return std::string();
      },
      "RULE");
  return option->delimiter(',')->transform(canonical);
}

} // namespace tfkms::cli
