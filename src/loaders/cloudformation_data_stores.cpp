// Resources whose data a KMS key protects, their key references and resource policies
// (kms-reference §4.2: which AWS managed key applies when encryption is on but no key is named).
#include "loaders/cloudformation_resources.hpp"
#include "model/value.hpp"

namespace tfkms::loaders::cfn {

using nlohmann::json;

namespace {

std::optional<std::string> member_text(const json& object, std::string_view key) {
  if (!object.is_object())
    return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string())
    return std::nullopt;
  return it->get<std::string>();
}

} // namespace

void ResourceMapper::add_data_store(Resource& resource) {
  const model::DataStoreType* type = model::cloudformation_store_type(resource.type);
  const std::string logical_ref = "cfn:" + resource.logical_id;
  if (!type) {
    m_graph.define(logical_ref + ".Arn", generic_arn(resource));
    return;
  }
  model::DataStore store;
  store.source = resource.source;
  store.kind = type->kind;
  store.name = type->cloudformation_name.empty()
                   ? resource.logical_id
                   : text(resource, type->cloudformation_name).value_or(resource.logical_id);
  store.arn = model::data_store_arn(*type, store.name);
  std::string ref_value = store.name; // what Ref returns, by type [CFN-UG "Return values"]
  const StoreKey key = read_store_settings(resource, *type, store, ref_value);
  m_graph.define(logical_ref, ref_value);
  m_graph.define(logical_ref + ".Arn", store.arn);
  if (key.text)
    m_pending_keys.push_back(
        PendingKey{m_graph.data_stores.size(), *key.text, key.service_default});
  m_graph.data_stores.push_back(std::move(store));
}

// The one part of a data store that differs by service: where its encryption settings are, when the
// service's AWS managed key applies, and what Ref and Fn::GetAtt return besides the name and ARN.
ResourceMapper::StoreKey ResourceMapper::read_store_settings(Resource& resource,
                                                             const model::DataStoreType& type,
                                                             model::DataStore& store,
                                                             std::string& ref_value) {
  const std::string logical_ref = "cfn:" + resource.logical_id;
  StoreKey key;
  const auto default_key = [&] {
    key.text = "alias/aws/" + std::string(type.managed_key);
    key.service_default = true;
  };
  switch (type.kind) {
  case model::DataStoreKind::s3_bucket: {
    const auto encryption = property(resource, "BucketEncryption");
    const json* rules = encryption && encryption->is_object() &&
                                encryption->contains("ServerSideEncryptionConfiguration")
                            ? &(*encryption)["ServerSideEncryptionConfiguration"]
                            : nullptr;
    for (const json& rule : rules && rules->is_array() ? *rules : json::array()) {
      const json defaults = rule.is_object()
                                ? rule.value("ServerSideEncryptionByDefault", json::object())
                                : json::object();
      // aws:kms and aws:kms:dsse without a key use aws/s3 of the uploading account [S3-SSEKMS].
      if (!member_text(defaults, "SSEAlgorithm").value_or("").starts_with("aws:kms"))
        continue;
      key.text = member_text(defaults, "KMSMasterKeyID");
      if (!key.text || key.text->empty())
        default_key();
    }
    break;
  }
  case model::DataStoreKind::sqs_queue:
    ref_value = "https://sqs." + model::symbol("region") + "." + model::symbol("url_suffix") + "/" +
                model::symbol("account") + "/" + store.name;
    m_graph.define(logical_ref + ".QueueName", store.name);
    m_graph.define(logical_ref + ".QueueUrl", ref_value);
    key.text = text(resource, "KmsMasterKeyId"); // absent: no SSE-KMS (SSE-SQS uses SQS-owned keys)
    break;
  case model::DataStoreKind::sns_topic:
    ref_value = store.arn;
    m_graph.define(logical_ref + ".TopicName", store.name);
    m_graph.define(logical_ref + ".TopicArn", store.arn);
    key.text = text(resource, "KmsMasterKeyId");
    break;
  case model::DataStoreKind::secret:
    ref_value = store.arn;
    key.text = text(resource, "KmsKeyId");
    if (!key.text)
      default_key(); // Secrets Manager always encrypts, with aws/secretsmanager by default
    break;
  case model::DataStoreKind::ssm_parameter:
    break; // CloudFormation creates String and StringList parameters only, which KMS does not
           // encrypt
  case model::DataStoreKind::log_group:
    store.arn += ":*";                     // Fn::GetAtt Arn of a log group ends in ":*"
    key.text = text(resource, "KmsKeyId"); // absent: CloudWatch Logs' own keys, not KMS
    break;
  case model::DataStoreKind::lambda_function:
    key.text = text(resource, "KmsKeyArn");
    if (!key.text && property(resource, "Environment"))
      default_key(); // environment variables: aws/lambda
    break;
  case model::DataStoreKind::rds_instance:
  case model::DataStoreKind::rds_cluster:
    key.text = text(resource, "KmsKeyId");
    if (!key.text && flag(resource, "StorageEncrypted").value_or(false))
      default_key();
    break;
  case model::DataStoreKind::ebs_volume:
  case model::DataStoreKind::efs_file_system:
    key.text = text(resource, "KmsKeyId");
    if (!key.text && flag(resource, "Encrypted").value_or(false))
      default_key();
    if (type.kind == model::DataStoreKind::efs_file_system) {
      store.resource_policy = policy_property(resource, "FileSystemPolicy");
    }
    break;
  case model::DataStoreKind::dynamodb_table: {
    // SSEEnabled false (the default) means an AWS owned key, which is not a KMS key of the account.
    const auto sse = property(resource, "SSESpecification");
    if (sse && sse->is_object() && as_bool(sse->value("SSEEnabled", json(false))).value_or(false)) {
      key.text = member_text(*sse, "KMSMasterKeyId");
      if (!key.text)
        default_key();
    }
    break;
  }
  case model::DataStoreKind::kinesis_stream: {
    // EncryptionType KMS requires KeyId, which may be "alias/aws/kinesis" [CFN-KINESIS].
    const auto encryption = property(resource, "StreamEncryption");
    if (encryption && member_text(*encryption, "EncryptionType").value_or("") == "KMS") {
      key.text = member_text(*encryption, "KeyId");
      if (!key.text)
        default_key();
    }
    break;
  }
  case model::DataStoreKind::ecr_repository: {
    // EncryptionType KMS without KmsKey: aws/ecr; AES256 (the default) is not KMS [CFN-ECR].
    const auto encryption = property(resource, "EncryptionConfiguration");
    if (encryption && member_text(*encryption, "EncryptionType").value_or("") == "KMS") {
      key.text = member_text(*encryption, "KmsKey");
      if (!key.text)
        default_key();
    }
    store.resource_policy = policy_property(resource, "RepositoryPolicyText");
    break;
  }
  case model::DataStoreKind::backup_vault:
    key.text = text(resource, "EncryptionKeyArn");
    if (!key.text)
      default_key(); // a vault always encrypts: aws/backup unless a key is named
    store.resource_policy = policy_property(resource, "AccessPolicy");
    break;
  case model::DataStoreKind::other:
    break;
  }
  return key;
}

void ResourceMapper::add_resource_policy(Resource& resource) {
  const model::DataStoreType* type = model::cloudformation_policy_type(resource.type);
  if (!type)
    return;
  const model::PolicySource document =
      policy_property(resource, type->cloudformation_policy.document);
  for (const std::string& target : texts(resource, type->cloudformation_policy.target)) {
    const std::string wanted = resolved(target);
    bool found = false;
    for (model::DataStore& store : m_graph.data_stores) {
      if (store.kind != type->kind)
        continue;
      const std::string ref_value = resolved(model::symbol("cfn:" + store.source.address));
      if (wanted != ref_value && wanted != resolved(store.name) && wanted != resolved(store.arn))
        continue;
      store.resource_policy = document;
      store.resource_policy_address = resource.logical_id;
      found = true;
    }
    if (found)
      continue;
    // The target lives outside the template: keep the policy, with the target's key unknown.
    model::DataStore outside;
    outside.source = resource.source;
    outside.kind = type->kind;
    outside.name = model::display(target);
    outside.key.kind = model::KeyRef::Kind::unknown;
    outside.outside_input = true;
    outside.resource_policy = document;
    outside.resource_policy_address = resource.logical_id;
    m_graph.data_stores.push_back(std::move(outside));
  }
}

} // namespace tfkms::loaders::cfn
