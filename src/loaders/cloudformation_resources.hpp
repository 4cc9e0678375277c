#pragma once
// Mapping template resources into the graph. Resources are mapped in two passes: first every node
// (keys, aliases, principals, managed policies, data stores) with the symbols other resources refer
// to (graph.define("cfn:Logical", ...)); then the links between them (policy attachments, resource
// policies, key references), which need every node in place.
#include "loaders/cloudformation_document.hpp"
#include "loaders/cloudformation_intrinsics.hpp"
#include "model/graph.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tfkms::loaders::cfn {

/// One resource of the template that is created (its Condition is not false).
struct Resource {
  std::string logical_id;
  std::string type;
  const Node* node = nullptr;       ///< the resource mapping
  const Node* properties = nullptr; ///< its Properties, when present
  model::SourceRef source; ///< line/column of the logical id; display = CDK path (logical id)
  Scope scope;
};

class ResourceMapper {
public:
  ResourceMapper(model::Graph& graph, Intrinsics& intrinsics, bool serverless_transform)
      : m_graph(graph), m_intrinsics(intrinsics), m_serverless(serverless_transform) {}

  /// Pass 1: the node of `resource`, if its type is one tfkms models, and its symbols.
  void add_node(Resource& resource);
  /// Pass 2: links from `resource` to nodes of pass 1. Key references are resolved in pass 3.
  void add_links(Resource& resource);
  /// Pass 3: resolves every pending key reference (alias targets first, then data stores).
  void resolve_keys();

private:
  // Property access, resolving intrinsics; nothing when absent or AWS::NoValue.
  [[nodiscard]] std::optional<nlohmann::json> property(Resource& resource, std::string_view name);
  [[nodiscard]] std::optional<std::string> text(Resource& resource, std::string_view name);
  [[nodiscard]] std::optional<bool> flag(Resource& resource, std::string_view name);
  [[nodiscard]] std::vector<std::string> texts(Resource& resource, std::string_view name);
  [[nodiscard]] model::SourceRef at(const Resource& resource, std::string_view property) const;
  /// The policy document in `node` (an object or a JSON string), with statement positions.
  [[nodiscard]] model::PolicySource read_policy(Resource& resource, const Node* node,
                                                const model::SourceRef& where);
  [[nodiscard]] model::PolicySource policy_property(Resource& resource, std::string_view name);
  [[nodiscard]] std::string arn(std::string_view service, bool regional,
                                const std::string& resource_part) const;
  [[nodiscard]] std::string resolved(std::string_view raw) const;
  /// An ARN for a resource type tfkms does not model, so that policies naming it stay readable.
  [[nodiscard]] std::string generic_arn(const Resource& resource) const;

  // cloudformation_kms.cpp
  void add_key(Resource& resource, model::KeyKind kind);
  void add_alias(Resource& resource);

  // cloudformation_iam.cpp
  void add_principal(Resource& resource, model::PrincipalKind kind);
  void add_managed_policy(Resource& resource);
  void add_serverless_function(Resource& resource);
  void add_inline_policies(Resource& resource, model::PrincipalId principal);
  void attach_managed_policies(Resource& resource, model::PrincipalId principal);
  void attach_policy(Resource& resource, model::PolicyId policy);
  void add_user_to_group(Resource& resource);
  void add_principal_policy(Resource& resource);
  /// The principal of `kind` named `raw` (name or ARN); a node at `origin` when the template has
  /// none.
  model::PrincipalId principal_named(const Resource& origin, model::PrincipalKind kind,
                                     std::string_view raw);
  void attach(model::PrincipalId principal, model::PolicyId policy);
  void join(model::PrincipalId user, model::PrincipalId group);
  [[nodiscard]] model::PolicyId managed_policy(Resource& resource, const std::string& raw_arn);

  // cloudformation_organizations.cpp
  void add_organization_policy(Resource& resource);

  // cloudformation_data_stores.cpp
  void add_data_store(Resource& resource);
  /// A store's key as written, and whether it is its service's default (no key named).
  struct StoreKey {
    std::optional<std::string> text;
    bool service_default = false;
  };
  StoreKey read_store_settings(Resource& resource, const model::DataStoreType& type,
                               model::DataStore& store, std::string& ref_value);
  void add_resource_policy(Resource& resource);

  model::Graph& m_graph;
  Intrinsics& m_intrinsics;
  bool m_serverless;
  std::map<std::string, model::PrincipalId, std::less<>> m_principals;    ///< by logical id
  std::map<std::string, model::PolicyId, std::less<>> m_managed_policies; ///< by logical id
  std::map<std::pair<model::PrincipalKind, std::string>, model::PrincipalId>
      m_principals_by_name;             ///< name and ARN
  std::size_t m_principals_indexed = 0; ///< principals already in m_principals_by_name
  std::map<std::string, model::PolicyId, std::less<>>
      m_policies_by_arn;              ///< managed policies by resolved ARN
  std::size_t m_policies_indexed = 0; ///< policies already looked at for m_policies_by_arn
  struct PendingKey {
    std::size_t store;
    std::string raw;
    bool service_default;
  };
  std::vector<PendingKey> m_pending_keys; ///< data store index, key reference as written
  std::vector<std::pair<std::size_t, std::string>> m_pending_aliases; ///< alias index, TargetKeyId
};

} // namespace tfkms::loaders::cfn
