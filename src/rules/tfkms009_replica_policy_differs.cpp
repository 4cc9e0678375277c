// TFKMS009: a multi-Region replica key whose key policy gives different access than its primary's.
// AWS KMS does not copy or synchronise key policies between related multi-Region keys
// (kms-reference §6), so the same data (the same key material) is protected differently in each
// Region. The two keys' access analyses are compared, not their policy texts. See
// rules/TFKMS009.md.
#include "analysis/access_diff.hpp"
#include "analysis/access_map.hpp"
#include "rules/access_support.hpp"
#include "rules/fix_edits.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

#include <algorithm>
#include <optional>

namespace tfkms::rules {
namespace {

// A difference worth reporting: access the replica adds or drops, or a condition that holds back
// fewer requests there. Unknown outcomes are TFKMS010's; a condition that differs without widening
// (kms:ViaService naming the replica's Region) is how replicas are meant to differ.
bool reported(const analysis::AccessChange& change) {
  if (change.unknown)
    return false;
  return change.kind != analysis::ChangeKind::condition || change.widens();
}

enum class Standing { none, with_identity_policy, direct };

/// A subject, or the member of a class of principals, that the diff names by `label`.
struct Found {
  std::size_t subject = 0;
  std::optional<model::PrincipalId> member;
};

std::optional<Found> find_subject(const analysis::KeyAccess& key, const std::string& label) {
  const auto& subjects = key.subjects();
  for (std::size_t s = 0; s < subjects.size(); ++s) {
    if (subjects[s].members.size() <= 1) {
      if (subjects[s].label == label)
        return Found{s, subjects[s].principal};
      continue;
    }
    for (const model::PrincipalId member : subjects[s].members) {
      if (analysis::member_label(key.graph(), member) == label)
        return Found{s, member};
    }
  }
  return std::nullopt;
}

// How `found`, which the other key's policy does not name (so its analysis does not list it),
// stands for `action` there: asked of that key directly, without and then with an identity policy.
Standing standing(const analysis::KeyAccess& key, const analysis::KeyAccess& own,
                  const Found& found, std::string_view action) {
  const analysis::Subject& subject = own.subjects().at(found.subject);
  analysis::Caller caller;
  caller.principal = found.member;
  caller.arn = subject.arn;
  if (analysis::can(key, caller, action).outcome == policy::Outcome::allowed)
    return Standing::direct;
  if (found.member)
    return Standing::none; // a graph principal's own policies were already counted
  caller.identity_allows_all = true;
  return analysis::can(key, caller, action).outcome == policy::Outcome::allowed
             ? Standing::with_identity_policy
             : Standing::none;
}

/// A reported change; `elsewhere_through_iam`: the other key allows its actions to the subject, but
/// only if the subject's own IAM policy does too.
struct Difference {
  analysis::AccessChange change;
  bool elsewhere_through_iam = false;
};

/// A gain or loss as the diff reports it, or nothing when it is not one. The diff matches subjects
/// by label; a caller that only one policy names is, for the other key, one of "any principal of
/// its account" — so an unconditional gain or loss of such a caller is checked against the other
/// key itself. `other` is the key the change compares with (the primary for a gain, the replica for
/// a loss).
std::optional<Difference> confirmed(const analysis::AccessChange& change,
                                    const analysis::KeyAccess& own,
                                    const analysis::KeyAccess& other) {
  if (change.kind == analysis::ChangeKind::condition || change.conditions != "always" ||
      find_subject(other, change.subject)) {
    return Difference{change};
  }
  const std::optional<Found> subject = find_subject(own, change.subject);
  if (!subject)
    return Difference{change};
  const Standing here =
      change.needs_identity_policy ? Standing::with_identity_policy : Standing::direct;
  Difference kept{change};
  kept.change.actions.clear();
  for (const std::string& action : change.actions) {
    const Standing there = standing(other, own, *subject, action);
    if (there >= here)
      continue;
    kept.change.actions.push_back(action);
    kept.elsewhere_through_iam =
        kept.elsewhere_through_iam || there == Standing::with_identity_policy;
  }
  if (kept.change.actions.empty())
    return std::nullopt;
  return kept;
}

std::string change_text(const Difference& difference) {
  const analysis::AccessChange& change = difference.change;
  std::string actions;
  for (const std::string& action : change.actions)
    actions += (actions.empty() ? "" : ", ") + action;
  const std::string what =
      std::string(analysis::to_string(change.action_class)) + " (" + actions + ")";
  std::string text;
  switch (change.kind) {
  case analysis::ChangeKind::gain:
    text = change.subject + " gains " + what + " in the replica, " + change.conditions;
    break;
  case analysis::ChangeKind::loss:
    text = change.subject + " loses " + what + " in the replica, which the primary allows " +
           change.conditions;
    break;
  case analysis::ChangeKind::condition:
    text = change.subject + " has " + what + " in the replica " + change.conditions +
           "; the primary requires " + change.conditions_before;
    break;
  }
  if (change.needs_identity_policy)
    text += " (if its own IAM policy allows it)";
  if (difference.elsewhere_through_iam) {
    text += change.kind == analysis::ChangeKind::loss
                ? "; the replica allows it only if its own IAM policy does"
                : "; the primary allows it only if its own IAM policy does";
  }
  return text;
}

// The key-policy statements and grants that allow `change` on `key`: the replica's for what it
// adds, the primary's for what it drops.
void add_grounds(const analysis::KeyAccess& key, const analysis::AccessChange& change,
                 const std::string& role, std::vector<Evidence>& evidence) {
  const std::optional<Found> found = find_subject(key, change.subject);
  if (!found)
    return;
  for (const analysis::Access& item : key.accesses()) {
    if (item.action_class != change.action_class || item.outcome != policy::Outcome::allowed ||
        item.subject != found->subject) {
      continue;
    }
    for (const analysis::Ground& ground : item.grounds) {
      if (!on_the_key(ground))
        continue;
      Evidence entry = ground_evidence(ground, " of the " + role + " allows it");
      if (std::none_of(evidence.begin(), evidence.end(),
                       [&](const Evidence& e) { return e.text == entry.text; })) {
        evidence.push_back(std::move(entry));
      }
    }
  }
}

// The Deny statements of `key`'s policy that narrow `change`'s access there: a difference comes
// from a Deny as much as from an Allow, since an explicit deny overrides every allow
// (kms-reference §3.1).
void add_denies(const analysis::KeyAccess& key, const analysis::AccessChange& change,
                const std::string& role, std::vector<Evidence>& evidence) {
  const std::optional<Found> found = find_subject(key, change.subject);
  if (!found)
    return;
  const model::PolicySource& holder = key.graph().key(key.key()).policy;
  for (const DecidingDeny& deny : deciding_denies(key, found->subject, change.action_class)) {
    Evidence entry =
        statement_evidence(*deny.statement, holder,
                           "of the " + role + " denies " + change.subject + " " +
                               actions_text(deny.taken.actions) + " " + when_text(deny.taken.when));
    if (std::none_of(evidence.begin(), evidence.end(),
                     [&](const Evidence& e) { return e.text == entry.text; })) {
      evidence.push_back(std::move(entry));
    }
  }
}

class ReplicaPolicyDiffers final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check_key(const RuleContext& context, model::KeyId id, FindingSink& out) const override {
    const model::Key& replica = context.graph.key(id);
    if (replica.kind != model::KeyKind::replica || !replica.primary || is_going_away(replica))
      return;
    const model::Key& primary = context.graph.key(*replica.primary);
    if (primary.kind == model::KeyKind::aws_managed || is_going_away(primary))
      return;
    const analysis::KeyAccess& replica_access = context.access(id);
    const analysis::KeyAccess& primary_access = context.access(*replica.primary);
    if (!replica_access.key_policy_known() || !primary_access.key_policy_known())
      return; // TFKMS010
    check_pair(primary_access, replica_access, replica, out);
  }

private:
  static void check_pair(const analysis::KeyAccess& primary, const analysis::KeyAccess& replica,
                         const model::Key& replica_key, FindingSink& out) {
    // Compared as two snapshots of one key: the diff matches keys by name and subjects by label.
    analysis::AccessMap before{{analysis::summarise(primary)}, {}};
    analysis::AccessMap after{{analysis::summarise(replica)}, {}};
    const std::string primary_name = before.keys.front().name;
    before.keys.front().name = after.keys.front().name;
    const analysis::AccessDiff diff = analysis::diff_access(before, after);

    std::vector<Difference> changes;
    std::vector<std::string> subjects;
    for (const analysis::AccessChange& change : diff.changes) {
      if (!reported(change))
        continue;
      const bool loss = change.kind == analysis::ChangeKind::loss;
      std::optional<Difference> kept =
          confirmed(change, loss ? primary : replica, loss ? replica : primary);
      if (!kept)
        continue;
      const std::string& subject = kept->change.subject;
      if (std::find(subjects.begin(), subjects.end(), subject) == subjects.end())
        subjects.push_back(subject);
      changes.push_back(std::move(*kept));
    }
    if (changes.empty())
      return;

    const std::string& replica_name = after.keys.front().name;
    Finding finding = new_finding(k_info);
    std::vector<std::string> shown(subjects.begin(),
                                   subjects.begin() + std::min<std::size_t>(subjects.size(), 3));
    if (subjects.size() > 3)
      shown.push_back(std::to_string(subjects.size() - 3) + " more");
    finding.message = "Multi-Region replica " + replica_name +
                      " does not give the same access as its primary " + primary_name + ": " +
                      join_words(shown) + (subjects.size() == 1 ? " has" : " have") +
                      " different rights to the same key material in the replica's Region.";
    for (const Difference& difference : changes) {
      const analysis::AccessChange& change = difference.change;
      finding.evidence.push_back(evidence_at(change.where, change_text(difference)));
      if (change.kind == analysis::ChangeKind::loss)
        add_grounds(primary, change, "primary", finding.evidence);
      else
        add_grounds(replica, change, "replica", finding.evidence);
      add_denies(primary, change, "primary", finding.evidence);
      add_denies(replica, change, "replica", finding.evidence);
    }
    // A replica may be meant to differ (a Region-specific condition); which policy is right is the
    // owner's call.
    std::vector<std::string> options = {
        "Give " + replica_name + " the key policy of " + primary_name +
            " (AWS KMS does not copy it), changing only Region-specific values such as "
            "kms:ViaService; in Terraform, set both from one aws_iam_policy_document.",
        "Give " + primary_name +
            " the access the replica's policy gives, if that is the one "
            "meant.",
        "If the difference is intended, suppress this finding with the reason."};
    set_design_choice(finding, std::move(options));
    out.report(std::move(finding), replica_key.source);
  }

  static constexpr RuleInfo k_info{"TFKMS009", "ReplicaKeyPolicyDiffers",
                                   "Multi-Region replica key policy differs from its primary",
                                   Severity::medium, doc_for("TFKMS009")};
};

} // namespace

std::unique_ptr<Rule> make_tfkms009_replica_policy_differs() {
  return std::make_unique<ReplicaPolicyDiffers>();
}

} // namespace tfkms::rules
