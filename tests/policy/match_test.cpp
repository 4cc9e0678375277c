// Wildcards, ARNs and the action catalogue.
#include "model/data_store_types.hpp"
#include "policy/actions.hpp"
#include "policy/match.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tfkms::policy;

namespace {
bool glob(const std::string& pattern, const std::string& text, Case c = Case::sensitive) {
  return wildcard_match(encode_wildcards(pattern), text, c);
}
} // namespace

TEST_CASE("wildcards", "[policy][match]") {
  CHECK(glob("*", ""));
  CHECK(glob("a*", "a"));
  CHECK(glob("*a*b*", "xxaxxbxx"));
  CHECK_FALSE(glob("*a*b*", "xxbxxaxx"));
  CHECK(glob("a?c", "abc"));
  CHECK_FALSE(glob("a?c", "ac"));
  CHECK(glob("ab*ab", "abab"));
  CHECK_FALSE(glob("ab*ab", "aba"));
  CHECK(glob("KMS:De*", "kms:decrypt", Case::insensitive));
  CHECK_FALSE(glob("KMS:De*", "kms:decrypt", Case::sensitive));
}

TEST_CASE("hostile patterns do not backtrack", "[policy][match]") {
  std::string pattern;
  for (int i = 0; i < 200; ++i)
    pattern += "*a";
  pattern += "*b";
  const std::string text(20000, 'a');
  CHECK_FALSE(glob(pattern, text)); // exponential with naive backtracking; immediate here
  CHECK(glob(pattern, text + "b"));
}

TEST_CASE("ARN and resource matching", "[policy][match]") {
  CHECK(arn_match(encode_wildcards("arn:aws:kms:*:111111111111:key/*"),
                  "arn:aws:kms:us-east-1:111111111111:key/k"));
  CHECK_FALSE(arn_match(encode_wildcards("arn:aws:kms:*:111111111111:key/*"),
                        "arn:aws:kms:us-east-1:222222222222:key/k"));
  CHECK_FALSE(arn_match(encode_wildcards("arn:aws:kms:*"), "arn:aws:kms:us-east-1:1:key/k"));
  CHECK(arn_match(encode_wildcards("*"), "arn:aws:kms:us-east-1:1:key/k"));
  CHECK(resource_match(encode_wildcards("arn:AWS:KMS:*:111111111111:key/*"),
                       "arn:aws:kms:eu-west-1:111111111111:key/k"));
  CHECK_FALSE(resource_match(encode_wildcards("arn:aws:kms:*:111111111111:key/K"),
                             "arn:aws:kms:eu-west-1:111111111111:key/k"));
  const auto parts = split_arn("arn:aws:s3:::bucket/a:b");
  REQUIRE(parts);
  CHECK(parts->resource == "bucket/a:b");
  CHECK_FALSE(split_arn("arn:aws:s3"));
  CHECK(is_account_id("111122223333"));
  CHECK_FALSE(is_account_id("11112222333a"));
}

TEST_CASE("the action catalogue", "[policy][match]") {
  CHECK(kms_actions().size() == 58);
  const auto decrypt = find_action("KMS:decrypt");
  REQUIRE(decrypt);
  const ActionInfo& info = kms_actions()[*decrypt];
  CHECK(info.name == "Decrypt");
  CHECK(info.cross_account);
  CHECK(info.grant_operation);
  CHECK(info.key_resource);
  CHECK_FALSE(find_action("kms:Nope"));
  CHECK_FALSE(kms_actions()[*find_action("kms:ScheduleKeyDeletion")].cross_account);
  CHECK_FALSE(kms_actions()[*find_action("kms:CreateKey")].key_resource);
  CHECK(kms_actions()[*find_action("kms:Encapsulate")].grant_operation);
  // Every action is found by its name in any case, at its own index (a binary search over the
  // table).
  for (std::size_t i = 0; i < kms_actions().size(); ++i) {
    const std::string name = "kms:" + std::string(kms_actions()[i].name);
    CHECK(find_action(name) == static_cast<ActionIndex>(i));
    CHECK(find_action(to_lower(name)) == static_cast<ActionIndex>(i));
  }
  CHECK_FALSE(find_action("kms:"));
  CHECK_FALSE(find_action("kms:Decrypt "));
  CHECK_FALSE(find_action("kms:Zzz"));
  // kms-reference §1.2 expansions.
  const auto names = [](std::uint64_t mask) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < kms_actions().size(); ++i)
      if (mask & (std::uint64_t{1} << i))
        out.emplace_back(kms_actions()[i].name);
    return out;
  };
  CHECK(
      names(match_actions("kms:Create*")) ==
      std::vector<std::string>{"CreateAlias", "CreateCustomKeyStore", "CreateGrant", "CreateKey"});
  CHECK(names(match_actions("kms:Put*")) == std::vector<std::string>{"PutKeyPolicy"});
  CHECK(names(match_actions("kms:*Grant*")) ==
        std::vector<std::string>{"CreateGrant", "ListGrants", "ListRetirableGrants", "RetireGrant",
                                 "RevokeGrant"});
  CHECK(names(match_actions("kms:De*")).size() == 8);
  CHECK(names(match_actions("*")).size() == 58);
  CHECK(match_actions("s3:*") == 0);
  // A name without wildcards is one action, in any letter case, or none.
  CHECK(names(match_actions("KMS:decrypt")) == std::vector<std::string>{"Decrypt"});
  CHECK(names(match_actions("kms:Decrypt?")).empty());
  CHECK(match_actions("kms:Decryp") == 0);
  CHECK(match_actions("s3:GetObject") == 0);
  // Patterns are remembered: asked again, in between others and in another letter case, each keeps
  // its own answer.
  for (int round = 0; round < 2; ++round) {
    CHECK(names(match_actions("kms:Put*")) == std::vector<std::string>{"PutKeyPolicy"});
    CHECK(names(match_actions("KMS:PUT*")) == std::vector<std::string>{"PutKeyPolicy"});
    CHECK(match_actions("s3:*") == 0);
    CHECK(names(match_actions("kms:De*")).size() == 8);
  }
}

TEST_CASE("the store actions: every reader's and writer's request of the data-store table",
          "[policy][match]") {
  const auto actions = store_actions();
  CHECK(actions.size() <= k_max_actions);
  for (const auto& type : tfkms::model::data_store_types()) {
    for (const auto& use : {type.reader, type.writer}) {
      if (use.action.empty())
        continue;
      INFO(use.action);
      const auto index = find_store_action(use.action);
      REQUIRE(index);
      CHECK(*index >= k_store_action_base);
      CHECK(action_info(*index).name == use.action);
      CHECK_FALSE(action_info(*index).key_resource); // IAM alone decides them
    }
  }
  REQUIRE(find_store_action("S3:getobject"));
  CHECK(action_info(*find_store_action("S3:getobject")).access_level == "Read");
  CHECK(action_info(*find_store_action("sqs:SendMessage")).access_level == "Write");
  // KMS actions stay in their own catalogue, and store actions in theirs.
  CHECK_FALSE(find_store_action("kms:Decrypt"));
  CHECK_FALSE(find_action("s3:GetObject"));
  CHECK(action_info(*find_action("kms:Decrypt")).name == "Decrypt");
  const auto bit_of = [&](std::string_view action) {
    return std::uint64_t{1} << (*find_store_action(action) - k_store_action_base);
  };
  CHECK(match_store_actions("s3:GetObject") == bit_of("s3:GetObject"));
  CHECK((match_store_actions("s3:*") & bit_of("s3:PutObject")) != 0);
  CHECK((match_store_actions("s3:*") & bit_of("sqs:SendMessage")) == 0);
  CHECK(match_store_actions("kms:*") == 0);
  CHECK((match_store_actions("*") & bit_of("sns:Publish")) != 0);
}
