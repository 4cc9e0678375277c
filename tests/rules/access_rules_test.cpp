// The access rules on many principals that decide alike: the analysis evaluates them as one subject,
// the findings still name each principal (up to a limit) with its own policy.
#include <catch2/catch.hpp>

#include <algorithm>

#include "rules/engine.hpp"

using namespace tfkms;
using nlohmann::json;

namespace {

constexpr const char* k_account = "111122223333";

std::vector<rules::Finding> run(const model::Graph& graph, const char* rule) {
  return rules::run_rules(graph, rules::Config{}, {.only = {rule}, .skip = {}});
}

json statement(json principal, json actions) {
  return {{"Effect", "Allow"}, {"Principal", std::move(principal)}, {"Action", std::move(actions)}, {"Resource", "*"}};
}

// A key whose policy delegates to the account and names role "app", and `teams` roles whose inline
// policies allow `actions` on every key.
model::Graph teams_graph(std::size_t teams, const json& actions) {
  model::Graph graph;
  graph.account = k_account;
  graph.region = "us-east-1";
  model::Key key;
  key.source.address = "aws_kms_key.data";
  key.account = k_account;
  key.arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  key.policy.state = model::PolicySource::State::document;
  key.policy.document = {{"Version", "2012-10-17"},
                         {"Statement",
                          {statement({{"AWS", "arn:aws:iam::111122223333:root"}}, "kms:*"),
                           statement({{"AWS", "arn:aws:iam::111122223333:role/app"}}, "kms:Encrypt")}}};
  graph.add(std::move(key));
  for (std::size_t t = 0; t < teams; ++t) {
    const std::string name = "team-" + std::to_string(t);
    model::IdentityPolicy policy;
    policy.name = name;
    policy.inline_policy = true;
    policy.source.address = "aws_iam_role_policy." + name;
    policy.document.state = model::PolicySource::State::document;
    policy.document.document = {{"Version", "2012-10-17"},
                                {"Statement", {{{"Effect", "Allow"}, {"Action", actions}, {"Resource", "*"}}}}};
    const model::PolicyId policy_id = graph.add(std::move(policy));
    model::Principal role;
    role.kind = model::PrincipalKind::role;
    role.name = name;
    role.account = k_account;
    role.arn = "arn:aws:iam::111122223333:role/" + name;
    role.source.address = "aws_iam_role." + name;
    role.policies = {policy_id};
    graph.add(std::move(role));
  }
  return graph;
}

std::size_t count_containing(const rules::Finding& finding, std::string_view text) {
  return static_cast<std::size_t>(std::count_if(finding.evidence.begin(), finding.evidence.end(),
                                                [&](const rules::Evidence& e) { return e.text.find(text) != std::string::npos; }));
}

} // namespace

TEST_CASE("TFKMS001 lists the first principals that get key use through delegation and counts the rest",
          "[rules][TFKMS001]") {
  const auto findings = run(teams_graph(25, "kms:Decrypt"), "TFKMS001");
  const auto delegation = std::find_if(findings.begin(), findings.end(), [](const rules::Finding& f) {
    return f.message.find("delegates key use to the account") != std::string::npos;
  });
  REQUIRE(delegation != findings.end());
  CHECK_THAT(delegation->message,
             Catch::Contains("aws_iam_role.team-0 can kms:Decrypt via aws_iam_role_policy.team-0 (and 24 more)"));
  CHECK(count_containing(*delegation, "without being named in the key policy") == 20);
  // Each listed principal with its own policy, not the one its class was evaluated with.
  CHECK(count_containing(*delegation, "aws_iam_role.team-7 can kms:Decrypt via aws_iam_role_policy.team-7 ") == 1);
  CHECK(count_containing(*delegation, "5 more principals get key use the same way") == 1);
}

TEST_CASE("TFKMS005 reports each principal of a class that can rewrite the key policy", "[rules][TFKMS005]") {
  const auto findings = run(teams_graph(3, json::array({"kms:PutKeyPolicy", "kms:DescribeKey"})), "TFKMS005");
  REQUIRE(findings.size() == 3);
  for (std::size_t t = 0; t < 3; ++t) {
    const std::string label = "aws_iam_role.team-" + std::to_string(t) + " can call kms:PutKeyPolicy";
    CHECK(std::any_of(findings.begin(), findings.end(),
                      [&](const rules::Finding& f) { return f.message.starts_with(label); }));
  }
}
