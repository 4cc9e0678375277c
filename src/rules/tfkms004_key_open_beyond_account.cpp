// TFKMS004: the access analysis finds that principals of any account, or of a whole named external
// account, can use or manage the key with no condition naming who they are, or that a principal of
// another account can grant itself use of the key (CreateGrant works across accounts, §1.1). See
// rules/TFKMS004.md and kms-reference §3.5 ("*" is every authenticated principal of every account),
// §3.10.8.
#include "rules/access_support.hpp"
#include "rules/fix_edits.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace tfkms::rules {
namespace {

class KeyOpenBeyondAccount final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check_key(const RuleContext& context, model::KeyId id, FindingSink& out) const override {
    const model::Key& key = context.graph.key(id);
    if (key.kind == model::KeyKind::aws_managed || is_going_away(key))
      return;
    const analysis::KeyAccess& access = context.access(id);
    if (!access.key_policy_known())
      return; // TFKMS010 reports it
    check_access(context, key, access, out);
  }

private:
  // Principals of any account, or every principal of a whole external account.
  static bool outside(const RuleContext& context, const analysis::Subject& subject) {
    if (subject.kind == analysis::SubjectKind::any_account)
      return true;
    return subject.kind == analysis::SubjectKind::account_principals && !subject.key_account &&
           context.is_external(subject.account);
  }

  // A single named principal of another account is a deliberate share, unless it can create a
  // grant of kms:Decrypt for itself: then it can use the key however the policy names it.
  static bool external_principal(const RuleContext& context, const analysis::Subject& subject) {
    return subject.kind == analysis::SubjectKind::named_principal && !subject.key_account &&
           context.is_external(subject.account);
  }

  // Data can be read: Decrypt, ReEncryptFrom (re-encrypting to a key the caller controls), or a
  // policy the caller can rewrite. Encrypt and data-key generation alone expose no stored data.
  static bool reads_data(const std::vector<std::string_view>& actions) {
    return std::any_of(actions.begin(), actions.end(), [](std::string_view action) {
      return action == "kms:Decrypt" || action == "kms:ReEncryptFrom" ||
             action == "kms:PutKeyPolicy";
    });
  }

  struct Exposure {
    std::vector<const analysis::Access*> items;
    const analysis::Access* create_grant = nullptr; ///< set when it can grant itself kms:Decrypt
    /// Limited to named callers only by an RCP: the key policy itself opens the key.
    std::vector<const analysis::Access*> limited_by_rcp;
  };

  // An RCP of the key's account took some of this subject's access away.
  static bool rcp_removed(const std::vector<analysis::Removal>& removals, std::size_t subject) {
    return std::any_of(removals.begin(), removals.end(), [&](const analysis::Removal& removal) {
      return removal.subject == subject && removal.by_a(policy::ReasonSource::rcp);
    });
  }

  static void check_access(const RuleContext& context, const model::Key& key,
                           const analysis::KeyAccess& access, FindingSink& out) {
    std::map<std::size_t, Exposure> by_subject;
    // removals() builds its list on each call: once per key, when a limited access needs it.
    std::optional<std::vector<analysis::Removal>> removals;
    for (std::size_t index = 0; index < access.subjects().size(); ++index) {
      const analysis::Subject& subject = access.subjects()[index];
      const bool whole = outside(context, subject);
      if (!whole && !external_principal(context, subject))
        continue;
      for (const analysis::Access& item : access.accesses_of(index)) {
        if (item.outcome != policy::Outcome::allowed)
          continue;
        if (whole && limited_to_named_callers(item.when)) {
          // The key's own policy stays open when only an organisation policy, kept elsewhere and
          // detachable, names the callers: reported, at a lower severity.
          if (!removals)
            removals = access.removals();
          if (rcp_removed(*removals, item.subject))
            by_subject[item.subject].limited_by_rcp.push_back(&item);
          continue;
        }
        const bool grants = item.action_class == analysis::ActionClass::grant_management &&
                            std::find(item.actions.begin(), item.actions.end(),
                                      "kms:CreateGrant") != item.actions.end();
        Exposure& exposure = by_subject[item.subject];
        if (grants && may_grant_itself(access, item.subject, "kms:Decrypt"))
          exposure.create_grant = &item;
        if (whole)
          exposure.items.push_back(&item);
      }
    }
    for (const auto& [subject_index, exposure] : by_subject) {
      if (exposure.items.empty() && exposure.create_grant == nullptr &&
          exposure.limited_by_rcp.empty())
        continue;
      report(access, subject_index, exposure, key, out);
    }
  }

  static void report(const analysis::KeyAccess& access, std::size_t subject_index,
                     const Exposure& exposure, const model::Key& key, FindingSink& out) {
    const analysis::Subject& subject = access.subjects().at(subject_index);
    const bool rcp_only = exposure.items.empty() && exposure.create_grant == nullptr;
    std::vector<const analysis::Access*> items =
        rcp_only ? exposure.limited_by_rcp : exposure.items;
    if (exposure.create_grant != nullptr &&
        std::find(items.begin(), items.end(), exposure.create_grant) == items.end()) {
      items.push_back(exposure.create_grant);
    }
    std::vector<std::string_view> actions;
    std::vector<Evidence> evidence;
    for (const analysis::Access* item : items) {
      for (const std::string_view action : item->actions) {
        if (std::find(actions.begin(), actions.end(), action) == actions.end())
          actions.push_back(action);
      }
      for (const analysis::Ground& ground : item->grounds) {
        if (!on_the_key(ground))
          continue;
        Evidence entry =
            ground_evidence(ground, " lets " + subject.label + " " + actions_text(item->actions) +
                                        " " + when_text(item->when));
        if (std::none_of(evidence.begin(), evidence.end(),
                         [&](const Evidence& e) { return e.text == entry.text; })) {
          evidence.push_back(std::move(entry));
        }
      }
    }
    const bool anyone = subject.kind == analysis::SubjectKind::any_account;
    const bool self_grant = exposure.create_grant != nullptr;
    // The grant path is worth saying where it is what exposes the data.
    const bool through_grant = self_grant && !reads_data(actions);
    Finding finding = new_finding(k_info);
    finding.severity = rcp_only                            ? Severity::medium
                       : self_grant || reads_data(actions) ? Severity::critical
                                                           : Severity::high;
    const std::string who = anyone ? std::string("principals of any AWS account")
                            : subject.kind == analysis::SubjectKind::named_principal
                                ? subject.arn + " of account " + subject.account
                                : "every principal of account " + subject.account;
    finding.message =
        "Key policy lets " + who + " call " + actions_text(actions) +
        (subject.kind == analysis::SubjectKind::named_principal
             ? ""
             : " with no condition limiting which callers") +
        (through_grant ? ", so it can use the key through a grant it can create for itself" : "") +
        (rcp_only ? "; only an RCP of the key's account names the callers (evidence), so the key "
                    "is open to them again if it is detached or changed."
         : anyone ? "; they only need their own IAM policy to allow it."
                  : ".");
    finding.evidence = std::move(evidence);
    // A Deny that narrows what is reported is part of why it is this wide and no wider; one that
    // keeps Decrypt from these callers decides the severity.
    std::vector<analysis::ActionClass> classes = {analysis::ActionClass::read};
    for (const analysis::Access* item : items)
      classes.push_back(item->action_class);
    const std::vector<Evidence> denies =
        deciding_deny_evidence(access, {subject_index}, classes, key.policy);
    finding.evidence.insert(finding.evidence.end(), denies.begin(), denies.end());
    add_removals(access, subject_index, key.source, finding);
    add_unapplied(access, key.source, finding);
    set_fix(finding, subject, exposure, key, access.key_policy());
    out.report(std::move(finding), key.source);
  }

  // The one key-policy statement that allows `item`, if only one does.
  static std::optional<std::size_t> only_statement(const analysis::Access& item) {
    std::optional<std::size_t> found;
    for (const analysis::Ground& ground : item.grounds) {
      if (ground.source != policy::ReasonSource::key_policy)
        continue;
      if (found && *found != ground.statement)
        return std::nullopt;
      found = ground.statement;
    }
    return found;
  }

  // A grant path alone closes with one condition; a statement open to whole accounts needs the
  // key's owner to say who should be let in, which no tool can guess.
  static void set_fix(Finding& finding, const analysis::Subject& subject, const Exposure& exposure,
                      const model::Key& key, const policy::CompiledPolicy& policy) {
    const std::string grant_condition = R"({"Bool": {"kms:GrantIsForAWSResource": "true"}})";
    const std::optional<std::size_t> grant_statement =
        exposure.items.empty() && exposure.create_grant ? only_statement(*exposure.create_grant)
                                                        : std::nullopt;
    if (grant_statement) {
      set_grant_path_fix(finding, key.policy, policy, *grant_statement, subject.label);
      return;
    }
    std::vector<std::string> options;
    if (subject.kind == analysis::SubjectKind::any_account) {
      options = {"Name the principals or accounts that need the key instead of \"*\".",
                 "Keep \"*\" and add a condition naming who may call: kms:CallerAccount or "
                 "aws:PrincipalAccount for accounts, aws:PrincipalOrgID for your organisation (and "
                 "kms:ViaService for use through a service)."};
    } else if (subject.kind == analysis::SubjectKind::account_principals) {
      options = {"Name the roles of account " + subject.account +
                     " that need the key instead of the whole account.",
                 "Add an aws:PrincipalArn condition naming those roles.",
                 "If account " + subject.account +
                     " is yours, list it in trusted_accounts in .tfkms.yml."};
    } else {
      options = {"Drop kms:CreateGrant from every statement that allows it to " + subject.label +
                 "."};
    }
    if (exposure.create_grant != nullptr) {
      options.push_back(
          "Add \"Condition\": " + grant_condition +
          " to the statements that allow kms:CreateGrant, so the grant path closes too.");
    }
    finding.fix = "Decide who should use the key. " + options_text(options);
    finding.fix_edit = choice_fix(std::move(options));
  }

  static constexpr RuleInfo k_info{"TFKMS004", "KeyOpenBeyondAccount",
                                   "Key usable from outside its account", Severity::critical,
                                   doc_for("TFKMS004")};
};

} // namespace

std::unique_ptr<Rule> make_tfkms004_key_open_beyond_account() {
  return std::make_unique<KeyOpenBeyondAccount>();
}

} // namespace tfkms::rules
