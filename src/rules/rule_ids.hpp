#pragma once
// Rule ids as people type them: in any case, and with typos that deserve a "did you mean".
#include <optional>
#include <string>
#include <string_view>

namespace tfkms::rules {

/// The registered id `id` names, compared without regard to case ("tfkms003" -> "TFKMS003");
/// nothing when no rule has it.
[[nodiscard]] std::optional<std::string> canonical_rule_id(std::string_view id);

/// The registered id nearest to `id` by edit distance, ignoring case; nothing when even the nearest
/// is more than three edits away (then it is no typo of an id).
[[nodiscard]] std::optional<std::string> closest_rule_id(std::string_view id);

/// "unknown rule id 'TFKMS01' (did you mean TFKMS001? `tfkms rules` lists them)".
[[nodiscard]] std::string unknown_rule_id_message(std::string_view id);

} // namespace tfkms::rules
