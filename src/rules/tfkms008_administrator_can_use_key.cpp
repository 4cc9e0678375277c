// TFKMS008: a principal the key policy names as an administrator can also use the key for
// cryptography, so whoever controls the key also reads and writes the data it protects (separation
// of duties; seed 001 "admins able to manage the KMS CMK, but not use it"). See rules/TFKMS008.md.
#include <algorithm>

#include "rules/access_support.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

namespace tfkms::rules {
namespace {

void add_unique(std::vector<std::string_view>& into, const std::vector<std::string_view>& actions) {
  for (const std::string_view action : actions) {
    if (std::find(into.begin(), into.end(), action) == into.end()) into.push_back(action);
  }
}

void add_unique(std::vector<analysis::Ground>& into, const analysis::Ground& ground) {
  if (std::find(into.begin(), into.end(), ground) == into.end()) into.push_back(ground);
}

// A key-policy statement that names the caller itself (not its account, which is delegation to IAM).
bool names_caller(const analysis::Ground& ground) {
  return ground.source == policy::ReasonSource::key_policy && ground.kind == policy::ReasonKind::allows;
}

bool is_crypto(analysis::ActionClass action_class) {
  return action_class == analysis::ActionClass::read || action_class == analysis::ActionClass::write;
}

/// What one subject may do to a key, split into administration and cryptographic use.
struct Duties {
  std::vector<std::string_view> administers;
  std::vector<analysis::Ground> administration_grounds; ///< key-policy statements naming it
  std::vector<std::string_view> uses;
  std::vector<analysis::Ground> use_grounds;            ///< key policy, grants and its own IAM policies
  bool use_through_iam = false;                         ///< some use needs its identity policy
};

class AdministratorCanUseKey final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check_key(const RuleContext& context, model::KeyId id, FindingSink& out) const override {
    const model::Key& key = context.graph.key(id);
    if (key.kind == model::KeyKind::aws_managed || is_going_away(key)) return;
    const analysis::KeyAccess& access = context.access(id);
    if (!access.key_policy_known()) return; // TFKMS010 reports it
    for (std::size_t subject = 0; subject < access.subjects().size(); ++subject) {
      check_subject(access, subject, key, out);
    }
  }

private:
  // Roles and users only. A whole account (the root delegation, AWS's default) hands administration
  // to IAM, which TFKMS001 reports when other statements pretend to restrict it.
  static bool individual(const analysis::Subject& subject) {
    return subject.kind == analysis::SubjectKind::graph_principal ||
           subject.kind == analysis::SubjectKind::named_principal;
  }

  // Only what certainly holds: allowed (not unknown), and not depending on an identity policy the
  // input does not show (a principal outside the input, or in another account).
  static Duties duties_of(const analysis::KeyAccess& access, std::size_t subject_index) {
    Duties duties;
    for (const analysis::Access& item : access.accesses()) {
      if (item.subject != subject_index || item.outcome != policy::Outcome::allowed || item.needs_identity_policy) continue;
      if (item.action_class == analysis::ActionClass::administration) {
        const bool named = std::any_of(item.grounds.begin(), item.grounds.end(), names_caller);
        if (!named) continue; // administration only through the account's delegation: IAM's business
        add_unique(duties.administers, item.actions);
        for (const analysis::Ground& ground : item.grounds) {
          if (names_caller(ground)) add_unique(duties.administration_grounds, ground);
        }
      } else if (is_crypto(item.action_class)) {
        add_unique(duties.uses, item.actions);
        for (const analysis::Ground& ground : item.grounds) {
          add_unique(duties.use_grounds, ground);
          if (ground.source == policy::ReasonSource::identity_policy) duties.use_through_iam = true;
        }
      }
    }
    return duties;
  }

  static void check_subject(const analysis::KeyAccess& access, std::size_t subject_index, const model::Key& key,
                            FindingSink& out) {
    const analysis::Subject& subject = access.subjects().at(subject_index);
    if (!individual(subject)) return;
    const Duties duties = duties_of(access, subject_index);
    if (duties.administers.empty() || duties.uses.empty()) return;

    for (const SubjectCaller& caller : callers_of(access, subject_index)) {
      const std::string& label = caller.label;
      Finding finding = new_finding(k_info);
      finding.message = label + " is a key administrator (" + actions_text(duties.administers, 3) +
                        ") and can also use the key (" + actions_text(duties.uses, 3) + ")" +
                        (duties.use_through_iam ? " through its IAM policies" : "") +
                        ": managing the key and reading the data it protects are not separated.";
      for (const analysis::Ground& ground : duties.administration_grounds) {
        finding.evidence.push_back(
            ground_evidence(ground_for(access, subject_index, caller, ground), " makes " + label + " an administrator"));
      }
      for (const analysis::Ground& ground : duties.use_grounds) {
        finding.evidence.push_back(
            ground_evidence(ground_for(access, subject_index, caller, ground), " lets " + label + " use the key"));
      }
      finding.fix = "Give " + label +
                    " only administration actions (the console's key-administrator list, without kms:* or the "
                    "kms:Encrypt/Decrypt/ReEncrypt*/GenerateDataKey* actions) and let separate roles use the key" +
                    (duties.use_through_iam ? "; remove the KMS use actions from its IAM policies or limit the key "
                                              "policy's delegation to the account to administration actions."
                                            : ".");
      out.report(std::move(finding), key.source);
    }
  }

  static constexpr RuleInfo k_info{"TFKMS008", "KeyAdministratorCanUseKey",
                                   "Key administrator can also use the key", Severity::medium, doc_for("TFKMS008")};
};

} // namespace

std::unique_ptr<Rule> make_tfkms008_administrator_can_use_key() { return std::make_unique<AdministratorCanUseKey>(); }

} // namespace tfkms::rules
