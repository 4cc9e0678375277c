#include "analysis/action_class.hpp"

namespace tfkms::analysis {

namespace {

// Read/write follow the data view of seed 003 (read = Decrypt; write = every action that produces
// ciphertext under the key). Grant management is the four grant actions (kms-reference §5.3, §5.4).
constexpr std::string_view k_read[] = {"kms:Decrypt"};
constexpr std::string_view k_write[] = {"kms:Encrypt",
                                        "kms:GenerateDataKey",
                                        "kms:GenerateDataKeyPair",
                                        "kms:GenerateDataKeyPairWithoutPlaintext",
                                        "kms:GenerateDataKeyWithoutPlaintext",
                                        "kms:ReEncryptFrom",
                                        "kms:ReEncryptTo"};
constexpr std::string_view k_grant_management[] = {"kms:CreateGrant", "kms:RetireGrant",
                                                   "kms:RevokeGrant", "kms:ListGrants"};
constexpr std::string_view k_policy_change[] = {"kms:PutKeyPolicy"};
// Every key-resource action that changes the key's state, material, aliases, tags or lifetime
// (kms-reference §1.1, access level Write/Tagging/Permissions management, minus crypto and grants).
constexpr std::string_view k_administration[] = {"kms:PutKeyPolicy",
                                                 "kms:ScheduleKeyDeletion",
                                                 "kms:CancelKeyDeletion",
                                                 "kms:DisableKey",
                                                 "kms:EnableKey",
                                                 "kms:DisableKeyRotation",
                                                 "kms:EnableKeyRotation",
                                                 "kms:RotateKeyOnDemand",
                                                 "kms:UpdateKeyDescription",
                                                 "kms:TagResource",
                                                 "kms:UntagResource",
                                                 "kms:CreateAlias",
                                                 "kms:DeleteAlias",
                                                 "kms:UpdateAlias",
                                                 "kms:ImportKeyMaterial",
                                                 "kms:DeleteImportedKeyMaterial",
                                                 "kms:ReplicateKey",
                                                 "kms:UpdatePrimaryRegion"};

} // namespace

std::span<const std::string_view> actions_of(ActionClass action_class) {
  switch (action_class) {
  case ActionClass::read:
    return k_read;
  case ActionClass::write:
    return k_write;
  case ActionClass::grant_management:
    return k_grant_management;
  case ActionClass::policy_change:
    return k_policy_change;
  case ActionClass::administration:
    return k_administration;
  }
  return {};
}

std::string_view to_string(ActionClass action_class) {
  switch (action_class) {
  case ActionClass::read:
    return "read";
  case ActionClass::write:
    return "write";
  case ActionClass::grant_management:
    return "grant management";
  case ActionClass::policy_change:
    return "policy change";
  case ActionClass::administration:
    return "administration";
  }
  return "?";
}

} // namespace tfkms::analysis
