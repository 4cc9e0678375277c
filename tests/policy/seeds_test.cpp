// The scenarios of the four seed articles (/work/shared/seeds), decided by the engine.
#include "support.hpp"

using namespace tfkms::policy;
using namespace tfkms::policy::testing;
using nlohmann::json;

namespace {

const std::string k_admin_access =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";

CompiledPolicy administrator_access() { return identity_policy(json::parse(k_admin_access)); }

} // namespace

TEST_CASE("seed 001: the console default policy does not stop an administrator role of the account",
          "[policy][seeds]") {
  const json console_default = policy(json::array({
      key_statement("Allow", aws(root(k_key_account)), "kms:*"),
      key_statement("Allow", aws(role(k_key_account, "Team-Admin-Role")),
                    {"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
                     "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
                     "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
                     "kms:CancelKeyDeletion"}),
      key_statement("Allow", aws(role(k_key_account, "Team-Power-User-Role")),
                    {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                     "kms:DescribeKey"}),
      key_statement("Allow", aws(role(k_key_account, "Team-Power-User-Role")),
                    {"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"},
                    {{"Bool", {{"kms:GrantIsForAWSResource", "true"}}}}),
  }));
  const auto key = key_policy(console_default);
  // Not a "key user", but AdministratorAccess plus the root delegation is enough.
  CHECK(outcome({session(k_key_account, "Operations")}, &key, {administrator_access()}) ==
        Outcome::allowed);
  CHECK(outcome({session(k_key_account, "Team-Power-User-Role")}, &key) == Outcome::allowed);
  CHECK(outcome({session(k_key_account, "Operations")}, &key) == Outcome::implicitly_denied);
  // The key users' grant statement needs kms:GrantIsForAWSResource.
  CHECK(outcome({session(k_key_account, "Team-Power-User-Role"), "kms:CreateGrant"}, &key) ==
        Outcome::implicitly_denied);
  CHECK(outcome({session(k_key_account, "Team-Power-User-Role"),
                 "kms:CreateGrant",
                 {{"kms:GrantIsForAWSResource", {"true"}}}},
                &key) == Outcome::allowed);
}

TEST_CASE("seed 002: the aws/s3 managed key cannot be used from another account",
          "[policy][seeds]") {
  const json aws_s3 = policy(json::array({
      key_statement("Allow", aws("*"),
                    {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                     "kms:DescribeKey"},
                    {{"StringEquals",
                      {{"kms:CallerAccount", k_key_account},
                       {"kms:ViaService", "s3.us-east-1.amazonaws.com"}}}}),
      key_statement("Allow", aws(root(k_key_account)), {"kms:Describe*", "kms:Get*", "kms:List*"}),
  }));
  const auto key = key_policy(aws_s3);
  const std::vector<ContextEntry> via_s3 = {{"kms:ViaService", {"s3.us-east-1.amazonaws.com"}}};
  CHECK(outcome({session(k_other_account, "Compute"), "kms:Decrypt", via_s3}, &key,
                {administrator_access()}) == Outcome::implicitly_denied);
  CHECK(outcome({session(k_key_account, "Compute"), "kms:Decrypt", via_s3}, &key) ==
        Outcome::allowed);
  CHECK(outcome({session(k_key_account, "Compute"), "kms:Decrypt"}, &key,
                {administrator_access()}) == Outcome::implicitly_denied);
}

TEST_CASE("seed 003: DenyEveryoneElse lets only the named principals in", "[policy][seeds]") {
  const json app = role(k_key_account, "appA");
  const json ci = "arn:aws:iam::111111111111:user/ci";
  const json narrower = policy(json::array({
      key_statement("Allow", aws(root(k_key_account)), "kms:*"),
      key_statement("Allow", {{"AWS", {app, ci}}}, "kms:*"),
      key_statement("Deny", aws("*"), "kms:*",
                    {{"ArnNotEquals", {{"aws:PrincipalArn", {app, ci}}}}}),
  }));
  const auto key = key_policy(narrower);
  CHECK(outcome({session(k_key_account, "appA")}, &key) == Outcome::allowed);
  CHECK(outcome({"arn:aws:iam::111111111111:user/ci", "kms:ScheduleKeyDeletion"}, &key) ==
        Outcome::allowed);
  CHECK(outcome({session(k_key_account, "Admin")}, &key, {administrator_access()}) ==
        Outcome::explicitly_denied);
  CHECK(outcome({"arn:aws:iam::111111111111:user/person1"}, &key, {administrator_access()}) ==
        Outcome::explicitly_denied);
}

TEST_CASE("seed 000: a grant gives a role of another account Decrypt without a key policy change",
          "[policy][seeds]") {
  const auto key =
      key_policy(policy(json::array({key_statement("Allow", aws(root(k_key_account)), "kms:*")})));
  const std::string role_xyz = session(k_other_account, "Role-XYZ");
  const auto iam = identity_policy(policy(json::array(
      {{{"Effect", "Allow"}, {"Action", {"s3:GetObject", "kms:Decrypt"}}, {"Resource", "*"}}})));
  CHECK(outcome({role_xyz}, &key, {iam}) == Outcome::implicitly_denied);
  GrantSpec spec;
  spec.grantee = {role(k_other_account, "Role-XYZ"), tfkms::model::ValueKind::literal, {}};
  spec.operations = {"Decrypt"};
  const std::vector<CompiledGrant> grants = {compile(spec)};
  CHECK(outcome({role_xyz}, &key, {iam}, grants) == Outcome::allowed);
  // The grant covers Decrypt only, and grants never expire: it keeps working until retired or
  // revoked.
  CHECK(outcome({role_xyz, "kms:Encrypt"}, &key, {iam}, grants) == Outcome::implicitly_denied);
}
