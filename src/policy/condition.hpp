#pragma once
// Internal: compiling policy strings and evaluating Condition blocks against a prepared request
// (kms-reference §3.8, §3.9).
#include "policy/compiled.hpp"
#include "policy/evaluate.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace tfkms::policy::detail {

enum class Wildcards { literal, pattern };

/// Compiles a policy string: encodes `*`/`?` when `wildcards` is pattern, and (when `variables` is
/// on, i.e. Version 2012-10-17) turns `${*}`, `${?}`, `${$}` into literal characters and other
/// `${key}` / `${key, 'default'}` into variables [IAM-VARS].
[[nodiscard]] CompiledText compile_text(const model::Value& value, Wildcards wildcards,
                                        bool variables);

/// The text with its variables substituted from `request`, or nothing when a variable has neither a
/// value nor a default ("the comparison fails" [IAM-VARS]). Uses `scratch` only when there are
/// variables.
[[nodiscard]] std::optional<std::string_view>
substitute(const CompiledText& text, const PreparedRequest& request, std::string& scratch);

[[nodiscard]] CompiledCondition compile_condition(const ConditionClause& clause, bool variables);

/// All conditions of a statement (ANDed).
[[nodiscard]] Tri evaluate_conditions(const std::vector<CompiledCondition>& conditions,
                                      const PreparedRequest& request, std::string& scratch);

/// True for condition keys whose type is ArrayOf... (multi-valued) [SAR-KMS], [IAM-GLOBAL].
[[nodiscard]] bool is_multi_valued_key(std::string_view key_lower);

/// Parses an ISO 8601 date/time (date only, optional fraction, Z or ±hh:mm) or epoch seconds.
[[nodiscard]] std::optional<double> parse_date(std::string_view text);
/// Parses a decimal number (the whole text).
[[nodiscard]] std::optional<double> parse_number(std::string_view text);
/// Parses an IPv4 or IPv6 address with an optional /prefix (an address alone is a full-length
/// prefix).
[[nodiscard]] std::optional<Cidr> parse_cidr(std::string_view text);

} // namespace tfkms::policy::detail
