#include "loaders/cloudformation_resources.hpp"

#include "model/value.hpp"

#include <algorithm>
#include <cctype>

namespace tfkms::loaders::cfn {

using nlohmann::json;

namespace {

// A JSON policy text may carry markers (from Fn::Sub); JSON forbids raw control characters in
// strings, so markers travel through the parser as \u0001 / \u0002 escapes.
std::string escape_markers(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == model::k_symbol_open) {
      out += "\\u0001";
    } else if (c == model::k_symbol_close) {
      out += "\\u0002";
    } else {
      out += c;
    }
  }
  return out;
}

// "AWS::Lambda::Function" -> "lambda", the service part of the resource's ARN as far as tfkms needs
// it.
std::string service_of(std::string_view type) {
  const auto first = type.find("::");
  const auto second = first == std::string_view::npos ? first : type.find("::", first + 2);
  if (second == std::string_view::npos)
    return "unknown";
  std::string service(type.substr(first + 2, second - first - 2));
  std::transform(service.begin(), service.end(), service.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return service;
}

} // namespace

void ResourceMapper::add_node(Resource& resource) {
  const std::string& type = resource.type;
  if (type == "AWS::KMS::Key") {
    add_key(resource, model::KeyKind::customer);
  } else if (type == "AWS::KMS::ReplicaKey") {
    add_key(resource, model::KeyKind::replica);
  } else if (type == "AWS::KMS::Alias") {
    add_alias(resource);
  } else if (type == "AWS::IAM::Role") {
    add_principal(resource, model::PrincipalKind::role);
  } else if (type == "AWS::IAM::User") {
    add_principal(resource, model::PrincipalKind::user);
  } else if (type == "AWS::IAM::Group") {
    add_principal(resource, model::PrincipalKind::group);
  } else if (type == "AWS::IAM::ManagedPolicy") {
    add_managed_policy(resource);
  } else if (type == "AWS::Organizations::Policy") {
    add_organization_policy(resource);
  } else {
    if (type == "AWS::Serverless::Function" && m_serverless)
      add_serverless_function(resource);
    add_data_store(resource);
  }
}

void ResourceMapper::add_links(Resource& resource) {
  const std::string& type = resource.type;
  if (type == "AWS::IAM::Policy") {
    model::IdentityPolicy policy;
    policy.source = resource.source;
    policy.name = text(resource, "PolicyName").value_or(resource.logical_id);
    policy.inline_policy = true;
    policy.document = policy_property(resource, "PolicyDocument");
    attach_policy(resource, m_graph.add(std::move(policy)));
  } else if (type == "AWS::IAM::RolePolicy" || type == "AWS::IAM::UserPolicy" ||
             type == "AWS::IAM::GroupPolicy") {
    add_principal_policy(resource);
  } else if (type == "AWS::IAM::ManagedPolicy") {
    if (const auto id = m_managed_policies.find(resource.logical_id);
        id != m_managed_policies.end()) {
      attach_policy(resource, id->second);
    }
  } else if (type == "AWS::IAM::Role" || type == "AWS::IAM::User" || type == "AWS::IAM::Group") {
    if (const auto id = m_principals.find(resource.logical_id); id != m_principals.end()) {
      attach_managed_policies(resource, id->second);
    }
  } else if (type == "AWS::IAM::UserToGroupAddition") {
    add_user_to_group(resource);
  } else if (model::cloudformation_policy_type(type)) {
    add_resource_policy(resource);
  }
}

void ResourceMapper::resolve_keys() {
  // Aliases first: a data store may name its key through an alias of the template.
  for (const auto& [index, raw] : m_pending_aliases)
    m_graph.aliases[index].target = m_graph.resolve_key(raw);
  // A replica names its primary by ARN (PrimaryKeyArn); the link lets rules compare the two keys.
  // By index: resolve_key may add a synthesized AWS managed key to m_graph.keys.
  for (std::size_t index = 0; index < m_graph.keys.size(); ++index) {
    if (m_graph.keys[index].kind != model::KeyKind::replica ||
        m_graph.keys[index].primary_key.empty())
      continue;
    const model::KeyRef primary = m_graph.resolve_key(m_graph.keys[index].primary_key);
    if (primary.kind == model::KeyRef::Kind::node)
      m_graph.keys[index].primary = primary.key;
  }
  for (const PendingKey& pending : m_pending_keys) {
    model::KeyRef ref = m_graph.resolve_key(pending.raw);
    ref.service_default = pending.service_default;
    m_graph.data_stores[pending.store].key = std::move(ref);
  }
}

std::optional<json> ResourceMapper::property(Resource& resource, std::string_view name) {
  const Node* node = resource.properties ? resource.properties->find(name) : nullptr;
  if (!node)
    return std::nullopt;
  auto value = m_intrinsics.resolve(*node, resource.scope);
  if (value && value->is_null())
    return std::nullopt;
  return value;
}

std::optional<std::string> ResourceMapper::text(Resource& resource, std::string_view name) {
  const auto value = property(resource, name);
  if (!value || !value->is_string())
    return std::nullopt;
  return value->get<std::string>();
}

std::optional<bool> ResourceMapper::flag(Resource& resource, std::string_view name) {
  const auto value = property(resource, name);
  return value ? as_bool(*value) : std::nullopt;
}

std::vector<std::string> ResourceMapper::texts(Resource& resource, std::string_view name) {
  std::vector<std::string> out;
  const auto value = property(resource, name);
  if (!value)
    return out;
  if (value->is_string())
    out.push_back(value->get<std::string>());
  if (value->is_array()) {
    for (const json& item : *value) {
      if (item.is_string())
        out.push_back(item.get<std::string>());
    }
  }
  return out;
}

model::SourceRef ResourceMapper::at(const Resource& resource,
                                    std::string_view property_name) const {
  model::SourceRef where = resource.source;
  where.pointer += "/Properties/" + std::string(property_name);
  if (resource.properties && resource.properties->find(property_name)) {
    const auto position = resource.properties->key_position(property_name);
    where.line = position.line;
    where.column = position.column;
  }
  return where;
}

model::PolicySource ResourceMapper::policy_property(Resource& resource, std::string_view name) {
  const Node* node = resource.properties ? resource.properties->find(name) : nullptr;
  return read_policy(resource, node, at(resource, name));
}

model::PolicySource ResourceMapper::read_policy(Resource& resource, const Node* node,
                                                const model::SourceRef& where) {
  model::PolicySource out;
  out.where = where;
  if (node)
    node = m_intrinsics.chosen(*node, resource.scope);
  if (!node)
    return out;
  const std::size_t assumptions_before = resource.scope.assumptions.size();
  auto locate = [&](const Node& statement) {
    model::SourceRef location = where;
    location.pointer += "/Statement/" + std::to_string(out.statement_locations.size());
    location.line = statement.line;
    location.column = statement.column;
    out.statement_locations.push_back(std::move(location));
  };
  std::optional<json> value;
  if (node->is_mapping() && !intrinsic_call(*node)) {
    // Resolved key by key so that each statement keeps the position it is written at.
    value = json::object();
    for (std::size_t i = 0; i < node->keys.size(); ++i) {
      const Node& item = *node->items[i];
      if (node->keys[i] == "Statement" && item.is_sequence()) {
        json statements = json::array();
        for (const auto& written : item.items) {
          const Node* statement = m_intrinsics.chosen(*written, resource.scope);
          if (!statement)
            continue;
          auto resolved_statement = m_intrinsics.resolve(*statement, resource.scope);
          if (!resolved_statement)
            continue;
          if (resolved_statement->is_array()) { // Fn::If choosing a list of statements
            for (json& each : *resolved_statement) {
              locate(*statement);
              statements.push_back(std::move(each));
            }
          } else {
            locate(*statement);
            statements.push_back(std::move(*resolved_statement));
          }
        }
        (*value)["Statement"] = std::move(statements);
      } else if (auto resolved_item = m_intrinsics.resolve(item, resource.scope)) {
        if (node->keys[i] == "Statement" && resolved_item->is_object())
          locate(item);
        (*value)[node->keys[i]] = std::move(*resolved_item);
      }
    }
  } else {
    value = m_intrinsics.resolve(*node, resource.scope);
  }
  if (!value || value->is_null())
    return out; // AWS::NoValue: as if not set
  if (value->is_string()) {
    const std::string& text_value = value->get_ref<const std::string&>();
    try {
      value = json::parse(escape_markers(text_value));
    } catch (const json::parse_error& error) {
      const auto refs = model::symbol_refs(text_value);
      const bool invalid = std::any_of(refs.begin(), refs.end(), [](const std::string& ref) {
        return ref.starts_with("unknown:invalid ");
      });
      if (invalid) {
        out.state = model::PolicySource::State::unreadable;
        out.error =
            "the policy is built by an invalid intrinsic function: " + model::display(text_value);
      } else if (!refs.empty()) {
        out.state = model::PolicySource::State::unknown;
        out.waits_on = refs;
        out.origin = "a policy text built from values known only at deploy time: " +
                     model::display(text_value);
      } else {
        out.state = model::PolicySource::State::unreadable;
        out.error = std::string("the policy text is not valid JSON: ") + error.what();
      }
      return out;
    }
  }
  if (!value->is_object()) {
    out.state = model::PolicySource::State::unreadable;
    out.error = "the policy is a " + std::string(value->type_name()) + ", not a JSON object";
    return out;
  }
  if (out.statement_locations.empty() && value->contains("Statement")) {
    const json& statements = (*value)["Statement"];
    const std::size_t count = statements.is_array() ? statements.size() : 1;
    for (std::size_t i = 0; i < count; ++i)
      locate(*node);
  }
  out.state = model::PolicySource::State::document;
  out.document = std::move(*value);
  for (std::size_t i = assumptions_before; i < resource.scope.assumptions.size(); ++i) {
    if (!out.origin.empty())
      out.origin += "; ";
    out.origin += resource.scope.assumptions[i];
  }
  return out;
}

std::string ResourceMapper::arn(std::string_view service, bool regional,
                                const std::string& resource_part) const {
  return "arn:" + model::symbol("partition") + ":" + std::string(service) + ":" +
         (regional ? model::symbol("region") : std::string{}) + ":" + model::symbol("account") +
         ":" + resource_part;
}

std::string ResourceMapper::resolved(std::string_view raw) const {
  return model::resolve_value(raw, m_graph).text;
}

std::string ResourceMapper::generic_arn(const Resource& resource) const {
  return arn(service_of(resource.type), true, resource.logical_id);
}

} // namespace tfkms::loaders::cfn
