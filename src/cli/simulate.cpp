#include "cli/simulate.hpp"

#include <istream>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.hpp"
#include "model/value.hpp"
#include "policy/evaluate.hpp"

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
  if (!value || !value->is_string()) throw LineError{std::string("\"") + name + "\" must be a string"};
  return value->get<std::string>();
}

std::string scalar_text(const nlohmann::json& value, const std::string& what) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  throw LineError{what + " must be a string"};
}

std::vector<policy::ContextEntry> read_context(const nlohmann::json& line) {
  std::vector<policy::ContextEntry> context;
  const nlohmann::json* value = field(line, "context");
  if (!value) return context;
  if (!value->is_object()) throw LineError{"\"context\" must be an object"};
  for (const auto& [key, values] : value->items()) {
    policy::ContextEntry entry{key, {}};
    if (values.is_array()) {
      for (const auto& item : values) entry.values.push_back(scalar_text(item, "context value of " + key));
    } else {
      entry.values.push_back(scalar_text(values, "context value of " + key));
    }
    context.push_back(std::move(entry));
  }
  return context;
}

// Literal JSON carries no symbol markers: strip control characters so none can be forged.
nlohmann::json without_markers(const nlohmann::json& value) {
  if (value.is_string()) return model::strip_control(value.get<std::string>());
  nlohmann::json copy = value;
  if (value.is_object() || value.is_array()) {
    for (auto& item : copy) item = without_markers(item);
  }
  return copy;
}

policy::CompiledPolicy read_policy(const nlohmann::json& json, policy::PolicyKind kind, const std::string& what) {
  policy::Document document = policy::parse_document(without_markers(json), kind, model::NoSymbols{});
  if (document.unreadable) {
    std::string message = what + " cannot be read";
    if (!document.diagnostics.empty()) message += ": " + document.diagnostics.front().message;
    throw LineError{message};
  }
  return policy::compile(std::move(document));
}

std::map<std::string, std::string> read_pairs(const nlohmann::json& value, const std::string& what) {
  if (!value.is_object()) throw LineError{what + " must be an object"};
  std::map<std::string, std::string> pairs;
  for (const auto& [key, text] : value.items()) pairs[key] = scalar_text(text, what + "." + key);
  return pairs;
}

policy::CompiledGrant read_grant(const nlohmann::json& json, std::size_t index) {
  const std::string what = "grants[" + std::to_string(index) + "]";
  if (!json.is_object()) throw LineError{what + " must be an object"};
  policy::GrantSpec spec;
  spec.grantee = model::Value{required_string(json, "grantee"), model::ValueKind::literal, {}};
  const nlohmann::json* operations = field(json, "operations");
  if (!operations || !operations->is_array()) throw LineError{what + ".operations must be an array"};
  for (const auto& operation : *operations) {
    std::string name = scalar_text(operation, what + ".operations");
    if (name.rfind("kms:", 0) == 0) name.erase(0, 4);
    spec.operations.push_back(std::move(name));
  }
  if (const nlohmann::json* constraints = field(json, "constraints")) {
    if (!constraints->is_object()) throw LineError{what + ".constraints must be an object"};
    for (const auto& [name, pairs] : constraints->items()) {
      if (name == "encryption_context_equals" || name == "EncryptionContextEquals")
        spec.encryption_context_equals = read_pairs(pairs, what + ".constraints." + name);
      else if (name == "encryption_context_subset" || name == "EncryptionContextSubset")
        spec.encryption_context_subset = read_pairs(pairs, what + ".constraints." + name);
      else throw LineError{what + ".constraints: unknown constraint \"" + name + "\""};
    }
  }
  if (const nlohmann::json* retiring = field(json, "retiring_principal"))
    spec.retiring_principal = model::Value{scalar_text(*retiring, what + ".retiring_principal"), model::ValueKind::literal, {}};
  return policy::compile(std::move(spec));
}

nlohmann::json decide_line(const std::string& text) {
  const nlohmann::json line = nlohmann::json::parse(text, nullptr, false);
  if (line.is_discarded()) throw LineError{"not valid JSON"};
  if (!line.is_object()) throw LineError{"a request must be a JSON object"};

  policy::Request request;
  request.principal = required_string(line, "principal");
  request.action = required_string(line, "action");
  request.resource = required_string(line, "resource");
  request.context = read_context(line);
  auto prepared = policy::prepare(request);
  if (!prepared) throw LineError{prepared.error().message};

  std::optional<policy::CompiledPolicy> key_policy;
  if (const nlohmann::json* json = field(line, "key_policy"))
    key_policy = read_policy(*json, policy::PolicyKind::key_policy, "key_policy");
  std::vector<policy::CompiledPolicy> identity;
  if (const nlohmann::json* list = field(line, "identity_policies")) {
    if (!list->is_array()) throw LineError{"\"identity_policies\" must be an array"};
    for (std::size_t i = 0; i < list->size(); ++i)
      identity.push_back(read_policy((*list)[i], policy::PolicyKind::identity_policy, "identity_policies[" + std::to_string(i) + "]"));
  }
  std::vector<policy::CompiledGrant> grants;
  if (const nlohmann::json* list = field(line, "grants")) {
    if (!list->is_array()) throw LineError{"\"grants\" must be an array"};
    for (std::size_t i = 0; i < list->size(); ++i) grants.push_back(read_grant((*list)[i], i));
  }

  std::vector<const policy::CompiledPolicy*> identity_pointers;
  for (const auto& policy : identity) identity_pointers.push_back(&policy);
  policy::Decision decision;
  const policy::CompiledPolicy* key = key_policy ? &*key_policy : nullptr;
  policy::decide(prepared.value(), key, identity_pointers, grants, decision);

  nlohmann::json reasons = nlohmann::json::array();
  for (const policy::Reason& reason : decision.reasons) reasons.push_back(policy::describe(reason, key, identity_pointers));
  // With literal input nothing is unknown except statements that could not be read.
  if (decision.outcome == policy::Outcome::unknown) {
    std::string message = "decision unknown";
    if (!reasons.empty()) message += ": " + reasons.front().get<std::string>();
    throw LineError{message};
  }
  return {{"decision", std::string(policy::to_string(decision.outcome))}, {"reasons", std::move(reasons)}};
}

} // namespace

int run_simulate(std::istream& in, std::ostream& out, std::ostream& err) {
  std::string text;
  std::size_t line_number = 0;
  std::size_t failed = 0;
  while (std::getline(in, text)) {
    ++line_number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
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
  if (failed == 0) return k_exit_clean;
  err << "tfkms simulate: " << failed << " of the request lines could not be decided\n";
  return k_exit_usage;
}

} // namespace tfkms::cli
