// Data stores and the keys that encrypt them. A store that asks for KMS encryption without naming a
// key uses its service's AWS managed key (kms-reference §4.2, table of implicit defaults).
#include "loaders/terraform_builder.hpp"
#include "model/value.hpp"

namespace tfkms::loaders::terraform {

namespace {

struct StoreType {
  std::string_view type;
  model::DataStoreKind kind;
  std::string_view service;
  std::string_view name_attribute;
};

constexpr StoreType k_store_types[] = {
    {"aws_s3_bucket", model::DataStoreKind::s3_bucket, "s3", "bucket"},
    {"aws_sqs_queue", model::DataStoreKind::sqs_queue, "sqs", "name"},
    {"aws_sns_topic", model::DataStoreKind::sns_topic, "sns", "name"},
    {"aws_secretsmanager_secret", model::DataStoreKind::secret, "secretsmanager", "name"},
    {"aws_ssm_parameter", model::DataStoreKind::ssm_parameter, "ssm", "name"},
    {"aws_ebs_volume", model::DataStoreKind::ebs_volume, "ebs", "id"},
    {"aws_db_instance", model::DataStoreKind::rds_instance, "rds", "identifier"},
    {"aws_rds_cluster", model::DataStoreKind::rds_cluster, "rds", "cluster_identifier"},
    {"aws_dynamodb_table", model::DataStoreKind::dynamodb_table, "dynamodb", "name"},
    {"aws_lambda_function", model::DataStoreKind::lambda_function, "lambda", "function_name"},
    {"aws_cloudwatch_log_group", model::DataStoreKind::log_group, "logs", "name"},
};

bool is_kms_algorithm(const std::optional<std::string>& algorithm) {
  return algorithm && (*algorithm == "aws:kms" || *algorithm == "aws:kms:dsse");
}

} // namespace

void Builder::add_data_stores() {
  for (const Resource& resource : m_context.document().resources) {
    if (resource.data) continue;
    const StoreType* type = nullptr;
    for (const StoreType& candidate : k_store_types) {
      if (candidate.type == resource.type) type = &candidate;
    }
    if (type == nullptr) continue;
    const Field root = field(resource);
    model::DataStore store;
    store.source = m_context.where(resource);
    store.kind = type->kind;
    store.service = std::string(type->service);
    store.name = name_of(resource, type->name_attribute);
    store.arn = arn_of(resource);
    switch (type->kind) {
    case model::DataStoreKind::s3_bucket: {
      // Provider < 4.0: the encryption block sits inside aws_s3_bucket.
      const Field by_default = root["server_side_encryption_configuration"][0]["rule"][0]["apply_server_side_encryption_by_default"][0];
      store.key = encryption_key(key_text(resource, by_default["kms_master_key_id"], KeyDefault::stays_unset), "s3",
                                 is_kms_algorithm(text(resource, by_default["sse_algorithm"])));
      store.resource_policy = m_policies.read(resource, root["policy"], "policy", "/policy");
      break;
    }
    case model::DataStoreKind::sqs_queue:
    case model::DataStoreKind::sns_topic:
      // sqs_managed_sse_enabled uses SQS-owned keys, not KMS [SQS-API].
      store.key = encryption_key(key_text(resource, root["kms_master_key_id"], KeyDefault::stays_unset), store.service,
                                 false);
      store.resource_policy = m_policies.read(resource, root["policy"], "policy", "/policy");
      break;
    case model::DataStoreKind::secret:
      // No kms_key_id: aws/secretsmanager [TF-SM].
      store.key = encryption_key(key_text(resource, root["kms_key_id"], KeyDefault::stays_unset), "secretsmanager", true);
      store.resource_policy = m_policies.read(resource, root["policy"], "policy", "/policy");
      break;
    case model::DataStoreKind::ssm_parameter:
      store.key = encryption_key(text(resource, "key_id"), "ssm", text(resource, "type").value_or("") == "SecureString");
      break;
    case model::DataStoreKind::ebs_volume:
      store.name = resource.address;
      store.key = encryption_key(text(resource, "kms_key_id"), "ebs", flag(root["encrypted"]).value_or(false));
      break;
    case model::DataStoreKind::rds_instance:
    case model::DataStoreKind::rds_cluster:
      store.key = encryption_key(text(resource, "kms_key_id"), "rds", flag(root["storage_encrypted"]).value_or(false));
      break;
    case model::DataStoreKind::dynamodb_table: {
      // enabled = false (or no block) means an AWS owned key, outside KMS [KMS-DDB].
      const Field sse = root["server_side_encryption"][0];
      store.key = encryption_key(text(resource, sse["kms_key_arn"]), "dynamodb", flag(sse["enabled"]).value_or(false));
      break;
    }
    case model::DataStoreKind::lambda_function:
      // Environment variables are encrypted with aws/lambda unless kms_key_arn is set [LAMBDA-API].
      store.key = encryption_key(key_text(resource, root["kms_key_arn"], KeyDefault::stays_unset), "lambda",
                                 root["environment"].size() > 0);
      break;
    case model::DataStoreKind::log_group:
      store.key = encryption_key(key_text(resource, root["kms_key_id"], KeyDefault::stays_unset), "logs", false);
      break;
    case model::DataStoreKind::other:
      break;
    }
    m_graph.data_stores.push_back(std::move(store));
    const std::size_t index = m_graph.data_stores.size() - 1;
    index_store(index);
    // Known, or as a reference to it resolves when it is known only after apply: a queue policy names
    // its queue by the queue's id (its URL); Terraform 0.12 plans record references without the attribute.
    m_stores_by_ref.emplace(resolved(model::symbol(resource.address)), index);
    for (const char* attribute : {"id", "url", "arn"}) {
      const std::string alias = text(resource, attribute).value_or(model::symbol(resource.address + "." + attribute));
      m_stores_by_ref.emplace(resolved(alias), index);
    }
  }
}

void Builder::index_store(std::size_t index) {
  const model::DataStore& store = m_graph.data_stores[index];
  m_stores_by_ref.emplace(resolved(store.name), index);
  if (!store.arn.empty()) m_stores_by_ref.emplace(resolved(store.arn), index);
}

std::optional<std::size_t> Builder::find_store(const std::string& raw) const {
  const auto it = m_stores_by_ref.find(resolved(raw));
  if (it == m_stores_by_ref.end()) return std::nullopt;
  return it->second;
}

// A store named by a separate resource but not declared in the input gets a node at that resource.
std::size_t Builder::store_named(model::DataStoreKind kind, std::string_view service, const std::string& raw_name,
                                 const Resource& origin) {
  if (auto found = find_store(raw_name)) return *found;
  model::DataStore store;
  store.source = m_context.where(origin);
  store.kind = kind;
  store.service = std::string(service);
  store.name = resolved(raw_name);
  store.outside_input = true;
  store.key.kind = model::KeyRef::Kind::unknown; // an encryption configuration in the input may set it
  m_graph.data_stores.push_back(std::move(store));
  index_store(m_graph.data_stores.size() - 1);
  return m_graph.data_stores.size() - 1;
}

void Builder::add_store_policies() {
  for (const Resource& resource : m_context.document().resources) {
    if (resource.data) continue;
    const Field root = field(resource);
    if (resource.type == "aws_s3_bucket_server_side_encryption_configuration") {
      const auto bucket = text(resource, "bucket");
      if (!bucket) continue;
      const Field rules = root["rule"];
      for (std::size_t i = 0; i < rules.size(); ++i) {
        const Field by_default = rules[i]["apply_server_side_encryption_by_default"][0];
        const auto algorithm = text(resource, by_default["sse_algorithm"]);
        if (!algorithm) continue;
        model::DataStore& store = m_graph.data_stores[store_named(model::DataStoreKind::s3_bucket, "s3", *bucket, resource)];
        store.key = encryption_key(key_text(resource, by_default["kms_master_key_id"], KeyDefault::stays_unset), "s3",
                                   is_kms_algorithm(algorithm));
        if (model::has_symbols(*algorithm) && !model::resolve_value(*algorithm, m_graph).known()) {
          store.key.kind = model::KeyRef::Kind::unknown;
          store.key.text = *algorithm;
        }
        break;
      }
      continue;
    }
    struct PolicyResource {
      std::string_view type;
      std::string_view target;
      model::DataStoreKind kind;
      std::string_view service;
    };
    static constexpr PolicyResource k_policy_resources[] = {
        {"aws_s3_bucket_policy", "bucket", model::DataStoreKind::s3_bucket, "s3"},
        {"aws_sqs_queue_policy", "queue_url", model::DataStoreKind::sqs_queue, "sqs"},
        {"aws_sns_topic_policy", "arn", model::DataStoreKind::sns_topic, "sns"},
        {"aws_secretsmanager_secret_policy", "secret_arn", model::DataStoreKind::secret, "secretsmanager"},
    };
    for (const PolicyResource& kind : k_policy_resources) {
      if (kind.type != resource.type) continue;
      const auto target = text(resource, kind.target);
      if (!target) break;
      model::DataStore& store = m_graph.data_stores[store_named(kind.kind, kind.service, *target, resource)];
      store.resource_policy = m_policies.read(resource, root["policy"], "policy", "/policy");
      store.resource_policy_address = resource.address;
    }
  }
}

} // namespace tfkms::loaders::terraform
