#pragma once
// What tfkms knows about each service whose data a KMS key encrypts, in one table: how inputs
// name its resources, its AWS managed key, how it calls KMS, and what its users need. The
// loaders, ARN derivation, the rules and `tfkms access` read it; only reading a resource's
// encryption settings is written per service (terraform_graph_stores.cpp,
// cloudformation_data_stores.cpp).
#include <span>
#include <string>
#include <string_view>

namespace tfkms::model {

enum class DataStoreKind {
  s3_bucket,
  sqs_queue,
  sns_topic,
  secret,
  ssm_parameter,
  ebs_volume,
  rds_instance,
  rds_cluster,
  dynamodb_table,
  efs_file_system,
  log_group,
  kinesis_stream,
  lambda_function,
  ecr_repository,
  backup_vault,
  other,
};

/// A request a store's user sends to the service, and the KMS actions the service then calls with
/// the user's credentials (so the key policy must allow them to the user, through kms:ViaService).
struct ServiceUse {
  std::string_view action{};          ///< "s3:GetObject"; empty: the service has no such request
  std::string_view resource_suffix{}; ///< appended to the store's ARN for the resource acted on
  std::string_view kms_action{};      ///< "kms:Decrypt"
  std::string_view also_kms_action{}; ///< a second KMS action the same request needs, or empty
};

/// A resource of its own that sets a store's resource policy.
struct PolicyResourceType {
  std::string_view type{};     ///< aws_s3_bucket_policy, AWS::S3::BucketPolicy; empty: none
  std::string_view target{};   ///< the attribute or property naming the store
  std::string_view document{}; ///< the attribute or property holding the policy
};

struct DataStoreType {
  DataStoreKind kind = DataStoreKind::other;
  std::string_view label{};       ///< "s3 bucket", as reports name the kind
  std::string_view managed_key{}; ///< the AWS managed key is alias/aws/<managed_key>
  std::string_view via_service{}; ///< kms:ViaService is <via_service>.<region>.amazonaws.com
  std::string_view terraform_type{};
  std::string_view terraform_name{}; ///< attribute naming the store; empty: the address stands in
  std::string_view cloudformation_type{};
  std::string_view cloudformation_alias_type{}; ///< a second type of the same store (SAM), or empty
  std::string_view cloudformation_name{}; ///< property naming it; empty: the logical id stands in
  PolicyResourceType terraform_policy{};
  PolicyResourceType cloudformation_policy{};
  std::string_view policy_label{}; ///< "bucket policy"
  /// After "arn:<partition>:": {region}, {account} and {name} are replaced (data_store_arn).
  std::string_view arn{};
  ServiceUse reader{};
  ServiceUse writer{};
  /// Another account's principals can send the reader's and writer's requests to the store (a
  /// resource policy or sharing lets them), so an AWS managed key breaks their use.
  bool other_accounts_use = false;
  /// AWS services named in its resource policy deliver to it (S3 events, EventBridge): they are
  /// writers the key policy must name.
  bool services_write = false;
  /// Its resource policy's statements name the store in Resource; false where the service implies
  /// it and takes none (ECR repository policies).
  bool policy_names_resource = true;
};

/// Every data store service tfkms reads, in a stable order.
[[nodiscard]] std::span<const DataStoreType> data_store_types();

/// The entry of `kind`; `other` has a generic entry with empty types.
[[nodiscard]] const DataStoreType& data_store_type(DataStoreKind kind);

/// The entry whose Terraform store type is `type`, or null.
[[nodiscard]] const DataStoreType* terraform_store_type(std::string_view type);
/// The entry whose Terraform policy resource type is `type`, or null.
[[nodiscard]] const DataStoreType* terraform_policy_type(std::string_view type);
/// The entry whose CloudFormation store type (or its SAM alias) is `type`, or null.
[[nodiscard]] const DataStoreType* cloudformation_store_type(std::string_view type);
/// The entry whose CloudFormation policy resource type is `type`, or null.
[[nodiscard]] const DataStoreType* cloudformation_policy_type(std::string_view type);

/// The ARN of the store named `name`, with symbol markers for partition, region and account.
[[nodiscard]] std::string data_store_arn(const DataStoreType& type, std::string_view name);

/// The kms:ViaService host prefix of the AWS managed key alias/aws/`managed_key` ("ec2" for "ebs");
/// `managed_key` itself for a service the table does not list.
[[nodiscard]] std::string_view via_service_of_managed_key(std::string_view managed_key);

} // namespace tfkms::model
