#pragma once
// Symbolic resolution of CloudFormation intrinsic functions (formats.md §2.2): a template value
// becomes JSON whose strings carry symbol markers (model/value.hpp) for what is only known at
// deploy time: the account, region and partition, the resources of the stack, imports, parameters
// without a value.
#include "loaders/cloudformation_document.hpp"
#include "loaders/loaders.hpp"
#include "model/diagnostic.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::loaders::cfn {

enum class Truth { no, yes, undecided };

/// What resolving one resource reports: problems (malformed intrinsics, undecided conditions) and
/// the evidence a reader needs when a value rests on an assumption.
struct Scope {
  std::string file;
  std::string resource; ///< logical id, for messages
  std::vector<model::Diagnostic> diagnostics;
  std::vector<std::string>
      assumptions; ///< "condition IsProd could not be decided; its true branch was used"

  void report(model::DiagnosticLevel level, const Node& where, std::string message);
};

class Intrinsics {
public:
  /// Reads Parameters (values from `options.parameters`, else their Default), Mappings, Conditions
  /// and the logical ids of Resources from the template `root`.
  Intrinsics(const Node& root, const LoadOptions& options);

  /// The value of `node` with every intrinsic function resolved; nothing when it is AWS::NoValue
  /// (the property is removed). Malformed functions are reported in `scope` and yield an unknown
  /// marker, never a guess.
  [[nodiscard]] std::optional<nlohmann::json> resolve(const Node& node, Scope& scope);

  /// Evaluates the named condition from the parameters; undecided when it depends on values only
  /// known at deploy time (the region, a parameter without value).
  [[nodiscard]] Truth condition(std::string_view name, const Node& where, Scope& scope);

  [[nodiscard]] bool is_resource(std::string_view logical_id) const;
  /// Declares a resource a transform creates (SAM's <Function>Role), so that references to it
  /// resolve.
  void add_resource(std::string logical_id) { m_resources.insert(std::move(logical_id)); }

  /// The node `node` stands for once its Fn::If choices are made (the node itself when it is none);
  /// nullptr when that is AWS::NoValue. An undecided condition takes its true branch, reported in
  /// `scope`.
  [[nodiscard]] const Node* chosen(const Node& node, Scope& scope);

  /// The conditions found undecided so far, inner ones first (model::Graph::undecided_conditions).
  [[nodiscard]] const std::vector<std::string>& undecided() const { return m_undecided; }

private:
  [[nodiscard]] std::optional<nlohmann::json> call(std::string_view function, const Node& argument,
                                                   const Node& at, Scope& scope);
  [[nodiscard]] nlohmann::json ref(const Node& argument, Scope& scope);
  [[nodiscard]] std::string ref_text(std::string_view name, const Node& at, Scope& scope);
  [[nodiscard]] nlohmann::json get_att(const Node& argument, Scope& scope);
  [[nodiscard]] nlohmann::json sub(const Node& argument, Scope& scope);
  [[nodiscard]] nlohmann::json join(const Node& argument, Scope& scope);
  [[nodiscard]] nlohmann::json select(const Node& argument, Scope& scope);
  [[nodiscard]] nlohmann::json split(const Node& argument, Scope& scope);
  [[nodiscard]] nlohmann::json find_in_map(const Node& argument, Scope& scope);
  [[nodiscard]] Truth truth(const Node& expression, Scope& scope);
  [[nodiscard]] std::optional<std::string> text_of(const Node& node, Scope& scope);
  [[nodiscard]] std::optional<nlohmann::json> resolve_node(const Node& node, Scope& scope);
  std::string invalid(const Node& at, std::string_view function, const std::string& why,
                      Scope& scope);

  const Node* m_mappings = nullptr;
  const Node* m_conditions = nullptr;
  std::map<std::string, nlohmann::json, std::less<>> m_parameters; ///< known values
  std::set<std::string, std::less<>> m_parameter_names;
  std::set<std::string, std::less<>> m_resources;
  std::map<std::string, Truth, std::less<>> m_truths;
  std::set<std::string, std::less<>> m_evaluating; ///< conditions being evaluated (cycle guard)
  std::set<std::pair<std::string, std::string>> m_reported_undecided; ///< (resource, condition)
  std::map<std::string, bool, std::less<>> m_forced;                  ///< LoadOptions::conditions
  std::vector<std::string> m_undecided;
  /// Nodes resolve() may still visit. The document's expanded size is bounded by the reader; only
  /// Fn::FindInMap and Fn::Sub variables visit a subtree more than once, and this bounds that too.
  std::size_t m_budget = 0;
  bool m_budget_reported = false;
};

/// The intrinsic function a node calls, if any: a mapping with the single key Ref, Condition or
/// Fn::* (short-form tags were turned into this form by the reader).
struct Call {
  std::string function;
  const Node* argument = nullptr;
};
[[nodiscard]] std::optional<Call> intrinsic_call(const Node& node);

/// Parses YAML 1.1 / JSON booleans as CloudFormation does ("true", "True", "false", ...); nothing
/// for any other text, including values with markers.
[[nodiscard]] std::optional<bool> as_bool(const nlohmann::json& value);

} // namespace tfkms::loaders::cfn
