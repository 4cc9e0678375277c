// What one key-policy statement changes: the analysis evaluated again with the statement made to
// match no action, over the same subjects and cells, and the difference.
#include <algorithm>

#include "analysis/access.hpp"
#include "analysis/analysis_detail.hpp"

namespace tfkms::analysis {

StatementEffect statement_effect(const KeyAccess& analysis, std::size_t statement) {
  const detail::Analysis& a = analysis.detail();
  StatementEffect effect;
  effect.statement = statement;
  const policy::Document& document = a.key_policy.document();
  if (statement >= document.statements.size()) return effect;
  effect.sid = document.statements[statement].sid;
  effect.effect = document.statements[statement].effect;

  // The statement is still there (indexes unchanged) but can no longer apply.
  const policy::CompiledPolicy masked = policy::without_statement(a.key_policy, statement);
  const detail::Tables without = detail::evaluate(a, masked, a.variants, {&a.tables, statement});
  const detail::Tables& with = a.tables;

  const auto allowed = [](const detail::Tables& t, std::size_t v, std::size_t act, std::size_t c) {
    return t.at(v, act, c) == policy::Outcome::allowed;
  };
  const auto adds = detail::membership(a, [&](std::size_t v, std::size_t act, std::size_t c) {
    return allowed(with, v, act, c) && !allowed(without, v, act, c);
  });
  const auto removes = detail::membership(a, [&](std::size_t v, std::size_t act, std::size_t c) {
    return allowed(without, v, act, c) && !allowed(with, v, act, c);
  });
  effect.adds = detail::build_accesses(a, with, adds, policy::Outcome::allowed);
  effect.removes = detail::build_accesses(a, without, removes, policy::Outcome::allowed);

  if (effect.effect == policy::Effect::allow) {
    // Whatever allowed the same (variant, action) rows without the statement dominates it.
    for (std::size_t v = 0; v < a.variants.size(); ++v) {
      for (std::size_t act = 0; act < a.actions.size(); ++act) {
        const auto& reasons = with.allowing_of(v, act);
        const bool uses_statement = std::any_of(reasons.begin(), reasons.end(), [&](const policy::Reason& r) {
          return r.source == policy::ReasonSource::key_policy && r.statement == statement;
        });
        if (!uses_statement) continue;
        for (const policy::Reason& reason : without.allowing_of(v, act)) {
          if (reason.source == policy::ReasonSource::identity_policy && !a.variants[v].policy_ids[reason.policy]) continue;
          Ground ground = detail::ground_of(a, a.variants[v], reason);
          if (std::find(effect.covered_by.begin(), effect.covered_by.end(), ground) == effect.covered_by.end()) {
            effect.covered_by.push_back(std::move(ground));
          }
        }
      }
    }
  }
  return effect;
}

} // namespace tfkms::analysis
