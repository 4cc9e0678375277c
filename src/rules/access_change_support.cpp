#include "rules/access_change_support.hpp"

#include <algorithm>

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
  for (const analysis::AccessChange& change : diff.changes) {
    if (!change.widens() || !is_reported_class(change.action_class) || !selected(change))
      continue;
    auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& existing) {
      return existing.front()->key == change.key && existing.front()->subject == change.subject;
    });
    if (group == groups.end())
      groups.push_back({&change});
    else
      group->push_back(&change);
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
  auto add = [&](std::string text) {
    if (std::none_of(evidence.begin(), evidence.end(),
                     [&](const Evidence& e) { return e.text == text; })) {
      evidence.push_back({std::move(text), {}, {}, {}});
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
    add(std::move(line));
    for (const std::string& cause : change->causes)
      add("because: " + cause);
  }
  return evidence;
}

} // namespace tfkms::rules
