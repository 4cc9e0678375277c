#pragma once
// The catalogue of KMS actions (kms-reference §1.1), generated from data/iam-data by
// tools/gen_kms_actions.py into kms_actions_table.cpp, plus the KMS facts iam-data does not carry
// (cross-account use, grant operations). Beside it, the requests users send to the data stores'
// own services (s3:GetObject, sqs:SendMessage, ...) as the data-store table names them, so that
// decide() can also say whether IAM lets a principal use a store.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tfkms::policy {

struct ActionInfo {
  std::string_view name;  ///< "Decrypt" (without the "kms:" prefix)
  std::string_view lower; ///< "kms:decrypt"
  std::string_view
      access_level; ///< SAR access level: Read, Write, List, Permissions management, Tagging
  bool key_resource =
      false; ///< authorized against the key, so the key policy decides; false = IAM only
  bool caller_account_key = false; ///< the request carries kms:CallerAccount [SAR-KMS]
  bool cross_account = false;      ///< effective for a principal of another account [KMS-XACCT]
  bool grant_operation = false;    ///< valid in CreateGrant Operations [BOTO-KMS]
  bool cryptographic = false;      ///< cryptographic operation [KMS-CONCEPTS]
};

/// Index into the catalogue; stable within one build (the table is sorted by name).
using ActionIndex = std::uint8_t;
inline constexpr std::size_t k_max_actions =
    64; ///< catalogue size bound: action sets are 64-bit masks

/// Every known KMS action, sorted by name.
[[nodiscard]] std::span<const ActionInfo> kms_actions();

/// Looks an action up case-insensitively: "kms:Decrypt", "KMS:decrypt". Nothing for unknown ones.
[[nodiscard]] std::optional<ActionIndex> find_action(std::string_view action);

/// Bit set of the catalogue actions an IAM action pattern (`kms:Create*`, `*`, `kms:?ecrypt`)
/// matches, case-insensitively [IAM-ACTION].
[[nodiscard]] std::uint64_t match_actions(std::string_view pattern);

/// Bit set of the catalogue actions `actions` name exactly ("kms:CreateGrant", any case); a name
/// that is not a KMS action adds nothing.
[[nodiscard]] std::uint64_t action_mask(std::span<const std::string_view> actions);

/// Indices from here on name store actions: store_actions()[index - k_store_action_base].
inline constexpr ActionIndex k_store_action_base = 64;

/// The reader's and writer's requests of every service in model::data_store_types(), sorted by
/// name. `name` is the whole action ("s3:GetObject"); none has a key resource, so IAM alone
/// decides them.
[[nodiscard]] std::span<const ActionInfo> store_actions();

/// Looks a store action up case-insensitively; its index is k_store_action_base + its position.
[[nodiscard]] std::optional<ActionIndex> find_store_action(std::string_view action);

/// Bit set over store_actions() that an IAM action pattern (`s3:Get*`, `*`) matches.
[[nodiscard]] std::uint64_t match_store_actions(std::string_view pattern);

/// The entry of a KMS or store action index.
[[nodiscard]] const ActionInfo& action_info(ActionIndex index);

} // namespace tfkms::policy
