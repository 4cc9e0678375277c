// What the analyses of one graph's keys share: every identity policy compiled once, and the classes
// of principals that decide alike. A plan with N team modules has N keys and N roles; analysing
// each key against each role one by one is N² work, while the roles of a team module differ only in
// their names, which most key policies never test.
#include "analysis/access.hpp"
#include "analysis/analysis_detail.hpp"
#include "analysis/subjects.hpp"
#include "policy/policy_source.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace tfkms::analysis {

namespace detail {

namespace {

policy::Document unreadable_document(policy::PolicyKind kind, std::string why) {
  policy::Document document;
  document.kind = kind;
  document.unreadable = true;
  model::Diagnostic diagnostic;
  diagnostic.message = std::move(why);
  document.diagnostics.push_back(std::move(diagnostic));
  return document;
}

std::string waits_on(const model::PolicySource& source) {
  std::string out;
  for (const std::string& ref : source.waits_on)
    out += (out.empty() ? "" : ", ") + ref;
  return out.empty() ? std::string() : " (waits on " + out + ")";
}

} // namespace

policy::Document read_policy(const model::PolicySource& source, policy::PolicyKind kind,
                             const model::Graph& graph, const std::string& what) {
  switch (source.state) {
  case model::PolicySource::State::document:
    return policy::parse_policy(source, kind, graph);
  case model::PolicySource::State::unknown:
    return unreadable_document(kind, what + " is " +
                                         std::string(model::known_only_later(graph.format)) +
                                         waits_on(source));
  case model::PolicySource::State::unreadable:
    return unreadable_document(kind, what + " cannot be read: " + source.error);
  case model::PolicySource::State::absent:
    break;
  }
  return unreadable_document(kind, what + " is absent");
}

bool tells_callers_apart(const policy::Document& document) {
  const auto variable = [&](const model::Value& value) {
    return document.variables_enabled() && value.text.find("${") != std::string::npos;
  };
  for (const policy::Statement& statement : document.statements) {
    for (const policy::ConditionClause& clause : statement.conditions) {
      const std::string_view key = clause.key_lower;
      if (key == "aws:principalarn" || key == "aws:username" || key == "aws:userid" ||
          key.starts_with("aws:principaltag/")) {
        return true;
      }
      if (std::any_of(clause.values.begin(), clause.values.end(), variable))
        return true;
    }
    if (statement.resources &&
        std::any_of(statement.resources->entries.begin(), statement.resources->entries.end(),
                    [&](const policy::PatternEntry& entry) { return variable(entry.value); })) {
      return true;
    }
  }
  return false;
}

bool tells_callers_apart_beyond_names(const policy::Document& document) {
  if (!tells_callers_apart(document))
    return false;
  for (const policy::Statement& statement : document.statements) {
    if (statement.resources &&
        std::any_of(statement.resources->entries.begin(), statement.resources->entries.end(),
                    [](const policy::PatternEntry& entry) {
                      return entry.value.text.find("${") != std::string::npos;
                    })) {
      return true;
    }
    for (const policy::ConditionClause& clause : statement.conditions) {
      const bool arn = clause.key_lower == "aws:principalarn";
      const bool names_whole_arns =
          arn &&
          std::all_of(clause.values.begin(), clause.values.end(), [](const model::Value& value) {
            return value.known() && value.text.find_first_of("*?") == std::string::npos &&
                   value.text.find("${") == std::string::npos;
          });
      if (names_whole_arns)
        continue;
      if (arn || clause.key_lower == "aws:username" || clause.key_lower == "aws:userid" ||
          clause.key_lower.starts_with("aws:principaltag/")) {
        return true;
      }
      if (std::any_of(clause.values.begin(), clause.values.end(), [](const model::Value& value) {
            return value.text.find("${") != std::string::npos;
          })) {
        return true;
      }
    }
  }
  return false;
}

} // namespace detail

namespace {

using detail::Shared;

// The identity policies a principal is evaluated with, its groups' included (as graph_variant()
// takes them).
std::vector<model::PolicyId> policies_of(const model::Graph& graph,
                                         const model::Principal& principal) {
  std::vector<model::PolicyId> ids;
  const auto add = [&](const std::vector<model::PolicyId>& more) {
    for (const model::PolicyId id : more) {
      if (std::find(ids.begin(), ids.end(), id) == ids.end())
        ids.push_back(id);
    }
  };
  add(principal.policies);
  for (const model::PrincipalId group : principal.groups)
    add(graph.principal(group).policies);
  return ids;
}

// Whether identity policy `i` of `origin`'s graph reads the same in the graph deployed from it: no
// reference decided its reading.
bool reads_as_origin(const Shared& shared, const Shared* origin, std::size_t i) {
  return origin != nullptr && i < origin->identity_policies.size() &&
         origin->identity_policies[i] &&
         shared.graph->policies[i].document.state == model::PolicySource::State::document &&
         !origin->identity_policies[i]->document().names_references;
}

// `origin`: the shared part of the graph `shared.graph` was made from by deployed_to(), or null.
// True when every identity policy is origin's as it is (absent where origin's is).
bool compile_identity_policies(Shared& shared, const Shared* origin) {
  const model::Graph& graph = *shared.graph;
  shared.identity_policies.resize(graph.policies.size());
  bool all_as_origin =
      origin != nullptr && origin->identity_policies.size() == graph.policies.size();
  for (std::size_t i = 0; i < graph.policies.size(); ++i) {
    const model::IdentityPolicy& source = graph.policies[i];
    // An AWS managed policy tfkms's table does not know grants no KMS action
    // (model/aws_managed.hpp).
    if (source.document.state == model::PolicySource::State::absent) {
      all_as_origin = all_as_origin && !origin->identity_policies[i];
      continue;
    }
    const bool same_as_origin = reads_as_origin(shared, origin, i);
    all_as_origin = all_as_origin && same_as_origin;
    const std::string name = source.name.empty() ? source.source.name() : source.name;
    shared.identity_policies[i].emplace(
        same_as_origin ? *origin->identity_policies[i]
                       : policy::compile(detail::read_policy(source.document,
                                                             policy::PolicyKind::identity_policy,
                                                             graph, "identity policy " + name)));
  }
  // The same documents have the same shapes and traits: origin's are taken as they are.
  if (all_as_origin) {
    shared.policy_shapes = origin->policy_shapes;
    shared.policy_tells_apart = origin->policy_tells_apart;
    shared.policy_any_resource = origin->policy_any_resource;
    return true;
  }
  shared.policy_shapes.assign(graph.policies.size(), 0);
  shared.policy_tells_apart.assign(graph.policies.size(), false);
  shared.policy_any_resource.assign(graph.policies.size(), false);
  std::unordered_map<std::string, std::size_t> shapes;
  for (std::size_t i = 0; i < graph.policies.size(); ++i) {
    if (!shared.identity_policies[i])
      continue;
    const policy::Document& document = shared.identity_policies[i]->document();
    shared.policy_shapes[i] =
        shapes.try_emplace(detail::policy_shape(document), shapes.size()).first->second;
    shared.policy_tells_apart[i] = detail::tells_callers_apart(document);
    shared.policy_any_resource[i] = detail::only_any_resource(document);
  }
  return false;
}

// The JSON text of identity policy `id`, written once: a managed policy is attached to many
// principals, and the graph deployed from `origin` holds the same documents (Graph::deployed_to).
const std::string& policy_text(Shared& shared, const Shared* origin, model::PolicyId id) {
  const auto i = static_cast<std::size_t>(id);
  std::optional<std::string>& text = shared.policy_texts[i];
  if (!text) {
    if (origin != nullptr && i < origin->policy_texts.size() && origin->policy_texts[i])
      text = origin->policy_texts[i];
    else
      text = shared.graph->policy(id).document.document.dump();
  }
  return *text;
}

// Principals decide alike when everything decide() reads of them but their name is the same: kind,
// // account, and the text of each identity policy, in order. Policies that test the caller's name
// or tags, use policy variables (${aws:username}), or are not known keep their principal in a class
// of its own.
void classify_principals(Shared& shared, const Shared* origin) {
  const model::Graph& graph = *shared.graph;
  std::unordered_map<std::string, std::size_t> classes;
  std::vector<std::vector<model::PrincipalId>> members; // by class
  shared.classes.assign(graph.principals.size(), detail::k_own_class);
  shared.policy_texts.resize(graph.policies.size());
  for (std::size_t i = 0; i < graph.principals.size(); ++i) {
    const model::Principal& principal = graph.principals[i];
    if (principal.kind == model::PrincipalKind::group)
      continue;
    std::string signature =
        std::to_string(static_cast<int>(principal.kind)) + '\0' + shared.accounts[i] + '\0';
    bool own = false;
    // A boundary decides too: principals with different ones never share a class.
    std::vector<model::PolicyId> deciding = policies_of(graph, principal);
    if (principal.permissions_boundary) {
      signature += "boundary";
      deciding.push_back(*principal.permissions_boundary);
    }
    for (const model::PolicyId id : deciding) {
      const auto& compiled = shared.identity_policies[static_cast<std::size_t>(id)];
      if (!compiled)
        continue; // absent: grants nothing
      const model::PolicySource& source = graph.policy(id).document;
      if (source.state != model::PolicySource::State::document || compiled->document().unreadable ||
          detail::tells_callers_apart(compiled->document())) {
        own = true;
        break;
      }
      signature += policy_text(shared, origin, id);
      signature += '\0';
    }
    const auto id = static_cast<model::PrincipalId>(i);
    if (own) {
      shared.own_class_callers.push_back(id);
      continue;
    }
    const std::size_t principal_class =
        classes.try_emplace(std::move(signature), classes.size()).first->second;
    shared.classes[i] = principal_class;
    if (principal_class == members.size())
      members.emplace_back();
    members[principal_class].push_back(id);
  }
  for (std::vector<model::PrincipalId>& list : members)
    shared.class_members.emplace_back(std::move(list));
}

// Whether the graph deployed from `origin` gives its principals the accounts origin's have, renamed
// one for one: none is in the deployment account already, where "this account" would join it.
bool accounts_renamed_one_for_one(const Shared& shared, const Shared& origin) {
  std::unordered_map<std::string_view, std::string_view> renamed;
  std::unordered_map<std::string_view, std::string_view> renamed_from;
  for (std::size_t i = 0; i < shared.accounts.size(); ++i) {
    const std::string_view before = origin.accounts[i];
    const std::string_view after = shared.accounts[i];
    if (renamed.try_emplace(before, after).first->second != after ||
        renamed_from.try_emplace(after, before).first->second != before)
      return false;
  }
  return true;
}

// The classes of principals that decide alike. `policies_as_origin`: every identity policy reads as
// in `origin` (compile_identity_policies()). Principals of the deployed graph then compare as
// origin's did, their accounts renamed one for one: origin's classes are taken as they are.
void find_classes(Shared& shared, const Shared* origin, bool policies_as_origin) {
  if (policies_as_origin && accounts_renamed_one_for_one(shared, *origin)) {
    shared.classes = origin->classes;
    shared.class_members = origin->class_members;
    shared.own_class_callers = origin->own_class_callers;
    return;
  }
  classify_principals(shared, origin);
}

std::shared_ptr<const Shared> share(const model::Graph& graph, const Shared* origin) {
  auto shared = std::make_shared<Shared>();
  shared->graph = &graph;
  const bool policies_as_origin = compile_identity_policies(*shared, origin);
  shared->allows_all = policy::compile(policy::parse_document(
      nlohmann::json::parse(
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"),
      policy::PolicyKind::identity_policy, model::NoSymbols{}));
  for (std::size_t i = 0; i < graph.principals.size(); ++i) {
    const auto id = static_cast<model::PrincipalId>(i);
    const model::Principal& principal = graph.principals[i];
    shared->arns.push_back(principal_arn(graph, id));
    shared->labels.push_back(member_label(graph, id));
    shared->accounts.push_back(model::resolve_value(graph.account_of(principal), graph).text);
    if (principal.kind == model::PrincipalKind::group)
      continue;
    shared->by_arn.try_emplace(shared->arns.back(), id);
    const std::string& account = shared->accounts.back();
    if (!account.empty() &&
        std::find(shared->distinct_accounts.begin(), shared->distinct_accounts.end(), account) ==
            shared->distinct_accounts.end()) {
      shared->distinct_accounts.push_back(account);
    }
  }
  find_classes(*shared, origin, policies_as_origin);
  shared->organization.emplace(graph);
  shared->grants_by_key.resize(graph.keys.size());
  for (std::size_t i = 0; i < graph.grants.size(); ++i) {
    const model::Grant& grant = graph.grants[i];
    if (grant.key.kind == model::KeyRef::Kind::node && grant.key.key) {
      shared->grants_by_key.at(static_cast<std::size_t>(*grant.key.key)).push_back(i);
    }
  }
  return shared;
}

} // namespace

GraphAccess::GraphAccess(const model::Graph& graph) : m_shared(share(graph, nullptr)) {}

GraphAccess::GraphAccess(const model::Graph& graph, const GraphAccess& origin)
    : m_shared(share(graph, origin.m_shared.get())) {}

const policy::CompiledPolicy* GraphAccess::identity_policy(model::PolicyId id) const {
  const auto& compiled = m_shared->identity_policies.at(static_cast<std::size_t>(id));
  return compiled ? &*compiled : nullptr;
}

const std::string& GraphAccess::member_label(model::PrincipalId member) const {
  return m_shared->labels.at(static_cast<std::size_t>(member));
}

KeyAccess analyze_key(const model::Graph& graph, model::KeyId key) {
  return GraphAccess(graph).analyze(key);
}

std::string node_label(const model::Graph& graph, std::string name, const model::SourceRef& where) {
  if (graph.inputs.size() > 1 && !where.file.empty())
    name += " in " + where.file;
  return name;
}

std::string member_label(const model::Graph& graph, model::PrincipalId member) {
  const model::Principal& principal = graph.principal(member);
  return node_label(graph,
                    principal.source.name().empty() ? principal_arn(graph, member)
                                                    : principal.source.name(),
                    principal.source);
}

namespace {

// `ground` restated for `member` of `subject`: the member's own variant and the reason at the same
// place in it. None when `ground` is not a statement of one of the subject's first principal's
// policies.
struct MemberReason {
  detail::Variant own;
  policy::Reason reason;
};

// The position of `ground`'s policy among the policies of the subject's first principal; none when
// `ground` is not a statement of one of them.
std::optional<std::uint16_t> policy_position(const detail::Analysis& a, std::size_t subject,
                                             const Ground& ground) {
  if (ground.source != policy::ReasonSource::identity_policy || !ground.policy)
    return std::nullopt;
  // The subject's own variant is its first principal's (build_variants()).
  const detail::Variant& first = a.variants.at(detail::variants_of(a, subject).at(0));
  const auto position = std::find(first.policy_ids.begin(), first.policy_ids.end(), ground.policy);
  if (position == first.policy_ids.end())
    return std::nullopt;
  return static_cast<std::uint16_t>(position - first.policy_ids.begin());
}

std::optional<MemberReason> member_reason(const detail::Analysis& a, std::size_t subject,
                                          const Ground& ground, model::PrincipalId member) {
  const auto position = policy_position(a, subject, ground);
  if (!position)
    return std::nullopt;
  MemberReason out{detail::graph_variant(a, subject, member), {}};
  out.reason.kind = ground.kind;
  out.reason.source = ground.source;
  out.reason.policy = *position;
  out.reason.statement = static_cast<std::uint16_t>(ground.statement);
  if (out.reason.policy >= out.own.policies.size())
    return std::nullopt;
  return out;
}

} // namespace

Ground member_ground(const KeyAccess& analysis, std::size_t subject, const Ground& ground,
                     model::PrincipalId member) {
  const auto restated = member_reason(analysis.detail(), subject, ground, member);
  return restated ? detail::ground_of(analysis.detail(), restated->own, restated->reason) : ground;
}

std::optional<model::PolicyId> member_policy(const KeyAccess& analysis, std::size_t subject,
                                             const Ground& ground, model::PrincipalId member) {
  const detail::Analysis& a = analysis.detail();
  const auto position = policy_position(a, subject, ground);
  if (!position)
    return ground.policy;
  // Only the member's policies are read: looking up its organisation chain, as member_ground()
  // needs, cost more than the rest of this.
  std::optional<model::PolicyId> found;
  std::size_t at = 0;
  detail::for_each_identity_policy(a, member,
                                   [&](model::PolicyId policy_id, const policy::CompiledPolicy&) {
                                     if (at++ < *position)
                                       return true;
                                     found = policy_id;
                                     return false;
                                   });
  return found ? found : ground.policy;
}

} // namespace tfkms::analysis
