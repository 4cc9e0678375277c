#pragma once
// The resource graph both loaders build: KMS keys and what uses them, IAM principals and their
// policies. Nodes refer to each other by strong ids (indexes into the graph's vectors), so a Graph
// is a value: it copies, and tests can build one by hand.
#include "model/data_store_types.hpp"
#include "model/diagnostic.hpp"
#include "model/shared_vector.hpp"
#include "model/source_ref.hpp"
#include "model/symbol_table.hpp"
#include "model/value.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tfkms::model {

enum class KeyId : std::uint32_t {};
enum class PrincipalId : std::uint32_t {};
enum class PolicyId : std::uint32_t {};

/// A policy document as the input holds it, before the policy parser reads it.
struct PolicySource {
  enum class State {
    absent,     ///< not set: for a key, AWS applies the default key policy
    document,   ///< `document` holds it; string leaves may carry symbol markers
    unknown,    ///< known only after apply and could not be rebuilt; `waits_on` says why
    unreadable, ///< present but not a policy (invalid JSON text, wrong type); `error` says why
  };
  State state = State::absent;
  nlohmann::json document;
  std::vector<std::string> waits_on; ///< references the unknown value depends on
  std::string origin;                ///< how it was obtained when not literal ("rebuilt from
                                     ///< data.aws_iam_policy_document.k")
  std::string error;
  SourceRef where;                            ///< the attribute holding the policy
  std::vector<SourceRef> statement_locations; ///< by statement index, when the loader knows them
  /// Problems read past (a duplicate key in the policy text: the last value is used); load_input
  /// reports each as a warning naming the policy's attribute.
  std::vector<std::string> warnings;
};

/// A resource-level suppression (CloudFormation Metadata or a Terraform comment).
struct Suppression {
  std::string rule;    ///< TFKMS003
  std::string address; ///< the resource it applies to
  std::string reason;  ///< empty when the input gave none (itself reported)
  SourceRef where;
};

enum class KeyKind {
  customer,    ///< aws_kms_key / AWS::KMS::Key
  replica,     ///< aws_kms_replica_key / AWS::KMS::ReplicaKey
  external,    ///< aws_kms_external_key (imported material)
  aws_managed, ///< alias/aws/<service>: synthesized by the graph with AWS's fixed policy
};

struct Key {
  SourceRef source;
  KeyKind kind = KeyKind::customer;
  std::string arn;             ///< may carry symbol markers; synthesized when unknown before apply
  std::string account;         ///< owning account id or k_this_account: read Graph::account_of()
  std::string managed_service; ///< aws_managed: the service ("s3")
  PolicySource policy;         ///< absent: AWS's default key policy applies
  std::string policy_address;  ///< the aws_kms_key_policy resource that sets the policy, if any
  std::string key_spec = "SYMMETRIC_DEFAULT";
  std::string key_usage = "ENCRYPT_DECRYPT";
  std::string origin = "AWS_KMS";       ///< AWS_KMS, EXTERNAL, AWS_CLOUDHSM, EXTERNAL_KEY_STORE
  std::optional<bool> rotation_enabled; ///< nullopt: unknown before apply
  bool multi_region = false;
  bool bypass_policy_lockout_safety_check = false;
  /// The resource that sets the bypass: the key, or a Terraform aws_kms_key_policy.
  SourceRef bypass_set_by;
  std::optional<int> deletion_window_days;
  bool enabled = true;
  std::string primary_key;      ///< replica: reference to the primary (markers allowed)
  std::optional<KeyId> primary; ///< replica: the primary key node, when the input defines it
  std::string
      planned_action; ///< Terraform: create, update, replace, no-op, read; empty for templates
};

/// How a resource names the key it uses, and what that resolved to.
struct KeyRef {
  enum class Kind {
    none,    ///< no KMS encryption
    node,    ///< a key in the graph (`key`), including synthesized AWS managed keys
    outside, ///< a literal key ARN or id not defined in the input
    unknown, ///< known only after apply and not traceable to a node
  };
  Kind kind = Kind::none;
  std::optional<KeyId> key;
  std::string text;             ///< as written (markers allowed), e.g. "alias/aws/s3"
  bool service_default = false; ///< no key set: the service's AWS managed key applies
};

struct Alias {
  SourceRef source;
  std::string name; ///< alias/...
  KeyRef target;
};

struct Grant {
  SourceRef source;
  std::string name;
  KeyRef key;
  std::string grantee;                 ///< principal ARN (markers allowed)
  std::vector<std::string> operations; ///< grant operation names as written (Decrypt, ...)
  std::optional<std::string> retiring_principal;
  std::map<std::string, std::string> encryption_context_equals;
  std::map<std::string, std::string> encryption_context_subset;
  bool retire_on_delete = false;
  bool unknown_fields = false; ///< some field is known only after apply (see `waits_on`)
  std::vector<std::string> waits_on;
};

enum class PrincipalKind { role, user, group };

struct Principal {
  SourceRef source;
  PrincipalKind kind = PrincipalKind::role;
  std::string name;
  std::string arn;           ///< markers allowed; synthesized from account and name when unknown
  std::string account;       ///< owning account id or k_this_account: read Graph::account_of()
  PolicySource trust_policy; ///< roles
  std::vector<PolicyId> policies;  ///< inline and attached identity policies
  std::vector<PrincipalId> groups; ///< users: the groups they belong to
  std::optional<PolicyId> permissions_boundary;
};

struct IdentityPolicy {
  SourceRef source;
  std::string name;
  std::string arn;          ///< managed policies; empty for inline ones
  bool aws_managed = false; ///< arn:aws:iam::aws:policy/...
  bool inline_policy = false;
  PolicySource document;
};

/// The two kinds of organisation policy that decide KMS calls.
enum class OrganizationPolicyType {
  service_control,  ///< SCP: bounds what the principals of the accounts it applies to may do
  resource_control, ///< RCP: bounds what anyone may do to the resources of those accounts
};

/// The type an organisation policy states (SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY); none
/// for the other types (tag, backup, AI opt-out policies), which decide no KMS call.
[[nodiscard]] std::optional<OrganizationPolicyType> organization_policy_type(std::string_view type);

/// An SCP or RCP: aws_organizations_policy with its attachments, AWS::Organizations::Policy, or a
/// policy file the configuration names (docs/evaluation-chain.md says how each applies).
struct OrganizationPolicy {
  SourceRef source;
  std::string name;
  OrganizationPolicyType type = OrganizationPolicyType::service_control;
  PolicySource document;
  /// Where it is attached as written (markers allowed): account ids, OU ids (ou-...), the
  /// organisation root (r-...).
  std::vector<std::string> targets;
  /// From the configuration: its level (0 = the organisation root), which applies to the analysed
  /// account whatever `targets` says.
  std::optional<std::size_t> configured_level;
};

struct DataStore {
  SourceRef source;
  DataStoreKind kind = DataStoreKind::other; ///< what else is known of it: data_store_type(kind)
  std::string name;
  std::string arn;                     ///< markers allowed
  KeyRef key;                          ///< Kind::none when not encrypted with KMS
  PolicySource resource_policy;        ///< bucket/queue/topic/secret policy
  std::string resource_policy_address; ///< the separate policy resource, when there is one
  /// Only a separate resource of the input (its policy, its encryption configuration) names the
  /// store, which is defined elsewhere: its key is unknown unless that resource sets it.
  bool outside_input = false;
};

/// What a graph was read from: it decides how findings speak of values not known before deployment.
enum class InputFormat { terraform, cloudformation };

/// "known only after apply" (Terraform's words) or "known only at deployment" (CloudFormation).
[[nodiscard]] std::string_view known_only_later(InputFormat format);

/// The loaded model of one input file.
class Graph final : public SymbolResolver {
public:
  std::string account{k_this_account}; ///< deployment account id, or k_this_account
  std::string account_source; ///< what in the input told the account ("data.aws_caller_identity"),
                              ///< when it did
  std::string partition = "aws";
  std::string region;                          ///< empty when unknown
  InputFormat format = InputFormat::terraform; ///< what the graph was read from

  // Shared with the graphs deployed_to() makes, and with copies, until one of them changes them.
  SharedVector<Key> keys;
  SharedVector<Alias> aliases;
  SharedVector<Grant> grants;
  SharedVector<Principal> principals;
  SharedVector<IdentityPolicy> policies;
  SharedVector<DataStore> data_stores;
  SharedVector<OrganizationPolicy> organization_policies;
  SharedVector<Suppression> suppressions;
  std::vector<Diagnostic> diagnostics;
  /// CloudFormation conditions the input leaves open (they depend on deploy-time values), in the
  /// order their evaluation finished: a condition built on another comes after it.
  std::vector<std::string> undecided_conditions;
  /// CloudFormation: the stack's exports (Outputs with Export.Name), name -> value (markers
  /// allowed). Another stack of the same account and region reads them with Fn::ImportValue.
  std::map<std::string, std::string> exports;
  /// An account graph (run/account_graph.hpp): the inputs it joins, in order; empty for one input.
  std::vector<std::string> inputs;

  [[nodiscard]] Key& key(KeyId id) { return keys.at(static_cast<std::size_t>(id)); }
  [[nodiscard]] const Key& key(KeyId id) const { return keys.at(static_cast<std::size_t>(id)); }
  [[nodiscard]] Principal& principal(PrincipalId id) {
    return principals.at(static_cast<std::size_t>(id));
  }
  [[nodiscard]] const Principal& principal(PrincipalId id) const {
    return principals.at(static_cast<std::size_t>(id));
  }
  [[nodiscard]] IdentityPolicy& policy(PolicyId id) {
    return policies.at(static_cast<std::size_t>(id));
  }
  [[nodiscard]] const IdentityPolicy& policy(PolicyId id) const {
    return policies.at(static_cast<std::size_t>(id));
  }

  KeyId add(Key key);
  PrincipalId add(Principal principal);
  PolicyId add(IdentityPolicy policy);

  /// Declares that reference `ref` (see value.hpp) has text `text` (which may itself hold markers).
  void define(std::string ref, std::string text);
  /// Declares `<address>.<name>` for each attribute of a resource, as define() would one by one.
  void define_attributes(std::string_view address, SymbolTable::Attributes attributes);
  /// Makes room for the attributes of `count` more resources: a large plan defines tens of
  /// thousands, and growing the table step by step moves every entry again each time.
  void reserve_resources(std::size_t count);

  /// Resolves pseudo references (account, partition, region, ...) and every defined reference,
  /// following references inside definitions.
  [[nodiscard]] std::optional<std::string> resolve(std::string_view ref) const override;

  /// Resolves a key reference as a resource holds it: key id, key ARN, alias name or alias ARN
  /// (literal or with markers). `alias/aws/<service>` yields the synthesized AWS managed key of
  /// that service, created on first use. The first key (or alias with a key target) in vector order
  /// wins. Answers come from an index of the keys and aliases appended since the last call;
  /// define() and a change of account, partition or region rebuild it. Edit a key's `arn` or an
  /// alias's `name` before resolving references to it (aliases' targets may be set later).
  KeyRef resolve_key(std::string_view raw);

  /// The AWS managed key of `service` ("s3"), synthesized with AWS's fixed key policy.
  KeyId aws_managed_key(std::string_view service);

  /// The identity policy node of an AWS managed policy ARN (arn:aws:iam::aws:policy/...), created
  /// on first use from the bundled table; its document is absent when the table does not know it.
  PolicyId aws_managed_policy(std::string_view arn);

  /// What the rules read (keys, aliases, grants, principals, policies, data stores, suppressions,
  /// defined references, with the same ids) as if deployed to `account`: the graph's account, and
  /// the keys and principals of "this account" (account_of()), become `account`. Diagnostics are
  /// left out. Nothing is copied: the nodes are shared with this graph.
  [[nodiscard]] Graph deployed_to(std::string_view account) const;

  /// The account that owns `key` (`principal`) as the input writes it (markers allowed;
  /// k_this_account when it does not say), except that in a graph deployed_to() an account, the
  /// nodes of "this account" are that account's. Read a node's account only through these.
  [[nodiscard]] const std::string& account_of(const Key& key) const;
  [[nodiscard]] const std::string& account_of(const Principal& principal) const;

private:
  void update_index();
  void forget_resolved();
  [[nodiscard]] const std::string& deployed_account(const std::string& node_account) const;

  /// Set by deployed_to(): the nodes of k_this_account belong to `account`, which that names.
  bool m_deployed = false;

  /// Shared by copies (deployed_to() makes one per account named) until one of them defines more.
  std::shared_ptr<SymbolTable> m_symbols = std::make_shared<SymbolTable>();
  /// This graph's own table, copied first when a copy shares it.
  SymbolTable& own_symbols();

  /// What resolve_key, aws_managed_key and aws_managed_policy look up, so that loading a plan with
  /// thousands of keys and key users stays linear.
  struct Index {
    std::size_t keys = 0, aliases = 0, policies = 0; ///< how many of each are indexed
    std::string account, partition, region;          ///< what references were resolved with
    std::unordered_map<std::string, KeyId> key_by_arn;
    std::unordered_map<std::string, KeyId> key_by_id;
    std::unordered_map<std::string, std::vector<std::size_t>> aliases_by_name;
    std::unordered_map<std::string, KeyId> managed_key_by_service;
    std::unordered_map<std::string, PolicyId> managed_policy_by_arn;
  };
  Index m_index;
};

/// The key policy AWS applies to a key created without one: the account root may do kms:*.
[[nodiscard]] nlohmann::json default_key_policy(std::string_view partition,
                                                std::string_view account);

} // namespace tfkms::model
