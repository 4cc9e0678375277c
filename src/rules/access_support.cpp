#include "rules/access_support.hpp"

#include "policy/match.hpp"
#include "rules/support.hpp"

#include <algorithm>
#include <array>

namespace tfkms::rules {

namespace {

// Condition keys that say who the caller is (kms-reference §2.3, §3.10.8).
constexpr std::array<std::string_view, 8> k_identity_keys{
    "aws:PrincipalOrgID",   "aws:PrincipalOrgPaths", "aws:PrincipalArn",
    "aws:PrincipalAccount", "kms:CallerAccount",     "aws:userid",
    "aws:username",         "aws:SourceAccount"};

} // namespace

bool holds_unrestricted(const std::vector<analysis::Condition>& when) {
  return std::any_of(when.begin(), when.end(), [](const analysis::Condition& condition) {
    return std::none_of(condition.all.begin(), condition.all.end(), narrows);
  });
}

bool holds_unrestricted_except(const std::vector<analysis::Condition>& when,
                               std::initializer_list<std::string_view> ignored) {
  return std::any_of(when.begin(), when.end(), [&](const analysis::Condition& condition) {
    return std::none_of(
        condition.all.begin(), condition.all.end(), [&](const analysis::Constraint& constraint) {
          return narrows(constraint) &&
                 std::none_of(ignored.begin(), ignored.end(), [&](std::string_view key) {
                   return policy::iequals(constraint.key, key);
                 });
        });
  });
}

bool limited_to_named_callers(const std::vector<analysis::Condition>& when) {
  return !when.empty() &&
         std::all_of(when.begin(), when.end(), [](const analysis::Condition& condition) {
           return std::any_of(condition.all.begin(), condition.all.end(),
                              [](const analysis::Constraint& constraint) {
                                return narrows(constraint) &&
                                       std::any_of(k_identity_keys.begin(), k_identity_keys.end(),
                                                   [&](std::string_view key) {
                                                     return policy::iequals(constraint.key, key);
                                                   });
                              });
         });
}

std::string when_text(const std::vector<analysis::Condition>& when) {
  const bool always = when.size() == 1 && when.front().unconditional();
  return always ? "always" : "when " + analysis::text(when);
}

bool on_the_key(const analysis::Ground& ground) {
  return ground.source == policy::ReasonSource::key_policy ||
         ground.source == policy::ReasonSource::grant;
}

Evidence ground_evidence(const analysis::Ground& ground, std::string_view suffix) {
  return evidence_at(ground.place(), ground.text + std::string(suffix));
}

namespace {

// Calls `take(statement, item)` for each access `item` a key-policy Deny `statement` removes. Each
// statement's effect is computed once.
template <typename Take> void for_each_taken(const analysis::KeyAccess& access, Take take) {
  for (const policy::Statement& statement : access.key_policy().document().statements) {
    if (!statement.effect_known || statement.effect != policy::Effect::deny)
      continue;
    // Held by name: removes() refers into the effect, which a range-for would not keep alive.
    const analysis::StatementEffect effect = analysis::statement_effect(access, statement.index);
    for (const analysis::Access& item : effect.removes())
      take(statement, item);
  }
}

std::string taken_text(const std::string& who, const analysis::Access& item) {
  return "denies " + who + " " + actions_text(item.actions) + " " + when_text(item.when) +
         ", which overrides any statement allowing it";
}

bool in(const std::vector<analysis::ActionClass>& classes, analysis::ActionClass action_class) {
  return std::find(classes.begin(), classes.end(), action_class) != classes.end();
}

void add_once(std::vector<Evidence>& evidence, Evidence entry) {
  if (std::none_of(evidence.begin(), evidence.end(),
                   [&](const Evidence& e) { return e.text == entry.text; })) {
    evidence.push_back(std::move(entry));
  }
}

} // namespace

std::vector<DecidingDeny> deciding_denies(const analysis::KeyAccess& access, std::size_t subject,
                                          analysis::ActionClass action_class) {
  std::vector<DecidingDeny> found;
  for_each_taken(access, [&](const policy::Statement& statement, const analysis::Access& item) {
    if (item.subject == subject && item.action_class == action_class)
      found.push_back({&statement, item});
  });
  return found;
}

std::vector<DecidingIdentityDeny> deciding_identity_denies(const analysis::KeyAccess& access,
                                                           std::size_t subject,
                                                           analysis::ActionClass action_class) {
  std::vector<DecidingIdentityDeny> found;
  for (const analysis::IdentityDeny& deny :
       analysis::identity_denies(access, subject, {action_class})) {
    for (const analysis::Access& item : deny.removes) {
      if (item.action_class == action_class)
        found.push_back({deny.statement, item});
    }
  }
  return found;
}

std::vector<Evidence> identity_deny_evidence(const analysis::KeyAccess& access,
                                             const std::vector<std::size_t>& subjects,
                                             const std::vector<analysis::ActionClass>& classes) {
  std::vector<Evidence> evidence;
  for (const std::size_t subject : subjects) {
    // The subject as one caller: its label, and its own statements.
    const SubjectCaller whole{access.subjects().at(subject).label, std::nullopt};
    for (Evidence& entry : identity_deny_evidence(
             access, subject, analysis::identity_denies(access, subject, classes), classes, whole))
      add_once(evidence, std::move(entry));
  }
  return evidence;
}

std::vector<Evidence> identity_deny_evidence(const analysis::KeyAccess& access, std::size_t subject,
                                             const std::vector<analysis::IdentityDeny>& denies,
                                             const std::vector<analysis::ActionClass>& classes,
                                             const SubjectCaller& caller) {
  std::vector<Evidence> evidence;
  for (const analysis::IdentityDeny& deny : denies) {
    const analysis::Ground own = ground_for(access, subject, caller, deny.statement);
    for (const analysis::Access& item : deny.removes) {
      if (in(classes, item.action_class))
        add_once(evidence, ground_evidence(own, " " + taken_text(caller.label, item)));
    }
  }
  return evidence;
}

std::vector<Evidence> key_deny_evidence(const analysis::KeyAccess& access,
                                        const std::vector<std::size_t>& subjects,
                                        const std::vector<analysis::ActionClass>& classes,
                                        const model::PolicySource& holder) {
  std::vector<Evidence> evidence;
  for_each_taken(access, [&](const policy::Statement& statement, const analysis::Access& item) {
    if (std::find(subjects.begin(), subjects.end(), item.subject) != subjects.end() &&
        in(classes, item.action_class)) {
      add_once(evidence,
               statement_evidence(statement, holder,
                                  taken_text(access.subjects().at(item.subject).label, item)));
    }
  });
  return evidence;
}

std::vector<Evidence> deciding_deny_evidence(const analysis::KeyAccess& access,
                                             const std::vector<std::size_t>& subjects,
                                             const std::vector<analysis::ActionClass>& classes,
                                             const model::PolicySource& holder) {
  std::vector<Evidence> evidence = key_deny_evidence(access, subjects, classes, holder);
  // The caller's own IAM Denies decide as much as the key policy's (kms-reference §3.1).
  for (Evidence& entry : identity_deny_evidence(access, subjects, classes))
    add_once(evidence, std::move(entry));
  return evidence;
}

std::string actions_text(const std::vector<std::string_view>& actions, std::size_t shown) {
  std::string text;
  if (actions.size() <= shown) {
    append_words(text, actions);
    return text;
  }
  const std::string more = std::to_string(actions.size() - shown) + " more";
  std::vector<std::string_view> names(actions.begin(),
                                      actions.begin() + static_cast<std::ptrdiff_t>(shown));
  names.push_back(more);
  append_words(text, names);
  return text;
}

bool may_grant_itself(const analysis::KeyAccess& access, std::size_t subject,
                      std::string_view action) {
  const analysis::Subject& grantee = access.subjects().at(subject);
  const analysis::Caller caller{grantee.principal, grantee.arn, !grantee.key_account};
  const std::string operation(action.substr(action.find(':') + 1));
  const analysis::Answer answer = analysis::can(access, caller, "kms:CreateGrant",
                                                {{"kms:GranteePrincipal", {grantee.arn}},
                                                 {"kms:GrantOperations", {operation}},
                                                 {"kms:GrantIsForAWSResource", {"false"}}});
  return answer.outcome == policy::Outcome::allowed || answer.outcome == policy::Outcome::unknown;
}

std::vector<SubjectCaller> callers_of(const analysis::KeyAccess& access, std::size_t subject) {
  const analysis::Subject& shown = access.subjects().at(subject);
  if (shown.members.size() <= 1)
    return {SubjectCaller{shown.label, std::nullopt}};
  std::vector<SubjectCaller> out;
  out.reserve(shown.members.size());
  for (const model::PrincipalId member : shown.members)
    out.push_back({analysis::member_label(access.graph(), member), member});
  return out;
}

analysis::Ground ground_for(const analysis::KeyAccess& access, std::size_t subject,
                            const SubjectCaller& caller, const analysis::Ground& ground) {
  return caller.member ? analysis::member_ground(access, subject, ground, *caller.member) : ground;
}

void add_unapplied(const analysis::KeyAccess& access, const model::SourceRef& key,
                   Finding& finding) {
  for (const std::string& text : access.unapplied())
    finding.evidence.push_back(evidence_at(key, text));
}

void add_removals(const analysis::KeyAccess& access, std::size_t subject,
                  const model::SourceRef& key, Finding& finding) {
  for (const analysis::Removal& removal : access.removals()) {
    if (removal.subject != subject)
      continue;
    std::string by;
    for (const analysis::Removal::Cause& cause : removal.by)
      by += (by.empty() ? "" : "; ") + cause.text;
    finding.evidence.push_back(evidence_at(key, actions_text(removal.actions) +
                                                    ", where the policies above allow it: " + by));
  }
}

} // namespace tfkms::rules
