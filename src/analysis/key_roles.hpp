#pragma once
// The roles a subject holds on a key, each defined once for every rule and for `tfkms access`: key
// administrator, who can destroy the key's data, who can read it, who can use it. Each counts only
// what certainly holds: an access that is allowed (not unknown) and that does not depend on an
// identity policy the input does not show (a principal outside the input or in another account).
#include "analysis/access.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

namespace tfkms::analysis {

/// What a subject may do in one role, and the statements and grants that allow it.
struct Role {
  std::vector<std::string_view> actions; ///< unique, in the order met
  std::vector<Ground> grounds;           ///< unique
  bool through_iam = false;              ///< some of it needs the subject's own identity policy

  [[nodiscard]] bool held() const { return !actions.empty(); }
};

/// Key administrator: a key-policy statement naming `subject` itself (not its account's delegation
/// to IAM, which makes IAM decide) allows it administration actions (PutKeyPolicy,
/// ScheduleKeyDeletion,
/// ...; action_class.hpp). `grounds` are those statements.
[[nodiscard]] Role administers(const KeyAccess& access, std::size_t subject);

/// Who can destroy the key's data: make every ciphertext under the key unreadable by
/// kms:ScheduleKeyDeletion, kms:DisableKey or kms:DeleteImportedKeyMaterial (kms-reference §1.1),
/// through the key policy, grants or its own identity policies.
[[nodiscard]] Role destroys(const KeyAccess& access, std::size_t subject);

/// Who can read the key's data: kms:Decrypt.
[[nodiscard]] Role reads(const KeyAccess& access, std::size_t subject);

/// Who can use the key for cryptography: reading (kms:Decrypt) or producing ciphertext
/// (Encrypt, GenerateDataKey*, ReEncrypt*).
[[nodiscard]] Role uses(const KeyAccess& access, std::size_t subject);

} // namespace tfkms::analysis
