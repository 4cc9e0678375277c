// The rest of the chain: SCPs, RCPs, permissions boundary and session policy (policy::Chain).
#include "support.hpp"

using namespace tfkms::policy;
using namespace tfkms::policy::testing;
using nlohmann::json;

namespace {

CompiledPolicy read(const json& document, PolicyKind kind) {
  Document parsed = parse_document(document, kind, tfkms::model::NoSymbols{});
  REQUIRE_FALSE(parsed.rejected());
  return compile(std::move(parsed));
}

json statement(const char* effect, json action, json condition = nullptr) {
  json out = {{"Effect", effect}, {"Action", std::move(action)}, {"Resource", "*"}};
  if (!condition.is_null())
    out["Condition"] = std::move(condition);
  return out;
}

CompiledPolicy scp(json statements) {
  return read(policy(std::move(statements)), PolicyKind::service_control_policy);
}
CompiledPolicy limit(json statements) {
  return read(policy(std::move(statements)), PolicyKind::identity_policy);
}

CompiledPolicy full_access() { return scp(json::array({statement("Allow", "*")})); }
const std::string k_alice = "arn:aws:iam::111111111111:user/alice";
const std::string k_app = session(k_key_account, "App");

CompiledPolicy delegating_key() {
  return key_policy(
      policy(json::array({key_statement("Allow", aws(root(k_key_account)), "kms:*")})));
}

Outcome with_chain(const Case& c, const CompiledPolicy& key, const Chain& chain,
                   const std::vector<CompiledPolicy>& identity = {
                       limit(json::array({statement("Allow", "kms:*")}))}) {
  auto prepared = prepare({.principal = c.principal,
                           .principal_type = {},
                           .action = c.action,
                           .resource = c.resource,
                           .context = c.context});
  REQUIRE(prepared);
  return decide(prepared.value(), &key, identity, {}, &chain).outcome;
}

} // namespace

TEST_CASE("every SCP level must allow, and an SCP deny denies", "[policy][chain]") {
  const auto key = delegating_key();
  Chain chain;
  chain.scps = {{full_access()},
                {scp(json::array({statement("Allow", json::array({"s3:*", "kms:Encrypt"}))}))}};
  CHECK(with_chain({k_alice}, key, chain) == Outcome::implicitly_denied);
  CHECK(with_chain({k_alice, "kms:Encrypt"}, key, chain) == Outcome::allowed);
  // The root user of a member account is bound by SCPs too.
  CHECK(with_chain({root(k_key_account)}, key, chain, {}) == Outcome::implicitly_denied);
  chain.scps = {{full_access(), scp(json::array({statement("Deny", "kms:Decrypt")}))}};
  CHECK(with_chain({k_alice}, key, chain) == Outcome::explicitly_denied);
  const Decision decision =
      decide_case({k_alice}, &key, {limit(json::array({statement("Allow", "kms:*")}))});
  CHECK(decision.outcome == Outcome::allowed);
}

TEST_CASE("SCPs never apply to a service principal", "[policy][chain]") {
  const auto key = key_policy(
      policy(json::array({key_statement("Allow", {{"Service", "logs.amazonaws.com"}}, "kms:*")})));
  Chain chain;
  chain.scps = {{scp(json::array({statement("Deny", "kms:*")}))}};
  CHECK(with_chain({"logs.amazonaws.com"}, key, chain, {}) == Outcome::allowed);
}

TEST_CASE("an RCP denies outside the organisation; only its denies count", "[policy][chain]") {
  const auto open_key =
      key_policy(policy(json::array({key_statement("Allow", "*", "kms:Decrypt")})));
  json deny = key_statement("Deny", "*", "kms:*",
                            {{"StringNotEqualsIfExists", {{"aws:PrincipalOrgID", "o-abc123"}}},
                             {"BoolIfExists", {{"aws:PrincipalIsAWSService", "false"}}}});
  Chain chain;
  chain.rcps = {{read(policy(json::array({deny})), PolicyKind::resource_control_policy)}};
  const std::string partner = session(k_other_account, "Partner");
  CHECK(with_chain({partner}, open_key, chain) == Outcome::explicitly_denied);
  CHECK(with_chain({partner, "kms:Decrypt", {{"aws:PrincipalOrgID", {"o-abc123"}}}}, open_key,
                   chain) == Outcome::allowed);
  // A service principal is not exempt by itself: AWS's examples exempt it by condition.
  const auto logs_key = key_policy(
      policy(json::array({key_statement("Allow", {{"Service", "logs.amazonaws.com"}}, "kms:*")})));
  Chain deny_all;
  deny_all.rcps = {{read(policy(json::array({key_statement("Deny", "*", "kms:*")})),
                         PolicyKind::resource_control_policy)}};
  CHECK(with_chain({"logs.amazonaws.com"}, logs_key, deny_all, {}) == Outcome::explicitly_denied);
  CHECK(with_chain({"logs.amazonaws.com"}, logs_key, chain, {}) == Outcome::allowed);
}

TEST_CASE(
    "a boundary limits identity policies and a key policy naming the role, not one naming the user",
    "[policy][chain]") {
  Chain chain;
  chain.permission_boundary = limit(json::array({statement("Allow", "s3:*")}));
  // Through delegation the identity policy must allow, and the boundary limits it.
  CHECK(with_chain({k_alice}, delegating_key(), chain) == Outcome::implicitly_denied);
  // A key policy naming the user ARN itself is not limited by the boundary (same account).
  const auto names_alice =
      key_policy(policy(json::array({key_statement("Allow", aws(k_alice), "kms:Decrypt")})));
  CHECK(with_chain({k_alice}, names_alice, chain, {}) == Outcome::allowed);
  // A key policy naming the role: its sessions are limited by the boundary.
  const auto names_role = key_policy(policy(
      json::array({key_statement("Allow", aws(role(k_key_account, "App")), "kms:Decrypt")})));
  CHECK(with_chain({k_app}, names_role, chain, {}) == Outcome::implicitly_denied);
  // A boundary that allows the action leaves the identity policy's allow standing.
  chain.permission_boundary = limit(json::array({statement("Allow", "kms:Decrypt")}));
  CHECK(with_chain({k_alice}, delegating_key(), chain) == Outcome::allowed);
  // Deny with NotPrincipal always denies a principal with a boundary.
  const auto not_principal =
      key_policy(policy(json::array({key_statement("Allow", aws(k_alice), "kms:Decrypt"),
                                     {{"Effect", "Deny"},
                                      {"NotPrincipal", {{"AWS", {k_alice, root(k_key_account)}}}},
                                      {"Action", "kms:*"},
                                      {"Resource", "*"}}})));
  CHECK(with_chain({k_alice}, not_principal, {}, {}) == Outcome::allowed);
  CHECK(with_chain({k_alice}, not_principal, chain, {}) == Outcome::explicitly_denied);
}

TEST_CASE("a session policy limits a role session like a boundary", "[policy][chain]") {
  Chain chain;
  chain.session_policy = limit(json::array({statement("Allow", "kms:Encrypt")}));
  CHECK(with_chain({k_app}, delegating_key(), chain) == Outcome::implicitly_denied);
  CHECK(with_chain({k_app, "kms:Encrypt"}, delegating_key(), chain) == Outcome::allowed);
  // Not a session: an IAM user has no session policy to apply.
  CHECK(with_chain({k_alice}, delegating_key(), chain) == Outcome::allowed);
  // A key policy naming the session ARN itself is not limited.
  const auto names_session =
      key_policy(policy(json::array({key_statement("Allow", aws(k_app), "kms:Decrypt")})));
  CHECK(with_chain({k_app}, names_session, chain, {}) == Outcome::allowed);
  chain.session_policy =
      limit(json::array({statement("Deny", "kms:Decrypt"), statement("Allow", "*")}));
  CHECK(with_chain({k_app}, names_session, chain, {}) == Outcome::explicitly_denied);
}

TEST_CASE("SCP, RCP and boundary together: each can only take away", "[policy][chain]") {
  Chain chain;
  chain.scps = {{full_access()}};
  chain.rcps = {
      {read(policy(json::array({key_statement("Deny", "*", "kms:Decrypt",
                                              {{"Bool", {{"aws:SecureTransport", "false"}}}})})),
            PolicyKind::resource_control_policy)}};
  chain.permission_boundary = limit(json::array({statement("Allow", "kms:*")}));
  CHECK(with_chain({k_alice}, delegating_key(), chain) == Outcome::allowed);
  CHECK(with_chain({k_alice, "kms:Decrypt", {{"aws:SecureTransport", {"false"}}}}, delegating_key(),
                   chain) == Outcome::explicitly_denied);
  chain.scps.push_back({scp(json::array({statement("Allow", "s3:*")}))});
  const auto prepared = prepare({.principal = k_alice,
                                 .principal_type = {},
                                 .action = "kms:Decrypt",
                                 .resource = k_key_arn,
                                 .context = {}});
  REQUIRE(prepared);
  const auto key = delegating_key();
  const std::vector<CompiledPolicy> identity = {limit(json::array({statement("Allow", "kms:*")}))};
  const Decision decision = decide(prepared.value(), &key, identity, {}, &chain);
  CHECK(decision.outcome == Outcome::implicitly_denied);
  std::vector<const CompiledPolicy*> pointers = {&identity[0]};
  REQUIRE_FALSE(decision.reasons.empty());
  CHECK(describe(decision.reasons.back(), &key, pointers, &chain) == "no SCP of level 1 allows it");
}

TEST_CASE("organisation policies are held to their own grammar", "[policy][chain]") {
  const auto error = [](const json& statement_json, PolicyKind kind) {
    const Document parsed =
        parse_document(policy(json::array({statement_json})), kind, tfkms::model::NoSymbols{});
    return parsed.first_error() ? parsed.first_error()->message : std::string();
  };
  CHECK(error(key_statement("Deny", "*", "kms:*"), PolicyKind::service_control_policy) ==
        "Statement[0].Principal: a service control policy cannot name a Principal");
  CHECK(error(key_statement("Deny", aws(k_alice), "kms:*"), PolicyKind::resource_control_policy) ==
        "Statement[0].Principal: a resource control policy accepts only \"Principal\": \"*\"");
  CHECK(error(statement("Deny", "kms:*"), PolicyKind::resource_control_policy) ==
        "Statement[0]: statement has no Principal");
  // Only RCPFullAWSAccess, attached by AWS, may allow; "*" alone is not an RCP action.
  CHECK(error(key_statement("Allow", "*", "kms:*"), PolicyKind::resource_control_policy) ==
        "Statement[0].Effect: a resource control policy accepts only Effect \"Deny\"");
  CHECK(error(key_statement("Deny", "*", "*"), PolicyKind::resource_control_policy) ==
        "Statement[0].Action: a resource control policy cannot use \"*\" as an action");
}
