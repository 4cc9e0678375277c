#include "analysis/principal_classes.hpp"

#include "analysis/analysis_detail.hpp"

#include <algorithm>
#include <iterator>

namespace tfkms::analysis {

namespace {

constexpr std::string_view k_identity_prefix = "identity policy ";

PrincipalClass::Member member_of(const detail::Analysis& a, model::PrincipalId id) {
  PrincipalClass::Member member{member_label(*a.graph, id), {}, {}};
  detail::Variant own; // its policies only: a member's organisation chain is not listed
  detail::add_identity_policies(a, id, own);
  for (const auto& policy_id : own.policy_ids) {
    // The graph's policies only; allows_all (no id) is never one of them.
    if (policy_id) {
      const model::IdentityPolicy& policy = a.graph->policy(*policy_id);
      member.identity_policies.push_back(identity_policy_name(policy));
      member.identity_policy_places.push_back(policy.source);
    }
  }
  return member;
}

} // namespace

std::string identity_policy_name(const model::IdentityPolicy& policy) {
  return policy.name.empty() ? policy.source.name() : policy.name;
}

std::optional<ClassAccess> ClassTable::refer(const KeyAccess& analysis, std::size_t subject,
                                             std::vector<PrincipalClass>& classes) {
  const detail::Analysis& a = analysis.detail();
  const Members& members = a.subjects.at(subject).members;
  if (members.size() < 2)
    return std::nullopt;
  const std::size_t shared_class = a.shared->classes.at(static_cast<std::size_t>(members.front()));
  if (shared_class == detail::k_own_class)
    return std::nullopt;
  const Members& all = a.shared->class_members.at(shared_class);
  auto [found, added] = m_position.try_emplace(shared_class, classes.size());
  if (added) {
    PrincipalClass& principal_class = classes.emplace_back();
    principal_class.members.reserve(all.size());
    for (const model::PrincipalId id : all)
      principal_class.members.push_back(member_of(a, id));
  }
  ClassAccess access;
  access.principal_class = found->second;
  // A subject's members are its class without the principals the key names (collect_subjects()).
  std::vector<model::PrincipalId> left_out;
  std::set_difference(all.begin(), all.end(), members.begin(), members.end(),
                      std::back_inserter(left_out));
  for (const model::PrincipalId id : left_out)
    access.except.push_back(a.shared->labels.at(static_cast<std::size_t>(id)));
  return access;
}

std::optional<OwnPolicyGround> own_policy_ground(const KeyAccess& analysis, std::size_t subject,
                                                 const Ground& ground) {
  // As member_ground(): only a statement of one of the first principal's identity policies is
  // restated.
  if (ground.source != policy::ReasonSource::identity_policy || !ground.policy)
    return std::nullopt;
  const detail::Analysis& a = analysis.detail();
  const detail::Variant first =
      detail::graph_variant(a, subject, a.subjects.at(subject).members.front());
  const auto position = std::find(first.policy_ids.begin(), first.policy_ids.end(), ground.policy);
  if (position == first.policy_ids.end())
    return std::nullopt;
  const std::string prefix =
      std::string(k_identity_prefix) + identity_policy_name(a.graph->policy(*ground.policy)) + " ";
  if (!ground.text.starts_with(prefix))
    return std::nullopt;
  return OwnPolicyGround{static_cast<std::size_t>(position - first.policy_ids.begin()),
                         ground.text.substr(prefix.size())};
}

std::string ground_text(const PrincipalClass::Member& member, const OwnPolicyGround& ground) {
  return std::string(k_identity_prefix) + member.identity_policies.at(ground.policy) + " " +
         ground.statement;
}

} // namespace tfkms::analysis
