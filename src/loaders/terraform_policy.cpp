#include "loaders/terraform_policy.hpp"

#include "loaders/json_tree.hpp"
#include "loaders/terraform_address.hpp"
#include "loaders/tf_source.hpp"
#include "model/value.hpp"

#include <set>

namespace tfkms::loaders::terraform {

namespace {

// Source documents may name each other; only a hostile input nests this deep.
constexpr int k_max_document_depth = 8;

constexpr std::string_view k_policy_document = "data.aws_iam_policy_document.";

// "data.aws_iam_policy_document.x.json" (or minified_json) -> "data.aws_iam_policy_document.x".
std::optional<std::string> policy_document_of(std::string_view ref) {
  const std::vector<std::string_view> steps = address_steps(ref);
  const bool document_ref = ref.starts_with(k_policy_document) ||
                            (ref.find(".data.aws_iam_policy_document.") != std::string_view::npos &&
                             ref.starts_with("module."));
  if (!document_ref || steps.size() < 2)
    return std::nullopt;
  if (steps.back() != "json" && steps.back() != "minified_json")
    return std::nullopt;
  return std::string(ref.substr(0, ref.size() - steps.back().size() - 1));
}

void append_values(nlohmann::json& target, const std::vector<std::string>& values) {
  if (!target.is_array())
    target = target.is_null() ? nlohmann::json::array() : nlohmann::json::array({target});
  for (const std::string& value : values)
    target.push_back(value);
}

} // namespace

model::PolicySource parse_policy_text(std::string_view text) {
  model::PolicySource source;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return source;
  // The usual policy (an object, shallow, no repeated keys or control characters) read by simdjson;
  // any other by nlohmann's parser, which watches for all of that.
  constexpr std::size_t k_plain_depth = 16;
  thread_local simdjson::dom::parser
      parser; // one per thread, keeping its buffers from policy to policy
  simdjson::dom::element element;
  if (parser.parse(text.data(), text.size()).get(element) == simdjson::SUCCESS &&
      element.is_object()) {
    // Parsed, the text holds no control character in a string (JSON refuses them raw, and
    // simdjson validates): only an escape can put one there.
    const ParsedText parsed =
        text.find('\\') == std::string_view::npos ? ParsedText::plain : ParsedText::any_text;
    if (auto plain = to_plain_json(element, k_plain_depth, parsed)) {
      source.document = std::move(*plain);
      source.state = model::PolicySource::State::document;
      return source;
    }
  }
  // The parse itself is iterative; what follows (strip_strings, copies of the graph) recurses, so a
  // policy nested past any real one (the grammar needs six levels) is refused here.
  constexpr int k_max_policy_nesting = 32;
  bool too_deep = false;
  std::vector<std::set<std::string>> open_objects; // keys seen in each enclosing object
  const auto watch = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (depth > k_max_policy_nesting)
      too_deep = true;
    if (event == Event::object_start)
      open_objects.emplace_back();
    else if (event == Event::object_end && !open_objects.empty())
      open_objects.pop_back();
    else if (event == Event::key && !open_objects.empty() &&
             !open_objects.back().insert(parsed.get<std::string>()).second)
      // IAM rejects some duplicate keys and reads others last-wins; nlohmann keeps the last, so say
      // so.
      source.warnings.push_back("duplicate key \"" +
                                model::strip_control(parsed.get_ref<const std::string&>()) +
                                "\" in the policy text; the last value is used");
    return true;
  };
  try {
    source.document = nlohmann::json::parse(text, watch);
    if (too_deep) {
      source.state = model::PolicySource::State::unreadable;
      source.document = nullptr;
      source.error =
          "the policy nests deeper than " + std::to_string(k_max_policy_nesting) + " levels";
      return source;
    }
    strip_strings(source.document);
    source.state = model::PolicySource::State::document;
    if (!source.document.is_object()) {
      source.state = model::PolicySource::State::unreadable;
      source.error = "the policy is JSON but not an object";
    }
  } catch (const nlohmann::json::exception& error) {
    source.state = model::PolicySource::State::unreadable;
    source.document = nullptr;
    source.error = std::string("the policy is not valid JSON: ") + error.what();
  }
  return source;
}

model::PolicySource PolicyReader::read(const Resource& resource, const Field& field,
                                       std::string_view attribute, std::string_view pointer) const {
  model::PolicySource source;
  if (const nlohmann::json* value = field.value()) {
    if (value->is_string())
      source = parse_policy_text(value->get_ref<const std::string&>());
    else {
      source.state = model::PolicySource::State::unreadable;
      source.error = "the policy attribute is not a string";
    }
    source.where = m_context.where(resource, pointer);
    return source;
  }
  source.where = m_context.where(resource, pointer);
  // Unset; optional+computed attributes (aws_kms_key.policy) are unknown at create even when the
  // configuration does not set them: then AWS applies its default.
  if (!field.unknown() || field.computed_default())
    return source;

  const std::vector<std::string> refs = field.references();
  std::vector<std::string> waits_on;
  for (const std::string& ref : refs) {
    const auto document = policy_document_of(ref);
    if (!document)
      continue;
    const std::string address = join_address(resource.module_address, *document);
    if (const Resource* data = m_context.find(address)) {
      if (auto rebuilt = document_of(*data, waits_on)) {
        source.state = model::PolicySource::State::document;
        source.document = std::move(*rebuilt);
        source.origin = "rebuilt from " + address;
        return source;
      }
    }
  }
  if (m_context.source() != nullptr && !attribute.empty()) {
    if (const SourceBlock* block = m_context.source()->block(resource)) {
      const std::string module = resource.module_address;
      auto rebuilt = jsonencode_argument(
          *block, attribute, [&](std::string_view ref) { return m_context.marker(ref, module); });
      if (rebuilt && rebuilt->is_object()) {
        source.state = model::PolicySource::State::document;
        source.document = std::move(*rebuilt);
        source.origin =
            "rebuilt from jsonencode() in " + block->file + ":" + std::to_string(block->line);
        return source;
      }
    }
  }
  source.state = model::PolicySource::State::unknown;
  source.waits_on = m_context.absolute(refs, resource.module_address);
  for (std::string& wait : waits_on) {
    if (std::find(source.waits_on.begin(), source.waits_on.end(), wait) == source.waits_on.end())
      source.waits_on.push_back(std::move(wait));
  }
  if (source.waits_on.empty())
    source.waits_on.push_back(resource.address + "." + std::string(attribute));
  source.origin = "known only after apply";
  return source;
}

// Rebuilds what the provider's aws_iam_policy_document renders [TFAWS d/iam_policy_document]:
// effect null = Allow; principals blocks merge into Principal by type, "*" alone renders as "*";
// condition blocks merge into Condition[test][variable].
std::optional<nlohmann::json> PolicyReader::document_of(const Resource& data,
                                                        std::vector<std::string>& waits_on,
                                                        int depth) const {
  if (depth > k_max_document_depth) {
    waits_on.push_back(data.address);
    return std::nullopt;
  }
  const Field root = m_context.field(data);
  if (const nlohmann::json* json = root["json"].value();
      json != nullptr && json->is_string() && !json->get_ref<const std::string&>().empty()) {
    model::PolicySource parsed = parse_policy_text(json->get_ref<const std::string&>());
    if (parsed.state == model::PolicySource::State::document)
      return std::move(parsed.document);
  }
  const std::string& module = data.module_address;
  const Field statements = root["statement"];
  if (statements.unknown() && statements.expression() == nullptr) {
    waits_on.push_back(data.address + ".statement");
    return std::nullopt;
  }
  nlohmann::json document = nlohmann::json::object();
  document["Version"] = m_context.text(root["version"], module).value_or("2012-10-17");
  if (auto id = m_context.text(root["policy_id"], module); id && !id->empty())
    document["Id"] = *id;
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const Field s = statements[i];
    nlohmann::json statement = nlohmann::json::object();
    if (auto sid = m_context.text(s["sid"], module); sid && !sid->empty())
      statement["Sid"] = *sid;
    const auto effect = m_context.text(s["effect"], module);
    statement["Effect"] = effect && !effect->empty() ? *effect : "Allow";
    for (const auto& [attribute, element] : {std::pair{"actions", "Action"},
                                             {"not_actions", "NotAction"},
                                             {"resources", "Resource"},
                                             {"not_resources", "NotResource"}}) {
      std::vector<std::string> values = m_context.texts(s[attribute], module);
      if (!values.empty())
        append_values(statement[element], values);
    }
    for (const auto& [attribute, element] :
         {std::pair{"principals", "Principal"}, {"not_principals", "NotPrincipal"}}) {
      const Field blocks = s[attribute];
      for (std::size_t j = 0; j < blocks.size(); ++j) {
        const std::string type = m_context.text(blocks[j]["type"], module).value_or("*");
        const std::vector<std::string> ids = m_context.texts(blocks[j]["identifiers"], module);
        if (type == "*" && ids == std::vector<std::string>{"*"}) {
          statement[element] = "*";
          continue;
        }
        if (!statement[element].is_object())
          statement[element] = nlohmann::json::object();
        append_values(statement[element][type], ids);
      }
    }
    const Field conditions = s["condition"];
    for (std::size_t j = 0; j < conditions.size(); ++j) {
      const std::string test = m_context.text(conditions[j]["test"], module)
                                   .value_or(model::symbol("unknown:condition test"));
      const std::string variable = m_context.text(conditions[j]["variable"], module)
                                       .value_or(model::symbol("unknown:condition key"));
      append_values(statement["Condition"][test][variable],
                    m_context.texts(conditions[j]["values"], module));
    }
    list.push_back(std::move(statement));
  }
  document["Statement"] = std::move(list);
  if (!merge_documents(data, root, document, waits_on, depth))
    return std::nullopt;
  return document;
}

namespace {

void replace_or_append(nlohmann::json& statements, const nlohmann::json& statement) {
  const auto sid = statement.is_object() ? statement.value("Sid", std::string()) : std::string();
  if (!sid.empty()) {
    for (auto& existing : statements) {
      if (existing.is_object() && existing.value("Sid", std::string()) == sid) {
        existing = statement;
        return;
      }
    }
  }
  statements.push_back(statement);
}

void add_statements(nlohmann::json& statements, const nlohmann::json& document) {
  const auto it = document.find("Statement");
  if (it == document.end())
    return;
  if (it->is_array()) {
    for (const auto& statement : *it)
      replace_or_append(statements, statement);
  } else {
    replace_or_append(statements, *it);
  }
}

} // namespace

// source_policy_documents come first and a statement of this document replaces one with the same
// Sid; override_policy_documents then replace same-Sid statements or are appended (legacy
// source_json / override_json likewise) [TFAWS d/iam_policy_document].
bool PolicyReader::merge_documents(const Resource& data, const Field& root,
                                   nlohmann::json& document, std::vector<std::string>& waits_on,
                                   int depth) const {
  const auto collect = [&](std::initializer_list<const char*> attributes,
                           std::vector<nlohmann::json>& out) {
    bool readable = true;
    for (const char* attribute : attributes) {
      for (const std::string& text : m_context.texts(root[attribute], data.module_address)) {
        if (!model::has_symbols(text)) {
          model::PolicySource parsed = parse_policy_text(text);
          if (parsed.state == model::PolicySource::State::document)
            out.push_back(std::move(parsed.document));
          continue;
        }
        const std::vector<std::string> refs = model::symbol_refs(text);
        const Resource* other = nullptr;
        if (refs.size() == 1 && text == model::symbol(refs.front())) {
          if (auto address = policy_document_of(refs.front()))
            other = m_context.find(*address);
        }
        std::optional<nlohmann::json> rebuilt;
        if (other != nullptr)
          rebuilt = document_of(*other, waits_on, depth + 1);
        if (rebuilt)
          out.push_back(std::move(*rebuilt));
        else {
          readable = false;
          waits_on.insert(waits_on.end(), refs.begin(), refs.end());
        }
      }
    }
    return readable;
  };
  std::vector<nlohmann::json> sources, overrides;
  if (!collect({"source_policy_documents", "source_json"}, sources) ||
      !collect({"override_policy_documents", "override_json"}, overrides)) {
    return false;
  }
  if (sources.empty() && overrides.empty())
    return true;
  nlohmann::json statements = nlohmann::json::array();
  for (const auto& source : sources)
    add_statements(statements, source);
  add_statements(statements, document);
  for (const auto& override_document : overrides)
    add_statements(statements, override_document);
  document["Statement"] = std::move(statements);
  return true;
}

} // namespace tfkms::loaders::terraform
