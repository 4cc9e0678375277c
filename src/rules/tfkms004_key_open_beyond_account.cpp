// TFKMS004: the access analysis finds that principals of any account, or of a whole named external
// account, can use or manage the key with no condition naming who they are. See rules/TFKMS004.md
// and kms-reference §3.5 ("*" is every authenticated principal of every account), §3.10.8.
#include <algorithm>
#include <map>

#include "rules/access_support.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

namespace tfkms::rules {
namespace {

class KeyOpenBeyondAccount final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check_key(const RuleContext& context, model::KeyId id, FindingSink& out) const override {
    const model::Key& key = context.graph.key(id);
    if (key.kind == model::KeyKind::aws_managed || is_going_away(key)) return;
    const analysis::KeyAccess& access = context.access(id);
    if (!access.key_policy_known()) return; // TFKMS010 reports it
    check_access(context, key, access, out);
  }

private:
  static bool outside(const RuleContext& context, const analysis::Subject& subject) {
    if (subject.kind == analysis::SubjectKind::any_account) return true;
    // A whole external account; a single named principal of another account is a deliberate share.
    return subject.kind == analysis::SubjectKind::account_principals && !subject.key_account &&
           context.is_external(subject.account);
  }

  static void check_access(const RuleContext& context, const model::Key& key, const analysis::KeyAccess& access,
                        FindingSink& out) {
    std::map<std::size_t, std::vector<const analysis::Access*>> by_subject;
    for (const analysis::Access& item : access.accesses()) {
      if (item.outcome != policy::Outcome::allowed) continue;
      const analysis::Subject& subject = access.subjects().at(item.subject);
      if (!outside(context, subject) || limited_to_named_callers(item.when)) continue;
      by_subject[item.subject].push_back(&item);
    }
    for (const auto& [subject_index, items] : by_subject) {
      const analysis::Subject& subject = access.subjects().at(subject_index);
      std::vector<std::string_view> actions;
      std::vector<Evidence> evidence;
      for (const analysis::Access* item : items) {
        for (const std::string_view action : item->actions) {
          if (std::find(actions.begin(), actions.end(), action) == actions.end()) actions.push_back(action);
        }
        for (const analysis::Ground& ground : item->grounds) {
          if (!on_the_key(ground)) continue;
          Evidence entry = ground_evidence(ground, " lets " + subject.label + " " + actions_text(item->actions) +
                                                       " " + when_text(item->when));
          if (std::none_of(evidence.begin(), evidence.end(), [&](const Evidence& e) { return e.text == entry.text; })) {
            evidence.push_back(std::move(entry));
          }
        }
      }
      const bool anyone = subject.kind == analysis::SubjectKind::any_account;
      Finding finding = new_finding(k_info);
      if (!anyone) finding.severity = Severity::high;
      finding.message = "Key policy lets " + (anyone ? std::string("principals of any AWS account")
                                                     : "every principal of account " + subject.account) +
                        " call " + actions_text(actions) + " with no condition limiting which callers" +
                        (anyone ? "; they only need their own IAM policy to allow it." : ".");
      finding.evidence = std::move(evidence);
      add_removals(access, subject_index, key.source, finding);
      add_unapplied(access, key.source, finding);
      finding.fix = anyone ? "Name the principals or accounts that need the key, or limit the statement with "
                             "kms:CallerAccount / aws:PrincipalOrgID (and kms:ViaService for service use)."
                           : "Name the roles of account " + subject.account +
                                 " that need the key, or add an aws:PrincipalArn condition; if the account is yours, "
                                 "list it in trusted_accounts in .tfkms.yml.";
      out.report(std::move(finding), key.source);
    }
  }

  static constexpr RuleInfo k_info{"TFKMS004", "KeyOpenBeyondAccount", "Key usable from outside its account",
                                   Severity::critical, doc_for("TFKMS004")};
};

} // namespace

std::unique_ptr<Rule> make_tfkms004_key_open_beyond_account() { return std::make_unique<KeyOpenBeyondAccount>(); }

} // namespace tfkms::rules
