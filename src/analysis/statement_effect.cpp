// What one key-policy statement changes: the analysis evaluated again with the statement made to
// match no action, over the same subjects and cells (detail::masked()), and the difference.
#include "analysis/access.hpp"
#include "analysis/analysis_detail.hpp"

#include <algorithm>

namespace tfkms::analysis {

StatementEffect::StatementEffect(KeyAccess analysis, std::size_t statement)
    : m_analysis(std::move(analysis)), m_statement(statement) {}

StatementEffect statement_effect(const KeyAccess& analysis, std::size_t statement) {
  return {analysis, statement};
}

bool StatementEffect::in_policy() const {
  return m_statement < m_analysis.key_policy().document().statements.size();
}

policy::Effect StatementEffect::effect() const {
  return in_policy() ? m_analysis.key_policy().document().statements[m_statement].effect
                     : policy::Effect::allow;
}

const std::vector<Access>& StatementEffect::adds() const {
  if (!m_adds) {
    const detail::Analysis& a = m_analysis.detail();
    m_adds.emplace();
    if (in_policy())
      *m_adds = detail::build_accesses(a, a.tables(), detail::masked(a, m_statement).adds,
                                       policy::Outcome::allowed);
  }
  return *m_adds;
}

const std::vector<Access>& StatementEffect::removes() const {
  if (!m_removes) {
    const detail::Analysis& a = m_analysis.detail();
    m_removes.emplace();
    if (in_policy()) {
      const detail::Core::Masked& masked = detail::masked(a, m_statement);
      *m_removes =
          detail::build_accesses(a, masked.without, masked.removes, policy::Outcome::allowed);
    }
  }
  return *m_removes;
}

bool StatementEffect::changes_nothing() const {
  if (!in_policy())
    return true;
  const detail::Core::Masked& masked = detail::masked(m_analysis.detail(), m_statement);
  return masked.adds.empty() && masked.removes.empty();
}

const std::vector<Ground>& StatementEffect::covered_by() const {
  if (m_covered_by)
    return *m_covered_by;
  m_covered_by.emplace();
  if (!in_policy() || effect() != policy::Effect::allow)
    return *m_covered_by;
  const detail::Analysis& a = m_analysis.detail();
  const detail::Core::Masked& masked = detail::masked(a, m_statement);
  if (!masked.dominating) {
    // Which reasons dominate follows from the core: keys of one shape share the list.
    masked.dominating.emplace();
    const detail::Tables& with = a.tables();
    // Whatever allowed the same (variant, action) rows without the statement dominates it.
    for (std::size_t v = 0; v < a.variants.size(); ++v) {
      std::vector<policy::Reason> seen; // the variant's reasons already taken
      for (std::size_t act = 0; act < a.actions.size(); ++act) {
        const auto& reasons = with.allowing_of(v, act);
        const bool uses_statement =
            std::any_of(reasons.begin(), reasons.end(), [&](const policy::Reason& r) {
              return r.source == policy::ReasonSource::key_policy && r.statement == m_statement;
            });
        if (!uses_statement)
          continue;
        for (const policy::Reason& reason : masked.without.allowing_of(v, act)) {
          if (reason.source == policy::ReasonSource::identity_policy &&
              !a.variants[v].policy_ids[reason.policy])
            continue;
          if (detail::first_sight(seen, reason))
            masked.dominating->emplace_back(v, reason);
        }
      }
    }
  }
  // Grounds name things: each key makes its own.
  for (const auto& [v, reason] : *masked.dominating) {
    Ground ground = detail::ground_of(a, a.variants[v], reason);
    if (std::find(m_covered_by->begin(), m_covered_by->end(), ground) == m_covered_by->end())
      m_covered_by->push_back(std::move(ground));
  }
  return *m_covered_by;
}

} // namespace tfkms::analysis
