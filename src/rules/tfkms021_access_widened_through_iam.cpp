// TFKMS021: a change widens access within the key's account to principals the key policy does not
// name: roles and users that get the key through a statement delegating to the account's IAM
// policies. See rules/TFKMS021.md and kms-reference §3.2 (the account principal in a key policy
// delegates to IAM), §3.10 (the default key policy).
#include "rules/access_change_support.hpp"
#include "rules/access_support.hpp"
#include "rules/diff_context.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"

#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace tfkms::rules {
namespace {

class AccessWidenedThroughIam final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  // A single snapshot has no change to judge: TFKMS001 covers delegating key policies.
  void check(const RuleContext& /*context*/, FindingSink& /*out*/) const override {}
  bool about_changes() const override { return true; }

  void check_diff(const DiffContext& context, FindingSink& out) const override {
    // Looked up once per change: a large change creates thousands of keys.
    const std::unordered_set<std::string_view> created(context.diff.keys_created.begin(),
                                                       context.diff.keys_created.end());
    const auto unnamed_in_account = [&](const analysis::AccessChange& change) {
      // A new key's own policy is reviewed by the key rules; here only changes to existing keys
      // count.
      if (created.contains(change.key))
        return false;
      if (change.reach != analysis::Reach::key_account)
        return false;
      return change.through_delegation ||
             change.subject_kind == analysis::SubjectKind::account_principals;
    };
    // The keys after the change by name, built once: looking through every key for each finding
    // grew with the square of the keys.
    std::unordered_map<std::string_view, std::vector<model::KeyId>> keys_by_name;
    for (std::size_t k = 0; k < context.after.graph.keys.size(); ++k)
      keys_by_name[context.after.graph.keys[k].source.name()].push_back(
          static_cast<model::KeyId>(k));
    for (const auto& changes : widenings_by_subject(context.diff, unnamed_in_account)) {
      const analysis::AccessChange& first = *changes.front();
      Finding finding = new_finding(k_info);
      finding.message =
          "This change lets " + first.subject + " gain " + classes_text(changes) + " of key " +
          first.key +
          " through the account's IAM policies, although the key policy does not name it.";
      finding.evidence = change_evidence(changes);
      for (Evidence& deny : identity_denies(context.after, keys_by_name, first))
        finding.evidence.push_back(std::move(deny));
      finding.fix = fix_keeping_denies(
          changes, "Name the principals that need the key in its key policy and deny the others "
                   "(for example a Deny with an aws:PrincipalArn condition), or narrow the "
                   "identity policy that grants kms:* (AdministratorAccess, kms:* on \"*\").");
      out.report(std::move(finding), first.where);
    }
  }

private:
  // The Deny statements of the principal's own IAM policies that take part of the key away from it
  // after the change: what it gains is what they leave, and what it does not gain may be theirs
  // (an explicit deny overrides every allow, kms-reference §3.1).
  static std::vector<Evidence>
  identity_denies(const RuleContext& after,
                  const std::unordered_map<std::string_view, std::vector<model::KeyId>>& keys,
                  const analysis::AccessChange& change) {
    const auto named = keys.find(change.key);
    if (named == keys.end())
      return {};
    for (const model::KeyId id : named->second) {
      if (after.graph.key(id).source.file != change.where.file)
        continue;
      const analysis::KeyAccess& access = after.access(id);
      // A change names one principal; a class of principals that decide alike is one subject, so
      // the principal is looked for among each subject's callers, and given its own Denies.
      for (std::size_t subject = 0; subject < access.subjects().size(); ++subject) {
        for (const SubjectCaller& caller : callers_of(access, subject)) {
          if (caller.label != change.subject)
            continue;
          const std::vector<analysis::ActionClass> classes = {
              analysis::ActionClass::read, analysis::ActionClass::write,
              analysis::ActionClass::grant_management, analysis::ActionClass::administration};
          return identity_deny_evidence(access, subject,
                                        analysis::identity_denies(access, subject, classes),
                                        classes, caller);
        }
      }
    }
    return {};
  }

  static constexpr RuleInfo k_info{
      "TFKMS021", "AccessWidenedThroughIam",
      "Change widens key access within the account beyond the principals its policy names",
      Severity::medium, doc_for("TFKMS021")};
};

} // namespace

std::unique_ptr<Rule> make_tfkms021_access_widened_through_iam() {
  return std::make_unique<AccessWidenedThroughIam>();
}

} // namespace tfkms::rules
