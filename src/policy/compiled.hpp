#pragma once
// Internal: the compiled form of a policy document that decide() walks. Built once by compile();
// everything decide() needs is pre-computed here (action masks, encoded wildcard patterns, parsed
// numbers, dates and CIDRs), so evaluation does no parsing and no allocation.
#include "policy/document.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tfkms::policy::detail {

/// A policy variable inside a value: `${aws:username}` or `${aws:username, 'default'}` [IAM-VARS].
struct Variable {
  std::string key_lower;
  std::optional<std::string> fallback;
};

inline constexpr char k_variable_mark =
    '\x05'; ///< stands for the next Variable in CompiledText::text

/// A policy string ready to compare: wildcards encoded (match.hpp) when the operator uses them,
/// `${*}`/`${?}`/`${$}` already literal, each variable replaced by k_variable_mark.
struct CompiledText {
  std::string text;
  std::vector<Variable> variables;
  bool known = true; ///< false: built from a reference unknown before apply
};

/// An IP network for IpAddress / NotIpAddress.
struct Cidr {
  bool v6 = false;
  std::array<std::uint8_t, 16> address{};
  unsigned prefix = 0;
};

/// One condition value pre-parsed for its operator family.
struct CompiledConditionValue {
  CompiledText text;
  std::optional<double> number; ///< numeric and date families (dates as epoch seconds)
  std::optional<Cidr> cidr;     ///< ip_address family
};

struct CompiledCondition {
  ConditionOperator op = ConditionOperator::string_equals;
  bool negated = false;
  bool if_exists = false;
  SetQualifier qualifier = SetQualifier::none;
  std::string key_lower;
  bool multi_valued_key = false; ///< the key is ArrayOf...: needs a set qualifier
  std::vector<CompiledConditionValue> values;
};

struct CompiledPrincipal {
  PrincipalForm form = PrincipalForm::other;
  std::string text; ///< as written (service principal, ARNs)
  std::string account;
  std::string partition;
  std::string role_name_lower; ///< role: last path segment, for matching its sessions
};

struct CompiledStatement {
  const Statement* source = nullptr;
  Effect effect = Effect::deny;
  bool effect_known = true;
  bool readable = true;
  bool has_principal = false;
  bool principal_negated = false;
  std::vector<CompiledPrincipal> principals;
  std::uint64_t actions_yes =
      0; ///< catalogue actions the Action/NotAction element certainly matches
  std::uint64_t actions_maybe = 0;     ///< ... may match (a pattern value is unknown)
  std::uint64_t store_actions_yes = 0; ///< the same over store_actions()
  std::uint64_t store_actions_maybe = 0;
  bool has_resources = false;
  bool resources_negated = false;
  std::vector<CompiledText> resources;
  std::vector<CompiledCondition> conditions;
};

struct CompiledDocument {
  Document document;
  std::vector<CompiledStatement> statements;
};

} // namespace tfkms::policy::detail
