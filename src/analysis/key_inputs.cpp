#include "analysis/key_inputs.hpp"

#include "model/value.hpp"

namespace tfkms::analysis {

namespace {

// Fields are joined with a separator no input text holds (NUL is refused by the loaders), so that
// "ab"+"c" and "a"+"bc" differ.
class Digest {
public:
  explicit Digest(const model::Graph& graph) : m_graph(graph) {}

  Digest& add(std::string_view text) {
    m_text.append(text);
    m_text.push_back('\0');
    return *this;
  }
  // Markers are resolved: the same reference can stand for different values in the two snapshots.
  Digest& resolved(std::string_view raw) {
    return add(raw).add(model::resolve_value(raw, m_graph).text);
  }
  Digest& number(std::size_t value) { return add(std::to_string(value)); }
  Digest& policy(const model::PolicySource& source) {
    number(static_cast<std::size_t>(source.state)).add(source.document.dump()).add(source.error);
    for (const std::string& reference : source.waits_on)
      add(reference);
    return add("end of policy");
  }
  [[nodiscard]] std::string take() { return std::move(m_text); }

private:
  const model::Graph& m_graph;
  std::string m_text;
};

} // namespace

std::string shared_inputs(const model::Graph& graph) {
  Digest digest(graph);
  digest.add(graph.account).add(graph.partition).add(graph.region);
  for (const model::Principal& principal : graph.principals) {
    digest.add(principal.source.name())
        .number(static_cast<std::size_t>(principal.kind))
        .add(principal.name);
    digest.resolved(principal.arn)
        .resolved(graph.account_of(principal))
        .policy(principal.trust_policy);
    for (const model::PolicyId id : principal.policies)
      digest.number(static_cast<std::size_t>(id));
    digest.add("groups");
    for (const model::PrincipalId id : principal.groups)
      digest.number(static_cast<std::size_t>(id));
    digest.number(principal.permissions_boundary
                      ? static_cast<std::size_t>(*principal.permissions_boundary) + 1
                      : 0);
  }
  digest.add("policies");
  for (const model::IdentityPolicy& policy : graph.policies) {
    digest.add(policy.source.name())
        .add(policy.name)
        .resolved(policy.arn)
        .number(policy.aws_managed)
        .number(policy.inline_policy);
    digest.policy(policy.document);
  }
  digest.add("organization");
  for (const model::OrganizationPolicy& policy : graph.organization_policies) {
    digest.add(policy.name).number(static_cast<std::size_t>(policy.type)).policy(policy.document);
    digest.number(policy.configured_level ? *policy.configured_level + 1 : 0);
    for (const std::string& target : policy.targets)
      digest.resolved(target);
  }
  return digest.take();
}

std::string key_inputs(const model::Graph& graph, model::KeyId id) {
  const model::Key& key = graph.key(id);
  Digest digest(graph);
  digest.resolved(key.arn)
      .resolved(graph.account_of(key))
      .number(static_cast<std::size_t>(key.kind))
      .add(key.managed_service);
  digest.policy(key.policy).add(key.key_spec).add(key.key_usage).number(key.enabled);
  for (const model::Grant& grant : graph.grants) {
    if (grant.key.kind != model::KeyRef::Kind::node || grant.key.key != id)
      continue;
    digest.add(grant.source.name()).add(grant.name).resolved(grant.grantee);
    for (const std::string& operation : grant.operations)
      digest.add(operation);
    digest.add(grant.retiring_principal
                   ? "retiring: " + model::resolve_value(*grant.retiring_principal, graph).text
                   : "");
    for (const auto& [name, value] : grant.encryption_context_equals)
      digest.add("equals").add(name).add(value);
    for (const auto& [name, value] : grant.encryption_context_subset)
      digest.add("subset").add(name).add(value);
    digest.number(grant.unknown_fields);
    for (const std::string& reference : grant.waits_on)
      digest.add(reference);
  }
  return digest.take();
}

} // namespace tfkms::analysis
