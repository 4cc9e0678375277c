#include "loaders/cloudformation_intrinsics.hpp"

#include "model/value.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace tfkms::loaders::cfn {

using nlohmann::json;

void Scope::report(model::DiagnosticLevel level, const Node& where, std::string message) {
  diagnostics.push_back(model::Diagnostic{level, file, where.line, where.column,
                                          "/Resources/" + resource,
                                          "resource " + resource + ": " + std::move(message)});
}

std::optional<Call> intrinsic_call(const Node& node) {
  if (!node.is_mapping() || node.keys.size() != 1)
    return std::nullopt;
  const std::string& key = node.keys.front();
  if (key != "Ref" && key != "Condition" && !key.starts_with("Fn::"))
    return std::nullopt;
  return Call{key, node.items.front().get()};
}

std::optional<bool> as_bool(const json& value) {
  if (value.is_boolean())
    return value.get<bool>();
  if (!value.is_string())
    return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  if (text == "true" || text == "True" || text == "TRUE")
    return true;
  if (text == "false" || text == "False" || text == "FALSE")
    return false;
  return std::nullopt;
}

namespace {

// Pseudo parameters [CFN-UG "Pseudo parameters reference"] as the symbol they stand for.
std::optional<std::string> pseudo_parameter(std::string_view name) {
  if (name == "AWS::AccountId")
    return model::symbol("account");
  if (name == "AWS::Partition")
    return model::symbol("partition");
  if (name == "AWS::Region")
    return model::symbol("region");
  if (name == "AWS::URLSuffix")
    return model::symbol("url_suffix");
  if (name == "AWS::StackName")
    return model::symbol("stack_name");
  if (name == "AWS::StackId" || name == "AWS::NotificationARNs")
    return model::symbol("unknown:" + std::string(name));
  return std::nullopt;
}

std::string unknown(std::string_view what) { return model::symbol("unknown:" + std::string(what)); }

bool is_list_parameter(std::string_view type) {
  return type == "CommaDelimitedList" || type.starts_with("List<");
}

json split_list(std::string_view text, std::string_view delimiter) {
  json out = json::array();
  if (delimiter.empty()) {
    out.push_back(std::string(text));
    return out;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(delimiter, start);
    if (at == std::string_view::npos)
      break;
    out.push_back(std::string(text.substr(start, at - start)));
    start = at + delimiter.size();
  }
  out.push_back(std::string(text.substr(start)));
  return out;
}

std::string base64(std::string_view text) {
  static constexpr std::string_view k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    const auto n = (static_cast<unsigned char>(text[i]) << 16) |
                   (static_cast<unsigned char>(text[i + 1]) << 8) |
                   static_cast<unsigned char>(text[i + 2]);
    for (const int shift : {18, 12, 6, 0})
      out += k_alphabet[static_cast<std::size_t>((n >> shift) & 63)];
  }
  if (const std::size_t rest = text.size() - i; rest > 0) {
    auto n = static_cast<unsigned char>(text[i]) << 16;
    if (rest == 2)
      n |= static_cast<unsigned char>(text[i + 1]) << 8;
    out += k_alphabet[static_cast<std::size_t>((n >> 18) & 63)];
    out += k_alphabet[static_cast<std::size_t>((n >> 12) & 63)];
    out += rest == 2 ? k_alphabet[static_cast<std::size_t>((n >> 6) & 63)] : '=';
    out += '=';
  }
  return out;
}

bool holds_symbols(const json& value) {
  if (value.is_string())
    return model::has_symbols(value.get_ref<const std::string&>());
  return std::any_of(value.begin(), value.end(),
                     [](const json& item) { return holds_symbols(item); });
}

// JSON text of a value whose strings may hold markers; dump() escapes the marker characters, which
// must stay markers in the resulting string.
std::string to_json_text(const json& value) {
  std::string text = value.dump();
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 6, "\\u0001") == 0 || text.compare(i, 6, "\\u0002") == 0) {
      out += text[i + 5] == '1' ? model::k_symbol_open : model::k_symbol_close;
      i += 5;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Mappings hold literal values only [CFN-UG "Mappings"]; reading them without evaluation also keeps
// a mapping from referring to itself.
json literal(const Node& node) {
  switch (node.kind) {
  case Node::Kind::null:
    return nullptr;
  case Node::Kind::scalar:
    return node.text;
  case Node::Kind::sequence: {
    json out = json::array();
    for (const auto& item : node.items)
      out.push_back(literal(*item));
    return out;
  }
  case Node::Kind::mapping:
    break;
  }
  json out = json::object();
  for (std::size_t i = 0; i < node.keys.size(); ++i)
    out[node.keys[i]] = literal(*node.items[i]);
  return out;
}

// Conditions may refer to conditions; a chain longer than this only comes from hostile input.
constexpr std::size_t k_max_condition_nesting = 64;

} // namespace

Intrinsics::Intrinsics(const Node& root, const LoadOptions& options)
    : m_forced(options.conditions.begin(), options.conditions.end()),
      m_budget(4 * root.weight + 1000000) {
  m_mappings = root.find("Mappings");
  m_conditions = root.find("Conditions");
  if (const Node* resources = root.find("Resources"); resources && resources->is_mapping()) {
    m_resources.insert(resources->keys.begin(), resources->keys.end());
  }
  const Node* parameters = root.find("Parameters");
  if (!parameters || !parameters->is_mapping())
    return;
  for (std::size_t i = 0; i < parameters->keys.size(); ++i) {
    const std::string& name = parameters->keys[i];
    const Node& declaration = *parameters->items[i];
    m_parameter_names.insert(name);
    const Node* type = declaration.find("Type");
    const std::string type_text = type && type->is_scalar() ? type->text : "String";
    std::optional<std::string> value;
    if (const auto given = options.parameters.find(name); given != options.parameters.end()) {
      value = model::strip_control(given->second);
    } else if (const Node* fallback = declaration.find("Default");
               fallback && fallback->is_scalar() &&
               !type_text.starts_with("AWS::SSM::Parameter::Value")) {
      // An SSM parameter type's Default names the SSM parameter, not its value.
      value = fallback->text;
    } else if (fallback && fallback->is_sequence() && is_list_parameter(type_text)) {
      json list = json::array();
      for (const auto& item : fallback->items)
        list.push_back(item->text);
      m_parameters[name] = std::move(list);
      continue;
    }
    if (!value)
      continue;
    m_parameters[name] = is_list_parameter(type_text) ? split_list(*value, ",") : json(*value);
  }
}

bool Intrinsics::is_resource(std::string_view logical_id) const {
  return m_resources.contains(logical_id);
}

std::optional<json> Intrinsics::resolve(const Node& node, Scope& scope) {
  if (node.weight > m_budget) {
    m_budget = 0;
    if (!m_budget_reported) {
      m_budget_reported = true;
      scope.report(model::DiagnosticLevel::error, node,
                   "the template repeats large mapping values too often to resolve; the rest is "
                   "left unknown");
    }
    return unknown("resolution budget exhausted");
  }
  m_budget -= 1;
  return resolve_node(node, scope);
}

std::optional<json> Intrinsics::resolve_node(const Node& node, Scope& scope) {
  switch (node.kind) {
  case Node::Kind::null:
    return json(nullptr);
  case Node::Kind::scalar:
    return json(node.text);
  case Node::Kind::sequence: {
    json out = json::array();
    for (const auto& item : node.items) {
      if (auto value = resolve(*item, scope))
        out.push_back(std::move(*value));
    }
    return out;
  }
  case Node::Kind::mapping:
    break;
  }
  if (const auto call_ = intrinsic_call(node); call_ && call_->function != "Condition") {
    return call(call_->function, *call_->argument, node, scope);
  }
  json out = json::object();
  for (std::size_t i = 0; i < node.keys.size(); ++i) {
    if (auto value = resolve(*node.items[i], scope))
      out[node.keys[i]] = std::move(*value);
  }
  return out;
}

std::string Intrinsics::invalid(const Node& at, std::string_view function, const std::string& why,
                                Scope& scope) {
  scope.report(model::DiagnosticLevel::error, at, std::string(function) + ": " + why);
  return unknown("invalid " + std::string(function));
}

std::optional<std::string> Intrinsics::text_of(const Node& node, Scope& scope) {
  const auto value = resolve(node, scope);
  if (!value || !value->is_string())
    return std::nullopt;
  return value->get<std::string>();
}

std::optional<json> Intrinsics::call(std::string_view function, const Node& argument,
                                     const Node& at, Scope& scope) {
  if (function == "Ref") {
    if (argument.is_scalar() && argument.text == "AWS::NoValue")
      return std::nullopt;
    return ref(argument, scope);
  }
  if (function == "Fn::GetAtt")
    return get_att(argument, scope);
  if (function == "Fn::Sub")
    return sub(argument, scope);
  if (function == "Fn::Join")
    return join(argument, scope);
  if (function == "Fn::Select")
    return select(argument, scope);
  if (function == "Fn::Split")
    return split(argument, scope);
  if (function == "Fn::FindInMap")
    return find_in_map(argument, scope);
  if (function == "Fn::If") {
    if (!argument.is_sequence() || argument.items.size() != 3 || !argument.items[0]->is_scalar()) {
      return invalid(at, function, "expected [condition, value if true, value if false]", scope);
    }
    const Node* branch = chosen(at, scope);
    return branch ? resolve(*branch, scope) : std::nullopt;
  }
  if (function == "Fn::ImportValue") {
    const auto name = text_of(argument, scope);
    if (!name)
      return invalid(at, function, "the export name is not a string", scope);
    return unknown("ImportValue " + model::display(*name));
  }
  if (function == "Fn::Base64") {
    const auto text = text_of(argument, scope);
    if (!text)
      return invalid(at, function, "the argument is not a string", scope);
    return model::has_symbols(*text) ? unknown("Fn::Base64") : base64(*text);
  }
  if (function == "Fn::Cidr" || function == "Fn::GetAZs")
    return unknown(function);
  if (function == "Fn::Equals" || function == "Fn::And" || function == "Fn::Or" ||
      function == "Fn::Not") {
    const Truth value = truth(at, scope);
    if (value == Truth::undecided)
      return unknown(function);
    return json(value == Truth::yes ? "true" : "false");
  }
  if (function == "Fn::Length") { // AWS::LanguageExtensions
    const auto list = resolve(argument, scope);
    return list && list->is_array() ? json(std::to_string(list->size())) : json(unknown(function));
  }
  if (function == "Fn::ToJsonString") { // AWS::LanguageExtensions
    const auto value = resolve(argument, scope);
    return value ? to_json_text(*value) : unknown(function);
  }
  if (function == "Fn::Transform") {
    scope.report(model::DiagnosticLevel::warning, at,
                 "macro Fn::Transform is not expanded; its value is unknown");
    return unknown(function);
  }
  return invalid(at, function, "unknown intrinsic function", scope);
}

json Intrinsics::ref(const Node& argument, Scope& scope) {
  if (!argument.is_scalar())
    return invalid(argument, "Ref", "the argument must be a name", scope);
  if (const auto value = m_parameters.find(argument.text); value != m_parameters.end())
    return value->second;
  return ref_text(argument.text, argument, scope);
}

std::string Intrinsics::ref_text(std::string_view name, const Node& at, Scope& scope) {
  if (auto pseudo = pseudo_parameter(name))
    return *pseudo;
  if (const auto value = m_parameters.find(name);
      value != m_parameters.end() && value->second.is_string()) {
    return value->second.get<std::string>();
  }
  if (m_parameter_names.contains(name))
    return unknown("parameter " + std::string(name));
  if (m_resources.contains(name))
    return model::symbol("cfn:" + std::string(name));
  return invalid(at, "Ref", "\"" + std::string(name) + "\" is neither a parameter nor a resource",
                 scope);
}

json Intrinsics::get_att(const Node& argument, Scope& scope) {
  std::string logical_id;
  std::string attribute;
  if (argument.is_scalar()) {
    const auto dot = argument.text.find('.');
    if (dot == std::string::npos)
      return invalid(argument, "Fn::GetAtt", "expected Resource.Attribute", scope);
    logical_id = argument.text.substr(0, dot);
    attribute = argument.text.substr(dot + 1);
  } else if (argument.is_sequence() && argument.items.size() == 2 &&
             argument.items[0]->is_scalar()) {
    logical_id = argument.items[0]->text;
    const auto name = text_of(*argument.items[1], scope);
    if (!name)
      return invalid(argument, "Fn::GetAtt", "the attribute name is not a string", scope);
    attribute = *name;
  } else {
    return invalid(argument, "Fn::GetAtt", "expected [Resource, Attribute]", scope);
  }
  if (!m_resources.contains(logical_id)) {
    return invalid(argument, "Fn::GetAtt",
                   "\"" + logical_id + "\" is not a resource of the template", scope);
  }
  return model::symbol("cfn:" + logical_id + "." + attribute);
}

json Intrinsics::sub(const Node& argument, Scope& scope) {
  const Node* pattern = &argument;
  const Node* variables = nullptr;
  if (argument.is_sequence()) {
    if (argument.items.size() != 2 || !argument.items[1]->is_mapping()) {
      return invalid(argument, "Fn::Sub", "expected a string or [string, {variables}]", scope);
    }
    pattern = argument.items[0].get();
    variables = argument.items[1].get();
  }
  if (!pattern->is_scalar())
    return invalid(argument, "Fn::Sub", "the pattern must be a string", scope);
  const std::string& text = pattern->text;
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("${", pos);
    const std::size_t close = open == std::string::npos ? open : text.find('}', open + 2);
    if (close == std::string::npos)
      break;
    out.append(text, pos, open - pos);
    std::string name = text.substr(open + 2, close - open - 2);
    pos = close + 1;
    if (name.starts_with("!")) { // ${!Literal} is the text ${Literal}
      out += "${" + name.substr(1) + "}";
      continue;
    }
    const auto first = name.find_first_not_of(' ');
    name = first == std::string::npos ? std::string{}
                                      : name.substr(first, name.find_last_not_of(' ') - first + 1);
    if (const Node* variable = variables ? variables->find(name) : nullptr) {
      const auto value = text_of(*variable, scope);
      out += value ? *value
                   : invalid(*variable, "Fn::Sub", "variable " + name + " is not a string", scope);
    } else if (const auto dot = name.find('.');
               dot != std::string::npos && !name.starts_with("AWS::")) {
      if (!m_resources.contains(name.substr(0, dot))) {
        out += invalid(*pattern, "Fn::Sub",
                       "${" + name + "}: not a resource attribute of the template", scope);
      } else {
        out += model::symbol("cfn:" + name);
      }
    } else {
      out += ref_text(name, *pattern, scope);
    }
  }
  out.append(text, pos);
  return out;
}

json Intrinsics::join(const Node& argument, Scope& scope) {
  if (!argument.is_sequence() || argument.items.size() != 2) {
    return invalid(argument, "Fn::Join", "expected [delimiter, [values]]", scope);
  }
  const auto delimiter = text_of(*argument.items[0], scope);
  const auto list = resolve(*argument.items[1], scope);
  if (!delimiter)
    return invalid(argument, "Fn::Join", "the delimiter is not a string", scope);
  if (list && list->is_string() && model::has_symbols(list->get_ref<const std::string&>())) {
    return unknown("Fn::Join of an unknown list");
  }
  if (!list || !list->is_array())
    return invalid(argument, "Fn::Join", "the second argument is not a list", scope);
  std::string out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& item = (*list)[i];
    if (!item.is_string())
      return invalid(argument, "Fn::Join", "item " + std::to_string(i) + " is not a string", scope);
    if (i > 0)
      out += *delimiter;
    out += item.get_ref<const std::string&>();
  }
  return out;
}

json Intrinsics::select(const Node& argument, Scope& scope) {
  if (!argument.is_sequence() || argument.items.size() != 2) {
    return invalid(argument, "Fn::Select", "expected [index, [values]]", scope);
  }
  const auto index_text = text_of(*argument.items[0], scope);
  const auto list = resolve(*argument.items[1], scope);
  if (!index_text)
    return invalid(argument, "Fn::Select", "the index is not a string", scope);
  const bool unknown_list =
      list && list->is_string() && model::has_symbols(list->get_ref<const std::string&>());
  if (unknown_list || model::has_symbols(*index_text))
    return unknown("Fn::Select from an unknown list");
  if (!list || !list->is_array())
    return invalid(argument, "Fn::Select", "the second argument is not a list", scope);
  std::size_t index = 0;
  const auto [end, error] =
      std::from_chars(index_text->data(), index_text->data() + index_text->size(), index);
  if (error != std::errc{} || end != index_text->data() + index_text->size()) {
    return invalid(argument, "Fn::Select", "index \"" + *index_text + "\" is not a number", scope);
  }
  if (index >= list->size()) {
    return invalid(argument, "Fn::Select",
                   "index " + *index_text + " is past the end of a list of " +
                       std::to_string(list->size()),
                   scope);
  }
  return (*list)[index];
}

json Intrinsics::split(const Node& argument, Scope& scope) {
  if (!argument.is_sequence() || argument.items.size() != 2) {
    return invalid(argument, "Fn::Split", "expected [delimiter, string]", scope);
  }
  const auto delimiter = text_of(*argument.items[0], scope);
  const auto source = text_of(*argument.items[1], scope);
  if (!delimiter || !source)
    return invalid(argument, "Fn::Split", "the arguments must be strings", scope);
  // A value known only at deploy time may hold any number of delimiters: the parts are unknown.
  if (model::has_symbols(*source))
    return unknown("Fn::Split of " + model::display(*source));
  return split_list(*source, *delimiter);
}

json Intrinsics::find_in_map(const Node& argument, Scope& scope) {
  if (!argument.is_sequence() || argument.items.size() < 3 || argument.items.size() > 4) {
    return invalid(argument, "Fn::FindInMap", "expected [map, top-level key, second-level key]",
                   scope);
  }
  std::array<std::string, 3> names;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto name = text_of(*argument.items[i], scope);
    if (!name)
      return invalid(argument, "Fn::FindInMap", "the keys must be strings", scope);
    names[i] = *name;
  }
  const Node* fallback =
      argument.items.size() == 4 ? argument.items[3]->find("DefaultValue") : nullptr;
  if (model::has_symbols(names[0]) || model::has_symbols(names[1]) ||
      model::has_symbols(names[2])) {
    return unknown("Fn::FindInMap " + model::display(names[0] + "/" + names[1] + "/" + names[2]));
  }
  const Node* map = m_mappings ? m_mappings->find(names[0]) : nullptr;
  const Node* top = map ? map->find(names[1]) : nullptr;
  const Node* value = top ? top->find(names[2]) : nullptr;
  if (!value && fallback) {
    auto resolved = resolve(*fallback, scope);
    return resolved ? std::move(*resolved) : json(nullptr);
  }
  if (!value) {
    return invalid(argument, "Fn::FindInMap",
                   "Mappings has no " + names[0] + "/" + names[1] + "/" + names[2], scope);
  }
  if (value->weight > m_budget)
    return *resolve(*value, scope); // the exhausted budget: unknown, reported
  m_budget -= value->weight;
  return literal(*value);
}

const Node* Intrinsics::chosen(const Node& node, Scope& scope) {
  const Node* current = &node;
  // Each step goes one level down a tree of bounded height.
  while (const auto call_ = intrinsic_call(*current)) {
    const Node& argument = *call_->argument;
    if (call_->function == "Ref" && argument.is_scalar() && argument.text == "AWS::NoValue")
      return nullptr;
    if (call_->function != "Fn::If")
      return current;
    if (!argument.is_sequence() || argument.items.size() != 3 || !argument.items[0]->is_scalar())
      return current;
    const std::string& name = argument.items[0]->text;
    const Truth value = condition(name, *argument.items[0], scope);
    if (value == Truth::undecided) {
      // The deployed value is one of the branches. `tfkms check` loads the template again with each
      // branch decided (LoadOptions::conditions); this load takes the true branch and says so.
      std::string assumption =
          "condition " + name +
          " could not be decided from the parameters: tfkms check analyses each branch, "
          "access and diff take the true one (check --condition " +
          name + "=true|false decides it)";
      if (m_reported_undecided.emplace(scope.resource, name).second) {
        scope.report(model::DiagnosticLevel::warning, argument, assumption);
      }
      if (std::find(scope.assumptions.begin(), scope.assumptions.end(), assumption) ==
          scope.assumptions.end()) {
        scope.assumptions.push_back(std::move(assumption));
      }
    }
    current = argument.items[value == Truth::no ? 2 : 1].get();
  }
  return current;
}

Truth Intrinsics::condition(std::string_view name, const Node& where, Scope& scope) {
  if (const auto known = m_truths.find(name); known != m_truths.end())
    return known->second;
  if (const auto forced = m_forced.find(name);
      forced != m_forced.end() && m_conditions && m_conditions->find(name)) {
    return m_truths.emplace(std::string(name), forced->second ? Truth::yes : Truth::no)
        .first->second;
  }
  const Node* expression = m_conditions ? m_conditions->find(name) : nullptr;
  if (m_evaluating.size() >= k_max_condition_nesting) {
    scope.report(model::DiagnosticLevel::error, where,
                 "conditions nested more than " + std::to_string(k_max_condition_nesting) +
                     " deep");
    return Truth::undecided;
  }
  if (!expression || m_evaluating.contains(name)) {
    scope.report(model::DiagnosticLevel::error, where,
                 "condition " + std::string(name) +
                     (expression ? " refers to itself" : " is not defined"));
    return Truth::undecided;
  }
  m_evaluating.emplace(name);
  const Truth value = truth(*expression, scope);
  m_evaluating.erase(m_evaluating.find(name));
  m_truths.emplace(std::string(name), value);
  if (value == Truth::undecided)
    m_undecided.emplace_back(name);
  return value;
}

Truth Intrinsics::truth(const Node& expression, Scope& scope) {
  const auto call_ = intrinsic_call(expression);
  if (!call_) {
    if (const auto value = resolve(expression, scope); value && as_bool(*value))
      return *as_bool(*value) ? Truth::yes : Truth::no;
    scope.report(model::DiagnosticLevel::error, expression,
                 "a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition");
    return Truth::undecided;
  }
  const Node& argument = *call_->argument;
  if (call_->function == "Condition") {
    if (!argument.is_scalar())
      return Truth::undecided;
    return condition(argument.text, argument, scope);
  }
  if (call_->function == "Fn::Equals") {
    if (!argument.is_sequence() || argument.items.size() != 2) {
      scope.report(model::DiagnosticLevel::error, expression,
                   "Fn::Equals: expected [value, value]");
      return Truth::undecided;
    }
    const auto left = resolve(*argument.items[0], scope);
    const auto right = resolve(*argument.items[1], scope);
    if (left == right)
      return Truth::yes;
    if ((left && holds_symbols(*left)) || (right && holds_symbols(*right)))
      return Truth::undecided;
    return Truth::no;
  }
  if (call_->function == "Fn::Not") {
    const Node* operand =
        argument.is_sequence() && argument.items.size() == 1 ? argument.items[0].get() : nullptr;
    if (!operand)
      return Truth::undecided;
    const Truth value = truth(*operand, scope);
    return value == Truth::undecided ? value : (value == Truth::yes ? Truth::no : Truth::yes);
  }
  if (call_->function == "Fn::And" || call_->function == "Fn::Or") {
    if (!argument.is_sequence())
      return Truth::undecided;
    // And is false as soon as one operand is false, Or true as soon as one is true, even if others
    // are undecided.
    const Truth decisive = call_->function == "Fn::And" ? Truth::no : Truth::yes;
    bool undecided = false;
    for (const auto& operand : argument.items) {
      const Truth value = truth(*operand, scope);
      if (value == decisive)
        return decisive;
      undecided = undecided || value == Truth::undecided;
    }
    if (undecided)
      return Truth::undecided;
    return decisive == Truth::no ? Truth::yes : Truth::no;
  }
  scope.report(model::DiagnosticLevel::error, expression,
               call_->function + " is not a condition function");
  return Truth::undecided;
}

} // namespace tfkms::loaders::cfn
