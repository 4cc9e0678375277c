// aws_organizations_policy of type SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY and the
// aws_organizations_policy_attachment resources that attach them (docs/evaluation-chain.md: how the
// analysis applies them).
#include <unordered_map>

#include "loaders/terraform_builder.hpp"
#include "model/value.hpp"

namespace tfkms::loaders::terraform {

void Builder::add_organization_policies() {
  // An attachment names its policy by the policy's id: the reference to it before apply, the id
  // itself once known.
  std::unordered_map<std::string, std::size_t> by_reference;
  for (const Resource& resource : m_context.document().resources) {
    if (!is(resource, "aws_organizations_policy")) continue;
    // The provider's default type is SERVICE_CONTROL_POLICY.
    const std::string type = text(resource, "type").value_or("SERVICE_CONTROL_POLICY");
    model::OrganizationPolicy policy;
    if (type == "SERVICE_CONTROL_POLICY") policy.type = model::OrganizationPolicyType::service_control;
    else if (type == "RESOURCE_CONTROL_POLICY") policy.type = model::OrganizationPolicyType::resource_control;
    else continue; // tag, backup and AI opt-out policies decide no KMS call
    policy.source = m_context.where(resource);
    policy.name = name_of(resource, "name");
    policy.document = m_policies.read(resource, field(resource)["content"], "content", "/content");
    const std::size_t index = m_graph.organization_policies.size();
    by_reference.emplace(model::symbol(resource.address + ".id"), index);
    if (const auto id = text(resource, "id"); id && !model::has_symbols(*id)) by_reference.emplace(*id, index);
    m_graph.organization_policies.push_back(std::move(policy));
  }
  for (const Resource& resource : m_context.document().resources) {
    if (!is(resource, "aws_organizations_policy_attachment")) continue;
    const auto policy_id = text(resource, "policy_id");
    const auto found = policy_id ? by_reference.find(*policy_id) : by_reference.end();
    if (found == by_reference.end()) continue; // a policy the input does not define
    // A target known only after apply stays a marker: the analysis reports it as unresolved.
    m_graph.organization_policies[found->second].targets.push_back(
        text(resource, "target_id").value_or(model::symbol("unknown:known after apply")));
  }
}

} // namespace tfkms::loaders::terraform
