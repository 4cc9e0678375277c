// TFKMS008: a principal the key policy names as an administrator can also use the key for
// cryptography, so whoever controls the key also reads and writes the data it protects (separation
// of duties; seed 001 "admins able to manage the KMS CMK, but not use it"). See rules/TFKMS008.md.
#include "analysis/key_roles.hpp"
#include "rules/access_support.hpp"
#include "rules/fix_edits.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

#include <algorithm>

namespace tfkms::rules {
namespace {

class AdministratorCanUseKey final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check_key(const RuleContext& context, model::KeyId id, FindingSink& out) const override {
    const model::Key& key = context.graph.key(id);
    if (key.kind == model::KeyKind::aws_managed || is_going_away(key))
      return;
    const analysis::KeyAccess& access = context.access(id);
    if (!access.key_policy_known())
      return; // TFKMS010 reports it
    for (std::size_t subject = 0; subject < access.subjects().size(); ++subject) {
      check_subject(access, subject, key, out);
    }
  }

private:
  // Roles and users only. A whole account (the root delegation, AWS's default) hands administration
  // to IAM, which TFKMS001 reports when other statements pretend to restrict it.
  static void check_subject(const analysis::KeyAccess& access, std::size_t subject_index,
                            const model::Key& key, FindingSink& out) {
    const analysis::Subject& subject = access.subjects().at(subject_index);
    // Asked of the core first: a key of the same shape has answered it, and only a subject that
    // holds both roles needs its accesses built.
    if (!analysis::is_individual(subject) ||
        !analysis::holds(access, subject_index, analysis::RoleKind::administers) ||
        !analysis::holds(access, subject_index, analysis::RoleKind::uses))
      return;
    const analysis::Role administration = analysis::administers(access, subject_index);
    const analysis::Role use = analysis::uses(access, subject_index);
    if (!administration.held() || !use.held())
      return;

    const std::vector<analysis::ActionClass> deciding = {analysis::ActionClass::administration,
                                                         analysis::ActionClass::read,
                                                         analysis::ActionClass::write};
    const std::vector<Evidence> denies =
        key_deny_evidence(access, {subject_index}, deciding, key.policy);
    const std::vector<analysis::IdentityDeny> iam_denies =
        analysis::identity_denies(access, subject_index, deciding);
    // A Deny (the key policy's or its own IAM's) may leave it encrypting only.
    const bool reads =
        std::find(use.actions.begin(), use.actions.end(), "kms:Decrypt") != use.actions.end();
    for (const SubjectCaller& caller : callers_of(access, subject_index)) {
      const std::string& label = caller.label;
      Finding finding = new_finding(k_info);
      finding.message =
          label + " is a key administrator (" + actions_text(administration.actions, 3) +
          ") and can also use the key (" + actions_text(use.actions, 3) + ")" +
          (use.through_iam ? " through its IAM policies" : "") + ": managing the key and " +
          (reads ? "reading the data it protects" : "encrypting data with it") +
          " are not separated.";
      for (const analysis::Ground& ground : administration.grounds) {
        finding.evidence.push_back(
            ground_evidence(ground_for(access, subject_index, caller, ground),
                            " makes " + label + " an administrator"));
      }
      for (const analysis::Ground& ground : use.grounds) {
        finding.evidence.push_back(ground_evidence(
            ground_for(access, subject_index, caller, ground), " lets " + label + " use the key"));
      }
      finding.evidence.insert(finding.evidence.end(), denies.begin(), denies.end());
      for (Evidence& deny :
           identity_deny_evidence(access, subject_index, iam_denies, deciding, caller))
        finding.evidence.push_back(std::move(deny));
      // Which of the two roles the principal keeps is the owner's split to make.
      std::vector<std::string> options = {
          "Keep " + label +
              " as a key administrator: give it only administration actions (the console's "
              "key-administrator list, without kms:* or kms:Encrypt, kms:Decrypt, "
              "kms:ReEncrypt*, kms:GenerateDataKey*) and let separate roles use the key" +
              (use.through_iam ? "; remove the KMS use actions from its IAM policies or limit "
                                 "the key policy's delegation to the account to administration "
                                 "actions."
                               : "."),
          "Keep " + label +
              " as a user of the key: take the administration actions from it and give them to "
              "a separate administrator role."};
      set_design_choice(finding, std::move(options));
      out.report(std::move(finding), key.source);
    }
  }

  static constexpr RuleInfo k_info{"TFKMS008", "KeyAdministratorCanUseKey",
                                   "Key administrator can also use the key", Severity::medium,
                                   doc_for("TFKMS008")};
};

} // namespace

std::unique_ptr<Rule> make_tfkms008_administrator_can_use_key() {
  return std::make_unique<AdministratorCanUseKey>();
}

} // namespace tfkms::rules
