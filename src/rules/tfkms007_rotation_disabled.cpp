// TFKMS007: automatic rotation is off on a key that supports it. See rules/TFKMS007.md and
// kms-reference §6 (rotation: symmetric encryption keys with KMS-generated material only; AWS
// managed keys rotate yearly; a replica shares its primary's rotation).
#include "rules/fix_edits.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

namespace tfkms::rules {
namespace {

bool supports_rotation(const model::Key& key) {
  return key.kind == model::KeyKind::customer && key.key_spec == "SYMMETRIC_DEFAULT" &&
         key.key_usage == "ENCRYPT_DECRYPT" && key.origin == "AWS_KMS";
}

class RotationDisabled final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check(const RuleContext& context, FindingSink& out) const override {
    for (const model::Key& key : context.graph.keys) {
      // An unknown setting (known only after apply) is not reported: rotation is not an access
      // risk.
      if (!supports_rotation(key) || is_going_away(key) || key.rotation_enabled != false)
        continue;
      const bool terraform = is_terraform(key.source);
      const std::string setting = terraform ? "enable_key_rotation" : "EnableKeyRotation";
      Finding finding = new_finding(k_info);
      finding.message = "Symmetric key with AWS-generated material has automatic rotation off (" +
                        setting + " is false or not set), so its key material never changes.";
      finding.evidence.push_back(evidence_at(key.source, setting + " = false"));
      finding.fix =
          terraform
              ? "Set enable_key_rotation = true (optionally rotation_period_in_days, 90-2560)."
              : "Set EnableKeyRotation: true (optionally RotationPeriodInDays, 90-2560).";
      finding.fix_edit = property_fix(
          key.source, terraform ? "/enable_key_rotation" : "/Properties/EnableKeyRotation", true);
      out.report(std::move(finding), key.source);
    }
  }

private:
  static constexpr RuleInfo k_info{"TFKMS007",
                                   "KeyRotationDisabled",
                                   "Automatic key rotation disabled",
                                   Severity::low,
                                   doc_for("TFKMS007"),
                                   /*weighs_each_account=*/false,
                                   /*depends_on_account=*/false};
};

} // namespace

std::unique_ptr<Rule> make_tfkms007_rotation_disabled() {
  return std::make_unique<RotationDisabled>();
}

} // namespace tfkms::rules
