#pragma once
// The roles a subject holds on a key, each defined once for every rule and for `tfkms access`: key
// administrator, who can destroy the key's data, who can read it, who can use it. Each counts only
// what certainly holds: an access that is allowed (not unknown) and that does not depend on an
// identity policy the input does not show (a principal outside the input or in another account).
#include "analysis/access.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tfkms::analysis {

/// What a subject may do in one role, and the statements and grants that allow it.
struct Role {
  std::vector<std::string_view> actions; ///< unique, in the order met
  std::vector<Ground> grounds;           ///< unique
  bool through_iam = false;              ///< some of it needs the subject's own identity policy
  std::vector<const Access*> accesses;   ///< the accesses it rests on, in KeyAccess order

  [[nodiscard]] bool held() const { return !actions.empty(); }
};

/// Whose identity policies a role may rest on, besides those the input shows.
enum class UnshownPolicies {
  excluded, ///< none: what needs a policy the input does not show is not certain
  /// those of a principal of another account: its own administrators write them, so what the key
  /// policy opens to it is its to take (kms-reference §3.2)
  other_accounts_own,
};

/// A role or user (possibly a class of alike ones). A whole account is not: delegating to an
/// account, as AWS's default policy does, hands the decision to its IAM policies.
[[nodiscard]] bool is_individual(const Subject& subject);

/// Key administrator: a key-policy statement naming `subject` itself (not its account's delegation
/// to IAM, which makes IAM decide) allows it administration actions (PutKeyPolicy,
/// ScheduleKeyDeletion, ...; action_class.hpp). `grounds` are those statements.
[[nodiscard]] Role administers(const KeyAccess& access, std::size_t subject);

/// Who can destroy the key's data: make every ciphertext under the key unreadable by
/// kms:ScheduleKeyDeletion, kms:DisableKey or kms:DeleteImportedKeyMaterial (kms-reference §1.1),
/// through the key policy, grants or its own identity policies.
[[nodiscard]] Role destroys(const KeyAccess& access, std::size_t subject);

/// Who can rewrite the key policy (kms:PutKeyPolicy), and so give itself any access.
[[nodiscard]] Role changes_policy(const KeyAccess& access, std::size_t subject,
                                  UnshownPolicies unshown = UnshownPolicies::excluded);

/// Whether anyone at all may still change the key policy: some access to kms:PutKeyPolicy that is
/// allowed or unknown (an unknown one is never taken as a lockout). Without it only AWS Support
/// can restore control of the key (kms-reference §6).
[[nodiscard]] bool policy_changeable(const KeyAccess& access);

/// Who can create grants, for itself among others: kms:CreateGrant not always limited by
/// kms:GrantIsForAWSResource to grants for AWS services (kms-reference §3.10.5).
[[nodiscard]] Role creates_grants(const KeyAccess& access, std::size_t subject,
                                  UnshownPolicies unshown = UnshownPolicies::excluded);

/// Who can read the key's data: kms:Decrypt.
[[nodiscard]] Role reads(const KeyAccess& access, std::size_t subject);

/// Who can use the key for cryptography: reading (kms:Decrypt) or producing ciphertext
/// (Encrypt, GenerateDataKey*, ReEncrypt*).
[[nodiscard]] Role uses(const KeyAccess& access, std::size_t subject,
                        UnshownPolicies unshown = UnshownPolicies::excluded);

/// The roles above, named for holds().
enum class RoleKind : std::uint8_t {
  administers,
  destroys,
  changes_policy,
  creates_grants,
  reads,
  uses,
};

/// The actions of role `kind` that `subject` holds (the role's `actions`), without building its
/// accesses when a key of the same shape was asked before. What a role counts (outcomes, classes,
/// actions and the kinds of its grounds) follows from the analysis core alone, which keys differing
/// only in the names of the principals they name share (analysis_detail.hpp): the answer is kept
/// with the core, for as long as it lives.
[[nodiscard]] const std::vector<std::string_view>&
role_actions(const KeyAccess& access, std::size_t subject, RoleKind kind,
             UnshownPolicies unshown = UnshownPolicies::excluded);

/// Role `kind` of `subject`, built from the analysis's own accesses by the function above that
/// names it (`unshown` applies to those that take it).
[[nodiscard]] Role role(const KeyAccess& access, std::size_t subject, RoleKind kind,
                        UnshownPolicies unshown = UnshownPolicies::excluded);

/// Whether `subject` holds role `kind` (the role's held()), answered as role_actions() is.
[[nodiscard]] bool holds(const KeyAccess& access, std::size_t subject, RoleKind kind,
                         UnshownPolicies unshown = UnshownPolicies::excluded);

} // namespace tfkms::analysis
