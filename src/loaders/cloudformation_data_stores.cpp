// Resources whose data a KMS key protects, their key references and resource policies
// (kms-reference §4.2: which AWS managed key applies when encryption is on but no key is named).
#include "loaders/cloudformation_resources.hpp"
#include "model/value.hpp"

namespace tfkms::loaders::cfn {

using nlohmann::json;

namespace {

struct StoreType {
  std::string_view type;
  model::DataStoreKind kind;
  std::string_view service;       ///< owner of the AWS managed key (alias/aws/<service>)
  std::string_view name_property; ///< property naming the resource; the logical id stands in when absent
};

constexpr StoreType k_store_types[] = {
    {"AWS::S3::Bucket", model::DataStoreKind::s3_bucket, "s3", "BucketName"},
    {"AWS::SQS::Queue", model::DataStoreKind::sqs_queue, "sqs", "QueueName"},
    {"AWS::SNS::Topic", model::DataStoreKind::sns_topic, "sns", "TopicName"},
    {"AWS::SecretsManager::Secret", model::DataStoreKind::secret, "secretsmanager", "Name"},
    {"AWS::Logs::LogGroup", model::DataStoreKind::log_group, "logs", "LogGroupName"},
    {"AWS::Lambda::Function", model::DataStoreKind::lambda_function, "lambda", "FunctionName"},
    {"AWS::Serverless::Function", model::DataStoreKind::lambda_function, "lambda", "FunctionName"},
    {"AWS::RDS::DBInstance", model::DataStoreKind::rds_instance, "rds", "DBInstanceIdentifier"},
    {"AWS::RDS::DBCluster", model::DataStoreKind::rds_cluster, "rds", "DBClusterIdentifier"},
    {"AWS::EC2::Volume", model::DataStoreKind::ebs_volume, "ebs", ""},
    {"AWS::DynamoDB::Table", model::DataStoreKind::dynamodb_table, "dynamodb", "TableName"},
};

const StoreType* store_type(std::string_view type) {
  for (const StoreType& candidate : k_store_types) {
    if (candidate.type == type) return &candidate;
  }
  return nullptr;
}

// The resource policy types: where the target and the document are.
struct PolicyType {
  std::string_view type;
  model::DataStoreKind target;
  std::string_view service;
  std::string_view target_property;
  std::string_view document_property;
};

constexpr PolicyType k_policy_types[] = {
    {"AWS::S3::BucketPolicy", model::DataStoreKind::s3_bucket, "s3", "Bucket", "PolicyDocument"},
    {"AWS::SQS::QueuePolicy", model::DataStoreKind::sqs_queue, "sqs", "Queues", "PolicyDocument"},
    {"AWS::SNS::TopicPolicy", model::DataStoreKind::sns_topic, "sns", "Topics", "PolicyDocument"},
    {"AWS::SecretsManager::ResourcePolicy", model::DataStoreKind::secret, "secretsmanager", "SecretId", "ResourcePolicy"},
};

std::optional<std::string> member_text(const json& object, std::string_view key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

} // namespace

void ResourceMapper::add_data_store(Resource& resource) {
  const StoreType* type = store_type(resource.type);
  const std::string logical_ref = "cfn:" + resource.logical_id;
  if (!type) {
    m_graph.define(logical_ref + ".Arn", generic_arn(resource));
    return;
  }
  model::DataStore store;
  store.source = resource.source;
  store.kind = type->kind;
  store.service = std::string(type->service);
  store.name = type->name_property.empty() ? resource.logical_id
                                           : text(resource, type->name_property).value_or(resource.logical_id);
  std::string ref_value = store.name; // what Ref returns, by type [CFN-UG "Return values"]
  std::optional<std::string> key;      // the key as written
  bool service_default = false;
  const auto default_key = [&] {
    key = "alias/aws/" + store.service;
    service_default = true;
  };
  switch (type->kind) {
  case model::DataStoreKind::s3_bucket: {
    store.arn = "arn:" + model::symbol("partition") + ":s3:::" + store.name;
    const auto encryption = property(resource, "BucketEncryption");
    const json* rules = encryption && encryption->is_object() && encryption->contains("ServerSideEncryptionConfiguration")
                            ? &(*encryption)["ServerSideEncryptionConfiguration"]
                            : nullptr;
    for (const json& rule : rules && rules->is_array() ? *rules : json::array()) {
      const json defaults = rule.is_object() ? rule.value("ServerSideEncryptionByDefault", json::object()) : json::object();
      // aws:kms and aws:kms:dsse without a key use aws/s3 of the uploading account [S3-SSEKMS].
      if (!member_text(defaults, "SSEAlgorithm").value_or("").starts_with("aws:kms")) continue;
      key = member_text(defaults, "KMSMasterKeyID");
      if (!key || key->empty()) default_key();
    }
    break;
  }
  case model::DataStoreKind::sqs_queue:
    store.arn = arn("sqs", true, store.name);
    ref_value = "https://sqs." + model::symbol("region") + "." + model::symbol("url_suffix") + "/" +
                model::symbol("account") + "/" + store.name;
    m_graph.define(logical_ref + ".QueueName", store.name);
    m_graph.define(logical_ref + ".QueueUrl", ref_value);
    key = text(resource, "KmsMasterKeyId"); // absent: no SSE-KMS (SSE-SQS uses SQS-owned keys)
    break;
  case model::DataStoreKind::sns_topic:
    store.arn = arn("sns", true, store.name);
    ref_value = store.arn;
    m_graph.define(logical_ref + ".TopicName", store.name);
    m_graph.define(logical_ref + ".TopicArn", store.arn);
    key = text(resource, "KmsMasterKeyId");
    break;
  case model::DataStoreKind::secret:
    store.arn = arn("secretsmanager", true, "secret:" + store.name);
    ref_value = store.arn;
    key = text(resource, "KmsKeyId");
    if (!key) default_key(); // Secrets Manager always encrypts, with aws/secretsmanager by default
    break;
  case model::DataStoreKind::log_group:
    store.arn = arn("logs", true, "log-group:" + store.name + ":*");
    key = text(resource, "KmsKeyId"); // absent: CloudWatch Logs' own keys, not KMS
    break;
  case model::DataStoreKind::lambda_function:
    store.arn = arn("lambda", true, "function:" + store.name);
    key = text(resource, "KmsKeyArn");
    if (!key && property(resource, "Environment")) default_key(); // environment variables: aws/lambda
    break;
  case model::DataStoreKind::rds_instance:
  case model::DataStoreKind::rds_cluster:
    store.arn = arn("rds", true, (type->kind == model::DataStoreKind::rds_cluster ? "cluster:" : "db:") + store.name);
    key = text(resource, "KmsKeyId");
    if (!key && flag(resource, "StorageEncrypted").value_or(false)) default_key();
    break;
  case model::DataStoreKind::ebs_volume:
    store.arn = arn("ec2", true, "volume/" + store.name);
    key = text(resource, "KmsKeyId");
    if (!key && flag(resource, "Encrypted").value_or(false)) default_key();
    break;
  case model::DataStoreKind::dynamodb_table: {
    store.arn = arn("dynamodb", true, "table/" + store.name);
    // SSEEnabled false (the default) means an AWS owned key, which is not a KMS key of the account.
    const auto sse = property(resource, "SSESpecification");
    if (sse && sse->is_object() && as_bool(sse->value("SSEEnabled", json(false))).value_or(false)) {
      key = member_text(*sse, "KMSMasterKeyId");
      if (!key) default_key();
    }
    break;
  }
  default:
    break;
  }
  m_graph.define(logical_ref, ref_value);
  m_graph.define(logical_ref + ".Arn", store.arn);
  if (key) m_pending_keys.push_back(PendingKey{m_graph.data_stores.size(), *key, service_default});
  m_graph.data_stores.push_back(std::move(store));
}

void ResourceMapper::add_resource_policy(Resource& resource) {
  const PolicyType* type = nullptr;
  for (const PolicyType& candidate : k_policy_types) {
    if (candidate.type == resource.type) type = &candidate;
  }
  if (!type) return;
  const model::PolicySource document = policy_property(resource, type->document_property);
  for (const std::string& target : texts(resource, type->target_property)) {
    const std::string wanted = resolved(target);
    bool found = false;
    for (model::DataStore& store : m_graph.data_stores) {
      if (store.kind != type->target) continue;
      const std::string ref_value = resolved(model::symbol("cfn:" + store.source.address));
      if (wanted != ref_value && wanted != resolved(store.name) && wanted != resolved(store.arn)) continue;
      store.resource_policy = document;
      store.resource_policy_address = resource.logical_id;
      found = true;
    }
    if (found) continue;
    // The target lives outside the template: keep the policy, with the target's key unknown.
    model::DataStore outside;
    outside.source = resource.source;
    outside.kind = type->target;
    outside.service = std::string(type->service);
    outside.name = model::display(target);
    outside.key.kind = model::KeyRef::Kind::unknown;
    outside.outside_input = true;
    outside.resource_policy = document;
    outside.resource_policy_address = resource.logical_id;
    m_graph.data_stores.push_back(std::move(outside));
  }
}

} // namespace tfkms::loaders::cfn
