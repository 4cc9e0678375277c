#include "analysis/key_roles.hpp"

#include "analysis/analysis_detail.hpp"

#include <algorithm>
#include <array>
#include <functional>

namespace tfkms::analysis {

namespace {

// Actions after which the data under the key cannot be decrypted: a key pending deletion or
// disabled refuses every cryptographic operation, and without its imported material it has none
// (kms-reference §1.1; AWS KMS Developer Guide "Deleting AWS KMS keys", "Enabling and disabling
// keys").
constexpr std::array<std::string_view, 3> k_destroying = {
    "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DeleteImportedKeyMaterial"};

template <typename T> void add_unique(std::vector<T>& into, const T& value) {
  if (std::find(into.begin(), into.end(), value) == into.end())
    into.push_back(value);
}

// A key-policy statement that names the caller itself (not its account, which is delegation to
// IAM).
bool names_caller(const Ground& ground) {
  return ground.source == policy::ReasonSource::key_policy &&
         ground.kind == policy::ReasonKind::allows;
}

// Whether `item` counts as certain for its subject: allowed (not unknown), and resting only on
// identity policies `unshown` accepts.
bool certain(const KeyAccess& access, const Access& item, UnshownPolicies unshown) {
  if (item.outcome != policy::Outcome::allowed)
    return false;
  if (!item.needs_identity_policy)
    return true;
  return unshown == UnshownPolicies::other_accounts_own &&
         !access.subjects().at(item.subject).key_account;
}

/// What a role counts: the accesses (of `classes`, and those `wanted` accepts among them), the
/// actions of an access and its grounds.
struct Counted {
  std::vector<ActionClass> classes;
  std::function<bool(const Access&)> wanted;
  std::function<bool(std::string_view)> keep;
  std::function<bool(const Ground&)> counts;
  UnshownPolicies unshown = UnshownPolicies::excluded;
};

// The certain accesses of `subject` that `rule` wants, keeping the actions and grounds it accepts;
// an access none of whose grounds count adds nothing. A subject with no access of the rule's
// classes, which the memberships tell without building its accesses and the text of their
// grounds, holds no role.
Role collect(const KeyAccess& access, std::size_t subject, const Counted& rule) {
  Role role;
  const auto of_classes = [&](ActionClass action_class) {
    return std::find(rule.classes.begin(), rule.classes.end(), action_class) != rule.classes.end();
  };
  if (std::none_of(rule.classes.begin(), rule.classes.end(), [&](ActionClass action_class) {
        return access.has_access(subject, action_class);
      })) {
    return role;
  }
  for (const Access& item : access.accesses_of(subject)) {
    if (!certain(access, item, rule.unshown) || !of_classes(item.action_class) ||
        !rule.wanted(item))
      continue;
    if (std::none_of(item.grounds.begin(), item.grounds.end(), rule.counts))
      continue;
    bool kept = false;
    for (const std::string_view action : item.actions) {
      if (!rule.keep(action))
        continue;
      add_unique(role.actions, action);
      kept = true;
    }
    if (!kept)
      continue;
    role.accesses.push_back(&item);
    for (const Ground& ground : item.grounds) {
      if (!rule.counts(ground))
        continue;
      add_unique(role.grounds, ground);
      if (ground.source == policy::ReasonSource::identity_policy)
        role.through_iam = true;
    }
  }
  return role;
}

bool any_access(const Access&) { return true; }
bool any_action(std::string_view) { return true; }
bool any_ground(const Ground&) { return true; }

} // namespace

bool is_individual(const Subject& subject) {
  return subject.kind == SubjectKind::graph_principal ||
         subject.kind == SubjectKind::named_principal;
}

Role administers(const KeyAccess& access, std::size_t subject) {
  return collect(access, subject,
                 {{ActionClass::administration}, any_access, any_action, names_caller});
}

Role destroys(const KeyAccess& access, std::size_t subject) {
  return collect(access, subject,
                 {{ActionClass::administration},
                  any_access,
                  [](std::string_view action) {
                    return std::find(k_destroying.begin(), k_destroying.end(), action) !=
                           k_destroying.end();
                  },
                  any_ground});
}

Role changes_policy(const KeyAccess& access, std::size_t subject, UnshownPolicies unshown) {
  return collect(access, subject,
                 {{ActionClass::policy_change}, any_access, any_action, any_ground, unshown});
}

bool policy_changeable(const KeyAccess& access) {
  return access.has_access(ActionClass::policy_change);
}

Role creates_grants(const KeyAccess& access, std::size_t subject, UnshownPolicies unshown) {
  const auto wanted = [](const Access& item) {
    return std::find(item.actions.begin(), item.actions.end(), "kms:CreateGrant") !=
               item.actions.end() &&
           !always_narrowed_by(item.when, "kms:GrantIsForAWSResource");
  };
  return collect(access, subject,
                 {{ActionClass::grant_management}, wanted, any_action, any_ground, unshown});
}

Role reads(const KeyAccess& access, std::size_t subject) {
  return collect(access, subject, {{ActionClass::read}, any_access, any_action, any_ground});
}

Role uses(const KeyAccess& access, std::size_t subject, UnshownPolicies unshown) {
  return collect(
      access, subject,
      {{ActionClass::read, ActionClass::write}, any_access, any_action, any_ground, unshown});
}

const std::vector<std::string_view>& role_actions(const KeyAccess& access, std::size_t subject,
                                                  RoleKind kind, UnshownPolicies unshown) {
  const detail::Core& core = *access.detail().core;
  const std::array<std::size_t, 3> question = {subject, static_cast<std::size_t>(kind),
                                               static_cast<std::size_t>(unshown)};
  if (const auto found = core.role_actions.find(question); found != core.role_actions.end())
    return found->second;
  return core.role_actions.emplace(question, role(access, subject, kind, unshown).actions)
      .first->second;
}

Role role(const KeyAccess& access, std::size_t subject, RoleKind kind, UnshownPolicies unshown) {
  switch (kind) {
  case RoleKind::administers:
    return administers(access, subject);
  case RoleKind::destroys:
    return destroys(access, subject);
  case RoleKind::changes_policy:
    return changes_policy(access, subject, unshown);
  case RoleKind::creates_grants:
    return creates_grants(access, subject, unshown);
  case RoleKind::reads:
    return reads(access, subject);
  case RoleKind::uses:
    return uses(access, subject, unshown);
  }
  return {};
}

bool holds(const KeyAccess& access, std::size_t subject, RoleKind kind, UnshownPolicies unshown) {
  return !role_actions(access, subject, kind, unshown).empty();
}

} // namespace tfkms::analysis
