#include "run/account.hpp"

#include <catch2/catch.hpp>

namespace {

using tfkms::rules::Finding;
using tfkms::run::merge_possibilities;
using tfkms::run::Possibility;

Finding finding(std::string rule, std::string message) {
  Finding result;
  result.rule_id = std::move(rule);
  result.resource = "Key";
  result.file = "template.yaml";
  result.line = 3;
  result.message = std::move(message);
  return result;
}

TEST_CASE("accounts named anywhere in an input's policies, grants and ARNs", "[run][account]") {
  tfkms::model::Graph graph;
  tfkms::model::Key key;
  key.arn = "arn:aws:kms:eu-west-1:111122223333:key/k";
  key.policy.state = tfkms::model::PolicySource::State::document;
  key.policy.document = nlohmann::json::parse(
      R"({"Statement": [{"Principal": {"AWS": ["444455556666", "arn:aws:iam::777788889999:role/r"]},
          "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012"}}}]})");
  graph.add(key);
  tfkms::model::Grant grant;
  grant.grantee = "arn:aws:iam::222233334444:role/g";
  graph.grants.push_back(grant);
  CHECK(tfkms::run::named_accounts(graph) ==
        std::vector<std::string>{"111122223333", "123456789012", "222233334444", "444455556666",
                                 "777788889999"});
  graph.account = "111122223333";
  CHECK(tfkms::run::named_accounts(graph).front() == "123456789012");
}

TEST_CASE("a finding in every possibility is reported as it is", "[run][account]") {
  std::vector<Possibility> possibilities{
      {std::nullopt, {finding("TFKMS007", "Rotation is off.")}, {}},
      {"444455556666", {finding("TFKMS007", "Rotation is off.")}, {}}};
  const auto merged = merge_possibilities(possibilities, "this-account");
  REQUIRE(merged.size() == 1);
  CHECK(merged[0].message == "Rotation is off.");
}

TEST_CASE("a finding absent when deployed to a named account says unless", "[run][account]") {
  std::vector<Possibility> possibilities{
      {std::nullopt, {finding("TFKMS002", "Bucket is shared with account 444455556666.")}, {}},
      {"444455556666", {}, {}},
      {"111122223333", {finding("TFKMS002", "Bucket is shared with account 444455556666.")}, {}}};
  const auto merged = merge_possibilities(possibilities, "this-account");
  REQUIRE(merged.size() == 1);
  CHECK(merged[0].message ==
        "Bucket is shared with account 444455556666 — unless this input is deployed to "
        "444455556666; its account is unknown, --account-id decides.");
}

TEST_CASE("a finding only when deployed to a named account says if", "[run][account]") {
  std::vector<Possibility> possibilities{
      {std::nullopt, {}, {}},
      {"111122223333", {finding("TFKMS008", "Role of 111122223333 administers and uses.")}, {}}};
  const auto merged = merge_possibilities(possibilities, "this-account");
  REQUIRE(merged.size() == 1);
  CHECK(merged[0].message ==
        "Role of 111122223333 administers and uses — if this input is deployed to "
        "111122223333; its account is unknown, --account-id decides.");
}

TEST_CASE("each possibility's own account is matched as the unnamed one's", "[run][account]") {
  std::vector<Possibility> possibilities{
      {std::nullopt,
       {finding("TFKMS003", "Grant to arn:aws:iam::this-account:role/r never ends.")},
       {}},
      {"111122223333",
       {finding("TFKMS003", "Grant to arn:aws:iam::111122223333:role/r never ends.")},
       {}}};
  const auto merged = merge_possibilities(possibilities, "this-account");
  REQUIRE(merged.size() == 1);
  CHECK(merged[0].message == "Grant to arn:aws:iam::this-account:role/r never ends.");
}

TEST_CASE("findings that together hold whichever account deploys say so", "[run][account]") {
  const Finding first = finding("TFKMS004", "Key lets every principal of account 111122223333 in.");
  const Finding second =
      finding("TFKMS004", "Key lets every principal of account 444455556666 in.");
  std::vector<Possibility> possibilities{{std::nullopt, {first, second}, {}},
                                         {"111122223333", {second}, {}},
                                         {"444455556666", {first}, {}}};
  const auto merged = merge_possibilities(possibilities, "this-account");
  REQUIRE(merged.size() == 2);
  for (const Finding& each : merged) {
    CHECK(each.message.find("— unless this input is deployed to ") != std::string::npos);
    REQUIRE_FALSE(each.evidence.empty());
    CHECK(each.evidence.back().text ==
          "whichever account this input is deployed to, one of these 2 TFKMS004 "
          "findings on Key holds");
  }
}

TEST_CASE("accounts where KMS refuses the key are left out of when a finding holds",
          "[run][account]") {
  const Finding open = finding("TFKMS004", "Key lets Alice of 123456789012 create grants.");
  SECTION("only one account can create the key: the finding holds without condition") {
    std::vector<Possibility> possibilities{
        {std::nullopt, {}, {"Key"}}, {"111122223333", {open}, {}}, {"123456789012", {}, {"Key"}}};
    const auto merged = merge_possibilities(possibilities, "this-account");
    REQUIRE(merged.size() == 1);
    CHECK(merged[0].message == "Key lets Alice of 123456789012 create grants.");
    REQUIRE_FALSE(merged[0].evidence.empty());
    CHECK(merged[0].evidence.back().text.starts_with(
        "the key can only be created in account 111122223333: KMS's policy lockout safety check"));
  }
  SECTION("a refused named account is named, and when it holds counts the others only") {
    std::vector<Possibility> possibilities{
        {std::nullopt, {open}, {}}, {"111122223333", {}, {}}, {"123456789012", {}, {"Key"}}};
    const auto merged = merge_possibilities(possibilities, "this-account");
    REQUIRE(merged.size() == 1);
    CHECK(merged[0].message == "Key lets Alice of 123456789012 create grants — unless this input "
                               "is deployed to 111122223333; its account is unknown, "
                               "--account-id decides.");
    CHECK(merged[0].evidence.back().text.starts_with(
        "the key is never created in account 123456789012: "));
  }
  SECTION("other resources are not affected") {
    Finding bucket = open;
    bucket.resource = "Bucket";
    std::vector<Possibility> possibilities{{std::nullopt, {}, {"Key"}},
                                           {"111122223333", {bucket}, {}}};
    const auto merged = merge_possibilities(possibilities, "this-account");
    REQUIRE(merged.size() == 1);
    CHECK(merged[0].message.find("— if this input is deployed to 111122223333") !=
          std::string::npos);
    CHECK(merged[0].evidence.empty());
  }
}

} // namespace
