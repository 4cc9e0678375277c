#pragma once
// Helpers for the policy tests: build requests and decide them in one call.
#include "policy/evaluate.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tfkms::policy::testing {

inline constexpr const char* k_key_account = "111111111111";
inline constexpr const char* k_other_account = "222222222222";
inline const std::string k_key_arn =
    "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";

inline CompiledPolicy key_policy(const nlohmann::json& json) {
  Document document = parse_document(json, PolicyKind::key_policy, model::NoSymbols{});
  REQUIRE_FALSE(document.unreadable);
  return compile(std::move(document));
}

inline CompiledPolicy identity_policy(const nlohmann::json& json) {
  Document document = parse_document(json, PolicyKind::identity_policy, model::NoSymbols{});
  REQUIRE_FALSE(document.unreadable);
  return compile(std::move(document));
}

/// A policy document with the given statements.
inline nlohmann::json policy(nlohmann::json statements) {
  return {{"Version", "2012-10-17"}, {"Statement", std::move(statements)}};
}

/// Key policy statement: Effect, Principal, Action, Resource "*", optional Condition.
inline nlohmann::json key_statement(const char* effect, nlohmann::json principal,
                                    nlohmann::json action, nlohmann::json condition = nullptr) {
  nlohmann::json statement = {{"Effect", effect},
                              {"Principal", std::move(principal)},
                              {"Action", std::move(action)},
                              {"Resource", "*"}};
  if (!condition.is_null())
    statement["Condition"] = std::move(condition);
  return statement;
}

inline nlohmann::json aws(const std::string& principal) { return {{"AWS", principal}}; }
inline std::string root(const std::string& account) { return "arn:aws:iam::" + account + ":root"; }
inline std::string role(const std::string& account, const std::string& name) {
  return "arn:aws:iam::" + account + ":role/" + name;
}
inline std::string session(const std::string& account, const std::string& name) {
  return "arn:aws:sts::" + account + ":assumed-role/" + name + "/session";
}

struct Case {
  std::string principal;
  std::string action = "kms:Decrypt";
  std::vector<ContextEntry> context = {};
  std::string resource = k_key_arn;
};

inline Decision decide_case(const Case& c, const CompiledPolicy* key,
                            const std::vector<CompiledPolicy>& identity = {},
                            const std::vector<CompiledGrant>& grants = {}) {
  auto prepared = prepare({.principal = c.principal,
                           .principal_type = {},
                           .action = c.action,
                           .resource = c.resource,
                           .context = c.context});
  REQUIRE(prepared);
  return decide(prepared.value(), key, identity, grants);
}

inline Outcome outcome(const Case& c, const CompiledPolicy* key,
                       const std::vector<CompiledPolicy>& identity = {},
                       const std::vector<CompiledGrant>& grants = {}) {
  return decide_case(c, key, identity, grants).outcome;
}

} // namespace tfkms::policy::testing
