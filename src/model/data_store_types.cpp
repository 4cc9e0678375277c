// Sources per column: managed key aliases and the implicit defaults, kms-reference §4.2; how each
// service uses KMS and what its users need, the "How <service> uses AWS KMS" pages of the KMS
// Developer Guide and each service's encryption page; ARN shapes, the Service Authorization
// Reference; resource types, the Terraform AWS provider and CloudFormation resource references.
#include "model/data_store_types.hpp"

#include "model/value.hpp"

#include <array>

namespace tfkms::model {

namespace {

using K = DataStoreKind;

// Services that encrypt through grants the service itself creates (EBS, RDS, EFS, ECR, Backup) need
// KMS permissions from whoever creates the store, not from each reader: their `reader` is empty.
constexpr std::array<DataStoreType, 15> k_types{{
    {
        .kind = K::s3_bucket,
        .label = "s3 bucket",
        .managed_key = "s3",
        .via_service = "s3",
        .terraform_type = "aws_s3_bucket",
        .terraform_name = "bucket",
        .cloudformation_type = "AWS::S3::Bucket",
        .cloudformation_name = "BucketName",
        .terraform_policy = {.type = "aws_s3_bucket_policy",
                             .target = "bucket",
                             .document = "policy"},
        .cloudformation_policy = {.type = "AWS::S3::BucketPolicy",
                                  .target = "Bucket",
                                  .document = "PolicyDocument"},
        .policy_label = "bucket policy",
        .arn = "s3:::{name}",
        .reader = {.action = "s3:GetObject",
                   .resource_suffix = "/tfkms-example-object",
                   .kms_action = "kms:Decrypt"},
        .writer = {.action = "s3:PutObject",
                   .resource_suffix = "/tfkms-example-object",
                   .kms_action = "kms:GenerateDataKey"},
        .other_accounts_use = true,
    },
    {
        .kind = K::sqs_queue,
        .label = "sqs queue",
        .managed_key = "sqs",
        .via_service = "sqs",
        .terraform_type = "aws_sqs_queue",
        .terraform_name = "name",
        .cloudformation_type = "AWS::SQS::Queue",
        .cloudformation_name = "QueueName",
        .terraform_policy = {.type = "aws_sqs_queue_policy",
                             .target = "queue_url",
                             .document = "policy"},
        .cloudformation_policy = {.type = "AWS::SQS::QueuePolicy",
                                  .target = "Queues",
                                  .document = "PolicyDocument"},
        .policy_label = "queue policy",
        .arn = "sqs:{region}:{account}:{name}",
        .reader = {.action = "sqs:ReceiveMessage", .kms_action = "kms:Decrypt"},
        .writer = {.action = "sqs:SendMessage",
                   .kms_action = "kms:GenerateDataKey",
                   .also_kms_action = "kms:Decrypt"},
        .other_accounts_use = true,
        .services_write = true,
    },
    // Subscribers receive what SNS delivers: no request of theirs decrypts.
    {
        .kind = K::sns_topic,
        .label = "sns topic",
        .managed_key = "sns",
        .via_service = "sns",
        .terraform_type = "aws_sns_topic",
        .terraform_name = "name",
        .cloudformation_type = "AWS::SNS::Topic",
        .cloudformation_name = "TopicName",
        .terraform_policy = {.type = "aws_sns_topic_policy", .target = "arn", .document = "policy"},
        .cloudformation_policy = {.type = "AWS::SNS::TopicPolicy",
                                  .target = "Topics",
                                  .document = "PolicyDocument"},
        .policy_label = "topic policy",
        .arn = "sns:{region}:{account}:{name}",
        .writer = {.action = "sns:Publish",
                   .kms_action = "kms:GenerateDataKey",
                   .also_kms_action = "kms:Decrypt"},
        .other_accounts_use = true,
        .services_write = true,
    },
    {
        .kind = K::secret,
        .label = "secret",
        .managed_key = "secretsmanager",
        .via_service = "secretsmanager",
        .terraform_type = "aws_secretsmanager_secret",
        .terraform_name = "name",
        .cloudformation_type = "AWS::SecretsManager::Secret",
        .cloudformation_name = "Name",
        .terraform_policy = {.type = "aws_secretsmanager_secret_policy",
                             .target = "secret_arn",
                             .document = "policy"},
        .cloudformation_policy = {.type = "AWS::SecretsManager::ResourcePolicy",
                                  .target = "SecretId",
                                  .document = "ResourcePolicy"},
        .policy_label = "secret policy",
        .arn = "secretsmanager:{region}:{account}:secret:{name}",
        .reader = {.action = "secretsmanager:GetSecretValue", .kms_action = "kms:Decrypt"},
        .writer = {.action = "secretsmanager:PutSecretValue", .kms_action = "kms:GenerateDataKey"},
        .other_accounts_use = true,
    },
    // SecureString parameters are encrypted by SSM calling Encrypt/Decrypt directly (no data key).
    // CloudFormation cannot create SecureString parameters, so its parameters never use KMS.
    {
        .kind = K::ssm_parameter,
        .label = "ssm parameter",
        .managed_key = "ssm",
        .via_service = "ssm",
        .terraform_type = "aws_ssm_parameter",
        .terraform_name = "name",
        .cloudformation_type = "AWS::SSM::Parameter",
        .cloudformation_name = "Name",
        .policy_label = "resource policy",
        .arn = "ssm:{region}:{account}:parameter/{name}",
        .reader = {.action = "ssm:GetParameter", .kms_action = "kms:Decrypt"},
        .writer = {.action = "ssm:PutParameter", .kms_action = "kms:Encrypt"},
        .other_accounts_use = true,
    },
    // EBS is reached through EC2: kms:ViaService is ec2.<region>.amazonaws.com for alias/aws/ebs.
    {
        .kind = K::ebs_volume,
        .label = "ebs volume",
        .managed_key = "ebs",
        .via_service = "ec2",
        .terraform_type = "aws_ebs_volume",
        .cloudformation_type = "AWS::EC2::Volume",
        .policy_label = "resource policy",
        .arn = "ec2:{region}:{account}:volume/{name}",
        .writer = {.action = "ec2:CreateVolume",
                   .kms_action = "kms:GenerateDataKeyWithoutPlaintext",
                   .also_kms_action = "kms:CreateGrant"},
    },
    {
        .kind = K::rds_instance,
        .label = "rds instance",
        .managed_key = "rds",
        .via_service = "rds",
        .terraform_type = "aws_db_instance",
        .terraform_name = "identifier",
        .cloudformation_type = "AWS::RDS::DBInstance",
        .cloudformation_name = "DBInstanceIdentifier",
        .policy_label = "resource policy",
        .arn = "rds:{region}:{account}:db:{name}",
        .writer = {.action = "rds:CreateDBInstance",
                   .kms_action = "kms:CreateGrant",
                   .also_kms_action = "kms:DescribeKey"},
    },
    {
        .kind = K::rds_cluster,
        .label = "rds cluster",
        .managed_key = "rds",
        .via_service = "rds",
        .terraform_type = "aws_rds_cluster",
        .terraform_name = "cluster_identifier",
        .cloudformation_type = "AWS::RDS::DBCluster",
        .cloudformation_name = "DBClusterIdentifier",
        .policy_label = "resource policy",
        .arn = "rds:{region}:{account}:cluster:{name}",
        .writer = {.action = "rds:CreateDBCluster",
                   .kms_action = "kms:CreateGrant",
                   .also_kms_action = "kms:DescribeKey"},
    },
    // DynamoDB decrypts the table key with the caller's permissions on reads and writes alike.
    {
        .kind = K::dynamodb_table,
        .label = "dynamodb table",
        .managed_key = "dynamodb",
        .via_service = "dynamodb",
        .terraform_type = "aws_dynamodb_table",
        .terraform_name = "name",
        .cloudformation_type = "AWS::DynamoDB::Table",
        .cloudformation_name = "TableName",
        .policy_label = "resource policy",
        .arn = "dynamodb:{region}:{account}:table/{name}",
        .reader = {.action = "dynamodb:GetItem", .kms_action = "kms:Decrypt"},
        .writer = {.action = "dynamodb:PutItem", .kms_action = "kms:Decrypt"},
    },
    {
        .kind = K::efs_file_system,
        .label = "efs file system",
        .managed_key = "elasticfilesystem",
        .via_service = "elasticfilesystem",
        .terraform_type = "aws_efs_file_system",
        .cloudformation_type = "AWS::EFS::FileSystem",
        .terraform_policy = {.type = "aws_efs_file_system_policy",
                             .target = "file_system_id",
                             .document = "policy"},
        .policy_label = "file system policy",
        .arn = "elasticfilesystem:{region}:{account}:file-system/{name}",
        .writer = {.action = "elasticfilesystem:CreateFileSystem",
                   .kms_action = "kms:CreateGrant",
                   .also_kms_action = "kms:DescribeKey"},
    },
    // CloudWatch Logs has no AWS managed key: without kms_key_id it uses keys it owns, and with one
    // its service principal (not the caller) calls KMS, so no request of a user needs the key.
    {
        .kind = K::log_group,
        .label = "log group",
        .via_service = "logs",
        .terraform_type = "aws_cloudwatch_log_group",
        .terraform_name = "name",
        .cloudformation_type = "AWS::Logs::LogGroup",
        .cloudformation_name = "LogGroupName",
        .policy_label = "resource policy",
        .arn = "logs:{region}:{account}:log-group:{name}",
    },
    {
        .kind = K::kinesis_stream,
        .label = "kinesis stream",
        .managed_key = "kinesis",
        .via_service = "kinesis",
        .terraform_type = "aws_kinesis_stream",
        .terraform_name = "name",
        .cloudformation_type = "AWS::Kinesis::Stream",
        .cloudformation_name = "Name",
        .terraform_policy = {.type = "aws_kinesis_resource_policy",
                             .target = "resource_arn",
                             .document = "policy"},
        .cloudformation_policy = {.type = "AWS::Kinesis::ResourcePolicy",
                                  .target = "ResourceArn",
                                  .document = "ResourcePolicy"},
        .policy_label = "stream policy",
        .arn = "kinesis:{region}:{account}:stream/{name}",
        .reader = {.action = "kinesis:GetRecords", .kms_action = "kms:Decrypt"},
        .writer = {.action = "kinesis:PutRecord", .kms_action = "kms:GenerateDataKey"},
        .other_accounts_use = true,
    },
    // Environment variables: Lambda encrypts them with the caller's permissions on update and
    // decrypts them for a caller who reads the configuration.
    {
        .kind = K::lambda_function,
        .label = "lambda function",
        .managed_key = "lambda",
        .via_service = "lambda",
        .terraform_type = "aws_lambda_function",
        .terraform_name = "function_name",
        .cloudformation_type = "AWS::Lambda::Function",
        .cloudformation_alias_type = "AWS::Serverless::Function",
        .cloudformation_name = "FunctionName",
        .policy_label = "resource policy",
        .arn = "lambda:{region}:{account}:function:{name}",
        .reader = {.action = "lambda:GetFunctionConfiguration", .kms_action = "kms:Decrypt"},
        .writer = {.action = "lambda:UpdateFunctionConfiguration",
                   .kms_action = "kms:Encrypt",
                   .also_kms_action = "kms:CreateGrant"},
    },
    {
        .kind = K::ecr_repository,
        .label = "ecr repository",
        .managed_key = "ecr",
        .via_service = "ecr",
        .terraform_type = "aws_ecr_repository",
        .terraform_name = "name",
        .cloudformation_type = "AWS::ECR::Repository",
        .cloudformation_name = "RepositoryName",
        .terraform_policy = {.type = "aws_ecr_repository_policy",
                             .target = "repository",
                             .document = "policy"},
        .policy_label = "repository policy",
        .arn = "ecr:{region}:{account}:repository/{name}",
        .writer = {.action = "ecr:CreateRepository",
                   .kms_action = "kms:CreateGrant",
                   .also_kms_action = "kms:DescribeKey"},
        .policy_names_resource = false,
    },
    {
        .kind = K::backup_vault,
        .label = "backup vault",
        .managed_key = "backup",
        .via_service = "backup",
        .terraform_type = "aws_backup_vault",
        .terraform_name = "name",
        .cloudformation_type = "AWS::Backup::BackupVault",
        .cloudformation_name = "BackupVaultName",
        .terraform_policy = {.type = "aws_backup_vault_policy",
                             .target = "backup_vault_name",
                             .document = "policy"},
        .policy_label = "vault access policy",
        .arn = "backup:{region}:{account}:backup-vault:{name}",
        .writer = {.action = "backup:CreateBackupVault",
                   .kms_action = "kms:CreateGrant",
                   .also_kms_action = "kms:DescribeKey"},
    },
}};

constexpr DataStoreType k_other{
    .kind = K::other, .label = "data store", .policy_label = "resource policy"};

template <typename Matches> const DataStoreType* find_type(Matches matches) {
  for (const DataStoreType& type : k_types) {
    if (matches(type))
      return &type;
  }
  return nullptr;
}

void replace_all(std::string& text, std::string_view token, std::string_view value) {
  for (std::size_t at = text.find(token); at != std::string::npos; at = text.find(token, at)) {
    text.replace(at, token.size(), value);
    at += value.size();
  }
}

} // namespace

std::span<const DataStoreType> data_store_types() { return k_types; }

const DataStoreType& data_store_type(DataStoreKind kind) {
  const DataStoreType* found =
      find_type([&](const DataStoreType& type) { return type.kind == kind; });
  return found ? *found : k_other;
}

const DataStoreType* terraform_store_type(std::string_view type) {
  return find_type([&](const DataStoreType& entry) { return entry.terraform_type == type; });
}

const DataStoreType* terraform_policy_type(std::string_view type) {
  return find_type([&](const DataStoreType& entry) {
    return !type.empty() && entry.terraform_policy.type == type;
  });
}

const DataStoreType* cloudformation_store_type(std::string_view type) {
  return find_type([&](const DataStoreType& entry) {
    return !type.empty() &&
           (entry.cloudformation_type == type || entry.cloudformation_alias_type == type);
  });
}

const DataStoreType* cloudformation_policy_type(std::string_view type) {
  return find_type([&](const DataStoreType& entry) {
    return !type.empty() && entry.cloudformation_policy.type == type;
  });
}

std::string data_store_arn(const DataStoreType& type, std::string_view name) {
  if (type.arn.empty())
    return {};
  std::string arn = "arn:" + symbol("partition") + ":" + std::string(type.arn);
  // SSM parameter names may start with "/", which the ARN does not repeat after "parameter/".
  std::string_view shown = name;
  if (shown.starts_with('/') && type.arn.find("/{name}") != std::string_view::npos) {
    shown.remove_prefix(1);
  }
  replace_all(arn, "{region}", symbol("region"));
  replace_all(arn, "{account}", symbol("account"));
  replace_all(arn, "{name}", shown);
  return arn;
}

std::string_view via_service_of_managed_key(std::string_view managed_key) {
  const DataStoreType* found = find_type([&](const DataStoreType& type) {
    return !managed_key.empty() && type.managed_key == managed_key;
  });
  return found ? found->via_service : managed_key;
}

} // namespace tfkms::model
