#include "cli/simulate.hpp"

#include "cli/exit_codes.hpp"
#include "loaders/policy_limits.hpp"
#include "model/value.hpp"
#include "policy/evaluate.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <istream>
#include <ostream>
#include <string>

namespace tfkms::cli {

namespace {

/// A line that cannot be decided; the message becomes its {"error": ...} line.
struct LineError {
  std::string message;
};

const nlohmann::json* field(const nlohmann::json& line, const char* name) {
  const auto it = line.find(name);
  return it == line.end() || it->is_null() ? nullptr : &*it;
}

std::string required_string(const nlohmann::json& line, const char* name) {
  const nlohmann::json* value = field(line, name);
  if (!value || !value->is_string())
    throw LineError{std::string("\"") + name + "\" must be a string"};
  return value->get<std::string>();
}

std::string scalar_text(const nlohmann::json& value, const std::string& what) {
  if (value.is_string())
    return value.get<std::string>();
  if (value.is_number() || value.is_boolean())
    return value.dump();
  throw LineError{what + " must be a string"};
}

std::vector<policy::ContextEntry> read_context(const nlohmann::json& line) {
  std::vector<policy::ContextEntry> context;
  const nlohmann::json* value = field(line, "context");
  if (!value)
    return context;
  if (!value->is_object())
    throw LineError{"\"context\" must be an object"};
  for (const auto& [key, values] : value->items()) {
    policy::ContextEntry entry{key, {}};
    if (values.is_array()) {
      for (const auto& item : values)
        entry.values.push_back(scalar_text(item, "context value of " + key));
    } else {
      entry.values.push_back(scalar_text(values, "context value of " + key));
    }
    context.push_back(std::move(entry));
  }
  return context;
}

// The limits `tfkms check` holds policies to (loaders/policy_limits.hpp), with their defaults.
const loaders::Limits k_limits{};
// A line nests its policies at most this deep: the line, "scps", a level, the document.
constexpr std::size_t k_envelope_depth = 3;

// Refuses a line nested deeper than any policy may be before it is parsed, by counting brackets
// outside strings: parsing and copying a deeper value costs memory with every level.
void check_nesting(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > k_limits.max_depth + k_envelope_depth)
        throw LineError{"nests deeper than limits.max_depth = " +
                        std::to_string(k_limits.max_depth)};
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

// Literal JSON carries no symbol markers: strip control characters so none can be forged. In place,
// so each level is visited once.
void strip_markers(nlohmann::json& value) {
  if (value.is_string())
    value = model::strip_control(value.get_ref<const std::string&>());
  else if (value.is_structured()) {
    for (auto& item : value)
      strip_markers(item);
  }
}

policy::CompiledPolicy read_policy(const nlohmann::json& json, policy::PolicyKind kind,
                                   const std::string& what) {
  if (auto breach = loaders::policy_limit_breach(json, k_limits))
    throw LineError{what + ": " + *breach};
  nlohmann::json literal = json;
  strip_markers(literal);
  policy::Document document = policy::parse_document(literal, kind, model::NoSymbols{});
  if (const model::Diagnostic* error = document.first_error()) {
    // AWS refuses the whole document (MalformedPolicyDocument): it is never evaluated as if the
    // offending statement were not there.
    throw LineError{what + " is refused by AWS (MalformedPolicyDocument): " + error->message};
  }
  if (document.unreadable)
    throw LineError{what + " cannot be read"};
  return policy::compile(std::move(document));
}

std::map<std::string, std::string> read_pairs(const nlohmann::json& value,
                                              const std::string& what) {
  if (!value.is_object())
    throw LineError{what + " must be an object"};
  std::map<std::string, std::string> pairs;
  for (const auto& [key, text] : value.items())
    pairs[key] = scalar_text(text, what + "." + key);
  return pairs;
}

policy::CompiledGrant read_grant(const nlohmann::json& json, std::size_t index) {
  const std::string what = "grants[" + std::to_string(index) + "]";
  if (!json.is_object())
    throw LineError{what + " must be an object"};
  policy::GrantSpec spec;
  spec.grantee = model::Value{required_string(json, "grantee"), model::ValueKind::literal, {}};
  const nlohmann::json* operations = field(json, "operations");
  if (!operations || !operations->is_array())
    throw LineError{what + ".operations must be an array"};
  for (const auto& operation : *operations) {
    std::string name = scalar_text(operation, what + ".operations");
    if (name.rfind("kms:", 0) == 0)
      name.erase(0, 4);
    spec.operations.push_back(std::move(name));
  }
  if (const nlohmann::json* constraints = field(json, "constraints")) {
    if (!constraints->is_object())
      throw LineError{what + ".constraints must be an object"};
    for (const auto& [name, pairs] : constraints->items()) {
      if (name == "encryption_context_equals" || name == "EncryptionContextEquals")
        spec.encryption_context_equals = read_pairs(pairs, what + ".constraints." + name);
      else if (name == "encryption_context_subset" || name == "EncryptionContextSubset")
        spec.encryption_context_subset = read_pairs(pairs, what + ".constraints." + name);
      else
        throw LineError{what + ".constraints: unknown constraint \"" + name + "\""};
    }
  }
  if (const nlohmann::json* retiring = field(json, "retiring_principal"))
    spec.retiring_principal = model::Value{
        scalar_text(*retiring, what + ".retiring_principal"), model::ValueKind::literal, {}};
  policy::CompiledGrant grant = policy::compile(std::move(spec));
  if (!grant.exists()) {
    const std::string& name = grant.invalid_operations.front();
    throw LineError{what + ": " +
                    (name.empty() ? "no operations" : "\"" + name + "\" is not a grant operation") +
                    "; CreateGrant refuses it (ValidationException), so the grant cannot exist"};
  }
  return grant;
}

// Every field a request line may have: a misspelt one is an error, never silently ignored.
void check_fields(const nlohmann::json& line) {
  static constexpr std::array<std::string_view, 11> k_fields{
      "principal",         "action", "resource", "context", "key_policy",
      "identity_policies", "grants", "scps",     "rcps",    "permission_boundary",
      "session_policy"};
  for (const auto& [name, value] : line.items()) {
    if (std::find(k_fields.begin(), k_fields.end(), name) == k_fields.end())
      throw LineError{"unknown field \"" + name + "\""};
  }
}

// "scps" / "rcps": levels from the organisation root to the account, each a list of documents.
std::vector<std::vector<policy::CompiledPolicy>>
read_levels(const nlohmann::json& line, const char* name, policy::PolicyKind kind) {
  std::vector<std::vector<policy::CompiledPolicy>> levels;
  const nlohmann::json* list = field(line, name);
  if (!list)
    return levels;
  const std::string what = std::string("\"") + name + "\"";
  if (!list->is_array())
    throw LineError{what + " must be an array of levels, each an array of policies"};
  for (std::size_t level = 0; level < list->size(); ++level) {
    const nlohmann::json& documents = (*list)[level];
    if (!documents.is_array())
      throw LineError{what + "[" + std::to_string(level) + "] must be an array of policies"};
    levels.emplace_back();
    for (std::size_t i = 0; i < documents.size(); ++i) {
      levels.back().push_back(read_policy(documents[i], kind,
                                          std::string(name) + "[" + std::to_string(level) + "][" +
                                              std::to_string(i) + "]"));
    }
  }
  return levels;
}

policy::Chain read_chain(const nlohmann::json& line) {
  policy::Chain chain;
  chain.scps = read_levels(line, "scps", policy::PolicyKind::service_control_policy);
  chain.rcps = read_levels(line, "rcps", policy::PolicyKind::resource_control_policy);
  if (const nlohmann::json* json = field(line, "permission_boundary"))
    chain.permission_boundary =
        read_policy(*json, policy::PolicyKind::identity_policy, "permission_boundary");
  if (const nlohmann::json* json = field(line, "session_policy"))
    chain.session_policy =
        read_policy(*json, policy::PolicyKind::identity_policy, "session_policy");
  return chain;
}

nlohmann::json decide_line(const std::string& text) {
  check_nesting(text);
  const nlohmann::json line = nlohmann::json::parse(text, nullptr, false);
  if (line.is_discarded())
    throw LineError{"not valid JSON"};
  if (!line.is_object())
    throw LineError{"a request must be a JSON object"};
  check_fields(line);

  policy::Request request;
  request.principal = required_string(line, "principal");
  request.action = required_string(line, "action");
  request.resource = required_string(line, "resource");
  request.context = read_context(line);
  auto prepared = policy::prepare(request);
  if (!prepared)
    throw LineError{prepared.error().message};

  std::optional<policy::CompiledPolicy> key_policy;
  if (const nlohmann::json* json = field(line, "key_policy"))
    key_policy = read_policy(*json, policy::PolicyKind::key_policy, "key_policy");
  std::vector<policy::CompiledPolicy> identity;
  if (const nlohmann::json* list = field(line, "identity_policies")) {
    if (!list->is_array())
      throw LineError{"\"identity_policies\" must be an array"};
    for (std::size_t i = 0; i < list->size(); ++i)
      identity.push_back(read_policy((*list)[i], policy::PolicyKind::identity_policy,
                                     "identity_policies[" + std::to_string(i) + "]"));
  }
  std::vector<policy::CompiledGrant> grants;
  if (const nlohmann::json* list = field(line, "grants")) {
    if (!list->is_array())
      throw LineError{"\"grants\" must be an array"};
    for (std::size_t i = 0; i < list->size(); ++i)
      grants.push_back(read_grant((*list)[i], i));
  }

  const policy::Chain chain = read_chain(line);

  std::vector<const policy::CompiledPolicy*> identity_pointers;
  for (const auto& policy : identity)
    identity_pointers.push_back(&policy);
  policy::Decision decision;
  const policy::CompiledPolicy* key = key_policy ? &*key_policy : nullptr;
  policy::decide(prepared.value(), key, identity_pointers, grants, decision, &chain);

  nlohmann::json reasons = nlohmann::json::array();
  for (const policy::Reason& reason : decision.reasons)
    reasons.push_back(policy::describe(reason, key, identity_pointers, &chain));
  // With literal input nothing is unknown except statements that could not be read.
  if (decision.outcome == policy::Outcome::unknown) {
    std::string message = "decision unknown";
    if (!reasons.empty())
      message += ": " + reasons.front().get<std::string>();
    throw LineError{message};
  }
  return {{"decision", std::string(policy::to_string(decision.outcome))},
          {"reasons", std::move(reasons)}};
}

} // namespace

int run_simulate(std::istream& in, std::ostream& out, std::ostream& err) {
  std::string text;
  std::size_t line_number = 0;
  std::size_t failed = 0;
  while (std::getline(in, text)) {
    ++line_number;
    if (text.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    nlohmann::json result;
    try {
      result = decide_line(text);
    } catch (const LineError& error) {
      ++failed;
      result = {{"error", "line " + std::to_string(line_number) + ": " + error.message}};
    }
    out << result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  out.flush();
  if (failed == 0)
    return k_exit_clean;
  err << "tfkms simulate: " << failed << " of the request lines could not be decided\n";
  return k_exit_usage;
}

} // namespace tfkms::cli
