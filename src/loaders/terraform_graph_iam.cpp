// IAM resources of a Terraform plan: roles, users, groups, their inline and attached policies
// (kms-reference §8: aws_iam_policy + attachments, aws_iam_*_policy, inline_policy,
// managed_policy_arns, AWS managed policies by ARN) and group memberships.
#include "loaders/terraform_builder.hpp"
#include "model/value.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace tfkms::loaders::terraform {

namespace {

std::size_t kind_index(model::PrincipalKind kind) { return static_cast<std::size_t>(kind); }

// "role/app" or a role ARN -> "app": attachment resources take names, some users write ARNs.
std::string bare_name(std::string text) {
  if (text.starts_with("arn:")) {
    const auto slash = text.rfind('/');
    if (slash != std::string::npos)
      return text.substr(slash + 1);
  }
  return text;
}

std::string_view kind_word(model::PrincipalKind kind) {
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

} // namespace

void Builder::add_principals() {
  const auto kind_of = [&](const Resource& resource) -> std::optional<model::PrincipalKind> {
    if (is(resource, "aws_iam_role"))
      return model::PrincipalKind::role;
    if (is(resource, "aws_iam_user"))
      return model::PrincipalKind::user;
    if (is(resource, "aws_iam_group"))
      return model::PrincipalKind::group;
    return std::nullopt;
  };
  make_room(m_graph.principals,
            [&](const Resource& resource) { return kind_of(resource).has_value(); });
  for (const Resource& resource : m_context.document().resources) {
    const std::optional<model::PrincipalKind> principal_kind = kind_of(resource);
    if (!principal_kind)
      continue;
    const model::PrincipalKind kind = *principal_kind;
    const Field root = field(resource);
    // Made where the graph keeps it, as keys are (add_keys): nothing below adds principals.
    model::Principal& principal = m_graph.principals.emplace_back();
    const auto id = static_cast<model::PrincipalId>(m_graph.principals.size() - 1);
    principal.source = m_context.where(resource);
    principal.kind = kind;
    principal.name = name_of(resource, "name");
    principal.arn = arn_of(resource);
    principal.account = account_of(principal.arn);
    if (kind == model::PrincipalKind::role) {
      principal.trust_policy = m_policies.read(resource, root["assume_role_policy"],
                                               "assume_role_policy", "/assume_role_policy");
    }
    m_principals[kind_index(kind)].emplace(resolved(principal.name), id);

    // inline_policy blocks; the provider reports one empty block when none is configured.
    const Field inline_policies = root["inline_policy"];
    for (std::size_t i = 0; i < inline_policies.size(); ++i) {
      const Field block = inline_policies[i];
      const std::string pointer = "/inline_policy/" + std::to_string(i) + "/policy";
      model::IdentityPolicy policy;
      policy.inline_policy = true;
      policy.name = text(resource, block["name"]).value_or("");
      policy.document = m_policies.read(resource, block["policy"], "", pointer);
      if (policy.name.empty() && policy.document.state == model::PolicySource::State::absent)
        continue;
      policy.source = m_context.where(resource, pointer);
      attach(id, m_graph.add(std::move(policy)));
    }
    for (std::string& arn : texts(resource, "managed_policy_arns"))
      m_pending_attachments.push_back({id, std::move(arn), &resource});
    if (auto boundary = text(resource, "permissions_boundary"); boundary && !boundary->empty()) {
      m_pending_boundaries.push_back({id, std::move(*boundary), &resource});
    }
  }
}

void Builder::add_policies() {
  for (const Resource& resource : m_context.document().resources) {
    if (!is(resource, "aws_iam_policy"))
      continue;
    // Made where the graph keeps it, as keys are (add_keys): nothing below adds policies.
    model::IdentityPolicy& policy = m_graph.policies.emplace_back();
    const auto id = static_cast<model::PolicyId>(m_graph.policies.size() - 1);
    policy.source = m_context.where(resource);
    policy.name = name_of(resource, "name");
    policy.arn = arn_of(resource);
    policy.document = m_policies.read(resource, field(resource)["policy"], "policy", "/policy");
    m_policies_by_arn.emplace(resolved(policy.arn), id);
  }
  for (const PendingPolicy& pending : m_pending_attachments)
    attach(pending.principal, policy_for_arn(pending.arn, *pending.origin));
  for (const PendingPolicy& pending : m_pending_boundaries) {
    m_graph.principal(pending.principal).permissions_boundary =
        policy_for_arn(pending.arn, *pending.origin);
  }
}

void Builder::add_inline_policies() {
  // The kind of principal the policy belongs to, and the attribute naming it.
  using Holder = std::pair<model::PrincipalKind, const char*>;
  const auto holder_of = [&](const Resource& resource) -> std::optional<Holder> {
    if (is(resource, "aws_iam_role_policy"))
      return Holder{model::PrincipalKind::role, "role"};
    if (is(resource, "aws_iam_user_policy"))
      return Holder{model::PrincipalKind::user, "user"};
    if (is(resource, "aws_iam_group_policy"))
      return Holder{model::PrincipalKind::group, "group"};
    return std::nullopt;
  };
  make_room(m_graph.policies,
            [&](const Resource& resource) { return holder_of(resource).has_value(); });
  for (const Resource& resource : m_context.document().resources) {
    const std::optional<Holder> found = holder_of(resource);
    if (!found)
      continue;
    const auto [kind, holder] = *found;
    // Made where the graph keeps it, as keys are (add_keys): nothing below adds policies before it
    // is filled.
    model::IdentityPolicy& policy = m_graph.policies.emplace_back();
    const auto id = static_cast<model::PolicyId>(m_graph.policies.size() - 1);
    policy.source = m_context.where(resource);
    policy.inline_policy = true;
    policy.name = name_of(resource, "name");
    policy.document = m_policies.read(resource, field(resource)["policy"], "policy", "/policy");
    if (auto name = text(resource, holder))
      attach(principal_named(kind, *name, resource), id);
  }
}

void Builder::add_attachments() {
  for (const Resource& resource : m_context.document().resources) {
    if (resource.data)
      continue;
    // The type first: looking policy_arn up in every resource's values was most of this pass.
    // Compared as a view: a string compared with a literal is not told the lengths differ first.
    const std::string_view type = resource.type;
    std::vector<std::pair<model::PrincipalKind, std::string>> targets;
    if (type == "aws_iam_role_policy_attachment") {
      if (auto role = text(resource, "role"))
        targets.emplace_back(model::PrincipalKind::role, *role);
    } else if (type == "aws_iam_user_policy_attachment") {
      if (auto user = text(resource, "user"))
        targets.emplace_back(model::PrincipalKind::user, *user);
    } else if (type == "aws_iam_group_policy_attachment") {
      if (auto group = text(resource, "group"))
        targets.emplace_back(model::PrincipalKind::group, *group);
    } else if (type == "aws_iam_policy_attachment") {
      for (auto& role : texts(resource, "roles"))
        targets.emplace_back(model::PrincipalKind::role, std::move(role));
      for (auto& user : texts(resource, "users"))
        targets.emplace_back(model::PrincipalKind::user, std::move(user));
      for (auto& group : texts(resource, "groups"))
        targets.emplace_back(model::PrincipalKind::group, std::move(group));
    } else {
      continue;
    }
    const auto arn = text(resource, "policy_arn");
    if (!arn)
      continue;
    const model::PolicyId policy = policy_for_arn(*arn, resource);
    for (const auto& [kind, name] : targets)
      attach(principal_named(kind, name, resource), policy);
  }
}

void Builder::add_memberships() {
  for (const Resource& resource : m_context.document().resources) {
    if (is(resource, "aws_iam_user_group_membership")) {
      const auto user = text(resource, "user");
      if (!user)
        continue;
      const model::PrincipalId member =
          principal_named(model::PrincipalKind::user, *user, resource);
      for (const std::string& group : texts(resource, "groups")) {
        m_graph.principal(member).groups.push_back(
            principal_named(model::PrincipalKind::group, group, resource));
      }
    } else if (is(resource, "aws_iam_group_membership")) {
      const auto group = text(resource, "group");
      if (!group)
        continue;
      const model::PrincipalId target =
          principal_named(model::PrincipalKind::group, *group, resource);
      for (const std::string& user : texts(resource, "users")) {
        m_graph.principal(principal_named(model::PrincipalKind::user, user, resource))
            .groups.push_back(target);
      }
    }
  }
}

// A principal the input names but does not declare (a role created elsewhere) still receives the
// policies attached here, so it gets a node of its own at the place that names it.
model::PrincipalId Builder::principal_named(model::PrincipalKind kind, const std::string& raw_name,
                                            const Resource& origin) {
  const std::string name = bare_name(resolved(raw_name));
  auto& by_name = m_principals[kind_index(kind)];
  if (const auto it = by_name.find(name); it != by_name.end())
    return it->second;
  model::Principal principal;
  principal.source = m_context.where(origin);
  principal.kind = kind;
  principal.name = name;
  principal.arn = "arn:" + model::symbol("partition") + ":iam::" + model::symbol("account") + ":" +
                  std::string(kind_word(kind)) + "/" + name;
  principal.account = m_graph.account;
  const model::PrincipalId id = m_graph.add(std::move(principal));
  by_name.emplace(name, id);
  return id;
}

// AWS managed policies come from the bundled table; a customer policy not in this input cannot be
// read, which is said (unknown), never taken as granting nothing.
model::PolicyId Builder::policy_for_arn(const std::string& raw_arn, const Resource& origin) {
  const std::string arn = resolved(raw_arn);
  if (arn.starts_with("arn:") && arn.find(":iam::aws:policy/") != std::string::npos)
    return m_graph.aws_managed_policy(arn);
  if (const auto it = m_policies_by_arn.find(arn); it != m_policies_by_arn.end())
    return it->second;
  model::IdentityPolicy policy;
  policy.source = m_context.where(origin);
  policy.arn = arn;
  policy.name =
      std::string(arn.substr(arn.rfind('/') == std::string::npos ? 0 : arn.rfind('/') + 1));
  policy.document.state = model::PolicySource::State::unknown;
  policy.document.waits_on =
      model::has_symbols(arn) ? model::symbol_refs(arn) : std::vector<std::string>{arn};
  policy.document.origin = "a managed policy that is not defined in this input";
  const model::PolicyId id = m_graph.add(std::move(policy));
  // An ARN known only after apply may name any policy: each such attachment gets its own node.
  if (!model::has_symbols(arn))
    m_policies_by_arn.emplace(arn, id);
  return id;
}

void Builder::attach(model::PrincipalId principal, model::PolicyId policy) {
  auto& policies = m_graph.principal(principal).policies;
  if (std::find(policies.begin(), policies.end(), policy) == policies.end())
    policies.push_back(policy);
}

} // namespace tfkms::loaders::terraform
