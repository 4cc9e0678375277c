#pragma once
// Facts about AWS-owned documents that IaC refers to but does not contain: the fixed key policy of
// AWS managed keys (alias/aws/<service>) and the AWS managed IAM policies that grant KMS access.
#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

namespace tfkms::model {

/// The key policy AWS gives the managed key of `service`, with symbol markers for the account and
/// region. Shape observed on 39 AWS managed keys (kms-reference §4.1): crypto use only through the
/// service by callers of the owning account; metadata to the account.
[[nodiscard]] nlohmann::json aws_managed_key_policy(std::string_view service);

/// The document of AWS managed policy `name` (AdministratorAccess, ...), or nothing when tfkms's
/// table does not list it. The table lists the policies that grant KMS actions; an AWS managed
/// policy outside it is taken to grant none (documented in README "What tfkms assumes").
[[nodiscard]] std::optional<nlohmann::json> aws_managed_policy_document(std::string_view name);

} // namespace tfkms::model
