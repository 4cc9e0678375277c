// Where the organisation policies of a graph apply (docs/evaluation-chain.md, "The chain from the
// inputs"). A policy from the configuration applies to the analysed account at its level. A policy
// from an input applies to an account it is attached to directly or through the organisation root;
// one attached to an OU, or to a target known only after apply, may or may not apply: it is not
// applied, and unresolved() names it so that every finding can say it holds unless that policy
// applies. Applying it instead could hide a finding AWS would confirm.
#include "analysis/organization.hpp"

#include "analysis/analysis_detail.hpp"
#include "policy/match.hpp"

#include <algorithm>

namespace tfkms::analysis {

namespace {

constexpr std::size_t k_full_access = static_cast<std::size_t>(-1);

policy::PolicyKind kind_of(model::OrganizationPolicyType type) {
  return type == model::OrganizationPolicyType::service_control
             ? policy::PolicyKind::service_control_policy
             : policy::PolicyKind::resource_control_policy;
}

std::string_view word(model::OrganizationPolicyType type) {
  return type == model::OrganizationPolicyType::service_control ? "SCP" : "RCP";
}

std::string statement_text(const policy::CompiledPolicy* compiled, std::size_t index) {
  std::string out = "statement " + std::to_string(index);
  if (compiled == nullptr)
    return out;
  for (const policy::Statement& statement : compiled->document().statements) {
    if (statement.index != index)
      continue;
    if (statement.sid && !statement.sid->empty())
      out += " (Sid \"" + *statement.sid + "\")";
    break;
  }
  return out;
}

std::string verb(const policy::Reason& reason) {
  switch (reason.kind) {
  case policy::ReasonKind::denies:
    return " denies it";
  case policy::ReasonKind::depends_on_unknown:
    return " may deny it (it depends on a value not known yet)";
  case policy::ReasonKind::unreadable_policy:
    return " cannot be read";
  default:
    return "";
  }
}

} // namespace

OrganizationChains::OrganizationChains(const model::Graph& graph) : m_graph(&graph) {
  const model::Value account = model::resolve_value(graph.account, graph);
  m_account = account.known() ? account.text : graph.account;
  for (const model::OrganizationPolicy& source : graph.organization_policies) {
    const std::string what = std::string(word(source.type)) + " " + source.name;
    policy::Document document =
        detail::read_policy(source.document, kind_of(source.type), graph, what);
    // A policy AWS refuses is never in place (TFKMS011 reports it); an unknown one stays unknown.
    m_refused.push_back(!document.unreadable && document.rejected());
    m_compiled.push_back(policy::compile(std::move(document)));
  }
  m_full_access = policy::compile(policy::parse_document(
      nlohmann::json::parse(
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"),
      policy::PolicyKind::service_control_policy, model::NoSymbols{}));
}

std::optional<bool> OrganizationChains::applies(std::size_t index,
                                                const std::string& account) const {
  const model::OrganizationPolicy& policy = m_graph->organization_policies[index];
  bool unresolved = false;
  for (const std::string& target : policy.targets) {
    const model::Value value = model::resolve_value(target, *m_graph);
    if (!value.known()) {
      unresolved = true;
      continue;
    }
    // The root holds every account of the organisation [ORG-SCP]; the management account is the
    // exception tfkms cannot see (docs/evaluation-chain.md).
    if (value.text == account || value.text.starts_with("r-"))
      return true;
    if (!policy::is_account_id(value.text))
      unresolved = true; // an OU: its accounts are not shown
  }
  if (unresolved)
    return std::nullopt;
  return false;
}

std::vector<OrganizationChains::Level>
OrganizationChains::levels(model::OrganizationPolicyType type, const std::string& account) const {
  std::vector<Level> out;
  Level inputs;
  for (std::size_t i = 0; i < m_compiled.size(); ++i) {
    const model::OrganizationPolicy& policy = m_graph->organization_policies[i];
    if (policy.type != type || m_refused[i])
      continue;
    if (policy.configured_level) {
      if (account != m_account)
        continue;
      if (out.size() <= *policy.configured_level)
        out.resize(*policy.configured_level + 1);
      out[*policy.configured_level].policies.push_back(i);
    } else if (applies(i, account) == true) {
      inputs.policies.push_back(i);
    }
  }
  if (!inputs.policies.empty()) {
    // An input shows what it attaches, not what else is attached at that level: FullAWSAccess is
    // taken to be there too, so only the Deny statements of its SCPs count. That finds more access,
    // never less (RCPs: RCPFullAWSAccess is always there [ORG-RCP]).
    if (type == model::OrganizationPolicyType::service_control)
      inputs.policies.insert(inputs.policies.begin(), k_full_access);
    out.push_back(std::move(inputs));
  }
  return out;
}

const NamedChain* OrganizationChains::chain(const std::string& caller_account,
                                            const std::string& key_account,
                                            const policy::CompiledPolicy* boundary,
                                            std::string_view boundary_name) const {
  // Most inputs show no organisation policy: then only a boundary makes a chain, and every caller
  // of every key would look up the same empty one.
  if (boundary == nullptr && m_compiled.empty())
    return nullptr;
  const auto found =
      m_by_key.find(std::tuple<std::string_view, std::string_view, const policy::CompiledPolicy*>(
          caller_account, key_account, boundary));
  if (found != m_by_key.end())
    return found->second;
  NamedChain named;
  const auto fill = [&](model::OrganizationPolicyType type, const std::string& account,
                        std::vector<std::vector<policy::CompiledPolicy>>& levels,
                        std::vector<std::vector<std::string>>& names) {
    for (const Level& level : this->levels(type, account)) {
      auto& documents = levels.emplace_back();
      auto& level_names = names.emplace_back();
      for (const std::size_t i : level.policies) {
        documents.push_back(i == k_full_access ? m_full_access : m_compiled[i]);
        level_names.push_back(i == k_full_access ? "FullAWSAccess"
                                                 : m_graph->organization_policies[i].name);
      }
    }
  };
  // SCPs are the caller's account's; a service principal has none [ORG-SCP].
  if (!caller_account.empty())
    fill(model::OrganizationPolicyType::service_control, caller_account, named.chain.scps,
         named.scp_names);
  if (!key_account.empty())
    fill(model::OrganizationPolicyType::resource_control, key_account, named.chain.rcps,
         named.rcp_names);
  if (boundary != nullptr) {
    named.chain.permission_boundary = *boundary;
    named.boundary_name = boundary_name;
  }
  const NamedChain* out = nullptr;
  if (!named.chain.empty()) {
    named.id = m_chains.size();
    out = &m_chains.emplace_back(std::move(named));
  }
  m_by_key.emplace(std::make_tuple(caller_account, key_account, boundary), out);
  return out;
}

std::vector<const policy::Document*> OrganizationChains::documents() const {
  std::vector<const policy::Document*> out;
  for (std::size_t i = 0; i < m_compiled.size(); ++i) {
    if (!m_refused[i])
      out.push_back(&m_compiled[i].document());
  }
  return out;
}

std::vector<std::string> OrganizationChains::unresolved(const std::string& account) const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < m_compiled.size(); ++i) {
    const model::OrganizationPolicy& policy = m_graph->organization_policies[i];
    const std::string what = std::string(word(policy.type)) + " " + policy.name;
    if (m_refused[i]) {
      out.push_back(what + " is not applied: AWS would refuse it (TFKMS011)");
      continue;
    }
    if (policy.configured_level || applies(i, account).has_value())
      continue;
    std::string targets;
    // Account ids are resolved (another account); only the targets left open are named.
    for (const std::string& target : policy.targets) {
      const model::Value value = model::resolve_value(target, *m_graph);
      if (value.known() && policy::is_account_id(value.text))
        continue;
      targets += (targets.empty() ? "" : ", ") + model::display(target);
    }
    out.push_back(what + " is not applied: it is attached to " + targets +
                  ", and the input does not show whether " + "account " + account +
                  " is there; what this finds holds unless it applies");
  }
  return out;
}

std::string OrganizationChains::describe(const policy::Reason& reason, const NamedChain& named) {
  const auto level_policy = [&](const std::vector<std::vector<policy::CompiledPolicy>>& levels,
                                const std::vector<std::vector<std::string>>& names)
      -> std::pair<std::string, const policy::CompiledPolicy*> {
    if (reason.level >= names.size() || reason.policy >= names[reason.level].size())
      return {"", nullptr};
    return {names[reason.level][reason.policy], &levels[reason.level][reason.policy]};
  };
  switch (reason.source) {
  case policy::ReasonSource::scp: {
    if (reason.kind == policy::ReasonKind::not_allowed_by) {
      std::string names;
      if (reason.level < named.scp_names.size()) {
        for (const std::string& name : named.scp_names[reason.level])
          names += (names.empty() ? "" : ", ") + name;
      }
      return "no SCP of level " + std::to_string(reason.level) + " (" + names + ") allows it";
    }
    const auto [name, compiled] = level_policy(named.chain.scps, named.scp_names);
    return "SCP " + name + " " + statement_text(compiled, reason.statement) + verb(reason);
  }
  case policy::ReasonSource::rcp: {
    const auto [name, compiled] = level_policy(named.chain.rcps, named.rcp_names);
    return "RCP " + name + " " + statement_text(compiled, reason.statement) + verb(reason);
  }
  case policy::ReasonSource::permission_boundary: {
    const policy::CompiledPolicy* compiled =
        named.chain.permission_boundary ? &*named.chain.permission_boundary : nullptr;
    if (reason.kind == policy::ReasonKind::not_allowed_by)
      return "permissions boundary " + named.boundary_name + " allows none of it";
    return "permissions boundary " + named.boundary_name + " " +
           statement_text(compiled, reason.statement) + verb(reason);
  }
  default:
    break;
  }
  return policy::describe(reason, nullptr, {}, &named.chain);
}

} // namespace tfkms::analysis
