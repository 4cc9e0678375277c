// TFKMS002 and TFKMS010 on hand-built graphs: the cases the fixtures do not reach.
#include "model/value.hpp"
#include "rules/engine.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace tfkms;

namespace {

std::vector<rules::Finding> run(const model::Graph& graph, const char* rule) {
  return rules::run_rules(graph, rules::Config{}, {.only = {rule}, .skip = {}});
}

model::Graph queue_on(std::string_view key, nlohmann::json policy) {
  model::Graph graph;
  graph.account = "111122223333";
  graph.region = "us-east-1";
  model::DataStore queue;
  queue.source.address = "aws_sqs_queue.events";
  queue.kind = model::DataStoreKind::sqs_queue;
  queue.key = graph.resolve_key(key);
  queue.resource_policy.state = model::PolicySource::State::document;
  queue.resource_policy.document = std::move(policy);
  graph.data_stores.push_back(std::move(queue));
  return graph;
}

nlohmann::json allow(nlohmann::json principal) {
  return {{"Version", "2012-10-17"},
          {"Statement",
           {{{"Sid", "Senders"},
             {"Effect", "Allow"},
             {"Principal", principal},
             {"Action", "sqs:SendMessage"},
             {"Resource", "*"}}}}};
}

} // namespace

TEST_CASE("TFKMS002 service senders to a queue on aws/sqs", "[rules][TFKMS002]") {
  const auto findings =
      run(queue_on("alias/aws/sqs", allow({{"Service", "sns.amazonaws.com"}})), "TFKMS002");
  REQUIRE(findings.size() == 1);
  CHECK_THAT(findings[0].message, Catch::Contains("service sns.amazonaws.com"));
  CHECK_THAT(findings[0].message, Catch::Contains("writes"));
}

TEST_CASE("TFKMS002 ignores same-account and customer-key queues", "[rules][TFKMS002]") {
  CHECK(run(queue_on("alias/aws/sqs", allow({{"AWS", "arn:aws:iam::111122223333:role/producer"}})),
            "TFKMS002")
            .empty());
  CHECK(run(queue_on("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                     allow({{"AWS", "arn:aws:iam::444455556666:root"}})),
            "TFKMS002")
            .empty());
}

TEST_CASE("TFKMS002 public queue policy on aws/sqs", "[rules][TFKMS002]") {
  const auto findings = run(queue_on("alias/aws/sqs", allow("*")), "TFKMS002");
  REQUIRE(findings.size() == 1);
  CHECK_THAT(findings[0].message, Catch::Contains("any principal of any account"));
}

// A role of another account whose own IAM policy lets it read a bucket on aws/s3: the evaluator
// decides the store's action (s3:GetObject) as IAM does, conditions and denies included.
TEST_CASE("TFKMS002 consumers of another account through IAM", "[rules][TFKMS002]") {
  const auto bucket_read_by = [](nlohmann::json statements) {
    model::Graph graph;
    graph.account = "111122223333";
    graph.region = "us-east-1";
    model::DataStore bucket;
    bucket.source.address = "aws_s3_bucket.reports";
    bucket.kind = model::DataStoreKind::s3_bucket;
    bucket.arn = "arn:aws:s3:::reports";
    bucket.key = graph.resolve_key("alias/aws/s3");
    graph.data_stores.push_back(std::move(bucket));
    model::IdentityPolicy identity;
    identity.source.address = "aws_iam_policy.read_reports";
    identity.name = "read_reports";
    identity.document.state = model::PolicySource::State::document;
    identity.document.document = {{"Version", "2012-10-17"}, {"Statement", std::move(statements)}};
    const model::PolicyId policy_id = graph.add(identity);
    model::Principal role;
    role.source.address = "aws_iam_role.analyst";
    role.account = "444455556666";
    role.arn = "arn:aws:iam::444455556666:role/analyst";
    role.policies.push_back(policy_id);
    graph.add(role);
    return graph;
  };
  const auto read = [](nlohmann::json resource, nlohmann::json condition = nullptr) {
    nlohmann::json statement = {
        {"Effect", "Allow"}, {"Action", "s3:GetObject"}, {"Resource", std::move(resource)}};
    if (!condition.is_null())
      statement["Condition"] = std::move(condition);
    return statement;
  };
  const auto findings = run(bucket_read_by({read("arn:aws:s3:::reports/*")}), "TFKMS002");
  REQUIRE(findings.size() == 1);
  CHECK_THAT(findings[0].message, Catch::Contains("aws_iam_role.analyst (account 444455556666)"));
  REQUIRE(findings[0].evidence.size() == 2);
  CHECK_THAT(findings[0].evidence[1].text, Catch::Contains("s3:GetObject"));
  // A condition the request meets counts; one it does not keeps the Allow from counting.
  CHECK(run(bucket_read_by({read("arn:aws:s3:::reports/*",
                                 {{"StringEquals", {{"aws:PrincipalAccount", "444455556666"}}}})}),
            "TFKMS002")
            .size() == 1);
  CHECK(run(bucket_read_by({read("arn:aws:s3:::reports/*",
                                 {{"StringEquals", {{"aws:PrincipalAccount", "999999999999"}}}})}),
            "TFKMS002")
            .empty());
  // A Deny wins; another bucket, or only "*" (access to everything, not a use of this bucket),
  // names no consumer.
  CHECK(run(bucket_read_by({read("arn:aws:s3:::reports/*"),
                            {{"Effect", "Deny"}, {"Action", "s3:*"}, {"Resource", "*"}}}),
            "TFKMS002")
            .empty());
  CHECK(run(bucket_read_by({read("arn:aws:s3:::other/*")}), "TFKMS002").empty());
  CHECK(run(bucket_read_by({read("*")}), "TFKMS002").empty());
}

TEST_CASE("TFKMS010 unknown grant fields and key references", "[rules][TFKMS010]") {
  model::Graph graph;
  graph.account = "111122223333";
  model::Grant grant;
  grant.source.address = "aws_kms_grant.g";
  grant.unknown_fields = true;
  grant.waits_on = {"aws_iam_role.worker.arn"};
  grant.key.kind = model::KeyRef::Kind::unknown;
  grant.key.text = model::symbol("module.keys.key_arn");
  graph.grants.push_back(grant);
  const auto findings = run(graph, "TFKMS010");
  REQUIRE(findings.size() == 2);
  CHECK_THAT(findings[0].message + findings[1].message, Catch::Contains("aws_iam_role.worker.arn"));
  CHECK_THAT(findings[0].message + findings[1].message, Catch::Contains("(module.keys.key_arn)"));
}

TEST_CASE("TFKMS010 unreadable key policy", "[rules][TFKMS010]") {
  model::Graph graph;
  model::Key key;
  key.source.address = "aws_kms_key.k";
  key.policy.state = model::PolicySource::State::unreadable;
  key.policy.error = "invalid JSON at offset 12";
  graph.keys.push_back(key);
  const auto findings = run(graph, "TFKMS010");
  REQUIRE(findings.size() == 1);
  CHECK_THAT(findings[0].message, Catch::Contains("invalid JSON at offset 12"));
}

TEST_CASE("a policy AWS would reject is TFKMS011's, whatever its actions, and not TFKMS010's",
          "[rules][TFKMS010][TFKMS011]") {
  model::Graph graph;
  model::Key key;
  key.source.address = "aws_kms_key.k";
  graph.keys.push_back(key);
  model::IdentityPolicy identity;
  identity.source.address = "aws_iam_policy.p";
  identity.document.state = model::PolicySource::State::document;
  identity.document.document = nlohmann::json::parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
          "Condition":{"StringEqulas":{"aws:SourceVpc":"vpc-1"}}}]})");
  const model::PolicyId policy_id = graph.add(identity);
  model::Principal role;
  role.source.address = "aws_iam_role.r";
  role.policies.push_back(policy_id);
  graph.add(role);
  CHECK(run(graph, "TFKMS010").empty());
  REQUIRE(run(graph, "TFKMS011").size() == 1);

  graph.policy(policy_id).document.document["Statement"][0]["Action"] = "kms:Decrypt";
  CHECK(run(graph, "TFKMS010").empty());
  const auto findings = run(graph, "TFKMS011");
  REQUIRE(findings.size() == 1);
  CHECK_THAT(findings[0].message,
             Catch::Contains("Statement[0].Condition.StringEqulas: unknown condition operator"));
  REQUIRE_FALSE(findings[0].evidence.empty());
  CHECK(findings[0].evidence[0].pointer == "/Statement/0/Condition/StringEqulas");
}

// TFKMS011 reads a key policy from the key's analysis when a rule made one, else parses it itself:
// either way the same findings, and the same size limit.
TEST_CASE("TFKMS011 finds the same in a key policy with or without the key's analysis",
          "[rules][TFKMS011]") {
  const auto key_policy_graph = [](std::size_t size, bool misspelt) {
    nlohmann::json policy = {{"Version", "2012-10-17"},
                             {"Statement",
                              {{{"Sid", ""},
                                {"Effect", "Allow"},
                                {"Principal", {{"AWS", "arn:aws:iam::111122223333:root"}}},
                                {"Action", "kms:*"},
                                {"Resource", "*"}}}}};
    if (misspelt)
      policy["Statement"][0]["Condition"] = {{"StringEqulas", {{"aws:SourceVpc", "vpc-1"}}}};
    const std::size_t bare = policy.dump().size();
    REQUIRE(bare < size);
    policy["Statement"][0]["Sid"] = std::string(size - bare, 'S');
    REQUIRE(policy.dump().size() == size);
    model::Graph graph;
    graph.account = "111122223333";
    model::Key key;
    key.source.address = "aws_kms_key.k";
    key.policy.state = model::PolicySource::State::document;
    key.policy.document = std::move(policy);
    graph.keys.push_back(std::move(key));
    return graph;
  };
  const auto texts = [](const std::vector<rules::Finding>& findings) {
    std::vector<std::string> out;
    for (const rules::Finding& finding : findings) {
      if (finding.rule_id != "TFKMS011")
        continue;
      out.push_back(finding.message);
      for (const rules::Evidence& evidence : finding.evidence)
        out.push_back(evidence.text + " @" + evidence.pointer);
    }
    return out;
  };
  for (const bool misspelt : {false, true}) {
    for (const std::size_t size : {std::size_t{32768}, std::size_t{32769}}) {
      const model::Graph graph = key_policy_graph(size, misspelt);
      const auto alone = texts(run(graph, "TFKMS011"));
      const auto analysed = texts(rules::run_rules(graph, rules::Config{}, {}));
      CHECK(alone == analysed);
      CHECK(alone.empty() == (size == 32768 && !misspelt));
      const bool measured = std::any_of(alone.begin(), alone.end(), [](const std::string& text) {
        return text.starts_with("the policy has 32769 bytes without white space, more than the "
                                "32768 AWS accepts");
      });
      CHECK(measured == (size == 32769));
    }
  }
}

// A template written for one account, checked without knowing the deployment account: the account
// it names may be the one it deploys to, so only a policy that locks out every named account
// counts.
TEST_CASE("TFKMS006 lockout with the deployment account unknown", "[rules][TFKMS006]") {
  const auto key_with_root_of = [](std::optional<std::string> deployment,
                                   std::string_view account) {
    model::Graph graph;
    if (deployment)
      graph.account = *deployment;
    model::Key key;
    key.source.address = "aws_kms_key.k";
    key.account = graph.account;
    key.arn =
        "arn:aws:kms:us-east-1:" + model::symbol("account") + ":key/k"; // as the loaders write it
    key.policy.state = model::PolicySource::State::document;
    key.policy.document = {
        {"Version", "2012-10-17"},
        {"Statement",
         {{{"Effect", "Allow"},
           {"Principal", {{"AWS", "arn:aws:iam::" + std::string(account) + ":root"}}},
           {"Action", "kms:*"},
           {"Resource", "*"}}}}};
    graph.add(std::move(key));
    return graph;
  };
  CHECK(run(key_with_root_of(std::nullopt, "111122223333"), "TFKMS006").empty());
  CHECK(run(key_with_root_of("111122223333", "111122223333"), "TFKMS006").empty());
  // Known to deploy elsewhere: the named account cannot call kms:PutKeyPolicy across accounts.
  CHECK(run(key_with_root_of("999999999999", "111122223333"), "TFKMS006").size() == 1);
}
