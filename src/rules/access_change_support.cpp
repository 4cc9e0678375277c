#include "rules/access_change_support.hpp"

#include "rules/support.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <utility>

namespace tfkms::rules {

bool is_reported_class(analysis::ActionClass action_class) {
  return action_class == analysis::ActionClass::read ||
         action_class == analysis::ActionClass::write ||
         action_class == analysis::ActionClass::grant_management ||
         action_class == analysis::ActionClass::administration;
}

std::vector<std::vector<const analysis::AccessChange*>>
widenings_by_subject(const analysis::AccessDiff& diff,
                     const std::function<bool(const analysis::AccessChange&)>& selected) {
  std::vector<std::vector<const analysis::AccessChange*>> groups;
  // Each group's place, by key and subject: a large diff has a group per key, and looking through
  // the groups for each change made the rules' time grow with the square of the keys.
  std::map<std::pair<std::string_view, std::string_view>, std::size_t> places;
  for (const analysis::AccessChange& change : diff.changes) {
    if (!change.widens() || !is_reported_class(change.action_class) || !selected(change))
      continue;
    const auto [place, added] = places.try_emplace({change.key, change.subject}, groups.size());
    if (added)
      groups.push_back({&change});
    else
      groups[place->second].push_back(&change);
  }
  return groups;
}

std::string classes_text(const std::vector<const analysis::AccessChange*>& changes) {
  std::string text;
  for (std::size_t index = 0; index < changes.size(); ++index) {
    if (index > 0)
      text += index + 1 == changes.size() ? " and " : ", ";
    text += analysis::to_string(changes[index]->action_class);
  }
  return text;
}

std::vector<Evidence> change_evidence(const std::vector<const analysis::AccessChange*>& changes) {
  std::vector<Evidence> evidence;
  auto add = [&](std::string text, const model::SourceRef& place) {
    if (std::none_of(evidence.begin(), evidence.end(),
                     [&](const Evidence& e) { return e.text == text; })) {
      evidence.push_back(evidence_at(place, std::move(text)));
    }
  };
  for (const analysis::AccessChange* change : changes) {
    std::string actions;
    for (const std::string& action : change->actions)
      actions += (actions.empty() ? "" : ", ") + action;
    std::string line = change->subject + (change->unknown ? " may gain " : " gains ") +
                       std::string(analysis::to_string(change->action_class)) + " (" + actions +
                       ") " + change->conditions;
    if (change->kind == analysis::ChangeKind::condition)
      line += " (before: " + change->conditions_before + ")";
    if (change->needs_identity_policy)
      line += ", if its own IAM policy allows it";
    add(std::move(line), {});
    for (std::size_t c = 0; c < change->causes.size(); ++c)
      add("because: " + change->causes[c], change->cause_place(c));
  }
  return evidence;
}

std::string fix_keeping_denies(const std::vector<const analysis::AccessChange*>& changes,
                               std::string fix) {
  std::vector<std::string> removed;
  for (const analysis::AccessChange* change : changes) {
    for (const std::string& deny : change->denies_removed) {
      if (std::find(removed.begin(), removed.end(), deny) == removed.end())
        removed.push_back(deny);
    }
  }
  if (removed.empty())
    return fix;
  return "Keep " + join_words(removed) + (removed.size() == 1 ? ", the Deny" : ", the Denies") +
         " this change removes: it is what kept this access away. Or: " + fix;
}

} // namespace tfkms::rules
