// Rules AWS applies that a plain reading of a policy misses: the NotPrincipal chain, the grant
// operations CreateGrant accepts, and policies the API refuses (kms-reference §3.5-§3.7, §5).
#include "support.hpp"

using namespace tfkms::policy;
using namespace tfkms::policy::testing;
using nlohmann::json;

namespace {

json deny_all_but(json not_principals) {
  return {{"Effect", "Deny"},
          {"NotPrincipal", {{"AWS", std::move(not_principals)}}},
          {"Action", "kms:*"},
          {"Resource", "*"}};
}

CompiledPolicy open_key_with(json deny) {
  return key_policy(policy(json::array({key_statement("Allow", "*", "kms:*"), std::move(deny)})));
}

const std::string k_bob = "arn:aws:iam::111111111111:user/Bob";
const std::string k_alice = "arn:aws:iam::111111111111:user/Alice";

Document parsed(const json& document, PolicyKind kind = PolicyKind::key_policy) {
  return parse_document(document, kind, tfkms::model::NoSymbols{});
}

std::string first_error(const json& document, PolicyKind kind = PolicyKind::key_policy) {
  const Document read = parsed(document, kind);
  const auto* error = read.first_error();
  return error ? error->message : std::string();
}

GrantSpec spec_of(std::vector<std::string> operations) {
  GrantSpec spec;
  spec.grantee = {role(k_key_account, "Worker"), tfkms::model::ValueKind::literal, {}};
  spec.operations = std::move(operations);
  return spec;
}

CompiledGrant grant_of(std::vector<std::string> operations) {
  return compile(spec_of(std::move(operations)));
}

} // namespace

TEST_CASE("Deny with NotPrincipal spares only a caller whose whole chain is listed",
          "[policy][aws-rules]") {
  // IAM User Guide, NotPrincipal: with the user Bob and the account listed, "all principals except
  // the user named Bob ... are explicitly denied".
  const auto key = open_key_with(deny_all_but({k_bob, root(k_key_account)}));
  CHECK(outcome({k_bob}, &key) == Outcome::allowed);
  CHECK(outcome({k_alice}, &key) == Outcome::explicitly_denied);
  CHECK(outcome({root(k_key_account)}, &key) == Outcome::allowed);
  // The user alone, without its account: the account-level evaluation still denies.
  const auto user_only = open_key_with(deny_all_but(json::array({k_bob})));
  CHECK(outcome({k_bob}, &user_only) == Outcome::explicitly_denied);
  // The account alone spares no one but its root user.
  const auto account_only = open_key_with(deny_all_but(json::array({root(k_key_account)})));
  CHECK(outcome({k_bob}, &account_only) == Outcome::explicitly_denied);
  CHECK(outcome({root(k_key_account)}, &account_only) == Outcome::allowed);
}

TEST_CASE("a role session is spared by NotPrincipal only with account, role and session listed",
          "[policy][aws-rules]") {
  const std::string app = session(k_key_account, "App");
  const auto all_three =
      open_key_with(deny_all_but({root(k_key_account), role(k_key_account, "App"), app}));
  CHECK(outcome({app}, &all_three) == Outcome::allowed);
  CHECK(outcome({session(k_key_account, "Other")}, &all_three) == Outcome::explicitly_denied);
  const auto no_session =
      open_key_with(deny_all_but({root(k_key_account), role(k_key_account, "App")}));
  CHECK(outcome({app}, &no_session) == Outcome::explicitly_denied);
  // The role ARN stands for any of its sessions: only the listed one is spared.
  CHECK(outcome({role(k_key_account, "App")}, &all_three) == Outcome::unknown);
  CHECK(outcome({role(k_key_account, "App")}, &no_session) == Outcome::explicitly_denied);
}

TEST_CASE("a grant holds only GrantOperation values, spelt exactly", "[policy][aws-rules]") {
  const auto key =
      key_policy(policy(json::array({key_statement("Allow", aws(root(k_key_account)), "kms:*")})));
  const std::string worker = session(k_key_account, "Worker");
  CHECK(grant_of({"Decrypt"}).exists());
  CHECK(outcome({worker}, &key, {}, {grant_of({"Decrypt"})}) == Outcome::allowed);
  // CreateGrant refuses PutKeyPolicy (ValidationException): the grant never exists.
  const CompiledGrant put_policy = grant_of({"PutKeyPolicy"});
  CHECK_FALSE(put_policy.exists());
  CHECK(put_policy.invalid_operations == std::vector<std::string>{"PutKeyPolicy"});
  CHECK(outcome({worker, "kms:PutKeyPolicy"}, &key, {}, {put_policy}) ==
        Outcome::implicitly_denied);
  // One invalid name makes the whole request fail, valid names with it included.
  CHECK(outcome({worker}, &key, {}, {grant_of({"Decrypt", "ScheduleKeyDeletion"})}) ==
        Outcome::implicitly_denied);
  CHECK_FALSE(grant_of({"decrypt"}).exists());
  CHECK_FALSE(grant_of({}).exists());
}

TEST_CASE("whether a grant exists is told without compiling it, as compiling tells it",
          "[policy][aws-rules]") {
  GrantSpec filled_later = spec_of({});
  filled_later.unknown_fields = true; // operations known only after apply
  const std::vector<GrantSpec> specs = {spec_of({"Decrypt"}),
                                        spec_of({"GenerateDataKey", "CreateGrant"}),
                                        spec_of({"PutKeyPolicy"}),
                                        spec_of({"Decrypt", "ScheduleKeyDeletion"}),
                                        spec_of({"decrypt"}),
                                        spec_of({"kms:Decrypt"}),
                                        spec_of({}),
                                        filled_later};
  const std::vector<bool> exists = {true, true, false, false, false, false, false, true};
  for (std::size_t i = 0; i < specs.size(); ++i) {
    CAPTURE(i);
    CHECK(grant_exists(specs[i]) == exists[i]);
    CHECK(compile(specs[i]).exists() == exists[i]);
  }
}

TEST_CASE("policies AWS refuses are errors, never read as 'does not match'",
          "[policy][aws-rules]") {
  const json allow_root = key_statement("Allow", aws(root(k_key_account)), "kms:*");
  const auto with = [&](json statement) {
    return policy(json::array({allow_root, std::move(statement)}));
  };
  CHECK(first_error(with({{"Effect", "Deny"}, {"Action", "kms:*"}, {"Resource", "*"}})) ==
        "Statement[1]: statement has no Principal");
  CHECK(first_error(
            with({{"Effect", "Deny"}, {"Principal", "*"}, {"Action", 5}, {"Resource", "*"}})) ==
        "Statement[1].Action: expected a string, found number");
  CHECK(first_error(with(key_statement("Deny", "*", "kms:*",
                                       {{"StringEquals", {{"aws:username", {{"a", 1}}}}}}))) ==
        "Statement[1].Condition.StringEquals.aws:username: expected a string, found object");
  CHECK(first_error(with(key_statement("deny", "*", "kms:*"))) ==
        "Statement[1].Effect: Effect must be \"Allow\" or \"Deny\", found \"deny\"");
  CHECK(first_error(with(
            key_statement("Deny", "*", "kms:*", {{"StringEqualz", {{"aws:username", "a"}}}}))) ==
        "Statement[1].Condition.StringEqualz: unknown condition operator");
  CHECK(first_error({{"Version", "2012-10-18"}, {"Statement", json::array({allow_root})}}) ==
        "Version: unknown Version \"2012-10-18\" (expected \"2012-10-17\")");
  CHECK(first_error(with({{"Effect", "Allow"},
                          {"NotPrincipal", aws(k_bob)},
                          {"Action", "kms:*"},
                          {"Resource", "*"}})) ==
        "Statement[1].NotPrincipal: NotPrincipal is only accepted with Effect \"Deny\"");
  CHECK(first_error(with({{"Effect", "Allow"},
                          {"Principal", "*"},
                          {"Action", "kms:*"},
                          {"Resource", k_key_arn}})) ==
        "Statement[1].Resource: a key policy accepts only \"Resource\": \"*\", found \"" +
            k_key_arn + "\"");
  CHECK(first_error(with({{"Effect", "Allow"}, {"Principal", "*"}, {"Action", "kms:*"}})) ==
        "Statement[1]: statement has no Resource or NotResource");

  // The refused policy decides nothing: unknown, not the answer it would give without the
  // statement.
  Document refused = parsed(with({{"Effect", "Deny"}, {"Action", "kms:*"}, {"Resource", "*"}}));
  REQUIRE(refused.rejected());
  const CompiledPolicy key = compile(std::move(refused));
  CHECK(outcome({root(k_key_account)}, &key) == Outcome::unknown);
  const Decision decision = decide_case({root(k_key_account)}, &key);
  REQUIRE(decision.reasons.size() == 1);
  const std::vector<const CompiledPolicy*> none;
  CHECK(describe(decision.reasons[0], &key, none) ==
        "key policy is refused by AWS (MalformedPolicyDocument): Statement[1]: statement has no "
        "Principal");
}
