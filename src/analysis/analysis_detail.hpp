#pragma once
// Internals of the access analysis shared by its source files: the compiled inputs, the evaluation
// variants, the request space of each (subject, action) and the decision tables. Not for rules:
// they use access.hpp.
#include "analysis/access.hpp"
#include "analysis/cell_space.hpp"
#include "analysis/organization.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tfkms::analysis::detail {

/// The identity policies a subject is evaluated with.
enum class Identity : std::uint8_t {
  none,       ///< no identity policy (a caller outside the graph that has none)
  allows_all, ///< one that allows every action (the most a caller outside the graph could have)
  graph,      ///< the graph principal's own policies (and its groups')
};

struct Variant {
  std::size_t subject = 0;
  Identity identity = Identity::none;
  std::vector<const policy::CompiledPolicy*> policies; ///< passed to decide()
  std::vector<std::optional<model::PolicyId>>
      policy_ids; ///< by position in `policies`; none for allows_all
  /// SCPs, RCPs and permissions boundary of the subject (organization.hpp); null: none applies.
  const NamedChain* chain = nullptr;
};

/// The request space of a subject's actions: only the condition keys of the statements and grants
/// that can apply to that caller and those actions, so each question stays small. Actions that meet
/// the same statements and grants, with the same traits and keys, decide alike and share one row:
/// the analysis evaluates its `leader` only.
struct Row {
  std::vector<std::size_t> dims; ///< indexes into Core::dimensions
  CellSpace space{{}};           ///< over those dimensions, in that order
  std::size_t subject = 0;       ///< index into Analysis::subjects
  std::size_t leader = 0;        ///< the first action (index into Analysis::actions) of the row
  /// By key-policy statement: whether it may apply to this subject and action. One that cannot
  /// changes none of the row's outcomes, with or without it.
  std::vector<bool> key_statements;
};

/// Outcomes per (variant, action) over the row's cells, and the reasons seen. The actions of one
/// row share its leader's slot.
struct Tables {
  std::size_t actions = 0;
  std::vector<std::size_t> slot_of; ///< [variant * actions + action]: its leader's slot
  std::vector<std::vector<policy::Outcome>> outcomes; ///< [slot][cell]
  std::vector<std::vector<policy::Reason>> allowing;  ///< [slot], deduplicated
  std::vector<std::vector<policy::Reason>> unknown;   ///< likewise, for unknown outcomes
  /// [slot]: the chain's reasons (SCP, RCP, boundary) in cells it denies and that would be allowed
  /// without it, deduplicated: what the chain removed.
  std::vector<std::vector<policy::Reason>> removed;

  [[nodiscard]] std::size_t slot(std::size_t variant, std::size_t action) const {
    return slot_of[variant * actions + action];
  }
  [[nodiscard]] policy::Outcome at(std::size_t variant, std::size_t action,
                                   std::size_t cell) const {
    return outcomes[slot(variant, action)][cell];
  }
  [[nodiscard]] const std::vector<policy::Reason>& allowing_of(std::size_t variant,
                                                               std::size_t action) const {
    return allowing[slot(variant, action)];
  }
  [[nodiscard]] const std::vector<policy::Reason>& removed_of(std::size_t variant,
                                                              std::size_t action) const {
    return removed[slot(variant, action)];
  }
  [[nodiscard]] const std::vector<policy::Reason>& unknown_of(std::size_t variant,
                                                              std::size_t action) const {
    return unknown[slot(variant, action)];
  }
};

/// Membership of each row's cells (by index into Core::rows): `plain` for access without an
/// identity policy (graph principals: with their own), `with_identity` for access that needs one.
/// Empty vectors: no member. build_accesses() makes an access of every row with a member.
struct Membership {
  std::vector<std::vector<bool>> plain, with_identity;

  [[nodiscard]] bool has_member(std::size_t row) const {
    return !plain[row].empty() || !with_identity[row].empty();
  }
  [[nodiscard]] bool empty() const;
};

/// A predicate over (variant index into Analysis::variants, action, cell of the row) that depends
/// only on outcomes evaluate() gave, so that a row decides like its leader.
using CellPredicate =
    std::function<bool(std::size_t variant, std::size_t action, std::size_t cell)>;

/// A DelegatedAccess without the names: what delegated_access() finds in the core, kept with it.
struct Delegation {
  std::size_t variant = 0; ///< index into Analysis::variants: a graph principal's
  std::vector<std::string_view> actions;
  std::vector<Condition> when;
  /// The identity-policy and delegating key-policy reasons that give its grounds, each the first
  /// of its statement, in the order met.
  std::vector<policy::Reason> reasons;
};

/// What an analysis computes from the shape of its inputs alone: the request space, the rows, the
/// decision tables and memberships, and those of the questions rules ask next (a key-policy
/// statement masked; the graph principals without their identity policies). Keys whose inputs
/// differ only in the names of the principals they name, as one module instantiated per team, share
/// one (core_for()). Accesses and their grounds name things: each analysis builds its own.
struct Core {
  std::vector<Dimension> dimensions; ///< every condition key any policy or grant tests
  std::vector<Row> rows;
  std::vector<std::size_t> row_of; ///< [subject * actions + action]: index into `rows`
  std::vector<std::string> notes;  ///< caveats of the request space
  Tables tables;
  Membership allowed, unknown; ///< cells whose outcome is allowed, unknown

  struct Masked {
    Tables without;           ///< with the statement matching nothing
    Membership adds, removes; ///< allowed with it and not without; the reverse
    /// StatementEffect::covered_by() before naming: by variant, the reasons that allow without the
    /// statement what it allows, each the first of its statement, in the order met. Filled on
    /// first use.
    mutable std::optional<std::vector<std::pair<std::size_t, policy::Reason>>> dominating;
  };
  // Filled on first use by masked() and without_identity(); not thread-safe.
  mutable std::map<std::size_t, Masked> masked; ///< by key-policy statement
  mutable std::optional<Tables> without_identity;
  /// role_actions() by (subject, role, unshown policies), filled on first use. The actions are
  /// analysed_actions()' names, which live as long as the program.
  mutable std::map<std::array<std::size_t, 3>, std::vector<std::string_view>> role_actions;
  /// delegated_access() by the action classes asked, filled on first use.
  mutable std::map<std::vector<ActionClass>, std::vector<Delegation>> delegations;
};

/// The cores of recent keys by fingerprint (core_for()); bounded, as the keys of one module's
/// instances come together in a plan.
struct CoreCache {
  static constexpr std::size_t k_capacity = 16;
  std::unordered_map<std::string, std::shared_ptr<const Core>> by_fingerprint;
  std::deque<std::string> order; ///< oldest first
};

/// The actions every analysis evaluates: those of every action class, each once, in class order.
struct AnalysedActions {
  std::vector<std::string_view> names;
  std::vector<policy::ActionIndex> indexes; ///< by position in `names`: catalogue index
  std::vector<std::vector<std::size_t>>
      by_class; ///< by position in k_action_classes: positions in `names`
};
[[nodiscard]] const AnalysedActions& analysed_actions();

/// What the analyses of one graph's keys share (GraphAccess).
struct Shared {
  const model::Graph* graph = nullptr;
  std::vector<std::optional<policy::CompiledPolicy>>
      identity_policies; ///< by PolicyId; empty when absent
  policy::CompiledPolicy allows_all;
  std::vector<std::string> arns;              ///< by PrincipalId: principal_arn()
  std::vector<std::string> labels;            ///< by PrincipalId: member_label()
  std::vector<std::string> accounts;          ///< by PrincipalId: resolved account
  std::vector<std::string> distinct_accounts; ///< the principals' accounts, in order of appearance
  /// By PrincipalId: principals of one class decide alike unless a key's policy or grants name
  /// them; k_own_class marks one that must always be evaluated on its own (and groups).
  std::vector<std::size_t> classes;
  std::vector<Members> class_members; ///< by class: its principals, in graph order
  std::vector<model::PrincipalId>
      own_class_callers; ///< roles and users of k_own_class, in graph order
  /// By PolicyId: the identity policy's JSON text as classes compare it, once written.
  std::vector<std::optional<std::string>> policy_texts;
  std::unordered_map<std::string, model::PrincipalId> by_arn; ///< callers (roles, users) by ARN
  std::vector<std::vector<std::size_t>> grants_by_key; ///< by KeyId: indexes into Graph::grants
  /// By PolicyId: the identity policy's shape (same number, same document), whether it tells
  /// callers apart (tells_callers_apart()) and whether it names only resource "*"
  /// (only_any_resource()), for core fingerprints.
  std::vector<std::size_t> policy_shapes;
  std::vector<bool> policy_tells_apart;
  std::vector<bool> policy_any_resource;
  /// The organisation policies and boundaries; chains are made on first use.
  std::optional<OrganizationChains> organization;
  mutable CoreCache cores;
};

inline constexpr std::size_t k_own_class = static_cast<std::size_t>(-1);

/// The document of a policy source, or an unreadable one saying why it has none (`what`: "the key
/// policy").
[[nodiscard]] policy::Document read_policy(const model::PolicySource& source,
                                           policy::PolicyKind kind, const model::Graph& graph,
                                           const std::string& what);

/// True when `document` can decide differently for two callers of one kind and account: it tests
/// the caller's ARN, name, id or tags, or uses a policy variable.
[[nodiscard]] bool tells_callers_apart(const policy::Document& document);

/// Whether every statement of `document` names resource "*" and nothing else: then a request's key
/// ARN decides none of its outcomes but through its partition, region and account.
[[nodiscard]] bool only_any_resource(const policy::Document& document);

/// As tells_callers_apart, but false when the only such tests are aws:PrincipalArn conditions whose
/// values are whole ARNs: those name their callers, who become subjects of their own, and compare
/// every other caller's ARN for equality only.
[[nodiscard]] bool tells_callers_apart_beyond_names(const policy::Document& document);

/// The requests of one caller prepared for the actions of its rows: one per set of derived context
/// keys (policy::same_derived_context), each set to the action at hand, since preparing copies and
/// sorts the whole context.
class PreparedRequests {
public:
  explicit PreparedRequests(policy::Request request) : m_request(std::move(request)) {}

  /// The request for `action` (catalogue index `index`), or nullptr when prepare() rejects it.
  policy::PreparedRequest* get(std::string_view action, policy::ActionIndex index);

private:
  policy::Request m_request;
  std::deque<policy::PreparedRequest> m_prepared; // stable addresses
};

struct Analysis {
  std::shared_ptr<const Shared> shared;
  const model::Graph* graph = nullptr;
  model::KeyId key{};
  std::string key_arn; ///< resolved (or a stand-in with the key's account)
  std::string key_account;
  std::string partition;
  bool key_policy_known = true;
  std::string key_policy_problem; ///< why it is not known
  policy::CompiledPolicy key_policy;
  std::vector<policy::CompiledGrant> grants;
  std::vector<std::size_t> grant_index; ///< by position in `grants`: index into Graph::grants

  std::vector<Subject> subjects;
  std::vector<Variant> variants;
  std::vector<std::vector<std::size_t>> subject_variants; ///< by subject: indexes into `variants`
  std::vector<policy::ContextEntry> fixed_context;     ///< properties of the key (kms:KeySpec, ...)
  std::span<const std::string_view> actions;           ///< analysed_actions().names
  std::span<const policy::ActionIndex> action_indexes; ///< analysed_actions().indexes
  std::shared_ptr<const Core> core;
  mutable std::optional<std::vector<Access>>
      accesses; ///< KeyAccess::accesses(), built on first use
  /// By subject: KeyAccess::accesses_of(), built on first use while `accesses` is not.
  mutable std::vector<std::optional<std::vector<Access>>> subject_accesses;
  std::vector<std::string> notes;
  std::vector<std::string>
      unapplied; ///< organisation policies not applied (OrganizationChains::unresolved)
  mutable std::vector<std::optional<PreparedRequests>>
      prepared; ///< by subject: prepared_requests()

  /// The prepared requests of `subject`, made on first use: every evaluate() of this analysis asks
  /// the same questions, whatever policies it evaluates them against. Not thread-safe.
  PreparedRequests& prepared_requests(std::size_t subject) const;

  [[nodiscard]] std::size_t row_index(std::size_t subject, std::size_t action) const {
    return core->row_of[subject * actions.size() + action];
  }
  [[nodiscard]] const Row& row(std::size_t subject, std::size_t action) const {
    return core->rows[row_index(subject, action)];
  }
  [[nodiscard]] const Tables& tables() const { return core->tables; }
};

/// Fills `core.dimensions`, `rows`, `row_of` and `notes` for `analysis` (after subjects, variants,
/// actions).
void build_rows(const Analysis& analysis, Core& core);

/// The core of `analysis` (after subjects, variants, fixed context and actions): one of an earlier
/// key with the same fingerprint, or a new one built and evaluated.
[[nodiscard]] std::shared_ptr<const Core> core_for(Analysis& analysis);

/// The core's tables and memberships with key-policy statement `statement` masked, made on first
/// use.
[[nodiscard]] const Core::Masked& masked(const Analysis& analysis, std::size_t statement);

/// The core's tables for the graph principals' variants without their identity policies (by
/// position among the variants of Identity::graph), made on first use.
[[nodiscard]] const Tables& without_identity(const Analysis& analysis);

/// The fingerprint of everything core_for() computes from: two analyses with the same one decide
/// alike, subject by subject. Principal names enter it only where evaluation compares them for
/// equality alone; otherwise they are written as they are, and only identical inputs share.
[[nodiscard]] std::string core_fingerprint(const Analysis& analysis);

/// The shape of an identity policy for core_fingerprint(): its document, element by element.
[[nodiscard]] std::string policy_shape(const policy::Document& document);

/// Outcomes already evaluated against a key policy that differs from the one at hand only in
/// statement `statement`: rows that statement cannot apply to take theirs from `tables`.
struct Reuse {
  const Tables* tables = nullptr;
  std::size_t statement = 0;
};

/// Evaluates every variant of `variants`, action and cell of `analysis` (its rows) against
/// `key_policy` (the analysis's own, or one with a statement masked). Tables are indexed by
/// position in `variants`.
[[nodiscard]] Tables evaluate(const Analysis& analysis, const policy::CompiledPolicy& key_policy,
                              const std::vector<Variant>& variants, Reuse reuse = {});

/// Membership per row from `member`: graph principals take their one variant; other subjects take
/// "none" as plain and "allows all" as with_identity, kept only when it has cells plain lacks.
[[nodiscard]] Membership membership(const Analysis& analysis, const CellPredicate& member);

/// Builds the accesses of `membership` with the reasons of `tables` (indexed like
/// Analysis::variants), of every subject or of `only_subject`.
[[nodiscard]] std::vector<Access>
build_accesses(const Analysis& analysis, const Tables& tables, const Membership& membership,
               policy::Outcome outcome, std::optional<std::size_t> only_subject = std::nullopt);

/// The variants of `subject` (one for graph principals, none + allows_all otherwise).
[[nodiscard]] const std::vector<std::size_t>& variants_of(const Analysis& analysis,
                                                          std::size_t subject);

/// The variant of `subject` that explains access with an identity policy that allows all
/// (`with_identity`), or without one (graph principals: with their own); none when it has no such
/// variant.
[[nodiscard]] std::optional<std::size_t> variant_for(const Analysis& analysis, std::size_t subject,
                                                     bool with_identity);

/// Adds `reason` to `seen` unless a reason for the same statement (or grant) of the same policy and
/// of the same kind is there; true when added. Within one variant such reasons give the same
/// ground, so each is turned into one only the first time.
bool first_sight(std::vector<policy::Reason>& seen, const policy::Reason& reason);

/// Evidence for `reason` seen while evaluating `variant`.
[[nodiscard]] Ground ground_of(const Analysis& analysis, const Variant& variant,
                               const policy::Reason& reason);

/// One line for `access`: who, what, when, on which grounds (KeyAccess::text).
[[nodiscard]] std::string describe_access(const Analysis& analysis, const Access& access);

/// The chain of a caller of `caller_account` (empty for a service principal), with the permissions
/// boundary of graph principal `principal` when given; null when nothing of it applies.
[[nodiscard]] const NamedChain* chain_of(const Analysis& analysis,
                                         const std::string& caller_account,
                                         std::optional<model::PrincipalId> principal);

/// The identity policies of graph principal `id`, its groups' included, compiled in `analysis`.
[[nodiscard]] Variant graph_variant(const Analysis& analysis, std::size_t subject,
                                    model::PrincipalId id);
/// Adds graph_variant()'s policies of `id` to `variant`, without its chain.
void add_identity_policies(const Analysis& analysis, model::PrincipalId id, Variant& variant);

/// Calls `visit(policy_id, compiled)` for each identity policy graph principal `id` is evaluated
/// with, in graph_variant()'s order: its own, then its groups', each once, leaving out absent ones
/// (an AWS managed policy tfkms's table does not know). Stops when `visit` returns false. Allocates
/// nothing, for questions about one member of a class of principals.
template <typename Visit>
void for_each_identity_policy(const Analysis& analysis, model::PrincipalId id, Visit visit) {
  const model::Principal& principal = analysis.graph->principal(id);
  const auto list = [&](std::size_t index) -> const std::vector<model::PolicyId>& {
    return index == 0 ? principal.policies
                      : analysis.graph->principal(principal.groups[index - 1]).policies;
  };
  for (std::size_t index = 0; index <= principal.groups.size(); ++index) {
    const std::vector<model::PolicyId>& ids = list(index);
    for (auto it = ids.begin(); it != ids.end(); ++it) {
      bool met = std::find(ids.begin(), it, *it) != it;
      for (std::size_t earlier = 0; !met && earlier < index; ++earlier)
        met = std::find(list(earlier).begin(), list(earlier).end(), *it) != list(earlier).end();
      const auto& compiled = analysis.shared->identity_policies[static_cast<std::size_t>(*it)];
      if (met || !compiled)
        continue;
      if (!visit(*it, *compiled))
        return;
    }
  }
}

} // namespace tfkms::analysis::detail
