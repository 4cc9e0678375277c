#include "analysis/access_diff.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace tfkms::analysis {

namespace {

using Texts = std::vector<std::string>;

Texts minus(const Texts& sorted_a, const Texts& sorted_b) {
  Texts out;
  std::set_difference(sorted_a.begin(), sorted_a.end(), sorted_b.begin(), sorted_b.end(), std::back_inserter(out));
  return out;
}

// Every ground any access of the key rests on: a gain's cause is what it rests on that nothing rested
// on before, so an existing delegating statement is not named as the cause of a new role's access.
Texts all_grounds(const KeyAccessMap* key) {
  std::set<std::string> grounds;
  if (key) {
    for (const AccessEntry& entry : key->entries) grounds.insert(entry.grounds.begin(), entry.grounds.end());
  }
  return {grounds.begin(), grounds.end()};
}

// The entries of one key by class and subject (a key of a large plan has thousands).
class EntryIndex {
public:
  explicit EntryIndex(const KeyAccessMap* key) {
    if (!key) return;
    for (const AccessEntry& entry : key->entries) m_entries.emplace(std::pair(entry.action_class, std::string_view(entry.subject)), &entry);
  }

  [[nodiscard]] const AccessEntry* find(ActionClass action_class, std::string_view subject) const {
    const auto found = m_entries.find(std::pair(action_class, subject));
    return found == m_entries.end() ? nullptr : found->second;
  }

private:
  std::map<std::pair<ActionClass, std::string_view>, const AccessEntry*> m_entries;
};

class KeyDiff {
public:
  KeyDiff(const KeyAccessMap* before, const KeyAccessMap* after, std::vector<AccessChange>& out)
      : m_before(before), m_after(after), m_before_index(before), m_after_index(after), m_out(out),
        m_grounds_before(all_grounds(before)), m_grounds_after(all_grounds(after)) {}

  void run() {
    for (const ActionClass action_class : k_reported_classes) {
      if (m_after) {
        for (const AccessEntry& now : m_after->entries) {
          if (now.action_class == action_class) compare(m_before_index.find(action_class, now.subject), &now);
        }
      }
      if (m_before) {
        for (const AccessEntry& then : m_before->entries) {
          if (then.action_class == action_class && !m_after_index.find(action_class, then.subject)) compare(&then, nullptr);
        }
      }
    }
  }

private:
  const KeyAccessMap* m_before;
  const KeyAccessMap* m_after;
  EntryIndex m_before_index;
  EntryIndex m_after_index;
  std::vector<AccessChange>& m_out;
  Texts m_grounds_before;
  Texts m_grounds_after;

  AccessChange start(const AccessEntry& entry, ChangeKind kind) const {
    const KeyAccessMap& key = m_after ? *m_after : *m_before;
    AccessChange change;
    change.key = key.name;
    change.where = key.where;
    change.key_account = key.account;
    change.action_class = entry.action_class;
    change.kind = kind;
    change.subject = entry.subject;
    change.subject_kind = entry.kind;
    change.reach = entry.reach;
    change.account = entry.account;
    change.conditions = entry.conditions;
    change.needs_identity_policy = entry.needs_identity_policy;
    change.through_delegation = entry.through_delegation;
    change.unknown = entry.unknown;
    change.data_stores = key.data_stores;
    return change;
  }

  // The grounds of `entry` that the other snapshot lacks; all of them when it has every one (the
  // access changed through something else, such as a Deny removed or added).
  Texts causes(const AccessEntry& entry, const Texts& other_snapshot) const {
    Texts own = minus(entry.grounds, other_snapshot);
    return own.empty() ? entry.grounds : own;
  }

  void compare(const AccessEntry* then, const AccessEntry* now) {
    if (!then) {
      AccessChange change = start(*now, ChangeKind::gain);
      change.actions = now->actions;
      change.causes = m_before ? causes(*now, m_grounds_before) : Texts{"key created"};
      m_out.push_back(std::move(change));
      return;
    }
    if (!now) {
      AccessChange change = start(*then, ChangeKind::loss);
      change.actions = then->actions;
      change.causes = m_after ? causes(*then, m_grounds_after) : Texts{"key destroyed"};
      m_out.push_back(std::move(change));
      return;
    }
    Texts gained = minus(now->actions, then->actions);
    Texts lost = minus(then->actions, now->actions);
    if (!gained.empty()) {
      AccessChange change = start(*now, ChangeKind::gain);
      change.actions = std::move(gained);
      change.causes = causes(*now, then->grounds);
      m_out.push_back(std::move(change));
    }
    if (!lost.empty()) {
      AccessChange change = start(*then, ChangeKind::loss);
      change.actions = std::move(lost);
      change.causes = causes(*then, now->grounds);
      m_out.push_back(std::move(change));
    }
    const bool same_terms = then->conditions == now->conditions &&
                            then->needs_identity_policy == now->needs_identity_policy && then->unknown == now->unknown;
    if (gained.empty() && lost.empty() && !same_terms) {
      AccessChange change = start(*now, ChangeKind::condition);
      change.actions = now->actions;
      change.conditions_before = then->conditions;
      change.causes = minus(now->grounds, then->grounds);
      for (const std::string& removed : minus(then->grounds, now->grounds)) change.causes.push_back("no longer: " + removed);
      if (change.causes.empty()) change.causes.push_back("a statement of the key policy changed");
      change.needed_identity_policy_before = then->needs_identity_policy;
      m_out.push_back(std::move(change));
    }
  }
};

// "alias/aws/s3" for a graph key by name; how the store names it otherwise ("not encrypted with KMS").
std::string key_of(const DataStoreAccess& store) { return store.key.empty() ? store.key_text : store.key; }

void compare_data_stores(const AccessMap& before, const AccessMap& after, AccessDiff& diff) {
  std::unordered_map<std::string_view, const DataStoreAccess*> earlier;
  for (const DataStoreAccess& store : before.data_stores) earlier.emplace(store.name, &store);
  std::size_t in_both = 0;
  for (const DataStoreAccess& store : after.data_stores) {
    const auto then = earlier.find(store.name);
    if (then == earlier.end()) continue;
    ++in_both;
    if (key_of(*then->second) == key_of(store)) continue;
    diff.data_store_changes.push_back(DataStoreChange{store.name, store.where, store.kind, key_of(*then->second), key_of(store)});
  }
  diff.data_stores_compared = before.data_stores.size() + after.data_stores.size() - in_both;
}

} // namespace

bool AccessChange::widens() const {
  if (kind == ChangeKind::gain) return true;
  if (kind != ChangeKind::condition) return false;
  // Unconditional where it was conditional, or no longer needing the subject's own IAM policy.
  return (conditions == "always" && conditions_before != "always") || (needed_identity_policy_before && !needs_identity_policy);
}

AccessDiff diff_access(const AccessMap& before, const AccessMap& after) {
  AccessDiff diff;
  std::size_t in_both = 0;
  std::unordered_map<std::string_view, const KeyAccessMap*> before_keys;
  for (const KeyAccessMap& then : before.keys) before_keys.emplace(then.name, &then);
  std::unordered_map<std::string_view, const KeyAccessMap*> after_keys;
  for (const KeyAccessMap& now : after.keys) after_keys.emplace(now.name, &now);
  // An AWS managed key named by one snapshot only was neither created nor destroyed: it exists in
  // every account and its policy is AWS's (kms-reference §4.1). A store moving to it shows as a
  // data store change.
  for (const KeyAccessMap& now : after.keys) {
    const auto found = before_keys.find(now.name);
    const KeyAccessMap* then = found == before_keys.end() ? nullptr : found->second;
    if (!then && now.aws_managed) continue;
    if (!then) diff.keys_created.push_back(now.name);
    const std::size_t count = diff.changes.size();
    KeyDiff(then, &now, diff.changes).run();
    if (then && count == diff.changes.size()) diff.keys_unchanged.push_back(now.name);
    if (then) ++in_both;
  }
  for (const KeyAccessMap& then : before.keys) {
    if (after_keys.contains(then.name) || then.aws_managed) continue;
    diff.keys_destroyed.push_back(then.name);
    KeyDiff(&then, nullptr, diff.changes).run();
  }
  diff.keys_compared = after.keys.size() + before.keys.size() - in_both;
  compare_data_stores(before, after, diff);
  return diff;
}

void append(AccessDiff& into, const AccessDiff& more) {
  into.changes.insert(into.changes.end(), more.changes.begin(), more.changes.end());
  into.keys_created.insert(into.keys_created.end(), more.keys_created.begin(), more.keys_created.end());
  into.keys_destroyed.insert(into.keys_destroyed.end(), more.keys_destroyed.begin(), more.keys_destroyed.end());
  into.keys_unchanged.insert(into.keys_unchanged.end(), more.keys_unchanged.begin(), more.keys_unchanged.end());
  into.keys_compared += more.keys_compared;
  into.data_store_changes.insert(into.data_store_changes.end(), more.data_store_changes.begin(), more.data_store_changes.end());
  into.data_stores_compared += more.data_stores_compared;
}

std::string_view to_string(ChangeKind kind) {
  switch (kind) {
  case ChangeKind::gain: return "gain";
  case ChangeKind::loss: return "loss";
  case ChangeKind::condition: return "condition change";
  }
  return "gain";
}

} // namespace tfkms::analysis
