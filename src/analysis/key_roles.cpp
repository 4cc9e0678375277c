#include "analysis/key_roles.hpp"

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

// The certain accesses of `subject` in the classes `wanted` accepts, keeping the actions `keep`
// accepts and the grounds `counts` accepts; an access none of whose grounds count adds nothing.
Role collect(const KeyAccess& access, std::size_t subject,
             const std::function<bool(ActionClass)>& wanted,
             const std::function<bool(std::string_view)>& keep,
             const std::function<bool(const Ground&)>& counts) {
  Role role;
  for (const Access& item : access.accesses()) {
    if (item.subject != subject || item.outcome != policy::Outcome::allowed ||
        item.needs_identity_policy)
      continue;
    if (!wanted(item.action_class))
      continue;
    if (std::none_of(item.grounds.begin(), item.grounds.end(), counts))
      continue;
    bool kept = false;
    for (const std::string_view action : item.actions) {
      if (!keep(action))
        continue;
      add_unique(role.actions, action);
      kept = true;
    }
    if (!kept)
      continue;
    for (const Ground& ground : item.grounds) {
      if (!counts(ground))
        continue;
      add_unique(role.grounds, ground);
      if (ground.source == policy::ReasonSource::identity_policy)
        role.through_iam = true;
    }
  }
  return role;
}

bool any_action(std::string_view) { return true; }
bool any_ground(const Ground&) { return true; }

} // namespace

Role administers(const KeyAccess& access, std::size_t subject) {
  return collect(
      access, subject, [](ActionClass c) { return c == ActionClass::administration; }, any_action,
      names_caller);
}

Role destroys(const KeyAccess& access, std::size_t subject) {
  return collect(
      access, subject, [](ActionClass c) { return c == ActionClass::administration; },
      [](std::string_view action) {
        return std::find(k_destroying.begin(), k_destroying.end(), action) != k_destroying.end();
      },
      any_ground);
}

Role reads(const KeyAccess& access, std::size_t subject) {
  return collect(
      access, subject, [](ActionClass c) { return c == ActionClass::read; }, any_action,
      any_ground);
}

Role uses(const KeyAccess& access, std::size_t subject) {
  return collect(
      access, subject,
      [](ActionClass c) { return c == ActionClass::read || c == ActionClass::write; }, any_action,
      any_ground);
}

} // namespace tfkms::analysis
