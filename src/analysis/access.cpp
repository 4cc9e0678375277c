// analyze_key(): compiles the key policy, the identity policies of the graph's principals and the
// key's grants, collects the subjects and the request space, and fills the decision tables.
#include "analysis/access.hpp"

#include "analysis/analysis_detail.hpp"
#include "analysis/subjects.hpp"

#include <algorithm>

namespace tfkms::analysis {

namespace {

using detail::Analysis;
using detail::Identity;
using detail::Variant;

void compile_key_policy(Analysis& a, const KeyAccess* origin) {
  const model::Key& key = a.graph->key(a.key);
  // The origin read the same policy text (Graph::deployed_to copies it): when no reference decided
  // that reading, this graph's symbols read it alike.
  if (origin != nullptr && key.policy.state == model::PolicySource::State::document &&
      !origin->key_policy().document().names_references) {
    a.key_policy = origin->key_policy();
    a.key_policy_known = origin->key_policy_known();
    a.key_policy_problem = origin->detail().key_policy_problem;
    return;
  }
  policy::Document document;
  if (key.policy.state == model::PolicySource::State::absent) {
    // No policy: AWS applies the default key policy (kms-reference §6).
    document = policy::parse_document(model::default_key_policy(a.partition, a.key_account),
                                      policy::PolicyKind::key_policy, *a.graph);
  } else {
    document =
        detail::read_policy(key.policy, policy::PolicyKind::key_policy, *a.graph, "the key policy");
  }
  // A policy AWS refuses is never in place: nothing is reasoned from it (TFKMS011 reports it).
  if (document.rejected()) {
    a.key_policy_known = false;
    const model::Diagnostic* error = document.first_error();
    a.key_policy_problem = error ? error->message : "the key policy cannot be read";
  }
  a.key_policy = policy::compile(std::move(document));
}

void compile_grants(Analysis& a) {
  for (const std::size_t i : a.shared->grants_by_key.at(static_cast<std::size_t>(a.key))) {
    a.grants.push_back(policy::compile(policy::grant_spec(a.graph->grants[i], *a.graph)));
    a.grant_index.push_back(i);
  }
}

void build_variants(Analysis& a) {
  // At most two variants a subject: sized once, not moved as they come.
  a.variants.reserve(2 * a.subjects.size());
  a.subject_variants.resize(a.subjects.size());
  const auto add = [&](Variant variant) {
    a.subject_variants[variant.subject].push_back(a.variants.size());
    a.variants.push_back(std::move(variant));
  };
  for (std::size_t s = 0; s < a.subjects.size(); ++s) {
    const Subject& subject = a.subjects[s];
    if (subject.principal) {
      add(detail::graph_variant(a, s, *subject.principal));
      continue;
    }
    // A service principal has no account, and no SCP applies to it [ORG-SCP].
    const NamedChain* chain = detail::chain_of(
        a, subject.kind == SubjectKind::service ? std::string() : subject.account, std::nullopt);
    add(Variant{s, Identity::none, {}, {}, chain});
    // The root user and service principals need no identity policy (kms-reference §3.2, §3.5).
    if (subject.kind == SubjectKind::account_root || subject.kind == SubjectKind::service)
      continue;
    add(Variant{s, Identity::allows_all, {&a.shared->allows_all}, {std::nullopt}, chain});
  }
}

void fix_key_context(Analysis& a) {
  const model::Key& key = a.graph->key(a.key);
  a.fixed_context = {{"kms:KeySpec", {key.key_spec}},
                     {"kms:KeyUsage", {key.key_usage}},
                     {"kms:KeyOrigin", {key.origin}},
                     {"kms:MultiRegion", {key.multi_region ? "true" : "false"}}};
  if (key.multi_region) {
    a.fixed_context.push_back(
        {"kms:MultiRegionKeyType", {key.kind == model::KeyKind::replica ? "REPLICA" : "PRIMARY"}});
  }
}

} // namespace

const detail::AnalysedActions& detail::analysed_actions() {
  static const AnalysedActions table = [] {
    AnalysedActions out;
    for (const ActionClass action_class : k_action_classes) {
      for (const std::string_view action : actions_of(action_class)) {
        const auto index = policy::find_action(action);
        if (!index || std::find(out.names.begin(), out.names.end(), action) != out.names.end())
          continue;
        out.names.push_back(action);
        out.indexes.push_back(*index);
      }
    }
    for (const ActionClass action_class : k_action_classes) {
      std::vector<std::size_t>& positions = out.by_class.emplace_back();
      for (const std::string_view action : actions_of(action_class)) {
        const auto it = std::find(out.names.begin(), out.names.end(), action);
        if (it != out.names.end())
          positions.push_back(static_cast<std::size_t>(it - out.names.begin()));
      }
    }
    return out;
  }();
  return table;
}

KeyAccess::KeyAccess(std::shared_ptr<const detail::Analysis> analysis)
    : m_analysis(std::move(analysis)) {}

const model::Graph& KeyAccess::graph() const { return *m_analysis->graph; }
model::KeyId KeyAccess::key() const { return m_analysis->key; }
const std::string& KeyAccess::key_account() const { return m_analysis->key_account; }
const std::vector<Subject>& KeyAccess::subjects() const { return m_analysis->subjects; }
namespace {

// The allowed then the unknown accesses of every subject or of `only_subject`, by subject then
// class.
std::vector<Access> build_all_accesses(const detail::Analysis& a,
                                       std::optional<std::size_t> only_subject) {
  std::vector<Access> out = detail::build_accesses(a, a.tables(), a.core->allowed,
                                                   policy::Outcome::allowed, only_subject);
  auto unknowns = detail::build_accesses(a, a.tables(), a.core->unknown, policy::Outcome::unknown,
                                         only_subject);
  out.insert(out.end(), std::make_move_iterator(unknowns.begin()),
             std::make_move_iterator(unknowns.end()));
  std::stable_sort(out.begin(), out.end(), [](const Access& x, const Access& y) {
    return std::pair(x.subject, x.action_class) < std::pair(y.subject, y.action_class);
  });
  return out;
}

} // namespace

const std::vector<Access>& KeyAccess::accesses() const {
  const detail::Analysis& a = *m_analysis;
  // Built on first use: a rule may need only the tables (an analysis made to test one statement).
  if (!a.accesses)
    a.accesses.emplace(build_all_accesses(a, std::nullopt));
  return *a.accesses;
}

std::span<const Access> KeyAccess::accesses_of(std::size_t subject) const {
  const detail::Analysis& a = *m_analysis;
  if (a.accesses) {
    const auto found = std::ranges::equal_range(*a.accesses, subject, {}, &Access::subject);
    return {found.begin(), found.end()};
  }
  // One subject's accesses are what a rule about some subjects needs: building every subject's,
  // with the text of each ground, would cost the most of the rules for keys many subjects reach.
  a.subject_accesses.resize(a.subjects.size());
  std::optional<std::vector<Access>>& built = a.subject_accesses.at(subject);
  if (!built)
    built.emplace(build_all_accesses(a, subject));
  return *built;
}
const policy::CompiledPolicy& KeyAccess::key_policy() const { return m_analysis->key_policy; }
bool KeyAccess::key_policy_known() const { return m_analysis->key_policy_known; }
const std::vector<std::string>& KeyAccess::notes() const { return m_analysis->notes; }
const std::vector<std::string>& KeyAccess::unapplied() const { return m_analysis->unapplied; }
const NamedChain* detail::chain_of(const Analysis& a, const std::string& caller_account,
                                   std::optional<model::PrincipalId> principal) {
  const policy::CompiledPolicy* boundary = nullptr;
  std::string_view boundary_name; // the graph's
  if (principal) {
    if (const auto id = a.graph->principal(*principal).permissions_boundary) {
      // An AWS managed boundary tfkms's table does not know is not applied: that finds more access.
      const auto& compiled = a.shared->identity_policies[static_cast<std::size_t>(*id)];
      if (compiled)
        boundary = &*compiled;
      const model::IdentityPolicy& policy = a.graph->policy(*id);
      boundary_name = policy.name.empty() ? policy.source.name() : policy.name;
    }
  }
  // RCPs "do not apply to AWS managed keys" [KMS-RCP].
  const bool aws_managed = a.graph->key(a.key).kind == model::KeyKind::aws_managed;
  return a.shared->organization->chain(caller_account, aws_managed ? std::string() : a.key_account,
                                       boundary, boundary_name);
}

detail::Variant detail::graph_variant(const Analysis& a, std::size_t subject,
                                      model::PrincipalId id) {
  Variant variant;
  variant.subject = subject;
  variant.identity = Identity::graph;
  variant.chain = chain_of(a, a.shared->accounts[static_cast<std::size_t>(id)], id);
  add_identity_policies(a, id, variant);
  return variant;
}

void detail::add_identity_policies(const Analysis& a, model::PrincipalId id, Variant& variant) {
  for_each_identity_policy(a, id,
                           [&](model::PolicyId policy_id, const policy::CompiledPolicy& compiled) {
                             if (std::find(variant.policy_ids.begin(), variant.policy_ids.end(),
                                           policy_id) == variant.policy_ids.end()) {
                               variant.policies.push_back(&compiled);
                               variant.policy_ids.emplace_back(policy_id);
                             }
                             return true;
                           });
}

bool KeyAccess::has_access(ActionClass action_class) const {
  for (std::size_t s = 0; s < m_analysis->subjects.size(); ++s) {
    if (has_access(s, action_class))
      return true;
  }
  return false;
}

bool KeyAccess::has_access(std::size_t subject, ActionClass action_class) const {
  const detail::Analysis& a = *m_analysis;
  const auto position =
      std::find(std::begin(k_action_classes), std::end(k_action_classes), action_class) -
      std::begin(k_action_classes);
  for (const std::size_t act :
       detail::analysed_actions().by_class[static_cast<std::size_t>(position)]) {
    const std::size_t row = a.row_index(subject, act);
    if (a.core->allowed.has_member(row) || a.core->unknown.has_member(row))
      return true;
  }
  return false;
}

std::string KeyAccess::text(const Access& access) const {
  return detail::describe_access(*m_analysis, access);
}

std::vector<const Access*> KeyAccess::of(ActionClass action_class) const {
  std::vector<const Access*> out;
  for (const Access& access : accesses()) {
    if (access.action_class == action_class)
      out.push_back(&access);
  }
  return out;
}

KeyAccess GraphAccess::analyze(model::KeyId key_id, const KeyAccess* origin) const {
  const model::Graph& graph = *m_shared->graph;
  auto a = std::make_shared<Analysis>();
  a->shared = m_shared;
  a->graph = &graph;
  a->key = key_id;
  a->partition = graph.partition;
  const model::Key& key = graph.key(key_id);
  const std::string& owner = graph.account_of(key);
  const model::Value account = model::resolve_value(owner.empty() ? graph.account : owner, graph);
  a->key_account = account.known() ? account.text : graph.account;
  const model::Value arn = model::resolve_value(key.arn, graph);
  a->key_arn = arn.known() && arn.text.starts_with("arn:")
                   ? arn.text
                   : "arn:" + graph.partition + ":kms:" +
                         (graph.region.empty() ? std::string(model::k_this_region) : graph.region) +
                         ":" + a->key_account + ":key/" + key.source.address;

  compile_key_policy(*a, origin);
  compile_grants(*a);

  SubjectInputs inputs;
  inputs.shared = m_shared.get();
  inputs.key_account = a->key_account;
  inputs.partition = a->partition;
  inputs.key_policy = a->key_policy_known ? &a->key_policy.document() : nullptr;
  inputs.grants = &a->grants;
  inputs.organization = m_shared->organization->documents();
  a->subjects = collect_subjects(inputs);
  build_variants(*a);
  fix_key_context(*a);
  a->actions = detail::analysed_actions().names;
  a->action_indexes = detail::analysed_actions().indexes;
  a->core = detail::core_for(*a);
  a->notes = a->core->notes;
  // Session policies are set when a role is assumed: no input shows them.
  a->unapplied = a->shared->organization->unresolved(a->key_account);
  a->notes.insert(a->notes.end(), a->unapplied.begin(), a->unapplied.end());
  return KeyAccess(std::move(a));
}

} // namespace tfkms::analysis
