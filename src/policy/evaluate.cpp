// The KMS authorization decision (kms-reference §3.3). Every step cites the rule it implements.
#include "policy/evaluate.hpp"

#include "policy/condition.hpp"
#include "policy/match.hpp"

#include <algorithm>
#include <cctype>

namespace tfkms::policy {

namespace {

/// How a principal entry matches the caller: directly, or only as the caller's account principal.
struct PrincipalMatch {
  Tri direct = Tri::no;
  Tri account = Tri::no;
  /// Part of `direct` that names the caller's own ARN (user, session, federated user): within an
  /// account a permissions boundary or session policy does not limit it [IAM-EVAL].
  Tri exact = Tri::no;
  /// Part of `direct` through "*": not limited by a boundary, limited by a session policy, which
  /// only a statement naming the session ARN escapes [IAM-SESSION].
  Tri any = Tri::no;
};

// Role ARN entries match the role and every session of it (same partition and account, role name
// compared ignoring case as IAM role names are) [IAM-PRINCIPAL].
bool role_matches(std::string_view role_arn, std::string_view role_name_lower,
                  const PreparedRequest& request) {
  if (request.caller == CallerType::role)
    return role_arn == request.principal;
  if (request.caller != CallerType::assumed_role)
    return false;
  const auto arn = split_arn(role_arn);
  return arn && arn->partition == request.partition && arn->account == request.caller_account &&
         iequals(role_name_lower, request.role_name);
}

// True when `session_arn` is a session of the role a role caller stands for.
bool is_session_of(std::string_view session_arn, const PreparedRequest& request) {
  const auto arn = split_arn(session_arn);
  if (!arn || arn->partition != request.partition || arn->account != request.caller_account)
    return false;
  constexpr std::string_view kind = "assumed-role/";
  const std::string_view resource = arn->resource;
  return resource.starts_with(kind) && resource.size() > kind.size() + request.role_name.size() &&
         resource.substr(kind.size()).starts_with(request.role_name) &&
         resource[kind.size() + request.role_name.size()] == '/';
}

PrincipalMatch match_entry(const detail::CompiledPrincipal& entry, const PreparedRequest& request) {
  const bool service_caller = request.caller == CallerType::service;
  switch (entry.form) {
  case PrincipalForm::any:
    // "*" matches every principal, service principals included ([OPEN] §9.8, IAM examples exempt
    // them explicitly with aws:PrincipalIsAWSService). It names the caller itself, so a boundary
    // does not limit it (the reading that finds more access: docs/evaluation-chain.md).
    return {Tri::yes, Tri::no, Tri::no, Tri::yes};
  case PrincipalForm::account:
    if (service_caller || entry.account != request.caller_account)
      return {};
    // The account principal "represents the account and its administrators, including the account
    // root user": the root user is matched directly; everyone else only through IAM delegation
    // [KMS-KP-DEFAULT], kms-reference §3.2.
    if (request.caller == CallerType::account_root)
      return {Tri::yes, Tri::no};
    return {Tri::no, Tri::yes};
  case PrincipalForm::user:
  case PrincipalForm::assumed_role:
  case PrincipalForm::federated_user: {
    const Tri same = tri(!service_caller && entry.text == request.principal);
    return {same, Tri::no, same, Tri::no};
  }
  case PrincipalForm::role:
    return {tri(role_matches(entry.text, entry.role_name_lower, request)), Tri::no};
  case PrincipalForm::service:
    return {tri(service_caller && entry.text == request.principal), Tri::no};
  case PrincipalForm::other:
    return {};
  case PrincipalForm::unknown:
    return {Tri::maybe, Tri::maybe};
  }
  return {};
}

PrincipalMatch match_principals(const detail::CompiledStatement& statement,
                                const PreparedRequest& request) {
  PrincipalMatch result;
  for (const detail::CompiledPrincipal& entry : statement.principals) {
    const PrincipalMatch one = match_entry(entry, request);
    result.direct = tri_or(result.direct, one.direct);
    result.account = tri_or(result.account, one.account);
    result.exact = tri_or(result.exact, one.exact);
    result.any = tri_or(result.any, one.any);
  }
  return result;
}

// Whether a NotPrincipal element lists every identity of the caller's chain: the account and the
// user; the account, the role and the session; the account alone for its root user; the service
// for a service principal. AWS "might validate the account first, then the role, and then the
// assumed-role user", so one identity left out and a Deny applies [IAM-NOTPRINCIPAL], kms-reference
// §3.6. A role caller stands for any of its sessions: only a listed session of it can be spared,
// and which one is not known, so a listed session gives `maybe`.
Tri chain_listed(const detail::CompiledStatement& statement, const PreparedRequest& request,
                 const Chain* chain) {
  const bool service_caller = request.caller == CallerType::service;
  // Such a Deny "will always deny any IAM principal that has a permissions boundary policy
  // attached, regardless of the values specified in the NotPrincipal element" [IAM-NOTPRINCIPAL].
  if (!service_caller && chain && chain->permission_boundary)
    return Tri::no;
  Tri account = Tri::no, role = Tri::no, self = Tri::no, some_session = Tri::no;
  for (const detail::CompiledPrincipal& entry : statement.principals) {
    switch (entry.form) {
    case PrincipalForm::any:
      return Tri::yes;
    case PrincipalForm::unknown:
      account = tri_or(account, Tri::maybe);
      role = tri_or(role, Tri::maybe);
      self = tri_or(self, Tri::maybe);
      some_session = tri_or(some_session, Tri::maybe);
      break;
    case PrincipalForm::account:
      if (!service_caller && entry.account == request.caller_account)
        account = Tri::yes;
      break;
    case PrincipalForm::role:
      if (role_matches(entry.text, entry.role_name_lower, request))
        role = Tri::yes;
      break;
    case PrincipalForm::assumed_role:
      if (request.caller == CallerType::role && is_session_of(entry.text, request))
        some_session = tri_or(some_session, Tri::maybe);
      [[fallthrough]];
    case PrincipalForm::user:
    case PrincipalForm::federated_user:
      if (!service_caller && entry.text == request.principal)
        self = Tri::yes;
      break;
    case PrincipalForm::service:
      if (service_caller && entry.text == request.principal)
        self = Tri::yes;
      break;
    case PrincipalForm::other:
      break;
    }
  }
  switch (request.caller) {
  case CallerType::service:
    return self;
  case CallerType::account_root:
    return account;
  case CallerType::user:
  case CallerType::federated_user:
    return tri_and(account, self);
  case CallerType::role:
    return tri_and(tri_and(account, role), some_session);
  case CallerType::assumed_role:
    return tri_and(tri_and(account, role), self);
  }
  return Tri::no;
}

/// Where a request's action sits in a statement's masks: the KMS or the store actions'
/// (actions.hpp).
struct ActionBit {
  bool store = false;
  std::uint64_t bit = 0;
};

ActionBit action_bit(ActionIndex action) {
  const bool store = action >= k_store_action_base;
  return {store, std::uint64_t{1} << (store ? action - k_store_action_base : action)};
}

Tri match_action(const detail::CompiledStatement& statement, ActionBit action) {
  const std::uint64_t yes = action.store ? statement.store_actions_yes : statement.actions_yes;
  const std::uint64_t maybe =
      action.store ? statement.store_actions_maybe : statement.actions_maybe;
  if (yes & action.bit)
    return Tri::yes;
  return (maybe & action.bit) ? Tri::maybe : Tri::no;
}

Tri match_resources(const detail::CompiledStatement& statement, const PreparedRequest& request,
                    std::string& scratch) {
  // A statement without Resource matches nothing [BOTO-KMS]. In a key policy "*" means this key.
  if (!statement.has_resources)
    return Tri::no;
  Tri any = Tri::no;
  for (const detail::CompiledText& pattern : statement.resources) {
    if (!pattern.known) {
      any = tri_or(any, Tri::maybe);
      continue;
    }
    // Actions without a resource are requested on "*": only a "*" entry matches, so no variable
    // needs resolving.
    if (!request.has_resource_arn()) {
      if (pattern.text.size() == 1 && pattern.text[0] == k_any)
        any = Tri::yes;
      continue;
    }
    const auto text = detail::substitute(pattern, request, scratch);
    // "If AWS cannot resolve a variable, this might cause the entire statement to be invalid"
    // [IAM-VARS]: an unresolvable NotResource entry makes the statement not apply.
    if (!text && statement.resources_negated)
      return Tri::no;
    if (text && resource_match(*text, request.resource)) {
      any = Tri::yes;
      break;
    }
  }
  return statement.resources_negated ? tri_not(any) : any;
}

/// What the statements of all policies add up to for one request.
struct Tally {
  Tri deny = Tri::no;
  Tri key_direct = Tri::no;  ///< key policy allows the caller itself
  Tri key_exact = Tri::no;   ///< ... naming the caller's own ARN
  Tri key_any = Tri::no;     ///< ... through "*"
  Tri key_account = Tri::no; ///< key policy allows the caller's account (IAM must delegate)
  Tri identity = Tri::no;    ///< the caller's identity policies allow
  Tri grant = Tri::no;
  Tri grant_exact = Tri::no; ///< a grant to the caller's own ARN allows
  Tri scps = Tri::yes;       ///< every SCP level allows (yes without SCPs)
  Tri boundary = Tri::yes;   ///< the permissions boundary allows (yes without one)
  Tri session = Tri::yes;    ///< the session policy allows (yes without one)
};

class Evaluator {
public:
  Evaluator(const PreparedRequest& request, Decision& out, const Chain* chain)
      : m_request(request), m_out(out), m_chain(chain), m_action(action_bit(request.action)),
        m_grant_bit(m_action.store ? 0 : m_action.bit) {}

  // Evaluates every statement of `policy`; `source` says whether it is the key policy (principals
  // checked) or an identity policy of the caller. `key_allows_count` false: the key policy's Allow
  // statements are read for their denies only (RetireGrant).
  void add_policy(const CompiledPolicy& policy, ReasonSource source, std::uint16_t index,
                  bool key_allows_count) {
    const detail::CompiledDocument& compiled = policy.compiled();
    if (compiled.document.rejected()) {
      // A policy AWS refuses is never in place, and one that cannot be read may allow or deny
      // anything: neither is read statement by statement as "does not match".
      m_tally.deny = tri_or(m_tally.deny, Tri::maybe);
      if (source == ReasonSource::key_policy)
        m_tally.key_direct = tri_or(m_tally.key_direct, Tri::maybe);
      else
        m_tally.identity = tri_or(m_tally.identity, Tri::maybe);
      note(ReasonKind::unreadable_policy, source, index, 0);
      return;
    }
    const bool is_key_policy = source == ReasonSource::key_policy;
    for (const detail::CompiledStatement& statement : compiled.statements) {
      add_statement(statement, source, index, is_key_policy, key_allows_count);
    }
  }

  void add_grants(std::span<const CompiledGrant> grants, bool retiring) {
    const ActionInfo& info = m_request.action_info();
    // Grant constraints are ignored for DescribeKey and RetireGrant [BOTO-KMS GrantConstraints].
    const bool constrained = info.name != "DescribeKey" && info.name != "RetireGrant";
    for (std::size_t i = 0; i < grants.size(); ++i) {
      const CompiledGrant& grant = grants[i];
      Tri allows = tri((grant.operations & m_grant_bit) != 0);
      if (allows != Tri::no)
        allows = tri_and(allows, grantee_matches(grant.grantee, grant.spec.grantee));
      const bool exact = grant.grantee.form == PrincipalForm::user ||
                         grant.grantee.form == PrincipalForm::assumed_role ||
                         grant.grantee.form == PrincipalForm::federated_user;
      if (allows != Tri::no && constrained)
        allows = tri_and(allows, constraints_hold(grant));
      // RetireGrant: "the retiring principal ... specified in the grant" may retire it
      // [KMS-GRANT-DELETE].
      if (retiring && grant.retiring)
        allows = tri_or(allows, grantee_matches(*grant.retiring, *grant.spec.retiring_principal));
      if (allows != Tri::no && grant.spec.unknown_fields)
        allows = Tri::maybe;
      m_tally.grant = tri_or(m_tally.grant, allows);
      if (exact)
        m_tally.grant_exact = tri_or(m_tally.grant_exact, allows);
      note_tri(allows, retiring ? ReasonKind::retire_allowed : ReasonKind::grant_allows,
               ReasonSource::grant, static_cast<std::uint16_t>(i), 0);
    }
  }

  // The organisation's policies, the boundary and the session policy (before add_grants, which
  // reads `limits` for a grant to the caller's account).
  void add_chain(const Chain& chain) {
    const bool service = m_request.caller == CallerType::service;
    if (!service) {
      for (std::size_t level = 0; level < chain.scps.size(); ++level) {
        const Tri allows = add_level(chain.scps[level], ReasonSource::scp, level);
        m_tally.scps = tri_and(m_tally.scps, allows);
        if (allows == Tri::no)
          note(ReasonKind::not_allowed_by, ReasonSource::scp, 0, 0, level);
      }
    }
    // RCPs guard the resources of the key's account, whoever calls: AWS's own RCP examples exempt
    // service principals by condition (aws:PrincipalIsAWSService). The implied RCPFullAWSAccess
    // allows, so only their denies count [ORG-RCP].
    if (m_request.action_info().key_resource) {
      for (std::size_t level = 0; level < chain.rcps.size(); ++level)
        add_level(chain.rcps[level], ReasonSource::rcp, level);
    }
    if (service || m_request.caller == CallerType::account_root)
      return;
    if (chain.permission_boundary)
      m_tally.boundary = limit_by(*chain.permission_boundary, ReasonSource::permission_boundary);
    const bool session =
        m_request.caller == CallerType::assumed_role || m_request.caller == CallerType::role;
    if (session && chain.session_policy)
      m_tally.session = limit_by(*chain.session_policy, ReasonSource::session_policy);
  }

  void finish() {
    const ActionInfo& info = m_request.action_info();
    const bool root = m_request.caller == CallerType::account_root;
    // The root user has every permission of its own account without identity policies [IAM-EVAL].
    const bool service = m_request.caller == CallerType::service;
    // Identity policies allow only what the boundary and the session policy allow too [IAM-EVAL].
    const Tri identity = root ? Tri::yes : service ? Tri::no : limited(m_tally.identity);
    // A key policy or grant naming the user or session itself is not limited by them; naming the
    // role is; "*" is limited by the session policy only (IAM User Guide, evaluation logic).
    const Tri key_direct =
        tri_or(tri_or(m_tally.key_exact, tri_and(m_tally.key_any, m_tally.session)),
               limited(m_tally.key_direct));
    const Tri grant = tri_or(m_tally.grant_exact, limited(m_tally.grant));
    Tri allow = Tri::no;
    if (!info.key_resource) {
      // §3.3 step 1: actions without a key resource are decided by IAM alone [KMS-PERM].
      allow = identity;
    } else if (m_request.cross_account() && !info.cross_account) {
      // §3.3 step 2: never effective across accounts, whatever the policies say [KMS-XACCT].
      note(ReasonKind::not_cross_account, ReasonSource::request, 0, 0);
    } else {
      Tri key_side = Tri::no;
      if (info.name == "RetireGrant") {
        // Besides the grant's own retiring principal and grantee (add_grants): "The AWS account
        // that owns the KMS key can delegate the kms:RetireGrant permission to an IAM user in the
        // account" [KMS-GRANT-DELETE]; the key policy plays no part.
        key_side = m_request.caller_account == m_request.key_account ? identity : Tri::no;
      } else if (service) {
        // A service principal has no identity policies: the key policy naming it decides.
        key_side = m_tally.key_direct;
      } else if (!m_request.cross_account()) {
        // Same account: the key policy alone, or its account delegation plus an IAM allow
        // [KMS-KEYPOL].
        key_side = tri_or(key_direct, tri_and(m_tally.key_account, identity));
      } else {
        // §3.3 step 6: across accounts both sides must allow, even when the key policy names the
        // caller itself [KMS-XACCT], [IAM-XACCT].
        key_side = tri_and(tri_or(m_tally.key_direct, m_tally.key_account), identity);
      }
      allow = tri_or(key_side, grant);
      explain_partial(identity, key_side);
    }
    // SCPs bound everything a principal of the account does, the root user's too; never a service
    // principal's [ORG-SCP].
    if (!service)
      allow = tri_and(allow, m_tally.scps);
    settle(allow);
  }

private:
  const PreparedRequest& m_request;
  Decision& m_out;
  const Chain* m_chain;
  ActionBit m_action;
  std::uint64_t m_grant_bit; ///< the action among grant operations; 0 for a store action
  Tally m_tally;

  void note(ReasonKind kind, ReasonSource source, std::uint16_t policy, std::size_t statement,
            std::size_t level = 0) {
    m_out.reasons.push_back({kind, source, policy, static_cast<std::uint16_t>(statement),
                             static_cast<std::uint16_t>(level)});
  }
  void note_tri(Tri value, ReasonKind kind, ReasonSource source, std::uint16_t policy,
                std::size_t statement, std::size_t level = 0) {
    if (value == Tri::yes)
      note(kind, source, policy, statement, level);
    else if (value == Tri::maybe)
      note(ReasonKind::depends_on_unknown, source, policy, statement, level);
  }

  void add_statement(const detail::CompiledStatement& statement, ReasonSource source,
                     std::uint16_t index, bool is_key_policy, bool key_allows_count) {
    Tri applies = match_action(statement, m_action);
    if (applies == Tri::no)
      return;
    PrincipalMatch who{Tri::yes, Tri::no};
    if (is_key_policy && statement.principal_negated) {
      // NotPrincipal matches the caller directly unless its whole chain is listed.
      who = {tri_not(chain_listed(statement, m_request, m_chain)), Tri::no};
      if (who.direct == Tri::no)
        return;
    } else if (is_key_policy) {
      who = match_principals(statement, m_request);
      if (who.direct == Tri::no && who.account == Tri::no)
        return;
    }
    applies = tri_and(applies, match_resources(statement, m_request, m_out.scratch));
    if (applies == Tri::no)
      return;
    applies = tri_and(applies,
                      detail::evaluate_conditions(statement.conditions, m_request, m_out.scratch));
    if (applies == Tri::no)
      return;
    // A statement with an unreadable element (unknown operator, ...) may or may not apply.
    if (!statement.readable)
      applies = tri_and(applies, Tri::maybe);
    const std::size_t at = statement.source->index;

    const bool may_deny = !statement.effect_known || statement.effect == Effect::deny;
    const bool may_allow = !statement.effect_known || statement.effect == Effect::allow;
    const Tri unsure_effect = statement.effect_known ? Tri::yes : Tri::maybe;
    if (may_deny) {
      // §3.3 step 3: a matching Deny anywhere wins; a Deny naming an account covers all its
      // principals.
      const Tri denies = tri_and(tri_and(applies, tri_or(who.direct, who.account)), unsure_effect);
      m_tally.deny = tri_or(m_tally.deny, denies);
      note_tri(denies, ReasonKind::denies, source, index, at);
    }
    if (!may_allow)
      return;
    if (!is_key_policy) {
      const Tri allows = tri_and(applies, unsure_effect);
      m_tally.identity = tri_or(m_tally.identity, allows);
      note_tri(allows, ReasonKind::allows, source, index, at);
      return;
    }
    // kms:RetireGrant "is not effective in a key policy" [KMS-GRANT-DELETE].
    if (!key_allows_count)
      return;
    const Tri direct = tri_and(tri_and(applies, who.direct), unsure_effect);
    const Tri account = tri_and(tri_and(applies, who.account), unsure_effect);
    m_tally.key_direct = tri_or(m_tally.key_direct, direct);
    m_tally.key_exact =
        tri_or(m_tally.key_exact, tri_and(tri_and(applies, who.exact), unsure_effect));
    m_tally.key_any = tri_or(m_tally.key_any, tri_and(tri_and(applies, who.any), unsure_effect));
    m_tally.key_account = tri_or(m_tally.key_account, account);
    note_tri(direct, ReasonKind::allows, source, index, at);
    note_tri(account, ReasonKind::delegates, source, index, at);
  }

  Tri limit_by(const CompiledPolicy& policy, ReasonSource source) {
    const Tri allows = add_limit(policy, source, 0, 0);
    if (allows == Tri::no)
      note(ReasonKind::not_allowed_by, source, 0, 0);
    return allows;
  }

  // What the boundary and the session policy leave of `allows` [IAM-EVAL].
  Tri limited(Tri allows) const {
    return tri_and(tri_and(allows, m_tally.boundary), m_tally.session);
  }

  // Whether some document of an SCP or RCP level allows the request; their denies go to the tally.
  Tri add_level(const std::vector<CompiledPolicy>& documents, ReasonSource source,
                std::size_t level) {
    Tri allows = Tri::no;
    for (std::size_t i = 0; i < documents.size(); ++i)
      allows =
          tri_or(allows, add_limit(documents[i], source, level, static_cast<std::uint16_t>(i)));
    return allows;
  }

  // One SCP, RCP, boundary or session policy: its denies go to the tally; returns whether it
  // allows. They name no principal (an RCP names "*" and narrows it by conditions).
  Tri add_limit(const CompiledPolicy& policy, ReasonSource source, std::size_t level,
                std::uint16_t index) {
    const detail::CompiledDocument& compiled = policy.compiled();
    if (compiled.document.rejected()) {
      m_tally.deny = tri_or(m_tally.deny, Tri::maybe);
      note(ReasonKind::unreadable_policy, source, index, 0, level);
      return Tri::maybe;
    }
    Tri allows = Tri::no;
    for (const detail::CompiledStatement& statement : compiled.statements) {
      Tri applies = match_action(statement, m_action);
      if (applies == Tri::no)
        continue;
      if (statement.has_principal) {
        const PrincipalMatch who = match_principals(statement, m_request);
        applies = tri_and(applies, tri_or(who.direct, who.account));
        if (applies == Tri::no)
          continue;
      }
      applies = tri_and(applies, match_resources(statement, m_request, m_out.scratch));
      if (applies == Tri::no)
        continue;
      applies = tri_and(
          applies, detail::evaluate_conditions(statement.conditions, m_request, m_out.scratch));
      if (applies == Tri::no)
        continue;
      if (statement.effect == Effect::deny) {
        m_tally.deny = tri_or(m_tally.deny, applies);
        note_tri(applies, ReasonKind::denies, source, index, statement.source->index, level);
      } else {
        allows = tri_or(allows, applies);
      }
    }
    return allows;
  }

  // The grantee (or retiring principal) against the caller. [OPEN] §9.2: a grant to an account
  // principal works like a key policy naming the account: its root user directly, its other
  // principals when their own IAM policies allow the operation.
  Tri grantee_matches(const ClassifiedPrincipal& grantee, const model::Value& text) const {
    const bool service_caller = m_request.caller == CallerType::service;
    switch (grantee.form) {
    case PrincipalForm::account:
      if (service_caller || grantee.account != m_request.caller_account)
        return Tri::no;
      return m_request.caller == CallerType::account_root ? Tri::yes : limited(m_tally.identity);
    case PrincipalForm::user:
    case PrincipalForm::assumed_role:
    case PrincipalForm::federated_user:
      return tri(!service_caller && text.text == m_request.principal);
    case PrincipalForm::role: {
      const auto arn = split_arn(text.text);
      const std::string_view name =
          arn ? arn->resource.substr(arn->resource.rfind('/') + 1) : std::string_view{};
      return tri(role_matches(text.text, name, m_request));
    }
    case PrincipalForm::service:
      return tri(service_caller && text.text == m_request.principal);
    case PrincipalForm::unknown:
      return Tri::maybe;
    case PrincipalForm::any:
    case PrincipalForm::other:
      return Tri::no;
    }
    return Tri::no;
  }

  // EncryptionContextEquals: the request's pairs are exactly the constraint's; Subset: the request
  // contains every pair of the constraint. Keys ignore case, values do not [BOTO-KMS], §5.2.
  Tri constraints_hold(const CompiledGrant& grant) const {
    constexpr std::string_view prefix = "kms:encryptioncontext:";
    const auto& context = m_request.context;
    const auto first =
        std::lower_bound(context.begin(), context.end(), prefix,
                         [](const ContextEntry& e, std::string_view key) { return e.key < key; });
    auto last = first;
    while (last != context.end() && last->key.starts_with(prefix))
      ++last;
    const auto has_pair = [&](const std::pair<std::string, std::string>& pair) {
      return std::any_of(first, last, [&](const ContextEntry& e) {
        return std::string_view(e.key).substr(prefix.size()) == pair.first && !e.values.empty() &&
               e.values.front() == pair.second;
      });
    };
    bool holds = true;
    if (grant.has_equals) {
      holds = static_cast<std::size_t>(last - first) == grant.equals.size() &&
              std::all_of(grant.equals.begin(), grant.equals.end(), has_pair);
    }
    if (grant.has_subset)
      holds = holds && std::all_of(grant.subset.begin(), grant.subset.end(), has_pair);
    return tri(holds);
  }

  void explain_partial(Tri identity, Tri key_side) {
    if (key_side != Tri::no || m_tally.grant != Tri::no)
      return;
    const Tri key_any = tri_or(m_tally.key_direct, m_tally.key_account);
    if (key_any == Tri::yes && identity == Tri::no)
      note(ReasonKind::needs_identity_allow, ReasonSource::request, 0, 0);
    else if (identity == Tri::yes && key_any == Tri::no)
      note(ReasonKind::needs_key_policy, ReasonSource::request, 0, 0);
  }

  void settle(Tri allow) {
    auto keep_only = [&](auto predicate) {
      std::erase_if(m_out.reasons, [&](const Reason& r) { return !predicate(r.kind); });
    };
    if (m_tally.deny == Tri::yes) {
      m_out.outcome = Outcome::explicitly_denied;
      keep_only([](ReasonKind k) { return k == ReasonKind::denies; });
    } else if (m_tally.deny == Tri::maybe || allow == Tri::maybe) {
      m_out.outcome = Outcome::unknown;
      m_out.never_allowed = allow == Tri::no;
      keep_only([](ReasonKind k) {
        return k == ReasonKind::depends_on_unknown || k == ReasonKind::unreadable_policy ||
               k == ReasonKind::not_cross_account;
      });
    } else if (allow == Tri::yes) {
      m_out.outcome = Outcome::allowed;
      keep_only([](ReasonKind k) {
        return k == ReasonKind::allows || k == ReasonKind::delegates ||
               k == ReasonKind::grant_allows || k == ReasonKind::retire_allowed;
      });
    } else {
      m_out.outcome = Outcome::implicitly_denied;
      keep_only([](ReasonKind k) {
        return k == ReasonKind::allows || k == ReasonKind::delegates ||
               k == ReasonKind::not_cross_account || k == ReasonKind::needs_identity_allow ||
               k == ReasonKind::needs_key_policy || k == ReasonKind::not_allowed_by;
      });
    }
  }
};

} // namespace

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
  case Outcome::allowed:
    return "allowed";
  case Outcome::explicitly_denied:
    return "explicitly_denied";
  case Outcome::implicitly_denied:
    return "implicitly_denied";
  case Outcome::unknown:
    return "unknown";
  }
  return "unknown";
}

void decide(const PreparedRequest& request, const CompiledPolicy* key_policy,
            std::span<const CompiledPolicy* const> identity_policies,
            std::span<const CompiledGrant> grants, Decision& out, const Chain* chain) {
  out.clear();
  const ActionInfo& info = request.action_info();
  const bool retiring = info.name == "RetireGrant";
  Evaluator evaluator(request, out, chain);
  // The key policy and grants matter only for actions on a key (§3.3 step 1).
  if (info.key_resource && key_policy)
    evaluator.add_policy(*key_policy, ReasonSource::key_policy, 0, !retiring);
  // A service principal has no identity policies; any given still count for their denies.
  for (std::size_t i = 0; i < identity_policies.size(); ++i) {
    if (identity_policies[i])
      evaluator.add_policy(*identity_policies[i], ReasonSource::identity_policy,
                           static_cast<std::uint16_t>(i), true);
  }
  if (chain)
    evaluator.add_chain(*chain);
  if (info.key_resource)
    evaluator.add_grants(grants, retiring);
  evaluator.finish();
}

Decision decide(const PreparedRequest& request, const CompiledPolicy* key_policy,
                const std::vector<CompiledPolicy>& identity_policies,
                const std::vector<CompiledGrant>& grants, const Chain* chain) {
  std::vector<const CompiledPolicy*> pointers;
  pointers.reserve(identity_policies.size());
  for (const CompiledPolicy& policy : identity_policies)
    pointers.push_back(&policy);
  Decision decision;
  decide(request, key_policy, pointers, grants, decision, chain);
  return decision;
}

namespace {

// The document of an SCP or RCP level a reason points at, if the chain has it.
const CompiledPolicy* level_document(const std::vector<std::vector<CompiledPolicy>>& levels,
                                     const Reason& reason) {
  if (reason.level >= levels.size() || reason.policy >= levels[reason.level].size())
    return nullptr;
  return &levels[reason.level][reason.policy];
}

std::string level_name(const char* kind, const Reason& reason) {
  return std::string(kind) + " level " + std::to_string(reason.level) + " policy " +
         std::to_string(reason.policy);
}

} // namespace

std::string describe(const Reason& reason, const CompiledPolicy* key_policy,
                     std::span<const CompiledPolicy* const> identity_policies, const Chain* chain) {
  std::string where;
  const CompiledPolicy* policy = nullptr;
  switch (reason.source) {
  case ReasonSource::scp:
    where = level_name("SCP", reason);
    if (chain)
      policy = level_document(chain->scps, reason);
    if (reason.kind == ReasonKind::not_allowed_by)
      return "no SCP of level " + std::to_string(reason.level) + " allows it";
    break;
  case ReasonSource::rcp:
    where = level_name("RCP", reason);
    if (chain)
      policy = level_document(chain->rcps, reason);
    break;
  case ReasonSource::permission_boundary:
    where = "permissions boundary";
    if (chain && chain->permission_boundary)
      policy = &*chain->permission_boundary;
    break;
  case ReasonSource::session_policy:
    where = "session policy";
    if (chain && chain->session_policy)
      policy = &*chain->session_policy;
    break;
  case ReasonSource::key_policy:
    where = "key policy";
    policy = key_policy;
    break;
  case ReasonSource::identity_policy:
    where = "identity policy " + std::to_string(reason.policy);
    if (reason.policy < identity_policies.size())
      policy = identity_policies[reason.policy];
    break;
  case ReasonSource::grant:
    where = "grant " + std::to_string(reason.policy);
    break;
  case ReasonSource::request:
    break;
  }
  if (policy && reason.source != ReasonSource::grant &&
      reason.kind != ReasonKind::unreadable_policy) {
    for (const Statement& statement : policy->document().statements) {
      if (statement.index != reason.statement)
        continue;
      where += " " + (statement.path.empty() ? std::string("Statement") : statement.path);
      if (statement.sid)
        where += " (Sid \"" + *statement.sid + "\")";
      break;
    }
  }
  switch (reason.kind) {
  case ReasonKind::denies:
    return where + " denies";
  case ReasonKind::allows:
    return where + " allows";
  case ReasonKind::delegates:
    return where + " allows the caller's account (IAM delegation)";
  case ReasonKind::grant_allows:
    return where + " allows the operation";
  case ReasonKind::retire_allowed:
    return where + " may be retired by the caller";
  case ReasonKind::not_cross_account:
    return "the action is not effective across accounts";
  case ReasonKind::needs_identity_allow:
    return "the key policy allows, but no identity policy of the caller does";
  case ReasonKind::needs_key_policy:
    return "an identity policy allows, but the key policy does not";
  case ReasonKind::unreadable_policy: {
    const model::Diagnostic* error = policy ? policy->document().first_error() : nullptr;
    return where + (error ? " is refused by AWS (MalformedPolicyDocument): " + error->message
                          : " cannot be read");
  }
  case ReasonKind::depends_on_unknown:
    return where + " depends on a value unknown before apply";
  case ReasonKind::not_allowed_by:
    return "the " + where + " does not allow it";
  }
  return where;
}

} // namespace tfkms::policy
