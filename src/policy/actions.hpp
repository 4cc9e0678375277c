#pragma once
// The catalogue of KMS actions (kms-reference §1.1), generated from data/iam-data by
// tools/gen_kms_actions.py into kms_actions_table.cpp, plus the KMS facts iam-data does not carry
// (cross-account use, grant operations).
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

} // namespace tfkms::policy
