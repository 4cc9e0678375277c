// What one key-policy statement changes: the analysis evaluated again with the statement made to
// match no action, over the same subjects and cells (detail::masked()), and the difference.
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

  const detail::Core::Masked& masked = detail::masked(a, statement);
  const detail::Tables& with = a.tables();
  const detail::Tables& without = masked.without;
  effect.adds = detail::build_accesses(a, with, masked.adds, policy::Outcome::allowed);
  effect.removes = detail::build_accesses(a, without, masked.removes, policy::Outcome::allowed);

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
