// AWS::Organizations::Policy of type SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY, with the
// TargetIds it is attached to (docs/evaluation-chain.md: how the analysis applies them).
#include "loaders/cloudformation_resources.hpp"

namespace tfkms::loaders::cfn {

void ResourceMapper::add_organization_policy(Resource& resource) {
  const std::string type = text(resource, "Type").value_or("");
  model::OrganizationPolicy policy;
  if (type == "SERVICE_CONTROL_POLICY")
    policy.type = model::OrganizationPolicyType::service_control;
  else if (type == "RESOURCE_CONTROL_POLICY")
    policy.type = model::OrganizationPolicyType::resource_control;
  else
    return; // tag, backup and AI opt-out policies decide no KMS call
  policy.source = resource.source;
  policy.name = text(resource, "Name").value_or(resource.logical_id);
  policy.document = policy_property(resource, "Content");
  policy.targets = texts(resource, "TargetIds");
  m_graph.organization_policies.push_back(std::move(policy));
}

} // namespace tfkms::loaders::cfn
