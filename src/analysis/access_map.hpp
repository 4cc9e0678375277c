#pragma once
// Who can read, write, manage grants of and administer each key of a graph, and through it each
// data store the key encrypts (seed 003 "partition data with encryption": the key policy is the
// access control of the whole data domain). A flat, comparable summary of analyze_key() that `tfkms
// access` prints and `tfkms diff` compares between two snapshots of the same input.
#include "analysis/access.hpp"
#include "model/graph.hpp"
#include "model/source_ref.hpp"

#include <string>
#include <vector>

namespace tfkms::analysis {

/// The classes the access report lists. policy_change is part of administration (PutKeyPolicy).
inline constexpr ActionClass k_reported_classes[] = {ActionClass::read, ActionClass::write,
                                                     ActionClass::grant_management,
                                                     ActionClass::administration};

/// Where a subject stands relative to the key's account: what TFKMS020/021 weigh.
enum class Reach {
  service,       ///< an AWS service principal
  key_account,   ///< a principal of the key's own account
  other_account, ///< a principal of a named other account
  any_principal, ///< anyone ("*", or any account nothing names)
};

/// What one subject can do within one class: every access of that subject and class merged.
struct AccessEntry {
  ActionClass action_class = ActionClass::read;
  std::string subject; ///< Subject::label
  SubjectKind kind = SubjectKind::graph_principal;
  Reach reach = Reach::key_account;
  std::string account; ///< the subject's account; empty for services and "any principal"
  std::vector<std::string> actions;   ///< sorted, unique
  std::string conditions;             ///< "always", or the alternatives as text
  bool needs_identity_policy = false; ///< only if the subject's own IAM policies allow it too
  bool through_delegation = false;    ///< a key-policy statement delegates to the account's IAM
  bool unknown = false;               ///< the outcome depends on values known only after apply
  std::vector<std::string> grounds;   ///< sorted, unique: "key policy statement 1 (Sid ...)"
  /// Where each of `grounds` stands in the input, at the same position: the statement (pointer
  /// inside its policy), grant or policy; no file where it has none (a caller's own policy).
  std::vector<model::SourceRef> ground_places;
  std::vector<std::string> unknowns;

  /// The place of grounds[`ground`]; none for an entry made without places.
  [[nodiscard]] model::SourceRef ground_place(std::size_t ground) const {
    return ground < ground_places.size() ? ground_places[ground] : model::SourceRef{};
  }
};

/// A Deny statement of a key policy: where it stands, and what it says (policy::statement_content),
/// which is what a change of it is recognised by.
struct DenyStatement {
  std::string label; ///< `key policy statement 2 (Sid "DenyOutsideOrg")`
  std::string content;
  model::SourceRef where; ///< the statement in the input; pointer inside the policy
};

struct KeyAccessMap {
  model::SourceRef where;
  std::string name; ///< where.name(): the key's address or logical id
  std::string account;
  std::string planned_action; ///< Terraform: create, update, ...
  bool policy_known = true;
  bool aws_managed = false; ///< alias/aws/<service>: AWS's fixed policy; it exists whether or not
                            ///< an input names it
  std::vector<std::string> notes;
  /// What an SCP, RCP or permissions boundary removed: "aws_iam_role.app: kms:Decrypt: SCP
  /// deny-decrypt statement 0 denies it".
  std::vector<std::string> removed;
  /// The key policy's Deny statements: one added or removed explains a change of access that no
  /// allowing statement does.
  std::vector<DenyStatement> denies;
  std::vector<AccessEntry> entries;     ///< by class (k_reported_classes order), then subject
  std::vector<std::string> data_stores; ///< names of the stores the key encrypts
  /// Subjects that are key administrators, and that can destroy the key's data (key_roles.hpp).
  std::vector<std::string> administrators;
  std::vector<std::string> can_destroy;
};

/// A data store and the key its access goes through.
struct DataStoreAccess {
  model::SourceRef where;
  std::string name;
  std::string kind; ///< "s3 bucket", "sqs queue", ...
  std::string key;  ///< KeyAccessMap::name of its key; empty when encryption is not by a graph key
  std::string
      key_text; ///< the key as the store names it, when not a graph key ("outside", unknown, none)
};

struct AccessMap {
  std::vector<KeyAccessMap> keys;
  std::vector<DataStoreAccess> data_stores;

  [[nodiscard]] const KeyAccessMap* find_key(std::string_view name) const;
};

/// Analyses every key of `graph` (analyze_key) and summarises it.
[[nodiscard]] AccessMap map_access(const model::Graph& graph);

/// The access maps of the two snapshots of a change.
struct AccessPair {
  AccessMap before;
  AccessMap after;
  std::size_t keys_reused =
      0; ///< keys of `before` not analysed again: their inputs equal the after key's
};

/// map_access() of both graphs; a key of `before` whose inputs (key_inputs.hpp) and shared inputs
/// equal those of the same-named key of `after` takes that key's summary instead of a second
/// analysis.
[[nodiscard]] AccessPair map_access_pair(const model::Graph& before, const model::Graph& after);

/// Summarises one analysed key.
[[nodiscard]] KeyAccessMap summarise(const KeyAccess& analysis);

[[nodiscard]] std::string_view to_string(Reach reach);
[[nodiscard]] std::string_view to_string(model::DataStoreKind kind);

} // namespace tfkms::analysis
