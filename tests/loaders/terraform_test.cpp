#include "loaders/loaders.hpp"
#include "loaders/terraform.hpp"
#include "model/value.hpp"
#include "temp_file.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

namespace {

using tfkms::loaders::load_file;
using tfkms::loaders::LoadOptions;
using tfkms::model::Graph;
using tfkms::model::KeyRef;
using tfkms::model::PolicySource;
using tfkms::model::symbol;

const std::string k_fixtures = std::string(TFKMS_SOURCE_DIR) + "/fixtures/loaders/terraform";

Graph load(const std::string& path, LoadOptions options = {}) {
  auto input = load_file(path, options);
  if (!input)
    FAIL(input.error().to_string());
  return std::move(input.value().graph);
}

template <typename Node>
const Node& by_address(const tfkms::model::SharedVector<Node>& nodes, std::string_view address) {
  const auto it = std::find_if(nodes.begin(), nodes.end(),
                               [&](const Node& node) { return node.source.address == address; });
  if (it == nodes.end())
    FAIL("no node " << address);
  return *it;
}

std::string resolved(const Graph& graph, std::string_view raw) {
  return tfkms::model::resolve_value(raw, graph).text;
}

} // namespace

TEST_CASE("plan: keys, their policies and planned actions", "[loaders][terraform]") {
  const Graph graph = load(k_fixtures + "/kms_plan/plan.json");
  CHECK(graph.account == "123456789012"); // data.aws_caller_identity in prior_state
  CHECK(graph.region == "eu-west-1");     // provider configuration

  SECTION("delete-only changes are skipped, replacements marked") {
    CHECK(std::none_of(graph.keys.begin(), graph.keys.end(),
                       [](const auto& k) { return k.source.address == "aws_kms_key.retired"; }));
    CHECK(by_address(graph.keys, "aws_kms_key.waiting").planned_action == "replace");
    CHECK(by_address(graph.keys, "aws_kms_key.shared").planned_action == "update");
  }
  SECTION("a known policy is parsed, with the plan line of its resource") {
    const auto& key = by_address(graph.keys, "aws_kms_key.shared");
    REQUIRE(key.policy.state == PolicySource::State::document);
    CHECK(key.policy.document["Statement"][0]["Sid"] == "Root");
    CHECK(key.arn == "arn:aws:kms:eu-west-1:123456789012:key/1111-2222");
    CHECK(key.rotation_enabled == false);
    CHECK(key.source.line == 199u);
    CHECK(key.source.pointer == "/resource_changes/3/change/after");
    CHECK(key.policy.where.pointer == "/resource_changes/3/change/after/policy");
  }
  SECTION("an unset policy is AWS's default even though the plan shows it unknown") {
    CHECK(by_address(graph.keys, "aws_kms_key.defaulted").policy.state ==
          PolicySource::State::absent);
  }
  SECTION("aws_kms_key_policy is linked to its key") {
    const auto& key = by_address(graph.keys, "aws_kms_key.separate");
    CHECK(key.policy_address == "aws_kms_key_policy.separate");
    REQUIRE(key.policy.state == PolicySource::State::document);
    CHECK(key.policy.document["Statement"][0]["Principal"]["AWS"] ==
          "arn:aws:iam::123456789012:root");
  }
  SECTION("an unknown policy is rebuilt from the data.aws_iam_policy_document in the plan") {
    const auto& key = by_address(graph.keys, "aws_kms_key.app");
    REQUIRE(key.policy.state == PolicySource::State::document);
    CHECK(key.policy.origin == "rebuilt from data.aws_iam_policy_document.app");
    const auto& statements = key.policy.document["Statement"];
    REQUIRE(statements.size() == 2);
    CHECK(statements[0]["Effect"] == "Allow"); // effect null = Allow
    CHECK(statements[0]["Action"] == nlohmann::json({"kms:Decrypt", "kms:Encrypt"}));
    CHECK(statements[0]["Principal"]["AWS"] == nlohmann::json({symbol("aws_iam_role.app.arn")}));
    CHECK(resolved(graph, statements[0]["Principal"]["AWS"][0].get<std::string>()) ==
          "arn:aws:iam::123456789012:role/app");
    CHECK(statements[1]["Principal"] == "*");
    CHECK(statements[1]["Condition"]["StringEquals"]["aws:PrincipalAccount"] ==
          nlohmann::json({symbol("account")}));
  }
  SECTION("an unknown policy that cannot be rebuilt waits on its references") {
    const auto& key = by_address(graph.keys, "aws_kms_key.waiting");
    REQUIRE(key.policy.state == PolicySource::State::unknown);
    CHECK(key.policy.waits_on == std::vector<std::string>{"aws_s3_bucket.data.arn"});
    const auto& bucket = by_address(graph.data_stores, "aws_s3_bucket.data");
    CHECK(bucket.resource_policy_address == "aws_s3_bucket_policy.data");
    CHECK(bucket.resource_policy.state == PolicySource::State::unknown);
  }
  SECTION("ARNs known only after apply are synthesized") {
    const auto& key = by_address(graph.keys, "aws_kms_key.app");
    CHECK(resolved(graph, key.arn) == "arn:aws:kms:eu-west-1:123456789012:key/aws_kms_key.app");
  }
}

TEST_CASE("plan: aliases, grants and encrypted data stores", "[loaders][terraform]") {
  const Graph graph = load(k_fixtures + "/kms_plan/plan.json");
  const auto key_index = [&](std::string_view address) {
    return static_cast<std::size_t>(
        std::find_if(graph.keys.begin(), graph.keys.end(),
                     [&](const auto& k) { return k.source.address == address; }) -
        graph.keys.begin());
  };
  SECTION("an alias whose target is unknown is linked through the configuration reference") {
    REQUIRE(graph.aliases.size() == 1);
    CHECK(graph.aliases[0].name == "alias/app");
    REQUIRE(graph.aliases[0].target.kind == KeyRef::Kind::node);
    CHECK(static_cast<std::size_t>(*graph.aliases[0].target.key) == key_index("aws_kms_key.app"));
  }
  SECTION("grant fields") {
    REQUIRE(graph.grants.size() == 1);
    const auto& grant = graph.grants[0];
    CHECK(grant.name == "batch");
    REQUIRE(grant.key.kind == KeyRef::Kind::node);
    CHECK(static_cast<std::size_t>(*grant.key.key) == key_index("aws_kms_key.app"));
    CHECK(grant.grantee == "arn:aws:iam::123456789012:role/batch");
    CHECK(grant.operations == std::vector<std::string>{"Decrypt", "GenerateDataKey"});
    CHECK(grant.encryption_context_equals == std::map<std::string, std::string>{{"team", "batch"}});
    CHECK(grant.retire_on_delete);
    CHECK_FALSE(grant.retiring_principal);
    CHECK_FALSE(grant.unknown_fields);
  }
  SECTION("AWS managed default keys") {
    const auto managed = [&](std::string_view address) {
      const auto& store = by_address(graph.data_stores, address);
      REQUIRE(store.key.kind == KeyRef::Kind::node);
      const auto& key = graph.key(*store.key.key);
      CHECK(key.kind == tfkms::model::KeyKind::aws_managed);
      return std::pair{key.managed_service, store.key.service_default};
    };
    CHECK(managed("aws_s3_bucket.data") == std::pair{std::string("s3"), true});
    CHECK(managed("aws_sqs_queue.jobs") == std::pair{std::string("sqs"), false});
    CHECK(managed("aws_sns_topic.events") == std::pair{std::string("sns"), false});
    CHECK(managed("aws_secretsmanager_secret.db") ==
          std::pair{std::string("secretsmanager"), true});
    CHECK(by_address(graph.data_stores, "aws_sqs_queue.plain").key.kind == KeyRef::Kind::none);
    const auto& secret = by_address(graph.data_stores, "aws_secretsmanager_secret.app");
    REQUIRE(secret.key.kind == KeyRef::Kind::node);
    CHECK(static_cast<std::size_t>(*secret.key.key) == key_index("aws_kms_key.app"));
  }
}

TEST_CASE("plan: roles, inline policies and AWS managed policy attachments",
          "[loaders][terraform]") {
  const Graph graph = load(k_fixtures + "/kms_plan/plan.json");
  REQUIRE(graph.principals.size() == 1);
  const auto& role = graph.principals[0];
  CHECK(role.name == "app");
  CHECK(role.trust_policy.state == PolicySource::State::document);
  REQUIRE(role.policies.size() == 2);
  const auto& inline_policy = graph.policy(role.policies[0]);
  CHECK(inline_policy.inline_policy);
  CHECK(inline_policy.name == "inline-kms");
  const auto& admin = graph.policy(role.policies[1]);
  CHECK(admin.aws_managed);
  CHECK(admin.arn == "arn:aws:iam::aws:policy/AdministratorAccess");
}

TEST_CASE("plan: --account-id wins over what the plan says", "[loaders][terraform]") {
  LoadOptions options;
  options.account_id = "999999999999";
  CHECK(load(k_fixtures + "/kms_plan/plan.json", options).account == "999999999999");
}

TEST_CASE("plan: the before snapshot builds what exists before apply", "[loaders][terraform]") {
  LoadOptions options;
  options.snapshot = tfkms::loaders::Snapshot::before;
  const Graph graph = load(k_fixtures + "/kms_plan/plan.json", options);
  std::vector<std::string> keys;
  for (const auto& key : graph.keys)
    keys.push_back(key.source.address);
  CHECK(keys == std::vector<std::string>{"aws_kms_key.shared", "aws_kms_key.waiting",
                                         "aws_kms_key.retired"});
  CHECK(by_address(graph.keys, "aws_kms_key.shared").rotation_enabled == true);
}

TEST_CASE("plan: both sides read in one pass are the sides read one at a time",
          "[loaders][terraform]") {
  // Each key and grant with where it was read from and its policy: what a diff compares.
  const auto outline = [](const Graph& graph) {
    std::vector<std::string> lines;
    for (const auto& key : graph.keys) {
      lines.push_back(key.source.address + " " + key.source.pointer + " " +
                      std::to_string(key.source.line.value_or(0)) + " " +
                      key.policy.document.dump());
    }
    for (const auto& grant : graph.grants)
      lines.push_back(grant.source.address + " " + grant.source.pointer);
    return lines;
  };
  const std::string plan = k_fixtures + "/kms_plan/plan.json";
  LoadOptions options;
  options.snapshot = tfkms::loaders::Snapshot::both;
  auto both = load_file(plan, options);
  REQUIRE(both);
  REQUIRE(both.value().before.has_value());
  options.snapshot = tfkms::loaders::Snapshot::before;
  const Graph before = load(plan, options);
  CHECK(outline(*both.value().before) == outline(before));
  CHECK(outline(both.value().graph) == outline(load(plan)));
  CHECK(outline(before) != outline(load(plan))); // the plan changes something
}

TEST_CASE("plan: modules with for_each and count, source lines and jsonencode rebuilt from .tf",
          "[loaders][terraform]") {
  const Graph graph = load(k_fixtures + "/modules_plan/plan.json");
  const std::string address = R"(module.team["a"].module.kms[0].aws_kms_key.this)";
  REQUIRE(graph.keys.size() == 1);
  const auto& key = graph.keys[0];
  CHECK(key.source.address == address);
  CHECK(key.source.file.ends_with("modules/kms/main.tf"));
  CHECK(key.source.line == 9u);
  REQUIRE(key.policy.state == PolicySource::State::document);
  CHECK_THAT(key.policy.origin, Catch::StartsWith("rebuilt from jsonencode()"));
  const auto& statements = key.policy.document["Statement"];
  REQUIRE(statements.size() == 2);
  CHECK(resolved(graph, statements[0]["Principal"]["AWS"].get<std::string>()) ==
        "arn:aws:iam::210987654321:root");
  CHECK(resolved(graph, statements[1]["Principal"]["AWS"].get<std::string>()) ==
        "arn:aws:iam::210987654321:role/kms-user");
  CHECK(statements[1]["Action"] == nlohmann::json({"kms:Decrypt", "kms:GenerateDataKey*"}));
  const std::string via = statements[1]["Condition"]["StringEquals"]["kms:ViaService"];
  CHECK_FALSE(tfkms::model::resolve_value(via, graph).known()); // var.region is not in the plan

  REQUIRE(graph.suppressions.size() == 1);
  CHECK(graph.suppressions[0].rule == "TFKMS003");
  CHECK(graph.suppressions[0].address == address);
  CHECK(graph.suppressions[0].reason == "grants are retired by the batch job");
  CHECK(graph.suppressions[0].where.line == 8u);

  const auto& role = graph.principals.at(0);
  CHECK(role.source.line == 3u);
}

TEST_CASE("plan: without its .tf source, a jsonencode policy with unknown input stays unknown",
          "[loaders][terraform]") {
  LoadOptions options;
  options.tf_dir = k_fixtures + "/kms_plan"; // holds no .tf files
  const Graph graph = load(k_fixtures + "/modules_plan/plan.json", options);
  const auto& policy = graph.keys.at(0).policy;
  REQUIRE(policy.state == PolicySource::State::unknown);
  CHECK(policy.waits_on.size() == 3);
  CHECK(policy.waits_on[0] ==
        R"(module.team["a"].module.kms[0].data.aws_caller_identity.current.account_id)");
}

TEST_CASE("plan: attributes the provider computes when unset are not unknown policies",
          "[loaders][terraform]") {
  // Plans mark inline_policy and managed_policy_arns unknown at create even when not configured.
  const std::string role =
      R"({"address": "aws_iam_role.NAME", "mode": "managed", "type": "aws_iam_role", "name": "NAME",
    "change": {"actions": ["create"], "after": {"name": "NAME", "assume_role_policy": "{}"},
               "after_unknown": {"arn": true, "inline_policy": true, "managed_policy_arns": true}}})";
  const std::string config =
      R"({"address": "aws_iam_role.NAME", "mode": "managed", "type": "aws_iam_role", "name": "NAME",
    "expressions": {"name": {"constant_value": "NAME"}, "assume_role_policy": {"constant_value": "{}"}}})";
  const auto named = [](std::string text, const std::string& name) {
    for (auto pos = text.find("NAME"); pos != std::string::npos; pos = text.find("NAME", pos))
      text.replace(pos, 4, name);
    return text;
  };
  const tfkms::test::TempFile file(
      "computed.json", R"({"format_version": "1.2", "resource_changes": [)" + named(role, "ops") +
                           "," + named(role, "reporting") +
                           R"(], "configuration": {"root_module": {"resources": [)" +
                           named(config, "ops") + "," + named(config, "reporting") + "]}}}");
  const Graph graph = load(file.path());
  REQUIRE(graph.principals.size() == 2);
  CHECK(graph.principals[0].policies.empty());
  CHECK(graph.principals[1].policies.empty());
  CHECK(graph.policies.empty());
}

TEST_CASE("plan: a replica key is linked to its primary", "[loaders][terraform]") {
  const Graph graph =
      load(std::string(TFKMS_SOURCE_DIR) + "/fixtures/TFKMS009/positive/replica_without_key_policy/"
                                           "replica_without_key_policy.tfplan.json");
  const tfkms::model::Key& primary = by_address(graph.keys, "aws_kms_key.primary");
  const tfkms::model::Key& replica = by_address(graph.keys, "aws_kms_replica_key.replica");
  CHECK(primary.multi_region);
  CHECK_FALSE(primary.primary);
  CHECK(replica.kind == tfkms::model::KeyKind::replica);
  REQUIRE(replica.primary);
  CHECK(&graph.key(*replica.primary) == &primary);
  // No policy in the configuration: AWS applies the default key policy to the replica.
  CHECK(replica.policy.state == tfkms::model::PolicySource::State::absent);
}

TEST_CASE("plan: a Terraform 0.12 reference to a key without its attribute names that key",
          "[loaders][terraform]") {
  // 0.12 plans list "aws_kms_key.logs" where later versions write "aws_kms_key.logs.key_id" too.
  const tfkms::test::TempFile file("v012.json",
                                   R"({"format_version": "0.1", "terraform_version": "0.12.23",
    "resource_changes": [
      {"address": "aws_kms_key.logs", "mode": "managed", "type": "aws_kms_key", "name": "logs",
       "change": {"actions": ["create"], "before": null, "after": {"enable_key_rotation": true},
                  "after_unknown": {"arn": true, "key_id": true, "id": true}}},
      {"address": "aws_kms_alias.logs", "mode": "managed", "type": "aws_kms_alias", "name": "logs",
       "change": {"actions": ["create"], "before": null, "after": {"name": "alias/logs"},
                  "after_unknown": {"arn": true, "id": true, "target_key_arn": true, "target_key_id": true}}}],
    "configuration": {"root_module": {"resources": [
      {"address": "aws_kms_key.logs", "mode": "managed", "type": "aws_kms_key", "name": "logs",
       "expressions": {"enable_key_rotation": {"constant_value": true}}},
      {"address": "aws_kms_alias.logs", "mode": "managed", "type": "aws_kms_alias", "name": "logs",
       "expressions": {"name": {"constant_value": "alias/logs"}, "target_key_id": {"references": ["aws_kms_key.logs"]}}}]}}})");
  const Graph graph = load(file.path());
  REQUIRE(graph.aliases.size() == 1);
  CHECK(graph.aliases[0].target.kind == KeyRef::Kind::node);
  REQUIRE(graph.aliases[0].target.key);
  CHECK(graph.key(*graph.aliases[0].target.key).source.address == "aws_kms_key.logs");
}

TEST_CASE("plan: an AWS managed key looked up by a data source, and a queue policy on a queue "
          "known after apply",
          "[loaders][terraform]") {
  const std::string fixtures = std::string(TFKMS_SOURCE_DIR) + "/fixtures/TFKMS002";
  SECTION("data.aws_kms_key with key_id alias/aws/sqs: its ARN names the AWS managed key; the "
          "policy finds its queue") {
    const Graph graph =
        load(fixtures +
             "/positive/queue_on_aws_sqs_looked_up_by_data_source_shared_with_other_account/"
             "queue_on_aws_sqs_looked_up_by_data_source_shared_with_other_account.tfplan.json");
    REQUIRE(graph.data_stores.size() == 1);
    const auto& queue = graph.data_stores[0];
    CHECK(queue.source.address == "aws_sqs_queue.orders");
    CHECK(queue.resource_policy_address == "aws_sqs_queue_policy.orders");
    REQUIRE(queue.key.kind == KeyRef::Kind::node);
    const auto& key = graph.key(*queue.key.key);
    CHECK(key.kind == tfkms::model::KeyKind::aws_managed);
    CHECK(key.managed_service == "sqs");
    CHECK(key.arn == "arn:aws:kms:us-east-1:111122223333:key/7b2d1f1f-2e3c-4d4e-8f9a-123456789abc");
  }
  SECTION("data.aws_kms_alias alias/aws/s3: the grant's key is the AWS managed key") {
    const Graph graph = load(fixtures + "/positive/grant_on_aws_managed_key_looked_up_by_alias/"
                                        "grant_on_aws_managed_key_looked_up_by_alias.tfplan.json");
    REQUIRE(graph.grants.size() == 1);
    REQUIRE(graph.grants[0].key.kind == KeyRef::Kind::node);
    CHECK(graph.key(*graph.grants[0].key.key).managed_service == "s3");
  }
  SECTION("an alias of a customer managed key stays a key outside the input") {
    const Graph graph = load(fixtures + "/negative/grant_on_customer_key_looked_up_by_alias/"
                                        "grant_on_customer_key_looked_up_by_alias.tfplan.json");
    REQUIRE(graph.grants.size() == 1);
    CHECK(graph.grants[0].key.kind == KeyRef::Kind::outside);
    CHECK(graph.keys.empty());
  }
}

TEST_CASE("plan: a store policy finds its store, or says the store is defined elsewhere",
          "[loaders][terraform]") {
  SECTION("Terraform 0.12 records the reference without its attribute: the policy still finds the "
          "bucket") {
    const Graph graph = load(std::string(TFKMS_SOURCE_DIR) +
                             "/fixtures/real/terraform/policy-engine/"
                             "pkg__input__golden_test__tfplan__example-01__plan.json");
    REQUIRE(graph.data_stores.size() == 1);
    CHECK(graph.data_stores[0].source.address == "aws_s3_bucket.example");
    CHECK(graph.data_stores[0].resource_policy_address == "aws_s3_bucket_policy.example");
    CHECK_FALSE(graph.data_stores[0].outside_input);
    CHECK(graph.data_stores[0].key.kind == KeyRef::Kind::none);
  }
  SECTION("a bucket the plan does not define: its key is unknown, never taken to be none") {
    const Graph graph =
        load(std::string(TFKMS_SOURCE_DIR) +
             "/fixtures/TFKMS010/positive/bucket_policy_for_bucket_defined_elsewhere/"
             "bucket_policy_for_bucket_defined_elsewhere.tfplan.json");
    REQUIRE(graph.data_stores.size() == 1);
    CHECK(graph.data_stores[0].outside_input);
    CHECK(graph.data_stores[0].name == "acme-shared-exports");
    CHECK(graph.data_stores[0].key.kind == KeyRef::Kind::unknown);
  }
}

TEST_CASE("plan: an attachment of an organisation policy the plan does not define is reported",
          "[loaders][terraform][chain]") {
  const Graph graph = load(k_fixtures + "/organization_attachment/plan.tfplan.json");
  CHECK(graph.organization_policies.empty());
  const auto warning = std::find_if(
      graph.diagnostics.begin(), graph.diagnostics.end(), [](const tfkms::model::Diagnostic& d) {
        return d.message.find("aws_organizations_policy_attachment.workload attaches an "
                              "organisation policy this input does not define") !=
               std::string::npos;
      });
  REQUIRE(warning != graph.diagnostics.end());
  CHECK(warning->level == tfkms::model::DiagnosticLevel::warning);
  CHECK(warning->message.find("p-defined0elsewhere") != std::string::npos);
  CHECK(warning->line.has_value());
}

TEST_CASE("plan: a resource's line counts every newline before it, wherever it falls",
          "[loaders][terraform]") {
  // Whitespace before the first member moves the key's entry; newlines land at every offset of
  // the blocks the reader counts them in (large ones, then small ones for the rest), and at the
  // blocks' edges.
  const std::string key =
      R"("resource_changes": [{"address": "aws_kms_key.k", "mode": "managed",
    "type": "aws_kms_key", "name": "k", "change": {"actions": ["create"],
    "after": {"enable_key_rotation": true}, "after_unknown": {"arn": true}}}]})";
  const auto line_after = [&](const std::string& whitespace) {
    const tfkms::test::TempFile file("lines.json", "{" + whitespace + key);
    const Graph graph = load(file.path());
    REQUIRE(graph.keys.size() == 1);
    return graph.keys[0].source.line.value_or(0);
  };
  const std::uint32_t first = line_after("");
  REQUIRE(first >= 1);
  for (std::size_t length = 1; length <= 500; length += 13) {
    std::string whitespace(length, ' ');
    for (std::size_t at = length % 7; at < length; at += 7)
      whitespace[at] = '\n';
    CAPTURE(length);
    CHECK(line_after(whitespace) == first + static_cast<std::uint32_t>(std::count(
                                                whitespace.begin(), whitespace.end(), '\n')));
  }
  for (const std::size_t at : {238u, 239u, 240u, 270u, 271u, 272u, 303u, 304u, 478u, 479u, 480u}) {
    std::string whitespace(482, ' ');
    whitespace[at] = '\n';
    CAPTURE(at);
    CHECK(line_after(whitespace) == first + 1);
  }
}
