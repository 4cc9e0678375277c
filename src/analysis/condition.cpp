#include "analysis/condition.hpp"

#include "policy/match.hpp"

#include <algorithm>

namespace tfkms::analysis {

namespace {

std::string join(const std::vector<std::string>& items, std::string_view separator,
                 std::string_view last) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0)
      out += i + 1 == items.size() ? last : separator;
    out += items[i];
  }
  return out;
}

} // namespace

std::string Constraint::text() const {
  std::string out = key + " is ";
  if (other_values) {
    out += excluded.empty() ? "present" : "any value except " + join(excluded, ", ", " and ");
    if (absent)
      out += " (or absent)";
    return out;
  }
  if (values.empty())
    return out + (absent ? "absent" : "impossible");
  out += values.size() == 1 ? values.front() : "one of " + join(values, ", ", " or ");
  if (absent)
    out += " (or absent)";
  return out;
}

std::string Condition::text() const {
  if (all.empty())
    return "always";
  std::vector<std::string> parts;
  parts.reserve(all.size());
  for (const Constraint& constraint : all)
    parts.push_back(constraint.text());
  return join(parts, " and ", " and ");
}

const Constraint* Condition::find(std::string_view wanted) const {
  for (const Constraint& constraint : all) {
    if (constraint.key == wanted)
      return &constraint;
  }
  return nullptr;
}

std::string text(const std::vector<Condition>& alternatives) {
  if (alternatives.empty())
    return "never";
  std::vector<std::string> parts;
  parts.reserve(alternatives.size());
  for (const Condition& condition : alternatives)
    parts.push_back(condition.text());
  return join(parts, "; or ", "; or ");
}

bool narrows(const Constraint& constraint) {
  return !constraint.absent && !constraint.other_values;
}

bool always_narrowed_by(const std::vector<Condition>& when, std::string_view key) {
  return !when.empty() && std::all_of(when.begin(), when.end(), [&](const Condition& condition) {
    return std::any_of(condition.all.begin(), condition.all.end(),
                       [&](const Constraint& constraint) {
                         return policy::iequals(constraint.key, key) && narrows(constraint);
                       });
  });
}

} // namespace tfkms::analysis
