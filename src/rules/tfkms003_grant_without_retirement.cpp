// TFKMS003: a KMS grant that names no retiring principal lives until a key administrator revokes
// it. See rules/TFKMS003.md and kms-reference §5.3.
#include "model/value.hpp"
#include "policy/evaluate.hpp"
#include "rules/fix_edits.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

#include <algorithm>

namespace tfkms::rules {
namespace {

bool has_operation(const model::Grant& grant, std::string_view operation) {
  return std::find(grant.operations.begin(), grant.operations.end(), operation) !=
         grant.operations.end();
}

class GrantWithoutRetirement final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check(const RuleContext& context, FindingSink& out) const override {
    for (const model::Grant& grant : context.graph.grants) {
      if (grant.retiring_principal && !grant.retiring_principal->empty())
        continue;
      // A grant CreateGrant refuses never exists (TFKMS011 reports it).
      if (!policy::grant_exists(policy::grant_spec(grant, context.graph)))
        continue;
      out.report(describe(context, grant), grant.source);
    }
  }

private:
  static Finding describe(const RuleContext& context, const model::Grant& grant) {
    const std::string grantee = shown(context.graph, grant.grantee);
    Finding finding = new_finding(k_info);

    // Why it is worse than the default: kms-reference §5.2 (re-delegation through CreateGrant, the
    // grantee's child grants are unrestricted) and §5.5 (cross-account grantees need no IAM policy
    // of their own).
    // Built as one string: GCC 12 reports false -Warray-bounds for vectors of short temporaries
    // here.
    std::string aggravating;
    const auto aggravate = [&aggravating](std::string_view reason) {
      aggravating += aggravating.empty() ? "; " : " and ";
      aggravating += reason;
    };
    const auto grantee_account = account_of(grantee);
    if (grantee_account && context.is_external(*grantee_account)) {
      aggravate("the grantee is in another account (" + *grantee_account + ")");
    }
    if (has_operation(grant, "CreateGrant"))
      aggravate("it lets the grantee create further grants");
    if (has_operation(grant, "Decrypt") && grant.encryption_context_equals.empty() &&
        grant.encryption_context_subset.empty()) {
      aggravate("it allows Decrypt with no encryption-context constraint");
    }
    if (!aggravating.empty())
      finding.severity = Severity::high;

    finding.message = "Grant gives " + grantee + " " + join_words(grant.operations) +
                      " on the key with no retiring principal, so it never expires and only a key "
                      "administrator can "
                      "revoke it" +
                      aggravating + ".";
    finding.evidence.push_back(evidence_at(grant.source, "grantee_principal = " + grantee));
    finding.evidence.push_back(
        evidence_at(grant.source, "operations = [" + join_words(grant.operations, ", ") + "]"));
    if (grant.retire_on_delete) {
      finding.evidence.push_back(evidence_at(grant.source,
                                             "retire_on_delete = true only changes how Terraform "
                                             "removes the grant on destroy; it does not "
                                             "name anyone who may retire it"));
    }
    const std::string constraint =
        has_operation(grant, "Decrypt") && grant.encryption_context_equals.empty() &&
                grant.encryption_context_subset.empty()
            ? " Then add a constraints block with encryption_context_equals to limit what it can "
              "decrypt."
            : "";
    // The grantee is the one principal the grant surely involves: named as retiring principal it
    // can retire the grant itself once its work is done (kms-reference §5.3, RetireGrant).
    const model::Value named = model::resolve_value(grant.grantee, context.graph);
    if (named.known()) {
      finding.fix = "Set retiring_principal = \"" + named.text +
                    "\" (the grantee, which then retires the grant when its work is done), or "
                    "the role that owns the grant's life cycle if another one does." +
                    constraint;
      finding.fix_edit = property_fix(grant.source, "/retiring_principal", named.text);
    } else {
      std::vector<std::string> options = {
          "Set retiring_principal to the grantee, which then retires the grant when its work is "
          "done.",
          "Set retiring_principal to the role that owns the grant's life cycle."};
      finding.fix = "Design choice: who retires the grant. " + options_text(options) + constraint;
      finding.fix_edit = choice_fix(std::move(options));
    }
    return finding;
  }

  static constexpr RuleInfo k_info{"TFKMS003", "GrantWithoutRetirement",
                                   "KMS grant without a retiring principal", Severity::medium,
                                   doc_for("TFKMS003")};
};

} // namespace

std::unique_ptr<Rule> make_tfkms003_grant_without_retirement() {
  return std::make_unique<GrantWithoutRetirement>();
}

} // namespace tfkms::rules
