// aws_organizations_policy of type SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY and the
// aws_organizations_policy_attachment resources that attach them (docs/evaluation-chain.md: how the
// analysis applies them). An attachment to an OU also names the accounts the input shows in it
// (aws_organizations_account and aws_organizations_organizational_unit parent_id), so that the
// policy applies to them; for any other account the OU stays unresolved.
#include "loaders/terraform_builder.hpp"
#include "model/value.hpp"

#include <unordered_map>

namespace tfkms::loaders::terraform {

namespace {

// OUs nest at most five levels under the root (AWS Organizations quotas); a longer chain is a loop.
constexpr std::size_t k_max_parents = 8;

} // namespace

void Builder::add_organization_policies() {
  // An attachment names its policy by the policy's id: the reference to it before apply, the id
  // itself once known. Accounts and OUs are named by their ids likewise.
  std::unordered_map<std::string, std::size_t> by_reference;
  std::unordered_map<std::string, std::string> parent_of; // account or OU id (resolved) -> parent
  std::vector<std::string> accounts; // account ids the input places in the organisation
  const auto ids_of = [&](const Resource& resource) {
    std::vector<std::string> ids{model::symbol(resource.address + ".id")};
    if (const auto id = text(resource, "id"); id && !model::has_symbols(*id))
      ids.push_back(*id);
    return ids;
  };
  for (const Resource& resource : m_context.document().resources) {
    const bool account = is(resource, "aws_organizations_account");
    if (!account && !is(resource, "aws_organizations_organizational_unit"))
      continue;
    const auto parent = text(resource, "parent_id");
    if (!parent)
      continue;
    for (const std::string& id : ids_of(resource)) {
      parent_of.emplace(id, resolved(*parent));
      if (account && !model::has_symbols(id))
        accounts.push_back(id);
    }
  }
  for (const Resource& resource : m_context.document().resources) {
    if (!is(resource, "aws_organizations_policy"))
      continue;
    // The provider's default type is SERVICE_CONTROL_POLICY.
    const auto type =
        model::organization_policy_type(text(resource, "type").value_or("SERVICE_CONTROL_POLICY"));
    if (!type)
      continue;
    model::OrganizationPolicy policy;
    policy.type = *type;
    policy.source = m_context.where(resource);
    policy.name = name_of(resource, "name");
    policy.document = m_policies.read(resource, field(resource)["content"], "content", "/content");
    const std::size_t index = m_graph.organization_policies.size();
    for (const std::string& id : ids_of(resource))
      by_reference.emplace(id, index);
    m_graph.organization_policies.push_back(std::move(policy));
  }
  // Whether the input shows `account` under `target` (an OU or the root).
  const auto under = [&](const std::string& account, const std::string& target) {
    std::string at = account;
    for (std::size_t depth = 0; depth < k_max_parents; ++depth) {
      const auto parent = parent_of.find(at);
      if (parent == parent_of.end())
        return false;
      if (parent->second == target)
        return true;
      at = parent->second;
    }
    return false;
  };
  for (const Resource& resource : m_context.document().resources) {
    if (!is(resource, "aws_organizations_policy_attachment"))
      continue;
    const auto policy_id = text(resource, "policy_id");
    const auto found = policy_id ? by_reference.find(*policy_id) : by_reference.end();
    if (found == by_reference.end()) {
      // Its policy is defined elsewhere (another workspace): nothing to apply, and the reader is
      // told so, since it may deny what the findings say is allowed.
      m_graph.diagnostics.push_back(model::Diagnostic{
          model::DiagnosticLevel::warning, m_context.where(resource).file,
          m_context.where(resource).line, std::nullopt, resource.pointer,
          resource.address + " attaches an organisation policy this input does not define (" +
              model::display(policy_id.value_or("")) +
              "): it is not applied; name it under organization: in .tfkms.yml to apply it"});
      continue;
    }
    // A target known only after apply stays a marker: the analysis reports it as unresolved.
    const std::string target =
        resolved(text(resource, "target_id").value_or(model::symbol("unknown:known after apply")));
    std::vector<std::string>& targets = m_graph.organization_policies[found->second].targets;
    targets.push_back(target);
    for (const std::string& account : accounts) {
      if (under(account, target))
        targets.push_back(account);
    }
  }
}

} // namespace tfkms::loaders::terraform
