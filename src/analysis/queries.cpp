// Point questions on an analysed key: can one caller perform one action, and which graph principals
// get access only through delegation to their account.
#include "analysis/access.hpp"
#include "analysis/analysis_detail.hpp"
#include "analysis/subjects.hpp"
#include "policy/match.hpp"

#include <algorithm>
#include <map>

namespace tfkms::analysis {

Answer can(const KeyAccess& analysis, const Caller& caller, std::string_view action,
           const std::vector<policy::ContextEntry>& context) {
  const detail::Analysis& a = analysis.detail();
  detail::Variant variant;
  policy::Request request;
  if (caller.principal) {
    variant = detail::graph_variant(a, 0, *caller.principal);
    request.principal = principal_arn(*a.graph, *caller.principal);
  } else {
    request.principal = caller.arn;
    if (caller.identity_allows_all) {
      variant.policies.push_back(&a.shared->allows_all);
      variant.policy_ids.emplace_back(std::nullopt);
    }
    const policy::ClassifiedPrincipal classified = policy::classify_principal(
        policy::PrincipalSection::aws, model::Value{caller.arn, model::ValueKind::literal, {}});
    variant.chain = detail::chain_of(a, classified.account, std::nullopt);
  }
  request.action = std::string(action);
  request.resource = a.key_arn;
  request.context = a.fixed_context;
  request.context.insert(request.context.end(), context.begin(), context.end());

  Answer answer;
  const auto prepared = policy::prepare(request);
  if (!prepared) {
    answer.outcome = policy::Outcome::unknown;
    answer.reasons.push_back(prepared.error().message);
    return answer;
  }
  policy::Decision decision;
  const policy::Chain* chain = variant.chain ? &variant.chain->chain : nullptr;
  policy::decide(prepared.value(), &a.key_policy, variant.policies, a.grants, decision, chain);
  answer.outcome = decision.outcome;
  answer.never_allowed = decision.never_allowed;
  for (const policy::Reason& reason : decision.reasons) {
    const bool from_chain = reason.source == policy::ReasonSource::scp ||
                            reason.source == policy::ReasonSource::rcp ||
                            reason.source == policy::ReasonSource::permission_boundary;
    answer.reasons.push_back(from_chain && variant.chain
                                 ? OrganizationChains::describe(reason, *variant.chain)
                                 : policy::describe(reason, &a.key_policy, variant.policies));
    const bool allows = reason.kind == policy::ReasonKind::allows ||
                        reason.kind == policy::ReasonKind::delegates ||
                        reason.kind == policy::ReasonKind::grant_allows ||
                        reason.kind == policy::ReasonKind::retire_allowed;
    if (answer.outcome == policy::Outcome::allowed && allows) {
      Ground ground = detail::ground_of(a, variant, reason);
      if (std::find(answer.grounds.begin(), answer.grounds.end(), ground) == answer.grounds.end()) {
        answer.grounds.push_back(std::move(ground));
      }
    }
  }
  return answer;
}

bool allowed_by_open_key_policy(const KeyAccess& analysis, const Caller& caller,
                                std::string_view action) {
  const detail::Analysis& a = analysis.detail();
  // A key policy that allows every KMS action to anyone ("*" names the caller itself, so no
  // boundary limits it: docs/evaluation-chain.md), and no grant.
  static const policy::CompiledPolicy open = policy::compile(policy::parse_document(
      nlohmann::json::parse(
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]})"),
      policy::PolicyKind::key_policy, model::NoSymbols{}));
  detail::Variant variant;
  policy::Request request;
  if (caller.principal) {
    variant = detail::graph_variant(a, 0, *caller.principal);
    request.principal = principal_arn(*a.graph, *caller.principal);
  } else {
    request.principal = caller.arn;
    const policy::ClassifiedPrincipal classified = policy::classify_principal(
        policy::PrincipalSection::aws, model::Value{caller.arn, model::ValueKind::literal, {}});
    variant.chain = detail::chain_of(a, classified.account, std::nullopt);
    if (caller.identity_allows_all)
      variant.policies.push_back(&a.shared->allows_all);
  }
  request.action = std::string(action);
  request.resource = a.key_arn;
  request.context = a.fixed_context;
  const auto prepared = policy::prepare(request);
  if (!prepared)
    return true; // not known: never taken as blocked
  policy::Decision decision;
  policy::decide(prepared.value(), &open, variant.policies, {}, decision,
                 variant.chain ? &variant.chain->chain : nullptr);
  return decision.outcome != policy::Outcome::explicitly_denied &&
         decision.outcome != policy::Outcome::implicitly_denied;
}

namespace {

// The delegations of the actions of `action_classes`, from the core: its tables with and without
// the graph principals' identity policies. Keys of one shape share them.
const std::vector<detail::Delegation>& delegations(const detail::Analysis& a,
                                                   const std::vector<ActionClass>& action_classes) {
  const detail::Core& core = *a.core;
  if (const auto found = core.delegations.find(action_classes); found != core.delegations.end())
    return found->second;
  // The graph principals again, without their identity policies: `without` is indexed by position
  // among the graph variants.
  std::vector<std::size_t> with_policies; // by that position: the variant in a.variants
  for (std::size_t v = 0; v < a.variants.size(); ++v) {
    if (a.variants[v].identity == detail::Identity::graph)
      with_policies.push_back(v);
  }
  const detail::Tables& without = detail::without_identity(a);

  std::vector<detail::Delegation> out;
  for (const ActionClass action_class : action_classes) {
    for (std::size_t b = 0; b < with_policies.size(); ++b) {
      const std::size_t v = with_policies[b];
      const detail::Variant& variant = a.variants[v];
      using Key = std::pair<std::vector<std::size_t>, std::vector<bool>>;
      struct Entry {
        detail::Delegation delegation;
        std::vector<policy::Reason> seen; ///< reasons already taken
      };
      std::map<Key, Entry> by_cells;
      std::vector<Key> order;
      for (const std::string_view action : actions_of(action_class)) {
        const auto it = std::find(a.actions.begin(), a.actions.end(), action);
        if (it == a.actions.end())
          continue;
        const auto act = static_cast<std::size_t>(it - a.actions.begin());
        const detail::Row& row = a.row(variant.subject, act);
        std::vector<bool> cells(row.space.size(), false);
        bool any = false;
        for (std::size_t c = 0; c < cells.size(); ++c) {
          cells[c] = a.tables().at(v, act, c) == policy::Outcome::allowed &&
                     without.at(b, act, c) != policy::Outcome::allowed;
          any = any || cells[c];
        }
        if (!any)
          continue;
        Key key{row.dims, cells};
        auto [entry, fresh] = by_cells.try_emplace(key);
        detail::Delegation& delegation = entry->second.delegation;
        if (fresh) {
          order.push_back(key);
          delegation.variant = v;
          delegation.when = row.space.describe(cells);
        }
        delegation.actions.push_back(action);
        for (const policy::Reason& reason : a.tables().allowing_of(v, act)) {
          const bool identity = reason.source == policy::ReasonSource::identity_policy;
          const bool delegating = reason.source == policy::ReasonSource::key_policy &&
                                  reason.kind == policy::ReasonKind::delegates;
          // The actions of one entry share most reasons; one seen before gives a ground already
          // there.
          if ((identity || delegating) && detail::first_sight(entry->second.seen, reason))
            delegation.reasons.push_back(reason);
        }
      }
      for (const Key& key : order)
        out.push_back(std::move(by_cells.at(key).delegation));
    }
  }
  return core.delegations.emplace(action_classes, std::move(out)).first->second;
}

} // namespace

std::vector<DelegatedAccess> delegated_access(const KeyAccess& analysis,
                                              const std::vector<ActionClass>& action_classes) {
  const detail::Analysis& a = analysis.detail();
  std::vector<DelegatedAccess> out;
  for (const detail::Delegation& delegation : delegations(a, action_classes)) {
    const detail::Variant& variant = a.variants[delegation.variant];
    DelegatedAccess access;
    access.principal = *a.subjects[variant.subject].principal;
    access.subject = variant.subject;
    access.actions = delegation.actions;
    access.when = delegation.when;
    // Grounds name things: each key makes its own.
    for (const policy::Reason& reason : delegation.reasons) {
      auto& grounds = reason.source == policy::ReasonSource::identity_policy
                          ? access.identity_grounds
                          : access.key_policy_grounds;
      Ground ground = detail::ground_of(a, variant, reason);
      if (std::find(grounds.begin(), grounds.end(), ground) == grounds.end())
        grounds.push_back(std::move(ground));
    }
    out.push_back(std::move(access));
  }
  return out;
}

} // namespace tfkms::analysis
