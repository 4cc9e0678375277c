#pragma once
// The KMS authorization decision for one request: key policy, the caller's identity policies and
// the key's grants, exactly as kms-reference §3.3 describes. Policies and grants are compiled once;
// decide() then runs without allocating (reasons go into a reusable Decision), so the analysis can
// ask millions of questions.
//
//   auto key_policy = policy::compile(policy::parse_document(json, PolicyKind::key_policy,
//   symbols)); auto request = policy::prepare({.principal = "arn:aws:iam::111122223333:role/App",
//                                   .action = "kms:Decrypt", .resource = key_arn});
//   policy::Decision decision;
//   policy::decide(request.value(), &key_policy, identity_ptrs, grants, decision);
//
// Choices on the points kms-reference §9 leaves [OPEN] (each also commented where implemented):
//   §9.1 SCPs, RCPs, boundary and session policy come in a Chain; they limit grants as they limit
//        a key policy (a grant to the session or user itself is not limited by boundary or session
//        policy, one to its role or account is), see docs/evaluation-chain.md.
//   §9.2 a grant to an account principal works like a key policy naming the account: its root user
//        uses it directly, its other principals when their own identity policies allow the
//        operation.
//   §9.3 Encapsulate / Decapsulate: key resource, cross-account, grant operations
//   (tools/gen_kms_actions.py). §9.5 NotPrincipal is evaluated in key policies; NotResource too,
//   with a parser warning. §9.6 a multi-valued key (ArrayOf...) under an operator without
//   ForAnyValue/ForAllValues never matches. §9.7 Bool compares "true"/"false" ignoring case; any
//   other value never matches. §9.8 "*" matches service principals; a service principal's request
//   has no kms:CallerAccount.
// Root user: the account root user is matched directly by its account principal and has an implicit
// identity-side allow in its own account [IAM-EVAL], kms-reference §3.2.
#include "model/diagnostic.hpp"
#include "model/graph.hpp"
#include "model/value.hpp"
#include "policy/actions.hpp"
#include "policy/document.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::policy {

/// Three-valued truth: `maybe` when the answer depends on a value not known before apply.
enum class Tri : std::uint8_t { no, maybe, yes };

/// Tri logic: `no` and anything is `no`, `yes` or anything is `yes`; otherwise `maybe`.
[[nodiscard]] constexpr Tri tri(bool value) { return value ? Tri::yes : Tri::no; }
[[nodiscard]] constexpr Tri tri_and(Tri a, Tri b) {
  if (a == Tri::no || b == Tri::no)
    return Tri::no;
  return (a == Tri::yes && b == Tri::yes) ? Tri::yes : Tri::maybe;
}
[[nodiscard]] constexpr Tri tri_or(Tri a, Tri b) {
  if (a == Tri::yes || b == Tri::yes)
    return Tri::yes;
  return (a == Tri::no && b == Tri::no) ? Tri::no : Tri::maybe;
}
[[nodiscard]] constexpr Tri tri_not(Tri a) {
  return a == Tri::yes ? Tri::no : a == Tri::no ? Tri::yes : Tri::maybe;
}

// ---------------------------------------------------------------------------------------------
// Requests

/// Who is calling, derived from the principal text when the request does not say.
enum class CallerType : std::uint8_t {
  account_root,   ///< arn:aws:iam::A:root (or a bare account id): the root user
  user,           ///< IAM user
  role,           ///< a role ARN used as the caller (stands for any of its sessions)
  assumed_role,   ///< arn:aws:sts::A:assumed-role/R/S
  federated_user, ///< arn:aws:sts::A:federated-user/N
  service,        ///< service principal, e.g. logs.amazonaws.com
};

/// One condition key of the request context with its value(s); keys are case-insensitive.
struct ContextEntry {
  std::string key;
  std::vector<std::string> values;
};

struct Request {
  std::string principal;                    ///< ARN, 12-digit account id or service principal name
  std::optional<CallerType> principal_type; ///< derived from `principal` when absent
  std::string action;                       ///< "kms:Decrypt" (case-insensitive)
  std::string resource;                     ///< the key ARN; "*" for actions without a key resource
  std::vector<ContextEntry> context;        ///< condition keys the caller knows
};

/// A request checked and indexed for evaluation (built once, evaluated many times).
///
/// Derived context keys: when the caller did not give them, prepare() adds the keys every signed
/// request carries [IAM-GLOBAL], kms-reference §2.3: aws:PrincipalArn (role ARN for a session,
/// root ARN for the root user), aws:PrincipalAccount, aws:PrincipalType, kms:CallerAccount, and
/// aws:username for IAM users; for a service principal aws:PrincipalIsAWSService = true and
/// aws:PrincipalServiceName, and no account keys ([OPEN] §9.8: we treat kms:CallerAccount as absent
/// for direct service-principal calls). aws:PrincipalIsAWSService is "false" for other callers.
struct PreparedRequest {
  CallerType caller = CallerType::user;
  std::string principal;      ///< as given
  std::string partition;      ///< "aws" for service principals
  std::string caller_account; ///< empty for service principals
  std::string role_name;      ///< assumed_role / role: the role's name (without path)
  std::string principal_arn;  ///< aws:PrincipalArn (role ARN for sessions)
  ActionIndex action = 0;
  std::string resource;
  std::string key_account;      ///< account in the key ARN; empty when the resource is not an ARN
  bool resource_is_arn = false; ///< `resource` is a key's or a store's ARN, not "*"
  std::vector<ContextEntry> context; ///< keys lower-cased, sorted, derived keys added

  [[nodiscard]] const ActionInfo& action_info() const;
  /// The values of condition key `key_lower`, or nullptr when the request does not carry it.
  [[nodiscard]] const std::vector<std::string>* find(std::string_view key_lower) const;
  [[nodiscard]] bool has_resource_arn() const { return resource_is_arn; }
  [[nodiscard]] bool cross_account() const {
    return caller != CallerType::service && caller_account != key_account;
  }
};

/// Checks `request` (known KMS or store action, parsable principal) and indexes it.
[[nodiscard]] model::Result<PreparedRequest> prepare(const Request& request);

/// True when prepare() derives the same context keys for actions `a` and `b` (kms:CallerAccount
/// comes with some actions only): a request prepared for one serves for the other once its `action`
/// is set, which spares preparing it again.
[[nodiscard]] bool same_derived_context(ActionIndex a, ActionIndex b);

// ---------------------------------------------------------------------------------------------
// Policies and grants

namespace detail {
struct CompiledDocument;
}

/// A parsed document compiled for evaluation: lower-cased action masks, pre-split wildcard
/// patterns, resolved values. Cheap to copy (shared, immutable).
class CompiledPolicy {
public:
  CompiledPolicy() = default;
  explicit CompiledPolicy(std::shared_ptr<const detail::CompiledDocument> compiled);
  [[nodiscard]] const Document& document() const;
  [[nodiscard]] const detail::CompiledDocument& compiled() const { return *m_compiled; }
  /// Catalogue mask of the actions statement `statement` certainly or possibly matches.
  [[nodiscard]] std::uint64_t actions_of_statement(std::size_t statement) const;

private:
  std::shared_ptr<const detail::CompiledDocument> m_compiled;
};

/// Compiles `document` (an unreadable document compiles to one whose every decision is unknown).
[[nodiscard]] CompiledPolicy compile(Document document);

/// `policy` with statement `statement` made to match no action (its Action element emptied), every
/// index unchanged: the policy as it would be without that statement. Same as compiling the edited
/// document, without compiling the other statements again.
[[nodiscard]] CompiledPolicy without_statement(const CompiledPolicy& policy, std::size_t statement);

/// A grant on the key, as CreateGrant / aws_kms_grant define it (kms-reference §5).
struct GrantSpec {
  model::Value grantee;                ///< principal ARN, account principal or service principal
  std::vector<std::string> operations; ///< "Decrypt", ... (GrantOperation names)
  std::optional<std::map<std::string, std::string>> encryption_context_equals;
  std::optional<std::map<std::string, std::string>> encryption_context_subset;
  std::optional<model::Value> retiring_principal;
  bool unknown_fields = false; ///< some field is only known after apply: its use is unknown
};

/// Builds the spec of a graph grant, resolving its markers with `symbols`.
[[nodiscard]] GrantSpec grant_spec(const model::Grant& grant, const model::SymbolResolver& symbols);

struct CompiledGrant {
  GrantSpec spec;
  std::uint64_t operations =
      0; ///< catalogue mask of `spec.operations`; 0 when the grant cannot exist
  ClassifiedPrincipal grantee;
  std::optional<ClassifiedPrincipal> retiring;
  /// Constraint pairs with lower-cased keys (keys case-insensitive, values case-sensitive
  /// [BOTO-KMS]).
  std::vector<std::pair<std::string, std::string>> equals, subset;
  bool has_equals = false, has_subset = false;
  /// Operations CreateGrant refuses (not a GrantOperation, or not spelt exactly); an empty name
  /// stands for an empty list. Any of them and the grant cannot be created: it allows nothing.
  std::vector<std::string> invalid_operations;

  [[nodiscard]] bool exists() const { return invalid_operations.empty(); }
};

[[nodiscard]] CompiledGrant compile(GrantSpec grant);

/// compile(grant).exists(), without compiling the rest of the grant.
[[nodiscard]] bool grant_exists(const GrantSpec& grant);

// ---------------------------------------------------------------------------------------------
// Decisions

enum class Outcome : std::uint8_t { allowed, explicitly_denied, implicitly_denied, unknown };
[[nodiscard]] std::string_view to_string(Outcome outcome); ///< "allowed", "explicitly_denied", ...

enum class ReasonKind : std::uint8_t {
  denies,            ///< a Deny statement matches
  allows,            ///< an Allow statement matches the caller directly (or identity allow)
  delegates,         ///< a key-policy Allow names the caller's account (needs an identity allow)
  grant_allows,      ///< a grant lets the grantee perform the action
  retire_allowed,    ///< RetireGrant: retiring principal, grantee with RetireGrant, or key account
  not_cross_account, ///< the action is never effective across accounts [KMS-XACCT]
  needs_identity_allow, ///< the key policy allows but the caller's own IAM does not
  needs_key_policy,     ///< IAM allows but the key policy does not [KMS-KEYPOL]
  unreadable_policy,    ///< a policy or statement could not be read
  depends_on_unknown,   ///< the statement or grant matches only if an unknown value does
  not_allowed_by,       ///< an SCP level, the boundary or the session policy allows nothing of it
};

enum class ReasonSource : std::uint8_t {
  key_policy,
  identity_policy,
  grant,
  request,
  scp,
  rcp,
  permission_boundary,
  session_policy, ///< the rest of the chain (Chain)
};

/// Why a decision was made; small and copyable, indices point into the inputs of decide().
struct Reason {
  ReasonKind kind = ReasonKind::allows;
  ReasonSource source = ReasonSource::request;
  std::uint16_t policy =
      0; ///< identity_policies[policy], grants[policy], or a document of an SCP/RCP level
  std::uint16_t statement = 0; ///< statement index inside the policy
  std::uint16_t level = 0;     ///< SCP/RCP: the level, 0 = the organisation root
};

/// The policies besides the key policy, identity policies and grants that decide a call in an
/// organisation [IAM-EVAL]. Levels run from the organisation root to the account (or OU holding
/// it), each a list of documents. An empty chain changes nothing.
struct Chain {
  /// Service control policies of the caller's account: every level must allow, any Deny denies.
  /// They never apply to a service principal [ORG-SCP].
  std::vector<std::vector<CompiledPolicy>> scps;
  /// Resource control policies of the key's account: AWS attaches RCPFullAWSAccess at every level,
  /// so only their Deny statements change anything [ORG-RCP].
  std::vector<std::vector<CompiledPolicy>> rcps;
  /// The caller's permissions boundary: limits what identity policies (and a key policy or grant
  /// naming a role rather than the session) allow [IAM-EVAL], [IAM-BOUNDARY].
  std::optional<CompiledPolicy> permission_boundary;
  /// The session policy of a role session: limits it like a boundary [IAM-SESSION].
  std::optional<CompiledPolicy> session_policy;

  [[nodiscard]] bool empty() const {
    return scps.empty() && rcps.empty() && !permission_boundary && !session_policy;
  }
};

/// Result of decide(); reuse one object across calls to avoid allocation.
struct Decision {
  Outcome outcome = Outcome::implicitly_denied;
  /// With Outcome::unknown: true when the request is denied either way (only explicit vs implicit
  /// is unknown), so "can P do A?" is a certain no.
  bool never_allowed = false;
  std::vector<Reason> reasons;
  std::string scratch; ///< buffer for policy-variable substitution

  void clear() {
    outcome = Outcome::implicitly_denied;
    never_allowed = false;
    reasons.clear();
  }
};

/// Decides `request` against the key policy (nullptr: the key has none to consult, e.g. IAM-only
/// actions), the caller's identity policies and the key's grants (kms-reference §3.3, §5).
/// `chain` (may be null) adds SCPs, RCPs, the permissions boundary and the session policy.
void decide(const PreparedRequest& request, const CompiledPolicy* key_policy,
            std::span<const CompiledPolicy* const> identity_policies,
            std::span<const CompiledGrant> grants, Decision& out, const Chain* chain = nullptr);

/// Convenience form for tests and one-off questions.
[[nodiscard]] Decision decide(const PreparedRequest& request, const CompiledPolicy* key_policy,
                              const std::vector<CompiledPolicy>& identity_policies,
                              const std::vector<CompiledGrant>& grants,
                              const Chain* chain = nullptr);

/// "key policy Statement[1] (Sid \"X\") denies" — for messages and `tfkms simulate`.
[[nodiscard]] std::string describe(const Reason& reason, const CompiledPolicy* key_policy,
                                   std::span<const CompiledPolicy* const> identity_policies,
                                   const Chain* chain = nullptr);

} // namespace tfkms::policy
