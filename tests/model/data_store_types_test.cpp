#include "loaders/loaders.hpp"
#include "model/aws_managed.hpp"
#include "model/data_store_types.hpp"
#include "model/graph.hpp"
#include "model/value.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace tfkms;
using model::DataStoreKind;

namespace {

const std::string k_fixtures = std::string(TFKMS_SOURCE_DIR) + "/fixtures/loaders/data_stores/";

model::Graph load(const std::string& name) {
  loaders::LoadOptions options;
  options.account_id = "111122223333";
  auto input = loaders::load_file(k_fixtures + name, options);
  if (!input)
    FAIL(input.error().to_string());
  return std::move(input.value().graph);
}

// The one store of `kind` the fixture holds.
const model::DataStore& store_of(const model::Graph& graph, DataStoreKind kind) {
  std::vector<const model::DataStore*> found;
  for (const model::DataStore& store : graph.data_stores) {
    if (store.kind == kind && !store.outside_input)
      found.push_back(&store);
  }
  INFO(model::data_store_type(kind).label);
  REQUIRE(found.size() == 1);
  return *found.front();
}

std::string resolved(const model::Graph& graph, const std::string& raw) {
  return model::resolve_value(raw, graph).text;
}

// What each store of the fixtures is encrypted with: its service's AWS managed key, or (for a
// service without one) the customer key of the input.
void check_store(const model::Graph& graph, const model::DataStoreType& type,
                 std::string_view name) {
  const model::DataStore& store = store_of(graph, type.kind);
  INFO(type.label << " " << store.source.address);
  if (type.kind == DataStoreKind::ssm_parameter &&
      graph.format == model::InputFormat::cloudformation) {
    CHECK(store.key.kind == model::KeyRef::Kind::none); // CloudFormation makes no SecureString
  } else {
    REQUIRE(store.key.kind == model::KeyRef::Kind::node);
    const model::Key& key = graph.key(*store.key.key);
    if (type.managed_key.empty()) {
      CHECK(key.kind == model::KeyKind::customer);
    } else {
      CHECK(key.kind == model::KeyKind::aws_managed);
      CHECK(key.managed_service == type.managed_key);
    }
  }
  CHECK(resolved(graph, store.arn).starts_with(resolved(graph, model::data_store_arn(type, name))));
  const bool has_policy = graph.format == model::InputFormat::terraform
                              ? !type.terraform_policy.type.empty()
                              : !type.cloudformation_policy.type.empty();
  if (has_policy)
    CHECK(store.resource_policy.state == model::PolicySource::State::document);
}

} // namespace

TEST_CASE("data-store table: one entry per kind, each type named once", "[model][data_stores]") {
  std::set<DataStoreKind> kinds;
  std::set<std::string_view> types;
  std::set<std::string_view> labels;
  for (const model::DataStoreType& type : model::data_store_types()) {
    INFO(type.label);
    CHECK(kinds.insert(type.kind).second);
    CHECK(labels.insert(type.label).second);
    for (std::string_view name :
         {type.terraform_type, type.cloudformation_type, type.cloudformation_alias_type,
          type.terraform_policy.type, type.cloudformation_policy.type}) {
      if (!name.empty())
        CHECK(types.insert(name).second);
    }
    CHECK(!type.terraform_type.empty());
    CHECK(!type.cloudformation_type.empty());
    CHECK(!type.via_service.empty());
    CHECK(type.arn.find("{name}") != std::string_view::npos);
    // A request names the KMS action it needs; only CloudWatch Logs, whose service principal calls
    // KMS itself, has none.
    for (const model::ServiceUse& use : {type.reader, type.writer}) {
      if (!use.action.empty())
        CHECK(!use.kms_action.empty());
    }
    if (type.kind != DataStoreKind::log_group)
      CHECK(!type.writer.action.empty());
    if (type.other_accounts_use)
      CHECK(!type.writer.kms_action.empty());
    CHECK(&model::data_store_type(type.kind) == &type);
  }
  CHECK(model::data_store_types().size() == static_cast<std::size_t>(DataStoreKind::other));
  CHECK(model::data_store_type(DataStoreKind::other).terraform_type.empty());
}

TEST_CASE("data-store table: lookups by Terraform and CloudFormation type",
          "[model][data_stores]") {
  CHECK(model::terraform_store_type("aws_kinesis_stream")->kind == DataStoreKind::kinesis_stream);
  CHECK(model::terraform_policy_type("aws_sqs_queue_policy")->kind == DataStoreKind::sqs_queue);
  CHECK(model::cloudformation_store_type("AWS::Serverless::Function")->kind ==
        DataStoreKind::lambda_function);
  CHECK(model::cloudformation_policy_type("AWS::SecretsManager::ResourcePolicy")->kind ==
        DataStoreKind::secret);
  CHECK(model::terraform_store_type("aws_kms_key") == nullptr);
  CHECK(model::terraform_policy_type("") == nullptr);
  CHECK(model::cloudformation_store_type("") == nullptr);
}

TEST_CASE("data-store table: ARNs and the kms:ViaService host", "[model][data_stores]") {
  const std::string partition = "arn:" + model::symbol("partition") + ":";
  const std::string regional = model::symbol("region") + ":" + model::symbol("account") + ":";
  CHECK(model::data_store_arn(model::data_store_type(DataStoreKind::s3_bucket), "b") ==
        partition + "s3:::b");
  CHECK(model::data_store_arn(model::data_store_type(DataStoreKind::sqs_queue), "q") ==
        partition + "sqs:" + regional + "q");
  // A parameter named /prod/db has the ARN ...:parameter/prod/db, one slash.
  CHECK(model::data_store_arn(model::data_store_type(DataStoreKind::ssm_parameter), "/prod/db") ==
        partition + "ssm:" + regional + "parameter/prod/db");
  CHECK(model::data_store_arn(model::data_store_type(DataStoreKind::other), "x").empty());
  CHECK(model::via_service_of_managed_key("ebs") == "ec2");
  CHECK(model::via_service_of_managed_key("s3") == "s3");
  CHECK(model::via_service_of_managed_key("redshift") == "redshift");
}

TEST_CASE("the policy of aws/ebs names EC2 as the calling service", "[model][data_stores]") {
  const nlohmann::json policy = model::aws_managed_key_policy("ebs");
  const std::string via = policy["Statement"][0]["Condition"]["StringEquals"]["kms:ViaService"];
  CHECK(via == "ec2." + model::symbol("region") + ".amazonaws.com");
  CHECK(policy["Statement"][0]["Sid"].get<std::string>().find("ebs") != std::string::npos);
}

TEST_CASE("every data store of the table loads from a plan", "[model][data_stores][terraform]") {
  const model::Graph graph = load("stores.tfplan.json");
  const std::map<DataStoreKind, std::string_view> names{
      {DataStoreKind::s3_bucket, "tfkms-data"},
      {DataStoreKind::sqs_queue, "jobs"},
      {DataStoreKind::sns_topic, "events"},
      {DataStoreKind::secret, "prod/db"},
      {DataStoreKind::ssm_parameter, "/prod/token"},
      {DataStoreKind::ebs_volume, "aws_ebs_volume.default"},
      {DataStoreKind::rds_instance, "orders"},
      {DataStoreKind::rds_cluster, "ledger"},
      {DataStoreKind::dynamodb_table, "sessions"},
      {DataStoreKind::efs_file_system, "aws_efs_file_system.default"},
      {DataStoreKind::log_group, "/app/audit"},
      {DataStoreKind::kinesis_stream, "clicks"},
      {DataStoreKind::lambda_function, "worker"},
      {DataStoreKind::ecr_repository, "images"},
      {DataStoreKind::backup_vault, "nightly"}};
  for (const model::DataStoreType& type : model::data_store_types()) {
    REQUIRE(names.contains(type.kind));
    check_store(graph, type, names.at(type.kind));
  }
}

TEST_CASE("every data store of the table loads from a template",
          "[model][data_stores][cloudformation]") {
  const model::Graph graph = load("stores.cfn.yaml");
  const std::map<DataStoreKind, std::string_view> names{
      {DataStoreKind::s3_bucket, "tfkms-data"},
      {DataStoreKind::sqs_queue, "jobs"},
      {DataStoreKind::sns_topic, "events"},
      {DataStoreKind::secret, "prod/db"},
      {DataStoreKind::ssm_parameter, "/prod/endpoint"},
      {DataStoreKind::ebs_volume, "Volume"},
      {DataStoreKind::rds_instance, "orders"},
      {DataStoreKind::rds_cluster, "ledger"},
      {DataStoreKind::dynamodb_table, "sessions"},
      {DataStoreKind::efs_file_system, "FileSystem"},
      {DataStoreKind::log_group, "/app/audit"},
      {DataStoreKind::kinesis_stream, "clicks"},
      {DataStoreKind::lambda_function, "worker"},
      {DataStoreKind::ecr_repository, "images"},
      {DataStoreKind::backup_vault, "nightly"}};
  for (const model::DataStoreType& type : model::data_store_types()) {
    REQUIRE(names.contains(type.kind));
    check_store(graph, type, names.at(type.kind));
  }
  // The repository's and the vault's policies are properties of the store itself.
  CHECK(store_of(graph, DataStoreKind::ecr_repository).resource_policy.state ==
        model::PolicySource::State::document);
  CHECK(store_of(graph, DataStoreKind::backup_vault).resource_policy.state ==
        model::PolicySource::State::document);
}

// docs/data-stores.md is the table as users read it; this renders the table and compares.
TEST_CASE("docs/data-stores.md lists the table", "[model][data_stores][docs]") {
  std::ostringstream expected;
  expected << "# Data stores tfkms reads\n\n"
              "Generated from `src/model/data_store_types.cpp` (the test `docs/data-stores.md "
              "lists the table`\n"
              "prints the new text when the table changes). A store encrypted \"by default\" uses "
              "the AWS\n"
              "managed key named here.\n\n"
              "| store | Terraform | CloudFormation | AWS managed key | kms:ViaService | policy "
              "resource | "
              "reader needs | writer needs |\n"
              "|---|---|---|---|---|---|---|---|\n";
  const auto use = [](const model::ServiceUse& request) {
    if (request.action.empty())
      return std::string("-");
    std::string text =
        "`" + std::string(request.action) + "`: `" + std::string(request.kms_action) + "`";
    if (!request.also_kms_action.empty())
      text += ", `" + std::string(request.also_kms_action) + "`";
    return text;
  };
  const auto code = [](std::string_view text) {
    return text.empty() ? std::string("-") : "`" + std::string(text) + "`";
  };
  for (const model::DataStoreType& type : model::data_store_types()) {
    std::string cloudformation = code(type.cloudformation_type);
    if (!type.cloudformation_alias_type.empty())
      cloudformation += ", " + code(type.cloudformation_alias_type);
    std::string policies = code(type.terraform_policy.type);
    if (!type.cloudformation_policy.type.empty())
      policies += ", " + code(type.cloudformation_policy.type);
    expected << "| " << type.label << " | " << code(type.terraform_type) << " | " << cloudformation
             << " | "
             << (type.managed_key.empty() ? std::string("none")
                                          : "`alias/aws/" + std::string(type.managed_key) + "`")
             << " | `" << type.via_service << ".<region>.amazonaws.com` | " << policies << " | "
             << use(type.reader) << " | " << use(type.writer) << " |\n";
  }
  std::ifstream file(std::string(TFKMS_SOURCE_DIR) + "/docs/data-stores.md");
  std::stringstream actual;
  actual << file.rdbuf();
  const bool same = actual.str() == expected.str();
  const auto path = std::filesystem::temp_directory_path() / "data-stores.md";
  if (!same)
    std::ofstream(path) << expected.str();
  INFO("docs/data-stores.md differs from the table; the expected text is in " << path.string());
  CHECK(same);
}
