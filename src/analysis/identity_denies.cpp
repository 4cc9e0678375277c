// What the Deny statements of a graph principal's identity policies take away: the subject's
// requests decided again with one statement masked, against the same key policy, grants and chain,
// and the cells allowed only without it.
#include "analysis/access.hpp"
#include "analysis/analysis_detail.hpp"

namespace tfkms::analysis {

namespace {

// `evaluated` (the tables of the single variant `masked`) read as tables of the analysis's
// variants, with `masked` at position `variant`: the rows of other subjects have no member, and
// build_accesses() reads the reasons of member rows only.
detail::Tables at_position(detail::Tables evaluated, std::size_t variant, std::size_t variants) {
  const std::size_t actions = evaluated.actions;
  std::vector<std::size_t> slots(variants * actions, 0);
  for (std::size_t act = 0; act < actions; ++act)
    slots[variant * actions + act] = evaluated.slot_of[act];
  evaluated.slot_of = std::move(slots);
  return evaluated;
}

} // namespace

std::vector<IdentityDeny> identity_denies(const KeyAccess& access, std::size_t subject) {
  const detail::Analysis& a = access.detail();
  std::vector<IdentityDeny> out;
  const std::optional<std::size_t> found = detail::variant_for(a, subject, false);
  if (!found || a.variants[*found].identity != detail::Identity::graph)
    return out;
  const std::size_t v = *found;
  const detail::Variant& variant = a.variants[v];
  const detail::Tables& with = a.tables();
  for (std::size_t p = 0; p < variant.policies.size(); ++p) {
    if (variant.policies[p] == nullptr)
      continue;
    const policy::CompiledPolicy& compiled = *variant.policies[p];
    for (const policy::Statement& statement : compiled.document().statements) {
      if (!statement.effect_known || statement.effect != policy::Effect::deny)
        continue;
      const policy::CompiledPolicy without_statement =
          policy::without_statement(compiled, statement.index);
      detail::Variant masked = variant;
      masked.policies[p] = &without_statement;
      const detail::Tables without =
          at_position(detail::evaluate(a, a.key_policy, {masked}), v, a.variants.size());
      const auto allowed = [](const detail::Tables& tables, std::size_t w, std::size_t act,
                              std::size_t cell) {
        return tables.at(w, act, cell) == policy::Outcome::allowed;
      };
      const detail::Membership removes =
          detail::membership(a, [&](std::size_t w, std::size_t act, std::size_t cell) {
            return w == v && allowed(without, w, act, cell) && !allowed(with, w, act, cell);
          });
      if (removes.empty())
        continue;
      const policy::Reason reason{policy::ReasonKind::denies, policy::ReasonSource::identity_policy,
                                  static_cast<std::uint16_t>(p),
                                  static_cast<std::uint16_t>(statement.index), 0};
      out.push_back({detail::ground_of(a, variant, reason),
                     detail::build_accesses(a, without, removes, policy::Outcome::allowed)});
    }
  }
  return out;
}

} // namespace tfkms::analysis
