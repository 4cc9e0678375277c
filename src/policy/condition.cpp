// Condition evaluation (kms-reference §3.9, [IAM-CONDOPS], [IAM-MULTI], [IAM-VARS]).
#include "policy/condition.hpp"

#include "policy/match.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace tfkms::policy::detail {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  return text;
}

void append_literal(std::string& out, char c, Wildcards wildcards) {
  if (wildcards == Wildcards::pattern && c == '*')
    out += k_any;
  else if (wildcards == Wildcards::pattern && c == '?')
    out += k_one;
  else
    out += c;
}

} // namespace

CompiledText compile_text(const model::Value& value, Wildcards wildcards, bool variables) {
  CompiledText compiled;
  compiled.known = value.known();
  const std::string_view text = value.text;
  compiled.text.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t close = variables && text.compare(pos, 2, "${") == 0 ? text.find('}', pos + 2)
                                                                           : std::string_view::npos;
    if (close == std::string_view::npos) {
      append_literal(compiled.text, text[pos++], wildcards);
      continue;
    }
    const std::string_view inner = text.substr(pos + 2, close - pos - 2);
    pos = close + 1;
    // ${*}, ${?}, ${$} stand for the literal characters [IAM-VARS].
    if (inner == "*" || inner == "?" || inner == "$") {
      compiled.text += inner[0];
      continue;
    }
    Variable variable;
    const std::size_t comma = inner.find(',');
    variable.key_lower = to_lower(trim(inner.substr(0, comma)));
    if (comma != std::string_view::npos) {
      const std::string_view fallback = trim(inner.substr(comma + 1));
      if (fallback.size() >= 2 && fallback.front() == '\'' && fallback.back() == '\'')
        variable.fallback = std::string(fallback.substr(1, fallback.size() - 2));
    }
    compiled.variables.push_back(std::move(variable));
    compiled.text += k_variable_mark;
  }
  return compiled;
}

std::optional<std::string_view> substitute(const CompiledText& text, const PreparedRequest& request,
                                           std::string& scratch) {
  if (text.variables.empty())
    return std::string_view(text.text);
  scratch.clear();
  std::size_t next = 0;
  for (const char c : text.text) {
    if (c != k_variable_mark) {
      scratch += c;
      continue;
    }
    const Variable& variable = text.variables[next++];
    const std::vector<std::string>* values = request.find(variable.key_lower);
    // A multi-valued key cannot be substituted [IAM-VARS]; its first value is not a stand-in.
    if (values && values->size() == 1 && !is_multi_valued_key(variable.key_lower))
      scratch += values->front();
    else if (variable.fallback)
      scratch += *variable.fallback;
    else
      return std::nullopt;
  }
  return std::string_view(scratch);
}

bool is_multi_valued_key(std::string_view key_lower) {
  // ArrayOf... keys of KMS (data/iam-data/kms-condition-keys.json) and the global keys
  // [IAM-GLOBAL].
  static constexpr std::array<std::string_view, 10> k_multi_valued{
      "aws:calledvia",        "aws:principalorgpaths",     "aws:principalservicenameslist",
      "aws:resourceorgpaths", "aws:sourceorgpaths",        "aws:tagkeys",
      "aws:vpceorgpaths",     "kms:encryptioncontextkeys", "kms:grantoperations",
      "kms:resourcealiases",
  };
  return std::find(k_multi_valued.begin(), k_multi_valued.end(), key_lower) != k_multi_valued.end();
}

CompiledCondition compile_condition(const ConditionClause& clause, bool variables) {
  CompiledCondition compiled;
  compiled.op = clause.op;
  compiled.negated = is_negated(clause.op);
  compiled.if_exists = clause.if_exists;
  compiled.qualifier = clause.qualifier;
  compiled.key_lower = clause.key_lower;
  compiled.multi_valued_key = is_multi_valued_key(clause.key_lower);
  const ConditionFamily kind = family(clause.op);
  const bool wildcards = clause.op == ConditionOperator::string_like ||
                         clause.op == ConditionOperator::string_not_like ||
                         kind == ConditionFamily::arn;
  // Variables are allowed in String, ARN and Bool operators only [IAM-VARS].
  const bool takes_variables =
      variables && (kind == ConditionFamily::string || kind == ConditionFamily::arn ||
                    kind == ConditionFamily::boolean);
  for (const model::Value& value : clause.values) {
    CompiledConditionValue compiled_value;
    compiled_value.text =
        compile_text(value, wildcards ? Wildcards::pattern : Wildcards::literal, takes_variables);
    if (kind == ConditionFamily::numeric)
      compiled_value.number = parse_number(value.text);
    if (kind == ConditionFamily::date)
      compiled_value.number = parse_date(value.text);
    if (kind == ConditionFamily::ip_address)
      compiled_value.cidr = parse_cidr(value.text);
    compiled.values.push_back(std::move(compiled_value));
  }
  return compiled;
}

namespace {

bool compare(ConditionOperator op, double policy, double request) {
  switch (op) {
  case ConditionOperator::numeric_equals:
  case ConditionOperator::numeric_not_equals:
  case ConditionOperator::date_equals:
  case ConditionOperator::date_not_equals:
    return request == policy;
  case ConditionOperator::numeric_less_than:
  case ConditionOperator::date_less_than:
    return request < policy;
  case ConditionOperator::numeric_less_than_equals:
  case ConditionOperator::date_less_than_equals:
    return request <= policy;
  case ConditionOperator::numeric_greater_than:
  case ConditionOperator::date_greater_than:
    return request > policy;
  case ConditionOperator::numeric_greater_than_equals:
  case ConditionOperator::date_greater_than_equals:
    return request >= policy;
  default:
    return false;
  }
}

bool in_network(const Cidr& network, const Cidr& address) {
  if (network.v6 != address.v6)
    return false;
  unsigned bits = network.prefix;
  for (std::size_t i = 0; bits > 0; ++i) {
    const unsigned take = bits >= 8 ? 8 : bits;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - take));
    if ((network.address[i] & mask) != (address.address[i] & mask))
      return false;
    bits -= take;
  }
  return true;
}

bool is_bool_text(std::string_view text) { return iequals(text, "true") || iequals(text, "false"); }

// Whether one policy value matches one request value, before negation; nothing when the comparison
// cannot be made (unparsable value, variable without a value): "the values do not match".
std::optional<bool> value_matches(const CompiledCondition& condition,
                                  const CompiledConditionValue& value,
                                  std::string_view request_value, const PreparedRequest& request,
                                  std::string& scratch) {
  switch (family(condition.op)) {
  case ConditionFamily::numeric: {
    const auto number = parse_number(request_value);
    if (!value.number || !number)
      return std::nullopt;
    return compare(condition.op, *value.number, *number);
  }
  case ConditionFamily::date: {
    const auto date = parse_date(request_value);
    if (!value.number || !date)
      return std::nullopt;
    return compare(condition.op, *value.number, *date);
  }
  case ConditionFamily::ip_address: {
    const auto address = parse_cidr(request_value);
    if (!value.cidr || !address)
      return std::nullopt;
    return in_network(*value.cidr, *address);
  }
  case ConditionFamily::binary:
    return value.text.text == request_value;
  case ConditionFamily::null:
    return std::nullopt;
  case ConditionFamily::string:
  case ConditionFamily::arn:
  case ConditionFamily::boolean:
    break;
  }
  const auto text = substitute(value.text, request, scratch);
  if (!text)
    return std::nullopt;
  switch (condition.op) {
  case ConditionOperator::string_equals:
  case ConditionOperator::string_not_equals:
    return *text == request_value;
  case ConditionOperator::string_equals_ignore_case:
  case ConditionOperator::string_not_equals_ignore_case:
    return iequals(*text, request_value);
  case ConditionOperator::string_like:
  case ConditionOperator::string_not_like:
    return wildcard_match(*text, request_value, Case::sensitive);
  case ConditionOperator::arn_equals:
  case ConditionOperator::arn_like:
  case ConditionOperator::arn_not_equals:
  case ConditionOperator::arn_not_like:
    return arn_match(*text, request_value);
  case ConditionOperator::boolean:
    // [OPEN] §9.7: "True"/"true" compare ignoring case; a non-boolean value never matches.
    if (!is_bool_text(*text) || !is_bool_text(request_value))
      return std::nullopt;
    return iequals(*text, request_value);
  default:
    return std::nullopt;
  }
}

// One request value against the condition's values: any of them for positive operators, none of
// them for negated ones (several values act as AND) [IAM-CONDOPS].
Tri single_value(const CompiledCondition& condition, std::string_view request_value,
                 const PreparedRequest& request, std::string& scratch) {
  Tri result = condition.negated ? Tri::yes : Tri::no;
  for (const CompiledConditionValue& value : condition.values) {
    Tri satisfied;
    if (!value.text.known) {
      satisfied = Tri::maybe;
    } else {
      const auto matched = value_matches(condition, value, request_value, request, scratch);
      // A comparison that cannot be made fails for negated operators too.
      satisfied = matched ? tri(*matched != condition.negated) : Tri::no;
    }
    result = condition.negated ? tri_and(result, satisfied) : tri_or(result, satisfied);
  }
  return result;
}

Tri evaluate_null(const CompiledCondition& condition, bool present) {
  Tri result = Tri::no;
  for (const CompiledConditionValue& value : condition.values) {
    if (!value.text.known) {
      result = tri_or(result, Tri::maybe);
    } else if (iequals(value.text.text, "true")) {
      result = tri_or(result, tri(!present));
    } else if (iequals(value.text.text, "false")) {
      result = tri_or(result, tri(present));
    }
  }
  return result;
}

Tri evaluate_condition(const CompiledCondition& condition, const PreparedRequest& request,
                       std::string& scratch) {
  const std::vector<std::string>* values = request.find(condition.key_lower);
  if (condition.op == ConditionOperator::null)
    return evaluate_null(condition, values != nullptr);
  const bool absent = values == nullptr;

  switch (condition.qualifier) {
  case SetQualifier::none:
    // [OPEN] §9.6: a multi-valued key needs a set qualifier; without one the condition does not
    // match (iam-simulate follows AWS's re:Inforce 2025 IAM431 statement; Access Analyzer flags
    // it).
    if (!absent && condition.multi_valued_key)
      return Tri::no;
    // Missing key: false, except negated operators and ...IfExists, which are true [IAM-CONDOPS].
    if (absent || values->empty())
      return tri(condition.if_exists || condition.negated);
    return single_value(condition, values->front(), request, scratch);
  case SetQualifier::for_any_value: {
    // "For no matching key or a null dataset, the condition returns false" [IAM-MULTI];
    // IfExists makes an absent key true, as for every operator [IAM-CONDOPS].
    if (absent)
      return tri(condition.if_exists);
    Tri result = Tri::no;
    for (const std::string& value : *values)
      result = tri_or(result, single_value(condition, value, request, scratch));
    return result;
  }
  case SetQualifier::for_all_values: {
    // "It also returns true if there are no keys in the request" [IAM-MULTI]: the empty-set bypass.
    if (absent)
      return Tri::yes;
    Tri result = Tri::yes;
    for (const std::string& value : *values)
      result = tri_and(result, single_value(condition, value, request, scratch));
    return result;
  }
  }
  return Tri::no;
}

} // namespace

Tri evaluate_conditions(const std::vector<CompiledCondition>& conditions,
                        const PreparedRequest& request, std::string& scratch) {
  Tri result = Tri::yes;
  for (const CompiledCondition& condition : conditions) {
    result = tri_and(result, evaluate_condition(condition, request, scratch));
    if (result == Tri::no)
      return result;
  }
  return result;
}

} // namespace tfkms::policy::detail
