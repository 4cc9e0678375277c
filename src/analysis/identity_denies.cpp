// What the Deny statements of a graph principal's identity policies take away: the subject's
// requests decided again with one statement masked, against the same key policy, grants and chain,
// and the cells allowed only without it.
#include "analysis/access.hpp"
#include "analysis/analysis_detail.hpp"
#include "policy/actions.hpp"

#include <array>
#include <iterator>

namespace tfkms::analysis {

namespace {

// `evaluated` (the tables of the single variant `masked`) read as tables of the analysis's
// variants, with `masked` at position `variant`: build_accesses() of that variant's subject alone
// reads no other.
detail::Tables at_position(detail::Tables evaluated, std::size_t variant, std::size_t variants) {
  const std::size_t actions = evaluated.actions;
  std::vector<std::size_t> slots(variants * actions, 0);
  for (std::size_t act = 0; act < actions; ++act)
    slots[variant * actions + act] = evaluated.slot_of[act];
  evaluated.slot_of = std::move(slots);
  return evaluated;
}

// The cells of `subject`'s rows allowed in `without` (its one variant) and not in `with` (at
// variant `v`): what the masked statement took. Only that subject's rows, so that a graph with many
// principals pays for each Deny in proportion to its own principal.
detail::Membership removed(const detail::Analysis& a, std::size_t subject, std::size_t v,
                           const detail::Tables& without, const detail::Tables& with) {
  detail::Membership out;
  out.plain.resize(a.core->rows.size());
  out.with_identity.resize(a.core->rows.size());
  for (std::size_t act = 0; act < a.actions.size(); ++act) {
    const std::size_t r = a.row_index(subject, act);
    const detail::Row& row = a.core->rows[r];
    if (row.leader != act)
      continue;
    std::vector<bool> cells(row.space.size(), false);
    bool any = false;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      cells[c] = without.at(0, act, c) == policy::Outcome::allowed &&
                 with.at(v, act, c) != policy::Outcome::allowed;
      any = any || cells[c];
    }
    if (any)
      out.plain[r] = std::move(cells);
  }
  return out;
}

// The actions of `classes` as a catalogue mask: a statement that matches none of them takes none.
// Each class's mask is worked out once: looking its names up in the catalogue cost more than
// the rest of a call for a subject without Denies.
std::uint64_t mask_of(const std::vector<ActionClass>& classes) {
  static const auto by_class = [] {
    std::array<std::uint64_t, std::size(k_action_classes)> masks{};
    for (const ActionClass action_class : k_action_classes)
      masks[static_cast<std::size_t>(action_class)] = policy::action_mask(actions_of(action_class));
    return masks;
  }();
  std::uint64_t mask = 0;
  for (const ActionClass action_class : classes)
    mask |= by_class[static_cast<std::size_t>(action_class)];
  return mask;
}

} // namespace

std::vector<IdentityDeny> identity_denies(const KeyAccess& access, std::size_t subject,
                                          const std::vector<ActionClass>& classes) {
  const detail::Analysis& a = access.detail();
  std::vector<IdentityDeny> out;
  const std::optional<std::size_t> found = detail::variant_for(a, subject, false);
  if (!found || a.variants[*found].identity != detail::Identity::graph)
    return out;
  const std::size_t v = *found;
  const detail::Variant& variant = a.variants[v];
  const std::uint64_t weighed = mask_of(classes);
  for (std::size_t p = 0; p < variant.policies.size(); ++p) {
    if (variant.policies[p] == nullptr)
      continue;
    const policy::CompiledPolicy& compiled = *variant.policies[p];
    for (const policy::Statement& statement : compiled.document().statements) {
      if (!statement.effect_known || statement.effect != policy::Effect::deny ||
          (compiled.actions_of_statement(statement.index) & weighed) == 0) {
        continue;
      }
      const policy::CompiledPolicy without_statement =
          policy::without_statement(compiled, statement.index);
      detail::Variant masked = variant;
      masked.policies[p] = &without_statement;
      detail::Tables without = detail::evaluate(a, a.key_policy, {masked});
      const detail::Membership removes = removed(a, subject, v, without, a.tables());
      if (removes.empty())
        continue;
      const policy::Reason reason{policy::ReasonKind::denies, policy::ReasonSource::identity_policy,
                                  static_cast<std::uint16_t>(p),
                                  static_cast<std::uint16_t>(statement.index), 0};
      out.push_back(
          {detail::ground_of(a, variant, reason),
           detail::build_accesses(a, at_position(std::move(without), v, a.variants.size()), removes,
                                  policy::Outcome::allowed, subject)});
    }
  }
  return out;
}

} // namespace tfkms::analysis
