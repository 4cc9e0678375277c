// TFKMS020: a change lets a principal outside the key's account, or any principal, read, write,
// hand out or administer what the key protects. See rules/TFKMS020.md and kms-reference §3.2 (a key
// policy alone lets another account in, once that account's IAM allows it), §3.5 ("*").
#include "rules/access_change_support.hpp"
#include "rules/diff_context.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"

namespace tfkms::rules {
namespace {

class AccessGainedOutsideAccount final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  // A single snapshot has no change to judge: TFKMS004 covers keys open beyond their account.
  void check(const RuleContext& /*context*/, FindingSink& /*out*/) const override {}
  bool about_changes() const override { return true; }

  void check_diff(const DiffContext& context, FindingSink& out) const override {
    const auto outside = [&](const analysis::AccessChange& change) {
      if (change.reach == analysis::Reach::any_principal)
        return true;
      return change.reach == analysis::Reach::other_account &&
             !context.after.is_internal(change.account);
    };
    for (const auto& changes : widenings_by_subject(context.diff, outside)) {
      const analysis::AccessChange& first = *changes.front();
      Finding finding = new_finding(k_info);
      const std::string who = first.reach == analysis::Reach::any_principal
                                  ? first.subject
                                  : first.subject + ", outside account " + first.key_account + ",";
      finding.message =
          "This change lets " + who + " gain " + classes_text(changes) + " of key " + first.key +
          (first.data_stores.empty() ? std::string(".") : " and the data it encrypts.");
      finding.evidence = change_evidence(changes);
      finding.fix = fix_keeping_denies(
          changes,
          "Remove the statement or grant that opens the key, or name only the principals of the "
          "other account that need it and limit it with kms:ViaService, kms:EncryptionContext or "
          "aws:PrincipalOrgID; if the account is yours, list it in trusted_accounts in "
          ".tfkms.yml.");
      out.report(std::move(finding), first.where);
    }
  }

private:
  static constexpr RuleInfo k_info{"TFKMS020", "AccessGainedOutsideAccount",
                                   "Change gives a principal outside the account access to a key",
                                   Severity::high, doc_for("TFKMS020")};
};

} // namespace

std::unique_ptr<Rule> make_tfkms020_access_gained_outside_account() {
  return std::make_unique<AccessGainedOutsideAccount>();
}

} // namespace tfkms::rules
