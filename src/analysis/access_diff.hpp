#pragma once
// What a change (a Terraform plan, or two CloudFormation templates) does to who can use each key:
// the subjects that gain or lose read, write, grant management or administration, and why. Compares
// the access maps of the two snapshots, matching keys by address and subjects by label.
#include "analysis/access_map.hpp"
#include "analysis/principal_classes.hpp"

#include <string>
#include <vector>

namespace tfkms::analysis {

enum class ChangeKind {
  gain,      ///< the subject can do actions it could not before
  loss,      ///< the subject can no longer do actions it could before
  condition, ///< same actions, different conditions (or identity-policy dependence)
};

struct AccessChange {
  std::string key;        ///< KeyAccessMap::name
  model::SourceRef where; ///< the key: its location after the change (before, when destroyed)
  std::string key_account;
  ActionClass action_class = ActionClass::read;
  ChangeKind kind = ChangeKind::gain;
  std::string subject;
  SubjectKind subject_kind = SubjectKind::graph_principal;
  Reach reach = Reach::key_account;
  std::string account;              ///< the subject's account, when it has one
  std::vector<std::string> actions; ///< the actions gained or lost (condition: all of them)
  std::string conditions;           ///< after the change (loss: before it)
  std::string conditions_before;    ///< condition changes only
  bool needed_identity_policy_before = false; ///< condition changes only
  bool needs_identity_policy = false;         ///< after the change (loss: before it)
  bool through_delegation = false;            ///< after the change (loss: before it)
  bool unknown = false;                       ///< depends on values known only after apply
  /// What made the difference: the statements, grants or identity policies allowing it after and
  /// not before (gain), before and not after (loss), or "key created" / "key destroyed".
  std::vector<std::string> causes;
  /// Where each of `causes` stands, at the same position: the statement, grant or policy, in the
  /// snapshot that has it; no file where a cause has no place ("key created").
  std::vector<model::SourceRef> cause_places;
  /// The key-policy Deny statements the change removed among the causes (`key policy statement 2
  /// (Sid "X")`, as they stood before): keeping them is the fix.
  std::vector<std::string> denies_removed;
  std::vector<std::string>
      data_stores; ///< the stores the key encrypts: their access changes the same way
  /// Set when the change is the same for every member of a class of principals but `except` (a key
  /// created or destroyed): `subject` is the class's label, principal_class indexes
  /// AccessDiff::classes.
  std::optional<ClassAccess> principals;

  /// Access grows: a gain, or the same actions under a condition that no longer holds back anyone.
  [[nodiscard]] bool widens() const;
  /// The place of causes[`cause`]; none for a change made without places.
  [[nodiscard]] model::SourceRef cause_place(std::size_t cause) const {
    return cause < cause_places.size() ? cause_places[cause] : model::SourceRef{};
  }
};

/// A data store in both snapshots whose key changed (a bucket moved from a customer key to aws/s3):
/// its data is now as readable as the new key lets it be.
struct DataStoreChange {
  std::string data_store; ///< DataStoreAccess::name
  model::SourceRef where; ///< after the change
  std::string kind;
  std::string key_before; ///< the key's name, or how the store names it when not a graph key
  std::string key_after;
};

struct AccessDiff {
  std::vector<AccessChange> changes; ///< by key, then class, then subject
  std::vector<DataStoreChange> data_store_changes;
  std::vector<std::string> keys_created;
  std::vector<std::string> keys_destroyed;
  std::vector<std::string> keys_unchanged; ///< in both snapshots, no change
  std::size_t keys_compared = 0;           ///< keys in either snapshot
  std::size_t data_stores_compared = 0;    ///< data stores in either snapshot
  std::vector<PrincipalClass> classes;     ///< the classes changes refer to

  [[nodiscard]] bool empty() const { return changes.empty() && data_store_changes.empty(); }
};

[[nodiscard]] AccessDiff diff_access(const AccessMap& before, const AccessMap& after);

/// diff_access() of the maps of map_access_pair_by_class(), key by key: a key created or destroyed
/// gives one change per class entry; a key in both snapshots is compared member by member (its
/// entries expanded while it is compared), unless its summary was reused (no change).
[[nodiscard]] AccessDiff diff_access(const ClassAccessPair& maps);

/// Adds the changes and key lists of `more` (another input's diff) to `into`.
void append(AccessDiff& into, const AccessDiff& more);

/// "gain", "loss", "condition change".
[[nodiscard]] std::string_view to_string(ChangeKind kind);

} // namespace tfkms::analysis
