// Evaluator and access-analysis speed (targets from the analysis brief):
//   decisions per second for the console default key policy (seed 001) with two identity policies
//   with conditions: >= 1,000,000 on one core;
//   access analysis of a 20-statement key policy: < 10 ms.
// Prints both figures with their targets; exits 1 when a target is missed.
#include "analysis/access.hpp"
#include "policy/evaluate.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using namespace tfkms;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr double k_min_decisions_per_second = 1'000'000;
constexpr double k_max_analysis_ms = 10;
constexpr const char* k_key_arn =
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

json allow(json principal, json actions, json condition = nullptr) {
  json statement{{"Effect", "Allow"},
                 {"Principal", std::move(principal)},
                 {"Action", std::move(actions)},
                 {"Resource", "*"}};
  if (!condition.is_null())
    statement["Condition"] = std::move(condition);
  return statement;
}

json aws(std::string arn) { return json{{"AWS", std::move(arn)}}; }

// Seed 001: root delegation, key administrators, key users, attachment of persistent resources.
json console_default_statements() {
  return json::array(
      {allow(aws("arn:aws:iam::111122223333:root"), "kms:*"),
       allow(aws("arn:aws:iam::111122223333:role/Team-Admin-Role"),
             {"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
              "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
              "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"}),
       allow(aws("arn:aws:iam::111122223333:role/Team-Power-User-Role"),
             {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
              "kms:DescribeKey"}),
       allow(aws("arn:aws:iam::111122223333:role/Team-Power-User-Role"),
             {"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"},
             {{"Bool", {{"kms:GrantIsForAWSResource", "true"}}}})});
}

json identity_statements_a() {
  return json::array(
      {json{{"Effect", "Allow"},
            {"Action", {"kms:Decrypt", "kms:GenerateDataKey*"}},
            {"Resource", k_key_arn},
            {"Condition", {{"StringLike", {{"kms:ViaService", "s3.*.amazonaws.com"}}}}}},
       json{{"Effect", "Deny"}, {"Action", "kms:ScheduleKeyDeletion"}, {"Resource", "*"}}});
}

json identity_statements_b() {
  return json::array(
      {json{{"Effect", "Allow"},
            {"Action", "kms:Encrypt"},
            {"Resource", "arn:aws:kms:*:111122223333:key/*"},
            {"Condition",
             {{"ForAnyValue:StringEquals", {{"kms:EncryptionContextKeys", {"app", "tenant"}}}}}}}});
}

json document_of(json statements) {
  return json{{"Version", "2012-10-17"}, {"Statement", std::move(statements)}};
}

policy::PreparedRequest prepared(std::string principal, std::string action,
                                 std::vector<policy::ContextEntry> context) {
  policy::Request request{std::move(principal), std::nullopt, std::move(action), k_key_arn,
                          std::move(context)};
  auto result = policy::prepare(request);
  if (!result) {
    std::fprintf(stderr, "bench: cannot prepare request: %s\n", result.error().message.c_str());
    std::exit(2);
  }
  return std::move(result.value());
}

double decisions_per_second() {
  const model::NoSymbols symbols;
  const auto key_policy = policy::compile(policy::parse_document(
      document_of(console_default_statements()), policy::PolicyKind::key_policy, symbols));
  const auto identity_a = policy::compile(policy::parse_document(
      document_of(identity_statements_a()), policy::PolicyKind::identity_policy, symbols));
  const auto identity_b = policy::compile(policy::parse_document(
      document_of(identity_statements_b()), policy::PolicyKind::identity_policy, symbols));
  const std::vector<const policy::CompiledPolicy*> identities{&identity_a, &identity_b};
  const std::vector<policy::CompiledGrant> grants;
  const std::vector<policy::PreparedRequest> requests{
      prepared("arn:aws:sts::111122223333:assumed-role/ops/session", "kms:Decrypt",
               {{"kms:ViaService", {"s3.us-east-1.amazonaws.com"}},
                {"kms:EncryptionContextKeys", {"app"}}}),
      prepared(
          "arn:aws:iam::111122223333:role/ops", "kms:Encrypt",
          {{"kms:EncryptionContextKeys", {"tenant"}}, {"kms:EncryptionContext:tenant", {"a"}}}),
      prepared("arn:aws:iam::111122223333:role/Team-Power-User-Role", "kms:CreateGrant",
               {{"kms:GrantIsForAWSResource", {"true"}}}),
      prepared("arn:aws:iam::111122223333:role/ops", "kms:ScheduleKeyDeletion", {}),
  };

  policy::Decision decision;
  std::size_t allowed = 0;
  // Best of several rounds: the machine is shared, and the target is about the code, not the load.
  constexpr std::size_t k_rounds = 7;
  constexpr std::size_t k_decisions = 500'000;
  double best = 0;
  for (std::size_t round = 0; round < k_rounds; ++round) {
    const auto start = Clock::now();
    for (std::size_t i = 0; i < k_decisions; ++i) {
      decision.clear();
      policy::decide(requests[i % requests.size()], &key_policy, identities, grants, decision);
      allowed += decision.outcome == policy::Outcome::allowed;
    }
    const std::chrono::duration<double> elapsed = Clock::now() - start;
    best = std::max(best, static_cast<double>(k_decisions) / elapsed.count());
  }
  if (allowed == 0) {
    std::fprintf(stderr,
                 "bench: no request was allowed; the benchmark does not measure real decisions\n");
    std::exit(2);
  }
  return best;
}

// A 20-statement key policy mixing every pattern the analysis partitions on: delegation, named
// principals, services, conditions on the caller, the service, the grant and the encryption
// context, other accounts and a deny for everyone else.
model::Graph twenty_statement_graph() {
  json statements = console_default_statements();
  const std::vector<std::string> services = {"s3", "ec2", "rds", "sqs"};
  for (const std::string& service : services) {
    statements.push_back(
        allow("*", {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"},
              {{"StringEquals",
                {{"kms:CallerAccount", "111122223333"},
                 {"kms:ViaService", service + ".us-east-1.amazonaws.com"}}}}));
  }
  for (const std::string account : {"444455556666", "777788889999"}) {
    statements.push_back(
        allow(aws("arn:aws:iam::" + account + ":root"), {"kms:Decrypt", "kms:DescribeKey"}));
    statements.push_back(allow(aws("arn:aws:iam::" + account + ":root"), {"kms:CreateGrant"},
                               {{"Bool", {{"kms:GrantIsForAWSResource", "true"}}}}));
  }
  statements.push_back(
      allow(json{{"Service", "logs.us-east-1.amazonaws.com"}},
            {"kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"},
            {{"ArnLike",
              {{"kms:EncryptionContext:aws:logs:arn", "arn:aws:logs:us-east-1:111122223333:*"}}}}));
  statements.push_back(allow(aws("arn:aws:iam::111122223333:role/app"), {"kms:Decrypt"},
                             {{"StringEquals", {{"kms:EncryptionContext:tenant", "blue"}}}}));
  statements.push_back(
      allow(aws("arn:aws:iam::111122223333:role/batch"), {"kms:GenerateDataKey"},
            {{"ForAllValues:StringEquals", {{"kms:EncryptionContextKeys", {"tenant", "job"}}}}}));
  statements.push_back(
      allow("*", {"kms:Decrypt"}, {{"StringEquals", {{"aws:PrincipalOrgID", "o-a1b2c3d4e5"}}}}));
  statements.push_back(allow(aws("arn:aws:iam::111122223333:root"), {"kms:Decrypt"},
                             {{"StringEquals", {{"kms:RequestAlias", "alias/data"}}}}));
  statements.push_back(
      allow(aws("arn:aws:iam::111122223333:user/ci"), {"kms:PutKeyPolicy", "kms:DescribeKey"}));
  statements.push_back(
      allow(aws("arn:aws:iam::111122223333:role/Team-Admin-Role"), {"kms:RetireGrant"}));
  statements.push_back(
      json{{"Effect", "Deny"},
           {"Principal", "*"},
           {"Action", {"kms:ScheduleKeyDeletion", "kms:DisableKey"}},
           {"Resource", "*"},
           {"Condition",
            {{"ArnNotEquals",
              {{"aws:PrincipalArn", "arn:aws:iam::111122223333:role/Team-Admin-Role"}}}}}});

  model::Graph graph;
  graph.account = "111122223333";
  graph.region = "us-east-1";
  model::Key key;
  key.source.address = "aws_kms_key.data";
  key.arn = k_key_arn;
  key.account = graph.account;
  key.policy.state = model::PolicySource::State::document;
  key.policy.document = document_of(std::move(statements));
  graph.add(std::move(key));

  const model::PolicyId admin =
      graph.aws_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess");
  const auto add_policy = [&](std::string name, json statements_of_policy) {
    model::IdentityPolicy policy;
    policy.name = std::move(name);
    policy.document.state = model::PolicySource::State::document;
    policy.document.document = document_of(std::move(statements_of_policy));
    return graph.add(std::move(policy));
  };
  const model::PolicyId app_policy = add_policy("app-kms", identity_statements_a());
  const model::PolicyId batch_policy = add_policy("batch-kms", identity_statements_b());
  const auto add_role = [&](std::string name, std::vector<model::PolicyId> policies) {
    model::Principal role;
    role.name = name;
    role.account = graph.account;
    role.arn = "arn:aws:iam::111122223333:role/" + name;
    role.source.address = "aws_iam_role." + name;
    role.policies = std::move(policies);
    graph.add(std::move(role));
  };
  add_role("ops", {admin});
  add_role("app", {app_policy});
  add_role("batch", {batch_policy});
  return graph;
}

double analysis_milliseconds(std::size_t& statements, std::size_t& accesses) {
  const model::Graph graph = twenty_statement_graph();
  statements = graph.keys.front().policy.document["Statement"].size();
  double best = 1e9;
  for (int run = 0; run < 50; ++run) {
    const auto start = Clock::now();
    const analysis::KeyAccess result = analysis::analyze_key(graph, model::KeyId{0});
    const std::chrono::duration<double, std::milli> elapsed = Clock::now() - start;
    best = std::min(best, elapsed.count());
    accesses = result.accesses().size();
  }
  return best;
}

} // namespace

int main() {
  if (std::string(TFKMS_BUILD_TYPE) != "Release") {
    std::printf("note: this is a %s build; the targets are for Release (cmake "
                "-DCMAKE_BUILD_TYPE=Release)\n",
                TFKMS_BUILD_TYPE);
  }
  const double rate = decisions_per_second();
  const bool rate_ok = rate >= k_min_decisions_per_second;
  std::printf("decide(): %.0f decisions/s on one core (target >= %.0f): %s\n", rate,
              k_min_decisions_per_second, rate_ok ? "ok" : "MISSED");

  std::size_t statements = 0, accesses = 0;
  const double ms = analysis_milliseconds(statements, accesses);
  const bool analysis_ok = ms < k_max_analysis_ms;
  std::printf("analyze_key(): %.2f ms for a %zu-statement key policy, %zu accesses (target < %.0f "
              "ms): %s\n",
              ms, statements, accesses, k_max_analysis_ms, analysis_ok ? "ok" : "MISSED");
  return rate_ok && analysis_ok ? 0 : 1;
}
