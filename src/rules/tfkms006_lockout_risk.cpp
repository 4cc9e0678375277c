// TFKMS006: a key whose policy may lock everyone out of changing it. See rules/TFKMS006.md and
// kms-reference §6 (policy lockout safety check) and §3.2 (a policy naming neither the account nor
// the root user locks even root out).
#include <string>

#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

namespace tfkms::rules {
namespace {

class LockoutRisk final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check_key(const RuleContext& context, model::KeyId id, FindingSink& out) const override {
    const model::Key& key = context.graph.key(id);
    if (key.kind == model::KeyKind::aws_managed || is_going_away(key)) return;
    if (key.bypass_policy_lockout_safety_check) out.report(bypass_finding(key), key.source);
    // An absent policy is AWS's default, which gives the account kms:*.
    if (key.policy.state != model::PolicySource::State::document) return;
    const analysis::KeyAccess& access = context.access(id);
    // Any allowed or unknown access to PutKeyPolicy means someone may still change the policy.
    if (access.key_policy_known() && !access.has_access(analysis::ActionClass::policy_change) &&
        !changeable_if_deployed_to_named_account(context, access)) {
      out.report(lockout_finding(key), key.source);
    }
  }

private:
  // With the deployment account unknown, an account id the policy names may well be it (a template
  // written for one account, "arn:aws:iam::111122223333:root"): the key is locked only if it stays
  // so when deployed to each account the policy names (kms:PutKeyPolicy never works across accounts).
  static bool changeable_if_deployed_to_named_account(const RuleContext& context, const analysis::KeyAccess& access) {
    for (const std::string& account : context.possible_own_accounts(access)) {
      if (context.access_if_deployed_to(access.key(), account).has_access(analysis::ActionClass::policy_change)) {
        return true;
      }
    }
    return false;
  }

  static Finding bypass_finding(const model::Key& key) {
    const std::string flag =
        is_terraform(key.source) ? "bypass_policy_lockout_safety_check = true" : "BypassPolicyLockoutSafetyCheck: true";
    Finding finding = new_finding(k_info);
    finding.message = "Key sets " + flag +
                      ", so KMS accepts a policy that no principal can change afterwards; a mistake then needs AWS "
                      "Support to undo.";
    finding.evidence.push_back(evidence_at(key.source, flag));
    finding.fix = "Remove " + flag +
                  " (it defaults to false) and make sure the policy lets the deploying principal call "
                  "kms:PutKeyPolicy.";
    return finding;
  }

  static Finding lockout_finding(const model::Key& key) {
    Finding finding = new_finding(k_info);
    finding.message = "Key policy lets no principal call kms:PutKeyPolicy, not even the account through IAM, so once "
                      "applied nobody can change it and only AWS Support can restore control" +
                      std::string(key.bypass_policy_lockout_safety_check
                                      ? "."
                                      : " (KMS refuses such a policy unless the lockout safety check is bypassed).");
    finding.evidence.push_back(evidence_at(key.policy.where, "no statement allows kms:PutKeyPolicy to any principal"));
    finding.fix = "Add a statement that lets a key administrator role, or the account root "
                  "(arn:aws:iam::<account>:root) with IAM delegation, call kms:PutKeyPolicy.";
    return finding;
  }

  static constexpr RuleInfo k_info{"TFKMS006", "KeyPolicyLockoutRisk", "Key policy lockout risk", Severity::medium,
                                   doc_for("TFKMS006"), /*weighs_each_account=*/true};
};

} // namespace

std::unique_ptr<Rule> make_tfkms006_lockout_risk() { return std::make_unique<LockoutRisk>(); }

} // namespace tfkms::rules
