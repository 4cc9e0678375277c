#pragma once
// The state of one graph build, shared by terraform_graph*.cpp (environment and symbols, KMS
// resources, IAM resources, data stores).
#include "loaders/loaders.hpp"
#include "loaders/terraform_context.hpp"
#include "loaders/terraform_policy.hpp"
#include "model/graph.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tfkms::loaders::terraform {

class Builder {
public:
  Builder(const Context& context, const LoadOptions& options)
      : m_context(context), m_options(options), m_policies(context),
        m_arns(context.document().resources.size()) {}

  model::Graph build();

private:
  // terraform_graph.cpp
  void detect_environment();
  void define_symbols();
  [[nodiscard]] model::SymbolTable::Attributes symbols_of(const Resource& resource) const;
  void add_keys();
  void add_managed_key_lookups();
  void link_replicas();
  void add_key_policies();
  void add_aliases();
  void add_grants();
  void add_suppressions();
  [[nodiscard]] model::KeyRef encryption_key(std::optional<std::string> key,
                                             std::string_view service, bool default_applies);

  // terraform_graph_iam.cpp
  void add_principals();
  void add_policies();
  void add_inline_policies();
  void add_attachments();
  void add_memberships();
  [[nodiscard]] model::PrincipalId
  principal_named(model::PrincipalKind kind, const std::string& raw_name, const Resource& origin);
  [[nodiscard]] model::PolicyId policy_for_arn(const std::string& raw_arn, const Resource& origin);
  void attach(model::PrincipalId principal, model::PolicyId policy);

  // terraform_graph_organizations.cpp
  void add_organization_policies();

  // terraform_graph_stores.cpp
  void add_data_stores();
  void add_store_policies();
  void read_store_settings(const Resource& resource, const model::DataStoreType& type,
                           model::DataStore& store);
  [[nodiscard]] std::size_t store_named(model::DataStoreKind kind, const std::string& raw_name,
                                        const Resource& origin);
  void index_store(std::size_t index);
  [[nodiscard]] std::optional<std::size_t> find_store(const std::string& raw) const;

  // Shared helpers.
  [[nodiscard]] Field field(const Resource& resource) const { return m_context.field(resource); }
  [[nodiscard]] std::optional<std::string> text(const Resource& resource,
                                                std::string_view attribute) const {
    return m_context.text(field(resource)[attribute], resource.module_address);
  }
  [[nodiscard]] std::optional<std::string> text(const Resource& resource,
                                                const Field& value) const {
    return m_context.text(value, resource.module_address);
  }
  /// Whether the provider fills a key attribute the configuration leaves unset (with the service's
  /// AWS managed key, as for EBS volumes), or it stays unset.
  enum class KeyDefault { provider_fills, stays_unset };
  /// A key attribute's text, as text(); but a value known only after apply that the configuration
  /// does not explain (no expression found for it) is unknown, never absent, unless the provider
  /// fills it.
  [[nodiscard]] std::optional<std::string> key_text(const Resource& resource, const Field& value,
                                                    KeyDefault unset) const {
    if (unset == KeyDefault::stays_unset && value.computed_default())
      return model::symbol("unknown:known after apply");
    return text(resource, value);
  }
  [[nodiscard]] std::vector<std::string> texts(const Resource& resource,
                                               std::string_view attribute) const {
    return m_context.texts(field(resource)[attribute], resource.module_address);
  }
  [[nodiscard]] std::optional<bool> flag(const Field& value) const;
  /// `raw` with its markers resolved, or `raw` itself when some cannot be resolved.
  [[nodiscard]] std::string resolved(std::string_view raw) const;
  /// The name a resource is known by, or its address when the name is known only after apply.
  [[nodiscard]] std::string name_of(const Resource& resource, std::string_view attribute) const;
  /// The resource's ARN, synthesized from its name when known only after apply; empty when the
  /// type's ARN cannot be synthesized. Made once per resource: its symbols and its node both want
  /// it.
  [[nodiscard]] std::string arn_of(const Resource& resource) const;
  /// What arn_of() keeps, made afresh.
  [[nodiscard]] std::string make_arn(const Resource& resource) const;
  [[nodiscard]] std::string account_of(std::string_view arn) const;
  [[nodiscard]] bool is(const Resource& resource, std::string_view type) const {
    return !resource.data && resource.type == type;
  }
  /// Makes room in `nodes` for one more node per resource `matches` accepts, before a pass makes
  /// them: a node is dozens of strings, and every growth of the vector moved each node made before
  /// it (libstdc++ moves a short string with a call to memcpy).
  template <class Node, class Matches>
  void make_room(model::SharedVector<Node>& nodes, Matches matches) const {
    const std::vector<Resource>& resources = m_context.document().resources;
    nodes.own().reserve(nodes.size() + static_cast<std::size_t>(std::count_if(
                                           resources.begin(), resources.end(), matches)));
  }

  const Context& m_context;
  const LoadOptions& m_options;
  PolicyReader m_policies;
  model::Graph m_graph;

  std::array<std::unordered_map<std::string, model::PrincipalId>, 3>
      m_principals;                                                   ///< by kind, by resolved name
  std::unordered_map<std::string, model::PolicyId> m_policies_by_arn; ///< resolved ARN
  std::unordered_map<std::string, std::size_t> m_stores_by_ref;       ///< resolved name, ARN, id
  /// managed_policy_arns and permissions_boundary, linked once every aws_iam_policy is known.
  struct PendingPolicy {
    model::PrincipalId principal;
    std::string arn;
    const Resource* origin;
  };
  std::vector<PendingPolicy> m_pending_attachments;
  std::vector<PendingPolicy> m_pending_boundaries;
  mutable std::vector<std::optional<std::string>> m_arns; ///< arn_of() by resource position
};

} // namespace tfkms::loaders::terraform
