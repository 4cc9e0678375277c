#include "loaders/policy_limits.hpp"

#include "loaders/json_tree.hpp"

#include <utility>
#include <vector>

namespace tfkms::loaders {

namespace {

// "policy has 1200 statements, more than limits.max_statements = 1000 (raise it in .tfkms.yml)".
std::string breach(const std::string& what, std::size_t found, std::string_view unit,
                   std::string_view setting, std::size_t limit) {
  return what + " " + std::to_string(found) + " " + std::string(unit) + ", more than limits." +
         std::string(setting) + " = " + std::to_string(limit) + " (raise it in .tfkms.yml)";
}

// Depth and string lengths of the whole document, with an explicit stack.
std::optional<std::string> shape_breach(const nlohmann::json& document, const Limits& limits) {
  std::vector<std::pair<const nlohmann::json*, std::size_t>> pending;
  // Room for a policy's usual breadth at once: grown from one, the stack moved four times a policy.
  pending.reserve(32);
  pending.emplace_back(&document, 1);
  while (!pending.empty()) {
    const auto [value, depth] = pending.back();
    pending.pop_back();
    if (value->is_string() &&
        value->get_ref<const std::string&>().size() > limits.max_string_bytes) {
      return breach("policy has a string of", value->get_ref<const std::string&>().size(), "bytes",
                    "max_string_bytes", limits.max_string_bytes);
    }
    if (!value->is_structured())
      continue;
    if (depth > limits.max_depth)
      return breach("policy nests", depth, "levels", "max_depth", limits.max_depth);
    // Members and items directly: items() would write each array index out as a key.
    if (value->is_array()) {
      for (const nlohmann::json& item : *value)
        pending.emplace_back(&item, depth + 1);
      continue;
    }
    for (const auto& [name, child] : value->get_ref<const nlohmann::json::object_t&>()) {
      if (name.size() > limits.max_string_bytes) {
        return breach("policy has a key of", name.size(), "bytes", "max_string_bytes",
                      limits.max_string_bytes);
      }
      pending.emplace_back(&child, depth + 1);
    }
  }
  return std::nullopt;
}

// Condition: {Operator: {key: [values]}}; a list of values is ORed, so its length is the work one
// condition costs in every decision.
std::optional<std::string> condition_breach(const nlohmann::json& statement, const Limits& limits) {
  if (!statement.is_object())
    return std::nullopt;
  const nlohmann::json* condition = find_member(statement, "Condition");
  if (condition == nullptr || !condition->is_object())
    return std::nullopt;
  for (const auto& [operator_name, block] : condition->items()) {
    if (!block.is_object())
      continue;
    for (const auto& [key, values] : block.items()) {
      if (values.is_array() && values.size() > limits.max_condition_values) {
        return breach("condition " + operator_name + " on " + key + " lists", values.size(),
                      "values", "max_condition_values", limits.max_condition_values);
      }
    }
  }
  return std::nullopt;
}

model::Diagnostic about(const model::PolicySource& source, model::DiagnosticLevel level,
                        const std::string& message) {
  model::Diagnostic diagnostic;
  diagnostic.level = level;
  diagnostic.file = source.where.file;
  diagnostic.line = source.where.line;
  diagnostic.column = source.where.column;
  diagnostic.pointer = source.where.pointer;
  diagnostic.message =
      (source.where.address.empty() ? std::string() : source.where.address + ": ") + message;
  return diagnostic;
}

void enforce(model::PolicySource& source, const Limits& limits, model::Graph& graph) {
  for (const std::string& warning : source.warnings) {
    graph.diagnostics.push_back(about(source, model::DiagnosticLevel::warning, warning));
  }
  source.warnings.clear();
  if (source.state != model::PolicySource::State::document)
    return;
  auto message = policy_limit_breach(source.document, limits);
  if (!message)
    return;
  graph.diagnostics.push_back(about(source, model::DiagnosticLevel::error, *message));
  source.state = model::PolicySource::State::unreadable;
  source.error = std::move(*message);
  source.document = nullptr;
  source.statement_locations.clear();
}

} // namespace

std::optional<std::string> policy_limit_breach(const nlohmann::json& document,
                                               const Limits& limits) {
  if (auto shape = shape_breach(document, limits))
    return shape;
  if (!document.is_object())
    return std::nullopt;
  const nlohmann::json* statements = find_member(document, "Statement");
  if (statements == nullptr)
    return std::nullopt;
  if (!statements->is_array())
    return condition_breach(*statements, limits);
  if (statements->size() > limits.max_statements) {
    return breach("policy has", statements->size(), "statements", "max_statements",
                  limits.max_statements);
  }
  for (const auto& statement : *statements) {
    if (auto condition = condition_breach(statement, limits))
      return condition;
  }
  return std::nullopt;
}

void enforce_policy_limits(model::Graph& graph, const Limits& limits) {
  for (auto& key : graph.keys)
    enforce(key.policy, limits, graph);
  for (auto& principal : graph.principals)
    enforce(principal.trust_policy, limits, graph);
  for (auto& policy : graph.policies)
    enforce(policy.document, limits, graph);
  for (auto& store : graph.data_stores)
    enforce(store.resource_policy, limits, graph);
  for (auto& policy : graph.organization_policies)
    enforce(policy.document, limits, graph);
}

} // namespace tfkms::loaders
