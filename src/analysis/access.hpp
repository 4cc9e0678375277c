#pragma once
// Who can really do what to a KMS key, and under which conditions (kms-reference §3.2, §3.3,
// §3.10).
//
// analyze_key() partitions the request space by what the key policy, the identity policies of the
// graph's principals and the key's grants actually test: the callers they name (plus "other
// principals of the key's account", "principals of any other account") and, for each condition key,
// the values they name plus "any other value" plus "absent". It evaluates one request per cell with
// policy::decide() and merges the cells back into readable accesses:
//
//   for (const Access* access : analysis.of(ActionClass::read))
//     std::cout << analysis.text(*access) << '\n';
//   // aws_iam_role.ops can kms:Decrypt always (via identity policy AdministratorAccess statement
//   0, ...)
//   // any principal of account 111122223333 whose identity policy allows it can kms:Decrypt always
//
// A caller that is not in the graph (a named ARN, an account, "any account") is evaluated twice:
// with no identity policy and with one that allows everything; an access that exists only in the
// second case has `needs_identity_policy`. Accesses whose outcome depends on a value unknown before
// apply are reported with Outcome::unknown and the unknowns named, never dropped.
//
// Every caller is evaluated with the rest of its chain (organization.hpp): the SCPs of its
// account, the RCPs of the key's account and, for a graph principal, its permissions boundary;
// what they take away is listed by removals(). Not applied: session policies (no input shows
// them) and tags.

#include "analysis/action_class.hpp"
#include "analysis/condition.hpp"
#include "model/graph.hpp"
#include "policy/evaluate.hpp"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::analysis {

enum class SubjectKind {
  graph_principal, ///< a role or user of the graph, with its identity policies (and its groups')
  named_principal, ///< an IAM principal ARN a policy, condition or grant names but the graph lacks
  account_root,    ///< the root user of the key's account
  account_principals, ///< any principal of a named account that the graph does not list (the key's
                      ///< own included)
  any_account,        ///< a principal of an account nothing names
  service,            ///< an AWS service principal a policy or grant names (logs.amazonaws.com)
};

/// The graph principals a subject stands for, in graph order. A class of thousands of team roles is
/// shared by the subjects of every key that names none of them, not copied for each key.
class Members {
public:
  Members() = default;
  explicit Members(std::vector<model::PrincipalId> ids)
      : m_ids(std::make_shared<const std::vector<model::PrincipalId>>(std::move(ids))) {}

  [[nodiscard]] std::size_t size() const { return m_ids ? m_ids->size() : 0; }
  [[nodiscard]] bool empty() const { return size() == 0; }
  [[nodiscard]] model::PrincipalId operator[](std::size_t i) const { return (*m_ids)[i]; }
  [[nodiscard]] model::PrincipalId front() const { return m_ids->front(); }
  [[nodiscard]] const model::PrincipalId* begin() const { return m_ids ? m_ids->data() : nullptr; }
  [[nodiscard]] const model::PrincipalId* end() const { return begin() + size(); }

  friend bool operator==(const Members& members, const std::vector<model::PrincipalId>& ids) {
    return std::equal(members.begin(), members.end(), ids.begin(), ids.end());
  }

private:
  std::shared_ptr<const std::vector<model::PrincipalId>> m_ids;
};

/// A class of callers the analysis evaluates as one.
struct Subject {
  SubjectKind kind = SubjectKind::graph_principal;
  std::string arn; ///< the caller evaluated; a stand-in ARN for account_principals and any_account
  std::string account;                         ///< empty for service principals
  std::optional<model::PrincipalId> principal; ///< graph_principal: the first of `members`
  /// graph_principal: every principal the subject stands for. Principals of one kind and account
  /// with the same identity policies, which the key policy and grants do not tell apart, decide
  /// alike: they are evaluated once (a plan with hundreds of team roles stays linear).
  Members members;
  bool key_account = false; ///< belongs to the key's own account
  /// "aws_iam_role.ops", "aws_iam_role.ops and 3 other principals with the same identity policies",
  /// "arn:aws:iam::111122223333:role/app", "any principal of account 111122223333", "any principal
  /// of any other account", "service logs.amazonaws.com"
  std::string label;
};

/// One piece of evidence for an access: the statement or grant that allows it.
struct Ground {
  policy::ReasonSource source =
      policy::ReasonSource::key_policy; ///< key_policy, identity_policy or grant
  policy::ReasonKind kind =
      policy::ReasonKind::allows;        ///< allows, delegates, grant_allows, retire_allowed
  std::optional<model::PolicyId> policy; ///< identity_policy: the graph's policy node
  std::optional<std::size_t> grant;      ///< grant: index into Graph::grants
  std::size_t statement = 0;             ///< index in Statement[] (policies only)
  std::optional<std::string> sid;
  std::string pointer;    ///< JSON Pointer of the statement inside its policy: /Statement/1
  model::SourceRef where; ///< the statement's (or grant's, or policy's) location in the input
  /// `key policy statement 1 (Sid "Allow use of the key")`, `identity policy AdministratorAccess
  /// statement 0`, `grant aws_kms_grant.worker`
  std::string text;

  /// `where`, with the pointer inside the policy when the ground is a statement: what evidence
  /// points at.
  [[nodiscard]] model::SourceRef place() const {
    model::SourceRef out = where;
    if (!pointer.empty())
      out.pointer = pointer;
    return out;
  }

  /// Same statement (or grant) of the same policy, seen for the same reason.
  friend bool operator==(const Ground& a, const Ground& b) {
    return a.source == b.source && a.kind == b.kind && a.policy == b.policy && a.grant == b.grant &&
           a.statement == b.statement && a.text == b.text;
  }
};

/// What one subject can do within one action class, under which conditions.
struct Access {
  std::size_t subject = 0; ///< index into KeyAccess::subjects()
  ActionClass action_class = ActionClass::read;
  std::vector<std::string_view>
      actions; ///< the actions of the class covered ("kms:Decrypt"); all share `when`
  policy::Outcome outcome = policy::Outcome::allowed; ///< allowed or unknown
  /// The subject is not in the graph and gets this only if its own identity policies allow the
  /// actions too (delegation from its account principal, or any cross-account use). Such an access
  /// lists every cell allowed with that identity policy; it exists only when that is more than the
  /// subject gets without one.
  bool needs_identity_policy = false;
  std::vector<Condition> when; ///< alternatives; one unconditional Condition = always
  std::vector<Ground> grounds; ///< what allows it (every statement/grant seen allowing a cell)
  std::vector<std::string>
      unknowns; ///< outcome unknown: what is not known ("kms:ViaService value ${var.svc}")

  [[nodiscard]] bool unconditional() const {
    return when.size() == 1 && when.front().unconditional();
  }
};

/// Access a subject would have without the SCPs, RCPs or permissions boundary that apply to it.
struct Removal {
  std::size_t subject = 0; ///< index into KeyAccess::subjects()
  ActionClass action_class = ActionClass::read;
  std::vector<std::string_view> actions;
  bool needs_identity_policy = false; ///< as Access::needs_identity_policy
  /// One policy that took it.
  struct Cause {
    policy::ReasonSource source = policy::ReasonSource::scp; ///< scp, rcp, permission_boundary, ...
    /// "SCP deny-decrypt statement 0 (Sid \"X\") denies it", "permissions boundary s3-only
    /// allows none of it".
    std::string text;
    friend bool operator==(const Cause&, const Cause&) = default;
  };
  std::vector<Cause> by;

  /// Whether a policy of kind `source` (an RCP, ...) took part of it.
  [[nodiscard]] bool by_a(policy::ReasonSource source) const {
    return std::any_of(by.begin(), by.end(),
                       [&](const Cause& cause) { return cause.source == source; });
  }
};

namespace detail {
struct Analysis;
struct Shared;
} // namespace detail

/// The access analysis of one key. Keeps a pointer to the graph: the graph must outlive it.
class KeyAccess {
public:
  explicit KeyAccess(std::shared_ptr<const detail::Analysis> analysis);

  [[nodiscard]] const model::Graph& graph() const;
  [[nodiscard]] model::KeyId key() const;
  /// The key's account, resolved: a 12-digit id, or model::k_this_account when the input does not
  /// say.
  [[nodiscard]] const std::string& key_account() const;
  [[nodiscard]] const std::vector<Subject>& subjects() const;
  /// Every access that is allowed or unknown, by subject then class.
  [[nodiscard]] const std::vector<Access>& accesses() const;
  /// The accesses of `subject` among accesses(), by class; built alone when accesses() is not.
  /// Stays valid as long as the analysis.
  [[nodiscard]] std::span<const Access> accesses_of(std::size_t subject) const;
  /// The accesses of `action_class`, in subject order.
  [[nodiscard]] std::vector<const Access*> of(ActionClass action_class) const;
  /// Whether anyone has an allowed or unknown access of `action_class`
  /// (`!of(action_class).empty()`), answered without building the accesses.
  [[nodiscard]] bool has_access(ActionClass action_class) const;
  /// Whether `subject` has one (`accesses_of(subject)` holds one of `action_class`), answered the
  /// same way.
  [[nodiscard]] bool has_access(std::size_t subject, ActionClass action_class) const;
  /// The key policy the analysis used (the default policy when the key sets none).
  [[nodiscard]] const policy::CompiledPolicy& key_policy() const;
  /// False when the key policy is unknown before apply or unreadable: every access is then unknown.
  [[nodiscard]] bool key_policy_known() const;
  /// What the SCPs, RCPs and boundaries removed, by subject then class (in some cells at least).
  [[nodiscard]] std::vector<Removal> removals() const;
  /// Organisation policies the input shows but that were not applied, each saying why (attached
  /// where the input does not show the account, or refused by AWS): findings hold unless they
  /// apply.
  [[nodiscard]] const std::vector<std::string>& unapplied() const;
  /// Caveats of this analysis (request space capped, organisation policies not applied, ...).
  [[nodiscard]] const std::vector<std::string>& notes() const;

  /// "aws_iam_role.ops can kms:Decrypt always (key policy statement 0 (Sid "Enable IAM User
  /// Permissions") delegates; identity policy AdministratorAccess statement 0 allows)".
  [[nodiscard]] std::string text(const Access& access) const;

  [[nodiscard]] const detail::Analysis& detail() const { return *m_analysis; }

private:
  std::shared_ptr<const detail::Analysis> m_analysis;
};

/// Analyses the keys of one graph, sharing what does not depend on the key: the compiled identity
/// policies and the classes of principals that decide alike. Keeps a pointer to the graph.
class GraphAccess {
public:
  explicit GraphAccess(const model::Graph& graph);
  /// The same for `graph`, made from `origin`'s graph by Graph::deployed_to(): an identity policy
  /// that names no reference reads the same in both, and origin's compiled form of it is reused.
  GraphAccess(const model::Graph& graph, const GraphAccess& origin);
  /// Identity policy `id` as the analyses read it (compiled once per graph); null when it is absent
  /// (an AWS managed policy tfkms's table does not know).
  [[nodiscard]] const policy::CompiledPolicy* identity_policy(model::PolicyId id) const;
  /// member_label() of graph principal `member`, written once per graph.
  [[nodiscard]] const std::string& member_label(model::PrincipalId member) const;
  /// Analyses key `key`. Never fails: an absent key policy is AWS's default one, an unknown or
  /// unreadable one gives unknown accesses. `origin`: the analysis of the same key in the graph
  /// this one was made from by Graph::deployed_to(), whose key policy is reused when it names no
  /// reference (and so reads the same in both).
  [[nodiscard]] KeyAccess analyze(model::KeyId key, const KeyAccess* origin = nullptr) const;

private:
  std::shared_ptr<const detail::Shared> m_shared;
};

/// Analyses key `key` of `graph` alone (GraphAccess(graph).analyze(key)); use a GraphAccess for
/// many keys.
[[nodiscard]] KeyAccess analyze_key(const model::Graph& graph, model::KeyId key);

/// `name`, the name of a node of `graph` defined at `where`, as reports give it: in an account
/// graph with its input too ("aws_iam_role.ops in app/plan.json"), so that one address in two
/// inputs stays two nodes.
[[nodiscard]] std::string node_label(const model::Graph& graph, std::string name,
                                     const model::SourceRef& where);

/// The label of graph principal `member` ("aws_iam_role.ops"; in an account graph, with its input:
/// "aws_iam_role.ops in app/plan.json").
[[nodiscard]] std::string member_label(const model::Graph& graph, model::PrincipalId member);

/// `ground`, seen for subject `subject`, as it applies to `member` of that subject: an
/// identity-policy statement of the subject's first principal becomes the same statement of the
/// member's own policy.
[[nodiscard]] Ground member_ground(const KeyAccess& analysis, std::size_t subject,
                                   const Ground& ground, model::PrincipalId member);
/// member_ground(analysis, subject, ground, member).policy, without building the ground's texts.
[[nodiscard]] std::optional<model::PolicyId> member_policy(const KeyAccess& analysis,
                                                           std::size_t subject,
                                                           const Ground& ground,
                                                           model::PrincipalId member);

/// What one key-policy statement changes: the access that exists with it and not without it
/// (Allow), or the access it takes away (Deny), over the same subjects and request cells. Its
/// accesses and grounds are built on first use: asking whether it changes anything costs none of
/// them. Keeps the analysis alive.
class StatementEffect {
public:
  StatementEffect(KeyAccess analysis, std::size_t statement);

  [[nodiscard]] std::size_t statement() const { return m_statement; }
  [[nodiscard]] policy::Effect effect() const;
  /// Allow: access only this statement gives.
  [[nodiscard]] const std::vector<Access>& adds() const;
  /// Deny: access this statement takes away.
  [[nodiscard]] const std::vector<Access>& removes() const;
  /// Allow: the grounds that allow, without this statement, the access it allows (its
  /// "dominators").
  [[nodiscard]] const std::vector<Ground>& covered_by() const;
  /// Changes nothing: an Allow dominated by others, or a Deny of what nothing allows.
  [[nodiscard]] bool changes_nothing() const;

private:
  [[nodiscard]] bool in_policy() const;

  KeyAccess m_analysis;
  std::size_t m_statement = 0;
  mutable std::optional<std::vector<Access>> m_adds, m_removes;
  mutable std::optional<std::vector<Ground>> m_covered_by;
};

/// The effect of key-policy statement `statement` (an index into Statement[]).
[[nodiscard]] StatementEffect statement_effect(const KeyAccess& analysis, std::size_t statement);

/// What one Deny statement of an identity policy takes away from the subject evaluated with it.
struct IdentityDeny {
  /// The statement and its place: source identity_policy, kind denies, `policy` the graph's node
  /// (the subject's first principal's, for a class of principals).
  Ground statement;
  std::vector<Access> removes; ///< the access allowed without the statement and not with it
};

/// The Deny statements of the identity policies graph principal subject `subject` is evaluated
/// with (its own, attached, AWS managed and its groups') that take some access of `classes` away
/// from it, in policy then statement order; empty for any other subject. Each statement is masked
/// in turn and the subject's requests decided again, as statement_effect() does for the key
/// policy: an explicit deny in any policy overrides every allow (kms-reference §3.1). `removes` may
/// hold other classes too; a statement matching no action of `classes` is not weighed.
[[nodiscard]] std::vector<IdentityDeny> identity_denies(const KeyAccess& analysis,
                                                        std::size_t subject,
                                                        const std::vector<ActionClass>& classes);

/// A caller for can(): a graph principal (with its identity policies), or any principal text.
struct Caller {
  std::optional<model::PrincipalId> principal;
  std::string arn; ///< when `principal` is empty: ARN, account id or service principal
  /// When `principal` is empty: give the caller an identity policy that allows everything (the
  /// strongest IAM it could have in its account), or none.
  bool identity_allows_all = false;
};

struct Answer {
  policy::Outcome outcome = policy::Outcome::implicitly_denied;
  bool never_allowed = false;       ///< unknown, but denied either way
  std::vector<Ground> grounds;      ///< the allowing statements / grants (allowed)
  std::vector<std::string> reasons; ///< every reason as text (denies, unknowns, ...)
};

/// Can `caller` perform `action` ("kms:Decrypt") on the key, with condition `context` (for example
/// {"kms:ViaService", {"s3.us-east-1.amazonaws.com"}}, {"kms:EncryptionContext:dept", {"it"}})?
[[nodiscard]] Answer can(const KeyAccess& analysis, const Caller& caller, std::string_view action,
                         const std::vector<policy::ContextEntry>& context = {});

/// Whether `caller` could perform `action` on the key if the key policy allowed every KMS action to
/// anyone: false when the rest of its chain (an SCP, an RCP) or its own IAM refuses it whatever the
/// key policy says, so that no key policy or grant it could write would give it. Unknown is true.
[[nodiscard]] bool allowed_by_open_key_policy(const KeyAccess& analysis, const Caller& caller,
                                              std::string_view action);

/// A graph principal that gets an action only because the key policy delegates to its account and
/// one of its identity policies allows it (kms-reference §3.2, §3.10.1).
struct DelegatedAccess {
  model::PrincipalId principal{};
  std::size_t subject = 0; ///< index into KeyAccess::subjects()
  std::vector<std::string_view> actions;
  std::vector<Condition> when;
  std::vector<Ground>
      identity_grounds; ///< identity policy statements that allow it (AdministratorAccess ...)
  std::vector<Ground> key_policy_grounds; ///< the delegating key-policy statements
};

/// The graph principals that get (some of) the actions of `action_classes` only through account
/// delegation, class by class.
[[nodiscard]] std::vector<DelegatedAccess>
delegated_access(const KeyAccess& analysis, const std::vector<ActionClass>& action_classes);

} // namespace tfkms::analysis
