// The access rules on many principals that decide alike: the analysis evaluates them as one
// subject, the findings still name each principal (up to a limit) with its own policy.
#include "model/value.hpp"
#include "rules/engine.hpp"
#include "rules/rule.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace tfkms;
using nlohmann::json;

namespace {

constexpr const char* k_account = "111122223333";

std::vector<rules::Finding> run(const model::Graph& graph, const char* rule) {
  return rules::run_rules(graph, rules::Config{}, {.only = {rule}, .skip = {}});
}

json statement(json principal, json actions) {
  return {{"Effect", "Allow"},
          {"Principal", std::move(principal)},
          {"Action", std::move(actions)},
          {"Resource", "*"}};
}

// A key whose policy delegates to account 111122223333 and names its role `named`, and `teams`
// roles (team-0, team-1, ...) whose inline policies allow `actions` on every key. `own_account`:
// the account the input deploys to, or model::k_this_account when it does not say.
model::Graph teams_graph(std::size_t teams, const json& actions,
                         std::string_view own_account = k_account,
                         const std::string& named = "app") {
  const std::string account(own_account);
  const bool known = own_account == k_account;
  model::Graph graph;
  graph.account = account;
  graph.region = "us-east-1";
  model::Key key;
  key.source.address = "aws_kms_key.data";
  key.account = account;
  if (known)
    key.arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  key.policy.state = model::PolicySource::State::document;
  key.policy.document = {
      {"Version", "2012-10-17"},
      {"Statement",
       {statement({{"AWS", "arn:aws:iam::111122223333:root"}}, "kms:*"),
        statement({{"AWS", "arn:aws:iam::111122223333:role/" + named}}, "kms:Encrypt")}}};
  graph.add(std::move(key));
  for (std::size_t t = 0; t < teams; ++t) {
    const std::string name = "team-" + std::to_string(t);
    model::IdentityPolicy policy;
    policy.name = name;
    policy.inline_policy = true;
    policy.source.address = "aws_iam_role_policy." + name;
    policy.document.state = model::PolicySource::State::document;
    policy.document.document = {
        {"Version", "2012-10-17"},
        {"Statement", {{{"Effect", "Allow"}, {"Action", actions}, {"Resource", "*"}}}}};
    const model::PolicyId policy_id = graph.add(std::move(policy));
    model::Principal role;
    role.kind = model::PrincipalKind::role;
    role.name = name;
    role.account = account;
    if (known)
      role.arn = "arn:aws:iam::111122223333:role/" + name;
    role.source.address = "aws_iam_role." + name;
    role.policies = {policy_id};
    graph.add(std::move(role));
  }
  return graph;
}

std::size_t count_containing(const rules::Finding& finding, std::string_view text) {
  return static_cast<std::size_t>(std::count_if(
      finding.evidence.begin(), finding.evidence.end(),
      [&](const rules::Evidence& e) { return e.text.find(text) != std::string::npos; }));
}

} // namespace

TEST_CASE(
    "TFKMS001 lists the first principals that get key use through delegation and counts the rest",
    "[rules][TFKMS001]") {
  const auto findings = run(teams_graph(25, "kms:Decrypt"), "TFKMS001");
  const auto delegation =
      std::find_if(findings.begin(), findings.end(), [](const rules::Finding& f) {
        return f.message.find("delegates key use to the account") != std::string::npos;
      });
  REQUIRE(delegation != findings.end());
  CHECK_THAT(
      delegation->message,
      Catch::Contains(
          "aws_iam_role.team-0 can kms:Decrypt via aws_iam_role_policy.team-0 (and 24 more)"));
  CHECK(count_containing(*delegation, "without being named in the key policy") == 20);
  // Each listed principal with its own policy, not the one its class was evaluated with.
  CHECK(count_containing(*delegation,
                         "aws_iam_role.team-7 can kms:Decrypt via aws_iam_role_policy.team-7 ") ==
        1);
  CHECK(count_containing(*delegation, "5 more principals get key use the same way") == 1);
}

TEST_CASE("TFKMS001 does not say a principal the key policy names is not named",
          "[rules][TFKMS001]") {
  // team-0 is named for kms:Encrypt; delegation and its IAM policy give it kms:Decrypt as well.
  const auto findings = run(
      teams_graph(2, json::array({"kms:Decrypt", "kms:Encrypt"}), k_account, "team-0"), "TFKMS001");
  const auto delegation =
      std::find_if(findings.begin(), findings.end(), [](const rules::Finding& f) {
        return f.message.find("delegates key use to the account") != std::string::npos;
      });
  REQUIRE(delegation != findings.end());
  CHECK_THAT(delegation->message,
             Catch::EndsWith("aws_iam_role.team-0 can kms:Decrypt via aws_iam_role_policy.team-0 "
                             "(and 1 more) beyond what the key policy names it for."));
  CHECK(count_containing(
            *delegation,
            "aws_iam_role.team-0 can kms:Decrypt via aws_iam_role_policy.team-0 beyond what "
            "the key policy names it for") == 1);
  CHECK(count_containing(
            *delegation,
            "aws_iam_role.team-1 can kms:Decrypt and kms:Encrypt via aws_iam_role_policy.team-1 "
            "without being named in the key policy") == 1);
}

TEST_CASE("TFKMS005 reports each principal of a class that can rewrite the key policy",
          "[rules][TFKMS005]") {
  const auto findings =
      run(teams_graph(3, json::array({"kms:PutKeyPolicy", "kms:DescribeKey"})), "TFKMS005");
  REQUIRE(findings.size() == 3);
  for (std::size_t t = 0; t < 3; ++t) {
    const std::string label =
        "aws_iam_role.team-" + std::to_string(t) + " can call kms:PutKeyPolicy";
    CHECK(std::any_of(findings.begin(), findings.end(),
                      [&](const rules::Finding& f) { return f.message.starts_with(label); }));
  }
}

TEST_CASE(
    "TFKMS001 claims a statement adds nothing only if it also does in the account the policy names",
    "[rules][TFKMS001]") {
  const auto adds_nothing = [](const std::vector<rules::Finding>& findings) {
    return std::count_if(findings.begin(), findings.end(), [](const rules::Finding& f) {
      return f.message.find("adds nothing") != std::string::npos;
    });
  };
  // The key policy names role team-0 for kms:Encrypt, which its IAM policy does not allow: deployed
  // to 111122223333 the statement gives team-0 kms:Encrypt. With the account unknown, 111122223333
  // may be another account, where the statement would add nothing; the claim must not be made.
  CHECK(adds_nothing(
            run(teams_graph(2, "kms:Decrypt", model::k_this_account, "team-0"), "TFKMS001")) == 0);
  CHECK(adds_nothing(run(teams_graph(2, "kms:Decrypt", k_account, "team-0"), "TFKMS001")) == 0);
  // With kms:* in its IAM policy the statement adds nothing in either case, but what covers it is
  // the account delegation that TFKMS001 also reports, whose fix keeps key use in the statements
  // naming principals: calling this one redundant would contradict it
  // (statement_repeating_broader_one in fixtures/TFKMS001 keeps the claim where another statement
  // covers it).
  const auto findings = run(teams_graph(2, "kms:*", model::k_this_account, "team-0"), "TFKMS001");
  CHECK(adds_nothing(findings) == 0);
  CHECK(std::any_of(findings.begin(), findings.end(), [](const rules::Finding& f) {
    return f.message.find("delegates key use to the account") != std::string::npos;
  }));
}

TEST_CASE("an input that does not say its account may deploy only to accounts its policies name",
          "[rules]") {
  const model::Graph graph = teams_graph(2, "kms:Decrypt", model::k_this_account);
  const rules::Config config;
  const rules::RuleContext context(graph, config);
  const analysis::KeyAccess& access = context.access(model::KeyId{0});
  // The analysis also has a subject for "any other account", under a stand-in id: not a candidate.
  REQUIRE(std::any_of(access.subjects().begin(), access.subjects().end(),
                      [](const analysis::Subject& subject) {
                        return subject.kind == analysis::SubjectKind::any_account;
                      }));
  CHECK(context.possible_own_accounts(access) == std::vector<std::string>{k_account});
}

TEST_CASE("TFKMS001 reports delegation in the account the key policy names when the input does not "
          "say its own",
          "[rules][TFKMS001]") {
  const auto findings = run(teams_graph(2, "kms:Decrypt", model::k_this_account), "TFKMS001");
  const auto delegation =
      std::find_if(findings.begin(), findings.end(), [](const rules::Finding& f) {
        return f.message.find("delegates key use to the account") != std::string::npos;
      });
  REQUIRE(delegation != findings.end());
  CHECK_THAT(delegation->message, Catch::Contains("aws_iam_role.team-0 can kms:Decrypt"));
  CHECK_THAT(delegation->message,
             Catch::Contains("This holds if the input deploys to account 111122223333"));
  CHECK(count_containing(*delegation, "assumed deployment account 111122223333") == 1);
  // Stated, the account needs no assumption.
  const auto stated = run(teams_graph(2, "kms:Decrypt", k_account), "TFKMS001");
  REQUIRE_FALSE(stated.empty());
  CHECK(std::none_of(stated.begin(), stated.end(), [](const rules::Finding& f) {
    return f.message.find("This holds if") != std::string::npos;
  }));
}

TEST_CASE("an analysis is at hand for rules that need none only once a rule made it", "[rules]") {
  const model::Graph graph = teams_graph(2, "kms:Decrypt");
  const rules::Config config;
  const rules::RuleContext context(graph, config);
  CHECK(context.access_if_made(model::KeyId{0}) == nullptr);
  const analysis::KeyAccess& access = context.access(model::KeyId{0});
  CHECK(context.access_if_made(model::KeyId{0}) == &access);
  context.release_access();
  CHECK(context.access_if_made(model::KeyId{0}) == nullptr);
}

TEST_CASE("TFKMS010 reads a key policy alike whether another rule analysed the key or not",
          "[rules][TFKMS010]") {
  model::Graph graph = teams_graph(2, "kms:Decrypt");
  // A principal named by a reference nothing defines stays unknown.
  graph.keys[0].policy.document["Statement"].push_back(
      statement({{"AWS", model::symbol("aws_iam_role.later.arn")}}, "kms:Decrypt"));
  const auto unknown_values = [](const std::vector<rules::Finding>& findings) {
    std::vector<std::string> out;
    for (const rules::Finding& finding : findings) {
      if (finding.rule_id == "TFKMS010")
        out.push_back(finding.message + " | " + finding.fingerprint);
    }
    return out;
  };
  const auto alone = unknown_values(run(graph, "TFKMS010"));
  const auto with_analysis = unknown_values(rules::run_rules(graph, rules::Config{}, {}));
  REQUIRE(alone.size() == 1);
  CHECK_THAT(alone.front(), Catch::Contains("aws_iam_role.later.arn"));
  CHECK(with_analysis == alone);
}
