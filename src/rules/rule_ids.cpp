#include "rules/rule_ids.hpp"

#include "rules/registry.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace tfkms::rules {

namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Levenshtein distance, one row at a time.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

} // namespace

std::optional<std::string> canonical_rule_id(std::string_view id) {
  const std::string wanted = upper(id);
  if (is_rule_id(wanted))
    return wanted;
  return std::nullopt;
}

std::optional<std::string> closest_rule_id(std::string_view id) {
  const std::string wanted = upper(id);
  std::string best;
  std::size_t best_distance = 0;
  for (const RuleInfo& info : all_rule_infos()) {
    const std::size_t distance = edit_distance(wanted, info.id);
    if (best.empty() || distance < best_distance) {
      best = std::string(info.id);
      best_distance = distance;
    }
  }
  if (best_distance > 3)
    return std::nullopt;
  return best;
}

std::string unknown_rule_id_message(std::string_view id) {
  const auto closest = closest_rule_id(id);
  return "unknown rule id '" + std::string(id) + "' (" +
         (closest ? "did you mean " + *closest + "? " : "") + "`tfkms rules` lists them)";
}

} // namespace tfkms::rules
