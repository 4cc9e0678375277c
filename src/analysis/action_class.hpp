#pragma once
// The classes of KMS actions the access analysis reports on: what a principal can do to the data a
// key protects (read, write) and to the key itself (grants, policy, administration).
#include <span>
#include <string_view>

namespace tfkms::analysis {

enum class ActionClass {
  read,             ///< kms:Decrypt: reading data encrypted under the key
  write,            ///< Encrypt, GenerateDataKey*, ReEncryptFrom/To: producing data under the key
  grant_management, ///< CreateGrant, RetireGrant, RevokeGrant, ListGrants: handing out or removing
                    ///< access
  policy_change,    ///< PutKeyPolicy: rewriting who can do anything
  administration,   ///< PutKeyPolicy, ScheduleKeyDeletion, DisableKey, ...: managing the key itself
};

inline constexpr ActionClass k_action_classes[] = {
    ActionClass::read, ActionClass::write, ActionClass::grant_management,
    ActionClass::policy_change, ActionClass::administration};

/// The actions of `action_class`, as IAM action names ("kms:Decrypt"). Administration includes
/// PutKeyPolicy, which is also the policy_change class on its own.
[[nodiscard]] std::span<const std::string_view> actions_of(ActionClass action_class);

/// "read", "write", "grant management", "policy change", "administration".
[[nodiscard]] std::string_view to_string(ActionClass action_class);

} // namespace tfkms::analysis
