// TFKMS006: a key whose policy may lock everyone out of changing it. See rules/TFKMS006.md and
// kms-reference §6 (policy lockout safety check) and §3.2 (a policy naming neither the account nor
// the root user locks even root out).
#include "analysis/key_roles.hpp"
#include "policy/actions.hpp"
#include "rules/access_support.hpp"
#include "rules/fix_edits.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

#include <algorithm>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

namespace tfkms::rules {
namespace {

class LockoutRisk final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check_key(const RuleContext& context, model::KeyId id, FindingSink& out) const override {
    const model::Key& key = context.graph.key(id);
    if (key.kind == model::KeyKind::aws_managed || is_going_away(key))
      return;
    if (key.bypass_policy_lockout_safety_check)
      out.report(bypass_finding(key), key.source);
    // An absent policy is AWS's default, which gives the account kms:*.
    if (key.policy.state != model::PolicySource::State::document)
      return;
    const analysis::KeyAccess& access = context.access(id);
    if (access.key_policy_known() && !analysis::policy_changeable(access) &&
        !changeable_if_deployed_to_named_account(context, access)) {
      out.report(lockout_finding(context, key, access), key.source);
    }
  }

private:
  // With the deployment account unknown, an account id the policy names may well be it (a template
  // written for one account, "arn:aws:iam::111122223333:root"): the key is locked only if it stays
  // so when deployed to each account the policy names (kms:PutKeyPolicy never works across
  // accounts).
  static bool changeable_if_deployed_to_named_account(const RuleContext& context,
                                                      const analysis::KeyAccess& access) {
    for (const std::string& account : context.possible_own_accounts(access)) {
      if (analysis::policy_changeable(context.access_if_deployed_to(access.key(), account))) {
        return true;
      }
    }
    return false;
  }

  static Finding bypass_finding(const model::Key& key) {
    const std::string flag = is_terraform(key.source) ? "bypass_policy_lockout_safety_check = true"
                                                      : "BypassPolicyLockoutSafetyCheck: true";
    Finding finding = new_finding(k_info);
    finding.message = "Key sets " + flag +
                      ", so KMS accepts a policy that no principal can change afterwards; a "
                      "mistake then needs AWS "
                      "Support to undo.";
    finding.evidence.push_back(evidence_at(key.bypass_set_by, flag));
    const bool terraform = is_terraform(key.source);
    finding.fix = std::string(terraform ? "Set bypass_policy_lockout_safety_check = false"
                                        : "Set BypassPolicyLockoutSafetyCheck: false") +
                  " (or remove it: false is the default) and make sure the policy lets the "
                  "deploying principal call kms:PutKeyPolicy.";
    finding.fix_edit = property_fix(key.bypass_set_by,
                                    terraform ? "/bypass_policy_lockout_safety_check"
                                              : "/Properties/BypassPolicyLockoutSafetyCheck",
                                    false);
    return finding;
  }

  /// A Deny statement that decides kms:PutKeyPolicy.
  struct DecidingDeny {
    const policy::Statement* statement = nullptr;
    bool overrides_allow = false; ///< takes it from someone an Allow gives it to
  };

  // The Deny statements behind a lockout: those that take kms:PutKeyPolicy from someone an Allow
  // gives it to, and those that deny it to every principal with no condition, which no Allow can
  // get past. An explicit deny overrides every allow (kms-reference §3.1), so asking for another
  // Allow fixes nothing while they stand.
  static std::vector<DecidingDeny> denies_of_policy_change(const analysis::KeyAccess& access) {
    std::vector<DecidingDeny> denies;
    const std::optional<policy::ActionIndex> put_policy = policy::find_action("kms:PutKeyPolicy");
    for (const policy::Statement& statement : access.key_policy().document().statements) {
      if (!statement.effect_known || statement.effect != policy::Effect::deny)
        continue;
      const analysis::StatementEffect effect = analysis::statement_effect(access, statement.index);
      const auto& removed = effect.removes();
      const bool overrides =
          std::any_of(removed.begin(), removed.end(), [](const analysis::Access& item) {
            return item.action_class == analysis::ActionClass::policy_change;
          });
      const bool denies_everyone =
          put_policy && statement.conditions.empty() && statement.principal &&
          !statement.principal->negated &&
          (access.key_policy().actions_of_statement(statement.index) >> *put_policy & 1U) != 0 &&
          std::any_of(statement.principal->entries.begin(), statement.principal->entries.end(),
                      [](const policy::PrincipalEntry& entry) {
                        return entry.form == policy::PrincipalForm::any;
                      });
      if (overrides || denies_everyone)
        denies.push_back({&statement, overrides});
    }
    return denies;
  }

  // The account root as an ARN, when the account is known: the principal a fix can name.
  static std::optional<std::string> own_root(const RuleContext& context) {
    const std::string account = context.own_account();
    if (account == model::k_this_account)
      return std::nullopt;
    return "arn:" + context.graph.partition + ":iam::" + account + ":root";
  }

  static Finding lockout_finding(const RuleContext& context, const model::Key& key,
                                 const analysis::KeyAccess& access) {
    Finding finding = new_finding(k_info);
    const std::vector<DecidingDeny> denies = denies_of_policy_change(access);
    const std::optional<std::string> root = own_root(context);
    const std::string safety =
        key.bypass_policy_lockout_safety_check
            ? "."
            : " (KMS refuses such a policy unless the lockout safety check is bypassed).";
    // The principals' own IAM Denies: the key policy does allow them, so an Allow is not what is
    // missing, and an IAM administrator can still narrow those Denies.
    std::vector<std::size_t> subjects(access.subjects().size());
    std::iota(subjects.begin(), subjects.end(), std::size_t{0});
    const std::vector<Evidence> iam_denies =
        identity_deny_evidence(access, subjects, {analysis::ActionClass::policy_change});
    if (denies.empty() && !iam_denies.empty()) {
      finding.message =
          "Key policy lets only principals whose own IAM policies deny it call "
          "kms:PutKeyPolicy, and an explicit deny overrides every allow, so once applied nobody "
          "can change the key policy until an IAM administrator narrows those Denies" +
          safety;
      finding.evidence = iam_denies;
      finding.fix = "Narrow the IAM Deny named in the evidence so it leaves kms:PutKeyPolicy to a "
                    "key administrator, or let the account root (arn:aws:iam::<account>:root), "
                    "which no IAM policy limits, call kms:PutKeyPolicy; another Allow for the "
                    "same principals changes nothing while the Deny stands.";
    } else if (denies.empty()) {
      finding.message =
          "Key policy lets no principal call kms:PutKeyPolicy, not even the account "
          "through IAM, so once applied nobody can change it and only AWS Support can "
          "restore control" +
          safety;
      finding.evidence.push_back(
          evidence_at(key.policy.where, "no statement allows kms:PutKeyPolicy to any principal"));
      finding.fix = "Add a statement that lets a key administrator role, or the account root "
                    "(arn:aws:iam::<account>:root) with IAM delegation, call kms:PutKeyPolicy.";
    }
    if (denies.empty()) {
      // Administration only: key use stays with the statements that name principals (TFKMS001).
      if (root) {
        finding.fix_edit = statement_fix(
            key.policy, {{"Sid", "KeyAdministrationThroughIAM"},
                         {"Effect", "Allow"},
                         {"Principal", {{"AWS", *root}}},
                         {"Action", {"kms:PutKeyPolicy", "kms:GetKeyPolicy", "kms:DescribeKey"}},
                         {"Resource", "*"}});
      }
      return finding;
    }
    finding.message =
        "Key policy denies kms:PutKeyPolicy, and an explicit deny overrides every allow, "
        "so once applied nobody can change it and only AWS Support can restore control" +
        safety;
    for (const DecidingDeny& deny : denies) {
      finding.evidence.push_back(statement_evidence(
          *deny.statement, key.policy,
          deny.overrides_allow
              ? "denies kms:PutKeyPolicy, which overrides every statement allowing it"
              : "denies kms:PutKeyPolicy to every principal, so no Allow can give it"));
    }
    finding.evidence.insert(finding.evidence.end(), iam_denies.begin(), iam_denies.end());
    const std::string exclude_root =
        root ? R"({"ArnNotEquals": {"aws:PrincipalArn": ")" + *root + R"("}})" : std::string();
    std::vector<std::string> options = {
        "Drop kms:PutKeyPolicy from the Deny's Action (or use NotAction).",
        "Exclude a key administrator from the Deny with an aws:PrincipalArn condition" +
            (root ? ", for example " + exclude_root + " for the account root user." : "."),
        "Remove the Deny."};
    finding.fix = "Narrow the Deny named in the evidence so it leaves kms:PutKeyPolicy to a key "
                  "administrator; another Allow changes nothing while the Deny stands. " +
                  options_text(options);
    const bool allowed_somewhere =
        std::any_of(denies.begin(), denies.end(),
                    [](const DecidingDeny& deny) { return deny.overrides_allow; });
    if (!allowed_somewhere) {
      finding.fix +=
          " No statement allows kms:PutKeyPolicy either: once the Deny is narrowed, add one "
          "for a key administrator.";
    }
    // Sparing the root user helps only where an Allow gives it kms:PutKeyPolicy.
    if (root && denies.size() == 1 && denies.front().overrides_allow &&
        denies.front().statement->conditions.empty()) {
      finding.fix_edit = condition_fix(key.policy, denies.front().statement->index,
                                       nlohmann::json::parse(exclude_root));
    } else {
      finding.fix_edit = choice_fix(std::move(options));
    }
    return finding;
  }

  static constexpr RuleInfo k_info{
      "TFKMS006",       "KeyPolicyLockoutRisk", "Key policy lockout risk",
      Severity::medium, doc_for("TFKMS006"),    /*weighs_each_account=*/true};
};

} // namespace

std::unique_ptr<Rule> make_tfkms006_lockout_risk() { return std::make_unique<LockoutRisk>(); }

} // namespace tfkms::rules
