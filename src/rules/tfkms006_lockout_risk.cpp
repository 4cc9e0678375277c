// TFKMS006: a key whose policy may lock everyone out of changing it. See rules/TFKMS006.md and
// kms-reference §6 (policy lockout safety check) and §3.2 (a policy naming neither the account nor
// the root user locks even root out).
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

namespace tfkms::rules {
namespace {

class LockoutRisk final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check(const RuleContext& context, FindingSink& out) const override {
    for (const model::Key& key : context.graph.keys) {
      if (key.kind == model::KeyKind::aws_managed || is_going_away(key)) continue;
      if (key.bypass_policy_lockout_safety_check) out.report(bypass_finding(key), key.source);
    }
  }

private:
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

  static constexpr RuleInfo k_info{"TFKMS006", "KeyPolicyLockoutRisk", "Key policy lockout risk", Severity::medium,
                                   doc_for("TFKMS006")};
};

} // namespace

std::unique_ptr<Rule> make_tfkms006_lockout_risk() { return std::make_unique<LockoutRisk>(); }

} // namespace tfkms::rules
