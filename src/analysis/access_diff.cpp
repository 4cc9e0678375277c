#include "analysis/access_diff.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

namespace tfkms::analysis {

namespace {

using Texts = std::vector<std::string>;

Texts minus(const Texts& sorted_a, const Texts& sorted_b) {
  Texts out;
  std::set_difference(sorted_a.begin(), sorted_a.end(), sorted_b.begin(), sorted_b.end(),
                      std::back_inserter(out));
  return out;
}

// Every ground any access of the key rests on: a gain's cause is what it rests on that nothing
// rested on before, so an existing delegating statement is not named as the cause of a new role's
// access.
Texts all_grounds(const KeyAccessMap* key) {
  std::set<std::string> grounds;
  if (key) {
    for (const AccessEntry& entry : key->entries)
      grounds.insert(entry.grounds.begin(), entry.grounds.end());
  }
  return {grounds.begin(), grounds.end()};
}

// The entries of one key by class and subject (a key of a large plan has thousands).
class EntryIndex {
public:
  explicit EntryIndex(const KeyAccessMap* key) {
    if (!key)
      return;
    for (const AccessEntry& entry : key->entries)
      m_entries.emplace(std::pair(entry.action_class, std::string_view(entry.subject)), &entry);
  }

  [[nodiscard]] const AccessEntry* find(ActionClass action_class, std::string_view subject) const {
    const auto found = m_entries.find(std::pair(action_class, subject));
    return found == m_entries.end() ? nullptr : found->second;
  }

private:
  std::map<std::pair<ActionClass, std::string_view>, const AccessEntry*> m_entries;
};

// The class entries of a key created or destroyed: a change of such an entry is the same for each
// member (its cause is "key created" or "key destroyed"), so it stays one change of the class.
struct KeyClasses {
  const std::vector<std::optional<ClassAccess>>* principals = nullptr; ///< by entry of the key
  std::size_t offset = 0; ///< where the snapshot's classes start in AccessDiff::classes
};

class KeyDiff {
public:
  KeyDiff(const KeyAccessMap* before, const KeyAccessMap* after, std::vector<AccessChange>& out,
          KeyClasses classes = {})
      : m_before(before), m_after(after), m_before_index(before), m_after_index(after), m_out(out),
        m_grounds_before(all_grounds(before)), m_grounds_after(all_grounds(after)),
        m_denies_removed(denies_only_in(before, after)),
        m_denies_added(denies_only_in(after, before)), m_classes(classes) {}

  void run() {
    for (const ActionClass action_class : k_reported_classes) {
      if (m_after) {
        for (std::size_t e = 0; e < m_after->entries.size(); ++e) {
          const AccessEntry& now = m_after->entries[e];
          if (now.action_class != action_class)
            continue;
          compare(m_before_index.find(action_class, now.subject), &now);
          if (!m_before)
            of_class(e);
        }
      }
      if (m_before) {
        for (std::size_t e = 0; e < m_before->entries.size(); ++e) {
          const AccessEntry& then = m_before->entries[e];
          if (then.action_class != action_class || m_after_index.find(action_class, then.subject))
            continue;
          compare(&then, nullptr);
          if (!m_after)
            of_class(e);
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
  // The key policy's Deny statements the change removes and adds: the same for every change of the
  // key.
  std::vector<const DenyStatement*> m_denies_removed;
  std::vector<const DenyStatement*> m_denies_added;
  KeyClasses m_classes;

  // The change just made is of entry `e` of the only snapshot: of a class when the entry is.
  void of_class(std::size_t e) {
    if (!m_classes.principals || e >= m_classes.principals->size() || !(*m_classes.principals)[e])
      return;
    ClassAccess principals = *(*m_classes.principals)[e];
    principals.principal_class += m_classes.offset;
    principals.own_policy_grounds.clear(); // a created or destroyed key's change names no grounds
    m_out.back().principals = std::move(principals);
  }

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

  // What made `change` (a gain, or a loss) of `entry`: its grounds that the other snapshot lacks.
  // When it has every one, the access changed through something else: the key-policy Denies on
  // one side only are named first (removed for a gain, added for a loss), then every ground.
  void set_causes(AccessChange& change, const AccessEntry& entry,
                  const Texts& other_snapshot) const {
    add_grounds(change, entry, other_snapshot);
    if (!change.causes.empty())
      return;
    if (change.kind == ChangeKind::gain)
      name_denies(change, m_denies_removed, true);
    else
      name_denies(change, m_denies_added, false);
    add_grounds(change, entry, {});
  }

  // Adds the grounds of `entry` that `except` (sorted) lacks to the causes of `change`, each with
  // its place and `prefix` before its text.
  static void add_grounds(AccessChange& change, const AccessEntry& entry, const Texts& except,
                          std::string_view prefix = {}) {
    for (std::size_t g = 0; g < entry.grounds.size(); ++g) {
      if (std::binary_search(except.begin(), except.end(), entry.grounds[g]))
        continue;
      add_cause(change, std::string(prefix) + entry.grounds[g], entry.ground_place(g));
    }
  }

  static void add_cause(AccessChange& change, std::string text, model::SourceRef place = {}) {
    change.causes.push_back(std::move(text));
    change.cause_places.push_back(std::move(place));
  }

  // Adds `denies` (removed by the change, or added) to the causes of `change` with their place and
  // content; removed ones are also kept apart, for the fix.
  static void name_denies(AccessChange& change, const std::vector<const DenyStatement*>& denies,
                          bool removed) {
    for (const DenyStatement* deny : denies) {
      add_cause(change, (removed ? "no longer: " : "now: ") + deny->label + ": " + deny->content,
                deny->where);
      if (removed)
        change.denies_removed.push_back(deny->label);
    }
  }

  // The Deny statements of `side` that `other` does not have (by what they say, wherever they
  // stand).
  static std::vector<const DenyStatement*> denies_only_in(const KeyAccessMap* side,
                                                          const KeyAccessMap* other) {
    std::vector<const DenyStatement*> out;
    if (!side || !other)
      return out;
    for (const DenyStatement& deny : side->denies) {
      if (std::none_of(other->denies.begin(), other->denies.end(),
                       [&](const DenyStatement& o) { return o.content == deny.content; }))
        out.push_back(&deny);
    }
    return out;
  }

  void compare(const AccessEntry* then, const AccessEntry* now) {
    if (!then) {
      AccessChange change = start(*now, ChangeKind::gain);
      change.actions = now->actions;
      if (m_before)
        set_causes(change, *now, m_grounds_before);
      else
        add_cause(change, "key created");
      m_out.push_back(std::move(change));
      return;
    }
    if (!now) {
      AccessChange change = start(*then, ChangeKind::loss);
      change.actions = then->actions;
      if (m_after)
        set_causes(change, *then, m_grounds_after);
      else
        add_cause(change, "key destroyed");
      m_out.push_back(std::move(change));
      return;
    }
    Texts gained = minus(now->actions, then->actions);
    Texts lost = minus(then->actions, now->actions);
    if (!gained.empty()) {
      AccessChange change = start(*now, ChangeKind::gain);
      change.actions = std::move(gained);
      set_causes(change, *now, then->grounds);
      m_out.push_back(std::move(change));
    }
    if (!lost.empty()) {
      AccessChange change = start(*then, ChangeKind::loss);
      change.actions = std::move(lost);
      set_causes(change, *then, now->grounds);
      m_out.push_back(std::move(change));
    }
    const bool same_terms = then->conditions == now->conditions &&
                            then->needs_identity_policy == now->needs_identity_policy &&
                            then->unknown == now->unknown;
    if (gained.empty() && lost.empty() && !same_terms) {
      AccessChange change = start(*now, ChangeKind::condition);
      change.actions = now->actions;
      change.conditions_before = then->conditions;
      add_grounds(change, *now, then->grounds);
      add_grounds(change, *then, now->grounds, "no longer: ");
      name_denies(change, m_denies_removed, true);
      name_denies(change, m_denies_added, false);
      if (change.causes.empty())
        add_cause(change, "a statement of the key policy changed", m_after->where);
      change.needed_identity_policy_before = then->needs_identity_policy;
      m_out.push_back(std::move(change));
    }
  }
};

// "alias/aws/s3" for a graph key by name; how the store names it otherwise ("not encrypted with
// KMS").
std::string key_of(const DataStoreAccess& store) {
  return store.key.empty() ? store.key_text : store.key;
}

void compare_data_stores(const AccessMap& before, const AccessMap& after, AccessDiff& diff) {
  std::unordered_map<std::string_view, const DataStoreAccess*> earlier;
  for (const DataStoreAccess& store : before.data_stores)
    earlier.emplace(store.name, &store);
  std::size_t in_both = 0;
  for (const DataStoreAccess& store : after.data_stores) {
    const auto then = earlier.find(store.name);
    if (then == earlier.end())
      continue;
    ++in_both;
    if (key_of(*then->second) == key_of(store))
      continue;
    diff.data_store_changes.push_back(
        DataStoreChange{store.name, store.where, store.kind, key_of(*then->second), key_of(store)});
  }
  diff.data_stores_compared = before.data_stores.size() + after.data_stores.size() - in_both;
}

} // namespace

bool AccessChange::widens() const {
  if (kind == ChangeKind::gain)
    return true;
  if (kind != ChangeKind::condition)
    return false;
  // Unconditional where it was conditional, or no longer needing the subject's own IAM policy.
  return (conditions == "always" && conditions_before != "always") ||
         (needed_identity_policy_before && !needs_identity_policy);
}

namespace {

// One snapshot of diff_sides(): the map, and its classes when kept whole.
struct Side {
  const AccessMap& map;
  const ClassAccessMap* classed = nullptr;
  std::size_t offset = 0; ///< where its classes start in AccessDiff::classes
  /// Before only: by key, whether it took the same-named after key's summary.
  const std::vector<bool>* reused = nullptr;

  [[nodiscard]] bool has_classes(std::size_t key) const {
    if (!classed)
      return false;
    const auto& principals = classed->principals.at(key);
    return std::any_of(principals.begin(), principals.end(),
                       [](const auto& p) { return p.has_value(); });
  }
  [[nodiscard]] KeyClasses classes_of(std::size_t key) const {
    return classed ? KeyClasses{&classed->principals.at(key), offset} : KeyClasses{};
  }
  [[nodiscard]] KeyAccessMap expanded(std::size_t key) const {
    return expand(map.keys[key], classed->principals.at(key), classed->classes);
  }
};

// Compares the snapshots key by key. A key in both whose entries include a class is compared member
// by member, its entries expanded only while it is compared, so memory stays that of one key.
AccessDiff diff_sides(const Side& before, const Side& after) {
  AccessDiff diff;
  std::size_t in_both = 0;
  std::unordered_map<std::string_view, std::size_t> before_keys;
  for (std::size_t b = 0; b < before.map.keys.size(); ++b)
    before_keys.emplace(before.map.keys[b].name, b);
  std::unordered_map<std::string_view, const KeyAccessMap*> after_keys;
  for (const KeyAccessMap& now : after.map.keys)
    after_keys.emplace(now.name, &now);
  // An AWS managed key named by one snapshot only was neither created nor destroyed: it exists in
  // every account and its policy is AWS's (kms-reference §4.1). A store moving to it shows as a
  // data store change.
  for (std::size_t a = 0; a < after.map.keys.size(); ++a) {
    const KeyAccessMap& now = after.map.keys[a];
    const auto found = before_keys.find(now.name);
    const std::optional<std::size_t> b =
        found == before_keys.end() ? std::nullopt : std::optional(found->second);
    if (!b && now.aws_managed)
      continue;
    const std::size_t count = diff.changes.size();
    if (!b) {
      diff.keys_created.push_back(now.name);
      KeyDiff(nullptr, &now, diff.changes, after.classes_of(a)).run();
      continue;
    }
    ++in_both;
    // A summary taken over from the after key is that key's: nothing to compare.
    if (before.reused && before.reused->at(*b)) {
      diff.keys_unchanged.push_back(now.name);
      continue;
    }
    if (before.has_classes(*b) || after.has_classes(a)) {
      const KeyAccessMap then_each = before.classed ? before.expanded(*b) : before.map.keys[*b];
      const KeyAccessMap now_each = after.classed ? after.expanded(a) : now;
      KeyDiff(&then_each, &now_each, diff.changes).run();
    } else {
      KeyDiff(&before.map.keys[*b], &now, diff.changes).run();
    }
    if (count == diff.changes.size())
      diff.keys_unchanged.push_back(now.name);
  }
  for (std::size_t b = 0; b < before.map.keys.size(); ++b) {
    const KeyAccessMap& then = before.map.keys[b];
    if (after_keys.contains(then.name) || then.aws_managed)
      continue;
    diff.keys_destroyed.push_back(then.name);
    KeyDiff(&then, nullptr, diff.changes, before.classes_of(b)).run();
  }
  diff.keys_compared = after.map.keys.size() + before.map.keys.size() - in_both;
  compare_data_stores(before.map, after.map, diff);
  return diff;
}

} // namespace

AccessDiff diff_access(const AccessMap& before, const AccessMap& after) {
  return diff_sides(Side{before}, Side{after});
}

AccessDiff diff_access(const ClassAccessPair& maps) {
  const Side after{maps.after.map, &maps.after, 0};
  const Side before{maps.before.map, &maps.before, maps.after.classes.size(), &maps.reused};
  AccessDiff diff = diff_sides(before, after);
  // Only the classes some change refers to, in the order of their first change.
  std::unordered_map<std::size_t, std::size_t> position;
  for (AccessChange& change : diff.changes) {
    if (!change.principals)
      continue;
    const std::size_t index = change.principals->principal_class;
    const auto [found, added] = position.try_emplace(index, diff.classes.size());
    if (added) {
      const std::size_t in_before = index - std::min(index, maps.after.classes.size());
      diff.classes.push_back(index < maps.after.classes.size() ? maps.after.classes[index]
                                                               : maps.before.classes.at(in_before));
    }
    change.principals->principal_class = found->second;
  }
  return diff;
}

void append(AccessDiff& into, const AccessDiff& more) {
  const std::size_t offset = into.classes.size();
  into.classes.insert(into.classes.end(), more.classes.begin(), more.classes.end());
  for (const AccessChange& change : more.changes) {
    AccessChange& added = into.changes.emplace_back(change);
    if (added.principals)
      added.principals->principal_class += offset;
  }
  into.keys_created.insert(into.keys_created.end(), more.keys_created.begin(),
                           more.keys_created.end());
  into.keys_destroyed.insert(into.keys_destroyed.end(), more.keys_destroyed.begin(),
                             more.keys_destroyed.end());
  into.keys_unchanged.insert(into.keys_unchanged.end(), more.keys_unchanged.begin(),
                             more.keys_unchanged.end());
  into.keys_compared += more.keys_compared;
  into.data_store_changes.insert(into.data_store_changes.end(), more.data_store_changes.begin(),
                                 more.data_store_changes.end());
  into.data_stores_compared += more.data_stores_compared;
}

std::string_view to_string(ChangeKind kind) {
  switch (kind) {
  case ChangeKind::gain:
    return "gain";
  case ChangeKind::loss:
    return "loss";
  case ChangeKind::condition:
    return "condition change";
  }
  return "gain";
}

} // namespace tfkms::analysis
