// AWS::IAM::Role/User/Group/Policy/ManagedPolicy/UserToGroupAddition and the role SAM creates for
// an AWS::Serverless::Function (formats.md §2.4, kms-reference §8).
#include "loaders/cloudformation_resources.hpp"
#include "model/value.hpp"

#include <algorithm>

namespace tfkms::loaders::cfn {

using nlohmann::json;

namespace {

std::string_view arn_word(model::PrincipalKind kind) {
  switch (kind) {
  case model::PrincipalKind::role:
    return "role";
  case model::PrincipalKind::user:
    return "user";
  case model::PrincipalKind::group:
    return "group";
  }
  return "role";
}

std::string_view name_property(model::PrincipalKind kind) {
  switch (kind) {
  case model::PrincipalKind::role:
    return "RoleName";
  case model::PrincipalKind::user:
    return "UserName";
  case model::PrincipalKind::group:
    return "GroupName";
  }
  return "RoleName";
}

// arn:<partition>:iam::aws:policy/<name>, the ARN form of AWS managed policies.
bool is_aws_managed_policy_arn(std::string_view arn) {
  return arn.starts_with("arn:") && arn.find(":iam::aws:policy/") != std::string_view::npos;
}

// SAM policy templates that grant KMS actions [SAM "Policy template list"]: KMSDecryptPolicy and
// KMSEncryptPolicy allow one action on the key given by KeyId.
std::optional<std::string> sam_kms_template_action(std::string_view name) {
  if (name == "KMSDecryptPolicy")
    return "kms:Decrypt";
  if (name == "KMSEncryptPolicy")
    return "kms:Encrypt";
  return std::nullopt;
}

} // namespace

void ResourceMapper::add_principal(Resource& resource, model::PrincipalKind kind) {
  model::Principal principal;
  principal.source = resource.source;
  principal.kind = kind;
  principal.account = m_graph.account;
  // Without an explicit name CloudFormation generates one; the logical id stands for it, so that
  // Ref and GetAtt Arn of this resource resolve to this node.
  principal.name = text(resource, name_property(kind)).value_or(resource.logical_id);
  const std::string path = text(resource, "Path").value_or("/");
  principal.arn = "arn:" + model::symbol("partition") + ":iam::" + model::symbol("account") + ":" +
                  std::string(arn_word(kind)) + path + principal.name;
  m_graph.define("cfn:" + resource.logical_id, principal.name);
  m_graph.define("cfn:" + resource.logical_id + ".Arn", principal.arn);
  if (kind == model::PrincipalKind::role)
    principal.trust_policy = policy_property(resource, "AssumeRolePolicyDocument");
  const model::PrincipalId id = m_graph.add(std::move(principal));
  m_principals.emplace(resource.logical_id, id);
  add_inline_policies(resource, id);
}

void ResourceMapper::add_inline_policies(Resource& resource, model::PrincipalId principal) {
  const Node* written = resource.properties ? resource.properties->find("Policies") : nullptr;
  const Node* list = written ? m_intrinsics.chosen(*written, resource.scope) : nullptr;
  if (!list || !list->is_sequence())
    return;
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    const Node* entry = m_intrinsics.chosen(*list->items[i], resource.scope);
    if (!entry)
      continue;
    model::IdentityPolicy policy;
    policy.source = resource.source;
    policy.source.pointer += "/Properties/Policies/" + std::to_string(i);
    policy.source.line = entry->line;
    policy.source.column = entry->column;
    policy.inline_policy = true;
    if (const Node* name = entry->find("PolicyName")) {
      const auto value = m_intrinsics.resolve(*name, resource.scope);
      if (value && value->is_string())
        policy.name = value->get<std::string>();
    }
    model::SourceRef where = policy.source;
    where.pointer += "/PolicyDocument";
    const auto position = entry->key_position("PolicyDocument");
    where.line = position.line;
    where.column = position.column;
    policy.document = read_policy(resource, entry->find("PolicyDocument"), where);
    if (policy.document.state == model::PolicySource::State::absent) {
      resource.scope.report(model::DiagnosticLevel::error, *entry,
                            "inline policy " + policy.name + " has no PolicyDocument");
      policy.document.state = model::PolicySource::State::unreadable;
      policy.document.error = "no PolicyDocument";
    }
    attach(principal, m_graph.add(std::move(policy)));
  }
}

void ResourceMapper::add_managed_policy(Resource& resource) {
  model::IdentityPolicy policy;
  policy.source = resource.source;
  policy.name = text(resource, "ManagedPolicyName").value_or(resource.logical_id);
  policy.arn = "arn:" + model::symbol("partition") + ":iam::" + model::symbol("account") +
               ":policy" + text(resource, "Path").value_or("/") + policy.name;
  policy.document = policy_property(resource, "PolicyDocument");
  m_graph.define("cfn:" + resource.logical_id, policy.arn); // Ref gives the ARN
  m_graph.define("cfn:" + resource.logical_id + ".PolicyArn", policy.arn);
  m_managed_policies.emplace(resource.logical_id, m_graph.add(std::move(policy)));
}

void ResourceMapper::attach_policy(Resource& resource, model::PolicyId policy) {
  static constexpr std::pair<std::string_view, model::PrincipalKind> k_targets[] = {
      {"Roles", model::PrincipalKind::role},
      {"Users", model::PrincipalKind::user},
      {"Groups", model::PrincipalKind::group}};
  for (const auto& [property_name, kind] : k_targets) {
    for (const std::string& name : texts(resource, property_name))
      attach(principal_named(resource, kind, name), policy);
  }
}

void ResourceMapper::attach_managed_policies(Resource& resource, model::PrincipalId principal) {
  for (const std::string& arn_text : texts(resource, "ManagedPolicyArns")) {
    if (arn_text.empty())
      continue; // an empty CommaDelimitedList parameter
    attach(principal, managed_policy(resource, arn_text));
  }
  if (const auto boundary = text(resource, "PermissionsBoundary")) {
    m_graph.principal(principal).permissions_boundary = managed_policy(resource, *boundary);
  }
  if (m_graph.principal(principal).kind == model::PrincipalKind::user) {
    for (const std::string& group : texts(resource, "Groups")) {
      join(principal, principal_named(resource, model::PrincipalKind::group, group));
    }
  }
}

void ResourceMapper::add_user_to_group(Resource& resource) {
  const auto group_name = text(resource, "GroupName");
  if (!group_name)
    return;
  const model::PrincipalId group =
      principal_named(resource, model::PrincipalKind::group, *group_name);
  for (const std::string& user_name : texts(resource, "Users")) {
    join(principal_named(resource, model::PrincipalKind::user, user_name), group);
  }
}

// AWS::IAM::RolePolicy / UserPolicy / GroupPolicy: one inline policy of one principal, named by
// RoleName / UserName / GroupName.
void ResourceMapper::add_principal_policy(Resource& resource) {
  const bool role = resource.type == "AWS::IAM::RolePolicy";
  const bool user = resource.type == "AWS::IAM::UserPolicy";
  const model::PrincipalKind kind =
      role ? model::PrincipalKind::role
           : (user ? model::PrincipalKind::user : model::PrincipalKind::group);
  const auto owner_name = text(resource, name_property(kind));
  if (!owner_name)
    return;
  const model::PrincipalId owner = principal_named(resource, kind, *owner_name);
  model::IdentityPolicy policy;
  policy.source = resource.source;
  policy.name = text(resource, "PolicyName").value_or(resource.logical_id);
  policy.inline_policy = true;
  policy.document = policy_property(resource, "PolicyDocument");
  attach(owner, m_graph.add(std::move(policy)));
}

// A principal the template names but does not declare (a role created elsewhere) still receives
// what is attached here: it gets a node at the resource that names it, as the Terraform loader
// does, so that both formats give the same graph.
model::PrincipalId ResourceMapper::principal_named(const Resource& origin,
                                                   model::PrincipalKind kind,
                                                   std::string_view raw) {
  // Indexed on first use in pass 2, when every symbol a name may refer to is defined; nodes added
  // since are indexed on the next call. The first principal with a name wins.
  for (; m_principals_indexed < m_graph.principals.size(); ++m_principals_indexed) {
    const model::Principal& principal = m_graph.principals[m_principals_indexed];
    const auto id = static_cast<model::PrincipalId>(m_principals_indexed);
    m_principals_by_name.emplace(std::pair{principal.kind, resolved(principal.name)}, id);
    m_principals_by_name.emplace(std::pair{principal.kind, resolved(principal.arn)}, id);
  }
  const std::string name = resolved(raw);
  if (const auto it = m_principals_by_name.find(std::pair{kind, name});
      it != m_principals_by_name.end())
    return it->second;
  model::Principal outside;
  outside.source = origin.source;
  outside.kind = kind;
  // Attachments take names; an ARN written instead names the principal by its last path segment.
  outside.name = name.starts_with("arn:") && name.rfind('/') != std::string::npos
                     ? name.substr(name.rfind('/') + 1)
                     : name;
  outside.arn = name.starts_with("arn:")
                    ? name
                    : "arn:" + model::symbol("partition") + ":iam::" + model::symbol("account") +
                          ":" + std::string(arn_word(kind)) + "/" + outside.name;
  outside.account = m_graph.account;
  return m_graph.add(std::move(outside));
}

void ResourceMapper::attach(model::PrincipalId principal, model::PolicyId policy) {
  auto& policies = m_graph.principal(principal).policies;
  if (std::find(policies.begin(), policies.end(), policy) == policies.end())
    policies.push_back(policy);
}

void ResourceMapper::join(model::PrincipalId user, model::PrincipalId group) {
  auto& groups = m_graph.principal(user).groups;
  if (std::find(groups.begin(), groups.end(), group) == groups.end())
    groups.push_back(group);
}

model::PolicyId ResourceMapper::managed_policy(Resource& resource, const std::string& raw_arn) {
  // An ARN known only at deploy time may name any policy: each such attachment keeps a node of its
  // own.
  for (; m_policies_indexed < m_graph.policies.size(); ++m_policies_indexed) {
    const model::IdentityPolicy& known = m_graph.policies[m_policies_indexed];
    if (known.inline_policy || known.arn.empty())
      continue;
    model::Value known_arn = model::resolve_value(known.arn, m_graph);
    if (known_arn.known())
      m_policies_by_arn.emplace(std::move(known_arn.text),
                                static_cast<model::PolicyId>(m_policies_indexed));
  }
  const model::Value arn_value = model::resolve_value(raw_arn, m_graph);
  const std::string& arn_text = arn_value.text;
  if (const auto it = m_policies_by_arn.find(arn_text);
      arn_value.known() && it != m_policies_by_arn.end())
    return it->second;
  if (is_aws_managed_policy_arn(arn_text))
    return m_graph.aws_managed_policy(arn_text);
  // A customer managed policy defined elsewhere: it may grant anything, and tfkms cannot see it.
  model::IdentityPolicy outside;
  outside.source = resource.source;
  outside.arn = raw_arn;
  // Named by the last segment of its ARN, as the Terraform loader names it.
  const std::string shown = model::display(raw_arn);
  outside.name = shown.rfind('/') == std::string::npos ? shown : shown.substr(shown.rfind('/') + 1);
  outside.document.state = model::PolicySource::State::unknown;
  outside.document.waits_on.push_back(model::display(raw_arn));
  outside.document.origin =
      "managed policy " + model::display(raw_arn) + " is not defined in this template";
  return m_graph.add(std::move(outside));
}

void ResourceMapper::add_serverless_function(Resource& resource) {
  // SAM creates the role <Function>Role unless the function names its own Role, and attaches
  // Policies to it: AWS managed policy names or ARNs, policy documents and SAM policy templates.
  if (resource.properties && resource.properties->find("Role"))
    return;
  model::Principal role;
  role.source = resource.source;
  role.kind = model::PrincipalKind::role;
  role.account = m_graph.account;
  role.name = resource.logical_id + "Role";
  role.arn = "arn:" + model::symbol("partition") + ":iam::" + model::symbol("account") + ":role/" +
             role.name;
  role.trust_policy.state = model::PolicySource::State::document;
  role.trust_policy.document =
      json{{"Version", "2012-10-17"},
           {"Statement", json::array({{{"Effect", "Allow"},
                                       {"Principal", {{"Service", "lambda.amazonaws.com"}}},
                                       {"Action", "sts:AssumeRole"}}})}};
  role.trust_policy.origin = "the trust policy SAM gives a function's role";
  m_graph.define("cfn:" + role.name, role.name);
  m_graph.define("cfn:" + role.name + ".Arn", role.arn);
  const model::PrincipalId id = m_graph.add(std::move(role));
  m_principals.emplace(resource.logical_id + "Role", id);

  const Node* written = resource.properties ? resource.properties->find("Policies") : nullptr;
  const Node* list = written ? m_intrinsics.chosen(*written, resource.scope) : nullptr;
  if (!list)
    return;
  std::vector<const Node*> entries{list}; // Policies may be one entry instead of a list
  if (list->is_sequence()) {
    entries.clear();
    for (const auto& item : list->items)
      entries.push_back(item.get());
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Node* entry = m_intrinsics.chosen(*entries[i], resource.scope);
    if (!entry)
      continue;
    model::SourceRef where = resource.source;
    where.pointer +=
        "/Properties/Policies" + (list->is_sequence() ? "/" + std::to_string(i) : std::string{});
    where.line = entry->line;
    where.column = entry->column;
    if (entry->is_scalar() || intrinsic_call(*entry)) {
      const auto value = m_intrinsics.resolve(*entry, resource.scope);
      if (!value || !value->is_string())
        continue;
      std::string arn_text = value->get<std::string>();
      if (!arn_text.starts_with("arn:"))
        arn_text = "arn:aws:iam::aws:policy/" + arn_text; // a managed policy name
      attach(id, managed_policy(resource, arn_text));
      continue;
    }
    model::IdentityPolicy policy;
    policy.source = where;
    policy.inline_policy = true;
    if (entry->find("Statement")) {
      policy.name = resource.logical_id + "RolePolicy" + std::to_string(i);
      policy.document = read_policy(resource, entry, where);
    } else if (entry->is_mapping() && entry->keys.size() == 1) {
      const std::string& template_name = entry->keys.front();
      const auto action = sam_kms_template_action(template_name);
      if (!action) {
        resource.scope.report(model::DiagnosticLevel::note, *entry,
                              "SAM policy template " + template_name +
                                  " grants no KMS access and is not modelled");
        continue;
      }
      const Node* key_id = entry->items.front()->find("KeyId");
      const auto key = key_id ? m_intrinsics.resolve(*key_id, resource.scope) : std::nullopt;
      policy.name = template_name;
      policy.document.where = where;
      policy.document.state = model::PolicySource::State::document;
      policy.document.origin = "SAM policy template " + template_name;
      policy.document.document = json{
          {"Version", "2012-10-17"},
          {"Statement",
           json::array({{{"Effect", "Allow"},
                         {"Action", *action},
                         {"Resource", arn("kms", true,
                                          "key/" + (key && key->is_string()
                                                        ? key->get<std::string>()
                                                        : model::symbol("unknown:KeyId")))}}})}};
      policy.document.statement_locations.push_back(where);
    } else {
      continue;
    }
    attach(id, m_graph.add(std::move(policy)));
  }
}

} // namespace tfkms::loaders::cfn
