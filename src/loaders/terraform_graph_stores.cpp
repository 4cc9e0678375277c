// Data stores and the keys that encrypt them. A store that asks for KMS encryption without naming a
// key uses its service's AWS managed key (kms-reference §4.2, table of implicit defaults).
#include "loaders/terraform_builder.hpp"
#include "model/value.hpp"

namespace tfkms::loaders::terraform {

namespace {

bool is_kms_algorithm(const std::optional<std::string>& algorithm) {
  return algorithm && (*algorithm == "aws:kms" || *algorithm == "aws:kms:dsse");
}

} // namespace

void Builder::add_data_stores() {
  const auto store_type = [](const Resource& resource) {
    return resource.data ? nullptr : model::terraform_store_type(resource.type);
  };
  make_room(m_graph.data_stores,
            [&](const Resource& resource) { return store_type(resource) != nullptr; });
  for (const Resource& resource : m_context.document().resources) {
    const model::DataStoreType* type = store_type(resource);
    if (type == nullptr)
      continue;
    // Made where the graph keeps it, as keys are (add_keys): nothing below adds stores.
    model::DataStore& store = m_graph.data_stores.emplace_back();
    store.source = m_context.where(resource);
    store.kind = type->kind;
    store.name =
        type->terraform_name.empty() ? resource.address : name_of(resource, type->terraform_name);
    store.arn = arn_of(resource);
    read_store_settings(resource, *type, store);
    const std::size_t index = m_graph.data_stores.size() - 1;
    index_store(index);
    // Known, or as a reference to it resolves when it is known only after apply: a queue policy
    // names its queue by the queue's id (its URL); Terraform 0.12 plans record references without
    // the attribute.
    m_stores_by_ref.emplace(resolved(model::symbol(resource.address)), index);
    for (const char* attribute : {"id", "url", "arn"}) {
      const std::string alias =
          text(resource, attribute).value_or(model::symbol(resource.address + "." + attribute));
      m_stores_by_ref.emplace(resolved(alias), index);
    }
  }
}

// The one part of a data store that differs by service: where its encryption settings and its
// inline resource policy are, and when the service's AWS managed key applies.
void Builder::read_store_settings(const Resource& resource, const model::DataStoreType& type,
                                  model::DataStore& store) {
  const Field root = field(resource);
  const std::string_view managed = type.managed_key;
  const auto unset_key = [&](const Field& value) {
    return key_text(resource, value, KeyDefault::stays_unset);
  };
  switch (type.kind) {
  case model::DataStoreKind::s3_bucket: {
    // Provider < 4.0: the encryption block sits inside aws_s3_bucket. From 4.0 the provider
    // computes the whole block from the bucket when the configuration leaves it out: a key set by
    // aws_s3_bucket_server_side_encryption_configuration is read from that resource, and with none
    // the bucket keeps its default, SSE-S3, which is not KMS (every new bucket since January 2023).
    const Field block = root["server_side_encryption_configuration"];
    const Field by_default = block[0]["rule"][0]["apply_server_side_encryption_by_default"][0];
    store.key = block.computed_default()
                    ? model::KeyRef{}
                    : encryption_key(unset_key(by_default["kms_master_key_id"]), managed,
                                     is_kms_algorithm(text(resource, by_default["sse_algorithm"])));
    break;
  }
  case model::DataStoreKind::sqs_queue:
  case model::DataStoreKind::sns_topic:
    // sqs_managed_sse_enabled uses SQS-owned keys, not KMS [SQS-API].
    store.key = encryption_key(unset_key(root["kms_master_key_id"]), managed, false);
    break;
  case model::DataStoreKind::secret:
    // No kms_key_id: aws/secretsmanager [TF-SM].
    store.key = encryption_key(unset_key(root["kms_key_id"]), managed, true);
    break;
  case model::DataStoreKind::ssm_parameter:
    store.key = encryption_key(text(resource, "key_id"), managed,
                               text(resource, "type").value_or("") == "SecureString");
    break;
  case model::DataStoreKind::ebs_volume:
  case model::DataStoreKind::efs_file_system:
    // Encrypted without kms_key_id: aws/ebs or aws/elasticfilesystem, which the provider fills in.
    store.key = encryption_key(text(resource, "kms_key_id"), managed,
                               flag(root["encrypted"]).value_or(false));
    break;
  case model::DataStoreKind::rds_instance:
  case model::DataStoreKind::rds_cluster:
    store.key = encryption_key(text(resource, "kms_key_id"), managed,
                               flag(root["storage_encrypted"]).value_or(false));
    break;
  case model::DataStoreKind::dynamodb_table: {
    // enabled = false (or no block) means an AWS owned key, outside KMS [KMS-DDB].
    const Field sse = root["server_side_encryption"][0];
    store.key = encryption_key(text(resource, sse["kms_key_arn"]), managed,
                               flag(sse["enabled"]).value_or(false));
    break;
  }
  case model::DataStoreKind::lambda_function:
    // Environment variables are encrypted with aws/lambda unless kms_key_arn is set [LAMBDA-API].
    store.key =
        encryption_key(unset_key(root["kms_key_arn"]), managed, root["environment"].size() > 0);
    break;
  case model::DataStoreKind::log_group:
    store.key = encryption_key(unset_key(root["kms_key_id"]), managed, false);
    break;
  case model::DataStoreKind::kinesis_stream:
    // encryption_type KMS requires kms_key_id, often "alias/aws/kinesis" [TF-KINESIS].
    store.key = encryption_key(unset_key(root["kms_key_id"]), managed,
                               text(resource, "encryption_type").value_or("NONE") == "KMS");
    break;
  case model::DataStoreKind::ecr_repository: {
    // KMS without kms_key: aws/ecr, which the provider fills in; AES256 (the default) is not KMS.
    const Field settings = root["encryption_configuration"][0];
    store.key =
        encryption_key(text(resource, settings["kms_key"]), managed,
                       text(resource, settings["encryption_type"]).value_or("AES256") == "KMS");
    break;
  }
  case model::DataStoreKind::backup_vault:
    // A vault always encrypts its backups; without kms_key_arn, with aws/backup.
    store.key = encryption_key(text(resource, "kms_key_arn"), managed, true);
    break;
  case model::DataStoreKind::other:
    break;
  }
  if (type.terraform_policy.type.empty())
    return;
  // Buckets, queues, topics and secrets also take the policy inline, in an attribute of the same
  // name; for the other stores it is absent.
  const std::string attribute(type.terraform_policy.document);
  store.resource_policy = m_policies.read(resource, root[attribute], attribute, "/" + attribute);
}

void Builder::index_store(std::size_t index) {
  const model::DataStore& store = m_graph.data_stores[index];
  m_stores_by_ref.emplace(resolved(store.name), index);
  if (!store.arn.empty())
    m_stores_by_ref.emplace(resolved(store.arn), index);
}

std::optional<std::size_t> Builder::find_store(const std::string& raw) const {
  const auto it = m_stores_by_ref.find(resolved(raw));
  if (it == m_stores_by_ref.end())
    return std::nullopt;
  return it->second;
}

// A store named by a separate resource but not declared in the input gets a node at that resource.
std::size_t Builder::store_named(model::DataStoreKind kind, const std::string& raw_name,
                                 const Resource& origin) {
  if (auto found = find_store(raw_name))
    return *found;
  model::DataStore store;
  store.source = m_context.where(origin);
  store.kind = kind;
  store.name = resolved(raw_name);
  store.outside_input = true;
  store.key.kind =
      model::KeyRef::Kind::unknown; // an encryption configuration in the input may set it
  m_graph.data_stores.push_back(std::move(store));
  index_store(m_graph.data_stores.size() - 1);
  return m_graph.data_stores.size() - 1;
}

void Builder::add_store_policies() {
  for (const Resource& resource : m_context.document().resources) {
    if (resource.data)
      continue;
    const Field root = field(resource);
    if (std::string_view(resource.type) == "aws_s3_bucket_server_side_encryption_configuration") {
      const auto bucket = text(resource, "bucket");
      if (!bucket)
        continue;
      const Field rules = root["rule"];
      for (std::size_t i = 0; i < rules.size(); ++i) {
        const Field by_default = rules[i]["apply_server_side_encryption_by_default"][0];
        const auto algorithm = text(resource, by_default["sse_algorithm"]);
        if (!algorithm)
          continue;
        model::DataStore& store =
            m_graph.data_stores[store_named(model::DataStoreKind::s3_bucket, *bucket, resource)];
        store.key = encryption_key(
            key_text(resource, by_default["kms_master_key_id"], KeyDefault::stays_unset),
            model::data_store_type(model::DataStoreKind::s3_bucket).managed_key,
            is_kms_algorithm(algorithm));
        if (model::has_symbols(*algorithm) && !model::resolve_value(*algorithm, m_graph).known()) {
          store.key.kind = model::KeyRef::Kind::unknown;
          store.key.text = *algorithm;
        }
        break;
      }
      continue;
    }
    const model::DataStoreType* type = model::terraform_policy_type(resource.type);
    if (type == nullptr)
      continue;
    const auto target = text(resource, type->terraform_policy.target);
    if (!target)
      continue;
    model::DataStore& store = m_graph.data_stores[store_named(type->kind, *target, resource)];
    const std::string attribute(type->terraform_policy.document);
    store.resource_policy = m_policies.read(resource, root[attribute], attribute, "/" + attribute);
    store.resource_policy_address = resource.address;
  }
}

} // namespace tfkms::loaders::terraform
