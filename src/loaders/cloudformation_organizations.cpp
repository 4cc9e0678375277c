// AWS::Organizations::Policy of type SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY, with the
// TargetIds it is attached to (docs/evaluation-chain.md: how the analysis applies them).
#include "loaders/cloudformation_resources.hpp"

namespace tfkms::loaders::cfn {

void ResourceMapper::add_organization_policy(Resource& resource) {
  const auto type = model::organization_policy_type(text(resource, "Type").value_or(""));
  if (!type)
    return;
  model::OrganizationPolicy policy;
  policy.type = *type;
  policy.source = resource.source;
  policy.name = text(resource, "Name").value_or(resource.logical_id);
  policy.document = policy_property(resource, "Content");
  policy.targets = texts(resource, "TargetIds");
  m_graph.organization_policies.push_back(std::move(policy));
}

} // namespace tfkms::loaders::cfn
