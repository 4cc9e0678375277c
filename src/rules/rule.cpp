#include "rules/rule.hpp"

#include "policy/match.hpp"

#include <algorithm>

namespace tfkms::rules {

void FindingSink::report(Finding&& finding, const model::SourceRef& where) {
  finding.resource = where.name();
  if (finding.file.empty())
    finding.file = where.file;
  if (!finding.line) {
    finding.line = where.line;
    finding.column = where.column;
  }
  m_findings.emplace_back(std::move(finding), where.address);
}

RuleContext::RuleContext(const RuleContext& origin, const std::string& account,
                         const Config& config_)
    : graph(origin.deployed(account).graph), config(config_), m_origin(&origin),
      m_account(account) {}

const analysis::GraphAccess& RuleContext::graph_access() const {
  if (m_origin != nullptr)
    return *m_origin->deployed(m_account).access;
  if (!m_graph_access)
    m_graph_access.emplace(graph);
  return *m_graph_access;
}

RuleContext::Deployed& RuleContext::deployed(const std::string& account) const {
  auto found = m_deployed.find(account);
  if (found == m_deployed.end()) {
    auto made = std::make_unique<Deployed>();
    made->graph = graph.deployed_to(account);
    made->access.emplace(made->graph, graph_access());
    found = m_deployed.emplace(account, std::move(made)).first;
  }
  return *found->second;
}

const analysis::KeyAccess& RuleContext::access(model::KeyId key) const {
  if (m_origin != nullptr)
    return m_origin->access_if_deployed_to(key, m_account);
  auto found = m_access.find(key);
  if (found == m_access.end())
    found = m_access.emplace(key, graph_access().analyze(key)).first;
  return found->second;
}

const analysis::KeyAccess* RuleContext::access_if_made(model::KeyId key) const {
  if (m_origin != nullptr) {
    const auto made = m_origin->m_deployed_access.find({m_account, key});
    return made == m_origin->m_deployed_access.end() ? nullptr : &made->second;
  }
  const auto found = m_access.find(key);
  return found == m_access.end() ? nullptr : &found->second;
}

void RuleContext::release_access() const {
  m_access.clear();
  m_deployed_access.clear();
}

std::vector<std::string>
RuleContext::possible_own_accounts(const analysis::KeyAccess& access) const {
  std::vector<std::string> accounts;
  if (own_account() != model::k_this_account)
    return accounts;
  for (const analysis::Subject& subject : access.subjects()) {
    // The any_account subject's id stands for every account nothing names: no input deploys to it.
    if (subject.kind == analysis::SubjectKind::any_account)
      continue;
    if (!subject.key_account && policy::is_account_id(subject.account) &&
        subject.account != model::k_this_account &&
        std::find(accounts.begin(), accounts.end(), subject.account) == accounts.end()) {
      accounts.push_back(subject.account);
    }
  }
  std::sort(accounts.begin(), accounts.end());
  return accounts;
}

const analysis::KeyAccess& RuleContext::access_if_deployed_to(model::KeyId key,
                                                              const std::string& account) const {
  if (const auto cached = m_deployed_access.find({account, key}); cached != m_deployed_access.end())
    return cached->second;
  return m_deployed_access
      .emplace(std::pair(account, key), deployed(account).access->analyze(key, &access(key)))
      .first->second;
}

std::string RuleContext::own_account() const {
  if (graph.account != model::k_this_account)
    return graph.account;
  if (config.account_id)
    return *config.account_id;
  return std::string(model::k_this_account);
}

bool RuleContext::is_internal(std::string_view account) const {
  return account == own_account() || graph.account == account || config.is_trusted(account);
}

bool RuleContext::is_external(std::string_view account) const {
  if (account == model::k_this_account || account.empty() || is_internal(account))
    return false;
  if (own_account() != model::k_this_account)
    return true;
  return config.own_account_unnamed && policy::is_account_id(account);
}

} // namespace tfkms::rules
