#include "model/aws_managed.hpp"

#include "model/data_store_types.hpp"
#include "model/value.hpp"

#include <array>
#include <string>
#include <utility>

namespace tfkms::model {

nlohmann::json aws_managed_key_policy(std::string_view service) {
  const std::string account = symbol("account");
  nlohmann::json via_service_actions = {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                                        "kms:GenerateDataKey*", "kms:DescribeKey"};
  nlohmann::json metadata_actions = {"kms:Describe*", "kms:Get*", "kms:List*"};
  // Every observed managed key but aws/s3 also lets the service create grants for its resources,
  // and the account revoke them (FogSecurity/aws-managed-kms-keys, kms-reference §4.1).
  if (service != "s3") {
    via_service_actions.push_back("kms:CreateGrant");
    via_service_actions.push_back("kms:ListGrants");
    metadata_actions.push_back("kms:RevokeGrant");
  }
  const std::string name(service);
  // aws/ebs is used through EC2: its condition names ec2.<region>.amazonaws.com (kms-reference
  // §2.1).
  const std::string via(via_service_of_managed_key(service));
  return nlohmann::json{
      {"Version", "2012-10-17"},
      {"Id", "auto-" + name},
      {"Statement",
       nlohmann::json::array(
           {{{"Sid", "Allow access through " + name +
                         " for all principals in the account that are authorized to use " + name},
             {"Effect", "Allow"},
             {"Principal", {{"AWS", "*"}}},
             {"Action", via_service_actions},
             {"Resource", "*"},
             {"Condition",
              {{"StringEquals",
                {{"kms:CallerAccount", account},
                 {"kms:ViaService", via + "." + symbol("region") + ".amazonaws.com"}}}}}},
            {{"Sid", "Allow direct access to key metadata to the account"},
             {"Effect", "Allow"},
             {"Principal", {{"AWS", "arn:" + symbol("partition") + ":iam::" + account + ":root"}}},
             {"Action", metadata_actions},
             {"Resource", "*"}}})}};
}

namespace {

// The statements that matter for KMS, from the policies' published versions (IAM docs, AWS managed
// policy reference). Statements about other services are left out: they cannot change a KMS
// decision.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> k_managed_policies{{
    {"AdministratorAccess",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"},
    {"PowerUserAccess",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"}]})"},
    {"AWSKeyManagementServicePowerUser",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:CreateAlias","kms:CreateKey","kms:DeleteAlias","kms:Describe*","kms:GenerateRandom","kms:Get*","kms:List*","kms:TagResource","kms:UntagResource","iam:ListGroups","iam:ListRoles","iam:ListUsers"],"Resource":"*"}]})"},
    {"ReadOnlyAccess",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Describe*","kms:Get*","kms:List*"],"Resource":"*"}]})"},
    {"SecurityAudit",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Describe*","kms:Get*","kms:List*"],"Resource":"*"}]})"},
    {"ViewOnlyAccess",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:ListAliases","kms:ListKeys","kms:DescribeKey"],"Resource":"*"}]})"},
    {"SystemAdministrator",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:ListAliases","kms:ListKeys"],"Resource":"*"}]})"},
}};

} // namespace

std::optional<nlohmann::json> aws_managed_policy_document(std::string_view name) {
  for (const auto& [policy_name, text] : k_managed_policies) {
    if (policy_name == name)
      return nlohmann::json::parse(text);
  }
  return std::nullopt;
}

} // namespace tfkms::model
