// TFKMS001: the key policy names administrators, users or conditions, yet the access analysis shows
// access broader than those statements suggest, so they are decoration. See rules/TFKMS001.md and
// kms-reference §3.10 (the patterns), §3.2 (account delegation), §3.9 (conditions that cannot
// hold).
#include "analysis/key_roles.hpp"
#include "rules/access_support.hpp"
#include "rules/fix_edits.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <string_view>

namespace tfkms::rules {
namespace {

// Principals listed one by one in a delegation finding; the rest are counted.
constexpr std::size_t k_listed_principals = 20;

using analysis::ActionClass;

bool names_individuals(const policy::Statement& statement) {
  if (!statement.principal)
    return false;
  return std::any_of(statement.principal->entries.begin(), statement.principal->entries.end(),
                     [](const auto& entry) {
                       return entry.form == policy::PrincipalForm::role ||
                              entry.form == policy::PrincipalForm::user ||
                              entry.form == policy::PrincipalForm::assumed_role ||
                              entry.form == policy::PrincipalForm::federated_user;
                     });
}

// A statement for AWS services only (logs.amazonaws.com, ...): it lets a service in, it does not
// try to narrow what the account's users and roles may do.
bool names_only_services(const policy::Statement& statement) {
  return statement.principal && !statement.principal->negated &&
         !statement.principal->entries.empty() &&
         std::all_of(
             statement.principal->entries.begin(), statement.principal->entries.end(),
             [](const auto& entry) { return entry.form == policy::PrincipalForm::service; });
}

bool allows_anyone(const policy::Statement& statement) {
  return statement.principal && !statement.principal->negated &&
         std::any_of(statement.principal->entries.begin(), statement.principal->entries.end(),
                     [](const auto& entry) { return entry.form == policy::PrincipalForm::any; });
}

bool delegates(const policy::Statement& statement) {
  return statement.effect == policy::Effect::allow && statement.principal &&
         !statement.principal->negated &&
         std::any_of(
             statement.principal->entries.begin(), statement.principal->entries.end(),
             [](const auto& entry) { return entry.form == policy::PrincipalForm::account; });
}

class KeyPolicyLooksRestrictive final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check_key(const RuleContext& context, model::KeyId id, FindingSink& out) const override {
    const model::Key& key = context.graph.key(id);
    // No policy: AWS's default root statement, which restricts nothing and claims nothing.
    if (key.kind == model::KeyKind::aws_managed || is_going_away(key) ||
        key.policy.state != model::PolicySource::State::document) {
      return;
    }
    const analysis::KeyAccess& access = context.access(id);
    if (!access.key_policy_known())
      return;
    Checker{context, key, access, out}.run();
  }

private:
  struct Checker {
    const RuleContext& context;
    const model::Key& key;
    const analysis::KeyAccess& access;
    FindingSink& out;

    const policy::Document& document() const { return access.key_policy().document(); }

    Evidence statement_ref(const policy::Statement& statement, const std::string& text) const {
      return statement_evidence(statement, key.policy, text);
    }

    void report(Finding&& finding) const {
      add_unapplied(access, key.source, finding);
      out.report(std::move(finding), key.source);
    }

    // Whether an Allow statement of the key policy names the subject's one principal (for some
    // actions). The key policy names no member of a class: the principals it names are subjects of
    // their own.
    bool names(const analysis::Subject& subject) const {
      if (subject.members.size() != 1)
        return false;
      const std::string& arn = subject.arn;
      return std::any_of(document().statements.begin(), document().statements.end(),
                         [&](const policy::Statement& st) {
                           return st.effect == policy::Effect::allow && st.principal &&
                                  !st.principal->negated &&
                                  std::any_of(st.principal->entries.begin(),
                                              st.principal->entries.end(), [&](const auto& entry) {
                                                return entry.value.known() &&
                                                       entry.value.text == arn;
                                              });
                         });
    }

    void run() const {
      bool delegation_reported = check_delegation(access, {});
      if (!delegation_reported) {
        for (const std::string& account : context.possible_own_accounts(access)) {
          delegation_reported =
              check_delegation(context.access_if_deployed_to(access.key(), account), account);
          if (delegation_reported)
            break;
        }
      }
      // What each statement adds costs one analysis per statement; a key policy is at most 32 KB
      // (kms-reference §6), so real ones stay far below this bound and only hostile input reaches
      // it.
      constexpr std::size_t k_max_statements_compared = 200;
      if (document().statements.size() > k_max_statements_compared)
        return;
      for (const policy::Statement& statement : document().statements) {
        if (statement.effect != policy::Effect::allow || !statement.readable)
          continue;
        const analysis::StatementEffect effect =
            analysis::statement_effect(access, statement.index);
        if (check_negations(statement, effect))
          continue;
        if (check_account_wide_star(statement, effect))
          continue;
        if (check_hollow_conditions(statement, effect))
          continue;
        check_dominated(statement, effect, delegation_reported);
      }
    }

    // §3.10.1: root delegation next to statements that name users: the named lists restrict
    // nothing. `assumed_account`: the account `key_access` was analysed as deployed to, when the
    // input does not say (RuleContext::possible_own_accounts). True when it reported.
    bool check_delegation(const analysis::KeyAccess& key_access,
                          const std::string& assumed_account) const {
      const auto& statements = document().statements;
      const bool restricting =
          std::any_of(statements.begin(), statements.end(), [](const policy::Statement& st) {
            return !delegates(st) && !names_only_services(st) &&
                   (names_individuals(st) || !st.conditions.empty());
          });
      if (!restricting)
        return false;

      // Filtered where they stand: moving the kept ones, grounds and all, cost more than the test.
      std::vector<analysis::DelegatedAccess> delegated =
          analysis::delegated_access(key_access, {ActionClass::read, ActionClass::write});
      std::erase_if(delegated, [](const analysis::DelegatedAccess& item) {
        return !holds_unrestricted(item.when);
      });
      // What each subject gets; every member of a class of principals gets the same, and each
      // principal is the member of one subject. Only the first principals are listed, so only they
      // are sorted: a class can hold thousands.
      std::map<std::size_t, std::vector<const analysis::DelegatedAccess*>> by_subject;
      for (const auto& item : delegated)
        by_subject[item.subject].push_back(&item);
      std::size_t principals = 0;
      std::vector<std::pair<model::PrincipalId, std::size_t>> listed; // principal, subject
      for (const auto& [subject, items] : by_subject) {
        const auto& members = key_access.subjects().at(subject).members;
        principals += members.size();
        for (std::size_t i = 0; i < members.size() && i < k_listed_principals; ++i)
          listed.emplace_back(members[i], subject);
      }
      std::sort(listed.begin(), listed.end());
      if (listed.size() > k_listed_principals)
        listed.resize(k_listed_principals);

      Finding finding = new_finding(k_info);
      // The first listed principal's line, for the message, and whether the key policy names it.
      std::optional<std::pair<std::string, bool>> first_named;
      std::vector<analysis::Ground> delegating;
      const auto add_delegating = [&](const std::vector<analysis::Ground>& grounds) {
        for (const auto& ground : grounds) {
          const bool seen =
              std::any_of(delegating.begin(), delegating.end(), [&](const analysis::Ground& other) {
                return other.text == ground.text && other.pointer == ground.pointer;
              });
          if (!seen)
            delegating.push_back(ground);
        }
      };
      for (const auto& item : delegated)
        add_delegating(item.key_policy_grounds);
      // The principals of one subject can do the same: the text of that is made once. Each line is
      // sized once and written in place: a plan of N teams lists 20 principals for each of N keys.
      std::map<std::size_t, std::string> actions_of_subject;
      // Of the principals of `listed`, in order: the graph's labels, which outlive the finding.
      std::vector<const std::string*> labels;
      labels.reserve(listed.size());
      finding.evidence.reserve(listed.size() + 4);
      std::vector<std::string_view> via; // names that outlive the loop: the graph's or a ground's
      for (const auto& [principal, subject] : listed) {
        const std::vector<const analysis::DelegatedAccess*>& items = by_subject.at(subject);
        via.clear();
        for (const analysis::DelegatedAccess* item : items) {
          for (const auto& shared_ground : item->identity_grounds) {
            const auto policy =
                analysis::member_policy(key_access, item->subject, shared_ground, principal);
            const std::string_view name = policy ? context.graph.policy(*policy).source.name()
                                                 : std::string_view(shared_ground.text);
            if (std::find(via.begin(), via.end(), name) == via.end())
              via.push_back(name);
          }
        }
        auto [actions_of, fresh] = actions_of_subject.try_emplace(subject);
        if (fresh) {
          std::vector<std::string_view> actions;
          for (const analysis::DelegatedAccess* item : items)
            actions.insert(actions.end(), item->actions.begin(), item->actions.end());
          actions_of->second = actions_text(actions);
        }
        labels.push_back(&context.graph_access().member_label(principal));
        const bool in_policy = names(key_access.subjects().at(subject));
        const std::string_view because = in_policy ? " beyond what the key policy names it for"
                                                   : " without being named in the key policy";
        std::string text;
        text.reserve(labels.back()->size() + actions_of->second.size() + because.size() + 80);
        text += *labels.back();
        text += std::string_view(" can ");
        text += actions_of->second;
        text += std::string_view(" via ");
        append_words(text, via);
        if (!first_named)
          first_named.emplace(text, in_policy);
        text += because;
        add_evidence_at(finding.evidence, context.graph.principal(principal).source,
                        std::move(text));
      }
      std::vector<std::size_t> subjects;
      for (const auto& [subject, items] : by_subject)
        subjects.push_back(subject);
      if (principals > k_listed_principals) {
        finding.evidence.push_back(evidence_at(
            key.source,
            std::to_string(principals - k_listed_principals) +
                " more principals get key use the same way; `tfkms access` lists every one"));
      }
      if (first_named) {
        finding.message =
            "Key policy names specific principals, but it also delegates key use to the account, "
            "so " +
            first_named->first +
            (principals > 1 ? " (and " + std::to_string(principals - 1) + " more)" : "") +
            (first_named->second ? " beyond what the key policy names it for."
                                 : " without being named.");
      } else {
        // No IAM principal in the input: the delegation still opens the key to the whole account.
        std::vector<std::string_view> actions;
        std::string account;
        for (std::size_t index = 0; index < key_access.subjects().size(); ++index) {
          const analysis::Subject& subject = key_access.subjects()[index];
          // Only key use counts, which the memberships tell without building the accesses.
          if (subject.kind != analysis::SubjectKind::account_principals || !subject.key_account ||
              (!key_access.has_access(index, ActionClass::read) &&
               !key_access.has_access(index, ActionClass::write)))
            continue;
          for (const analysis::Access& item : key_access.accesses_of(index)) {
            if (item.outcome != policy::Outcome::allowed || !item.needs_identity_policy ||
                !holds_unrestricted(item.when) ||
                (item.action_class != ActionClass::read &&
                 item.action_class != ActionClass::write)) {
              continue;
            }
            const bool via_delegation =
                std::any_of(item.grounds.begin(), item.grounds.end(), [](const auto& ground) {
                  return ground.kind == policy::ReasonKind::delegates;
                });
            if (!via_delegation)
              continue;
            account = subject.account;
            if (std::find(subjects.begin(), subjects.end(), item.subject) == subjects.end())
              subjects.push_back(item.subject);
            actions.insert(actions.end(), item.actions.begin(), item.actions.end());
            std::vector<analysis::Ground> delegating_grounds;
            std::copy_if(item.grounds.begin(), item.grounds.end(),
                         std::back_inserter(delegating_grounds),
                         [](const analysis::Ground& ground) {
                           return ground.kind == policy::ReasonKind::delegates;
                         });
            add_delegating(delegating_grounds);
          }
        }
        if (actions.empty())
          return false;
        finding.severity = Severity::medium;
        finding.message = "Key policy names specific principals, but it also delegates " +
                          actions_text(actions) + " to the account, so any principal of account " +
                          account +
                          " whose IAM policy allows it can use the key without being named.";
      }
      for (const auto& ground : delegating) {
        if (ground.source == policy::ReasonSource::key_policy)
          finding.evidence.push_back(ground_evidence(ground, " delegates to the account"));
      }
      // A Deny that narrows the delegation is part of what it leaves: the key policy's, and each
      // listed principal's own IAM Denies, at its own policy (alike principals are one subject).
      const std::vector<ActionClass> use_classes{ActionClass::read, ActionClass::write};
      const std::vector<Evidence> denies =
          key_deny_evidence(key_access, subjects, use_classes, key.policy);
      finding.evidence.insert(finding.evidence.end(), denies.begin(), denies.end());
      std::map<std::size_t, std::vector<analysis::IdentityDeny>> iam_denies;
      for (std::size_t i = 0; i < listed.size(); ++i) {
        const auto& [principal, subject] = listed[i];
        auto found = iam_denies.find(subject);
        if (found == iam_denies.end())
          found = iam_denies
                      .emplace(subject, analysis::identity_denies(key_access, subject, use_classes))
                      .first;
        // Most principals have no Deny of their own: no caller is written for them.
        if (found->second.empty())
          continue;
        const SubjectCaller caller{*labels[i], key_access.subjects().at(subject).members.size() > 1
                                                   ? std::optional(principal)
                                                   : std::nullopt};
        for (Evidence& deny :
             identity_deny_evidence(key_access, subject, found->second, use_classes, caller))
          finding.evidence.push_back(std::move(deny));
      }
      if (!assumed_account.empty()) {
        finding.message +=
            " This holds if the input deploys to account " + assumed_account +
            ", which the key policy names; the input does not say which account it deploys to.";
        finding.evidence.push_back(evidence_at(key.source, "assumed deployment account " +
                                                               assumed_account +
                                                               " (pass --account-id to state it)"));
      }
      set_delegation_fix(finding, key_access, subjects, delegating);
      report(std::move(finding));
      return true;
    }

    // The account statement narrowed to administration, and key use kept in the statements that
    // name principals. kms:CreateGrant (inside the console's kms:Create*) would hand the rest out
    // again through a grant (kms-reference §3.10.5), so it goes too. A delegated role (one of
    // `subjects`) that can rewrite the policy or grant itself use keeps that power after the edit
    // and takes back what it loses (TFKMS005), so then the edit alone is no fix: the owner chooses.
    void set_delegation_fix(Finding& finding, const analysis::KeyAccess& key_access,
                            const std::vector<std::size_t>& subjects,
                            const std::vector<analysis::Ground>& delegating) const {
      std::vector<std::size_t> statements;
      for (const analysis::Ground& ground : delegating) {
        if (ground.source == policy::ReasonSource::key_policy &&
            std::find(statements.begin(), statements.end(), ground.statement) == statements.end())
          statements.push_back(ground.statement);
      }
      std::vector<std::string> escalating;
      for (const std::size_t subject : subjects) {
        if (analysis::is_individual(key_access.subjects()[subject]) &&
            (analysis::holds(key_access, subject, analysis::RoleKind::changes_policy) ||
             analysis::holds(key_access, subject, analysis::RoleKind::creates_grants))) {
          escalating.push_back(key_access.subjects()[subject].label);
        }
      }
      // Texts of the fix, copied only into the branch that uses them.
      constexpr std::string_view narrow =
          "Limit the account statement to key administration (no kms:Decrypt, kms:Encrypt, "
          "kms:GenerateDataKey*, kms:ReEncrypt* or kms:CreateGrant, which hands that use out "
          "through a grant; give AWS services kms:CreateGrant with kms:GrantIsForAWSResource in a "
          "statement of its own), and keep key use in the statements that name principals.";
      constexpr std::string_view through_service =
          "Keep the account's use to a service: add a kms:ViaService condition to the account "
          "statement.";
      if (statements.size() != 1 || !escalating.empty()) {
        const std::string preface =
            escalating.empty()
                ? ""
                : "Key use through the account also reaches " + join_words(escalating) +
                      ", which can rewrite the key policy or create grants, and so would take that "
                      "use back after either change (TFKMS005): keep kms:PutKeyPolicy and "
                      "kms:CreateGrant to the roles that deploy the key. ";
        set_design_choice(finding, {std::string(narrow), std::string(through_service)}, preface);
        return;
      }
      const std::vector<std::string> actions =
          administration_actions(key_access.key_policy(), statements.front());
      finding.fix = "Limit statement " + std::to_string(statements.front()) +
                    ", which delegates to the account, to key administration: let it allow " +
                    join_words(actions) +
                    " (no use of the key, and no kms:CreateGrant, which hands that use out through "
                    "a grant; give AWS services kms:CreateGrant with kms:GrantIsForAWSResource in "
                    "a statement of its own), and keep key use in the statements that name "
                    "principals. Or: " +
                    std::string(through_service);
      finding.fix_edit = actions_fix(key.policy, statements.front(), actions);
    }

    // §3.10.3, §3.6: Allow with NotAction / NotPrincipal / NotResource grants everything not
    // listed.
    bool check_negations(const policy::Statement& statement,
                         const analysis::StatementEffect& effect) const {
      std::string element;
      if (statement.actions.negated)
        element = "NotAction";
      else if (statement.principal && statement.principal->negated)
        element = "NotPrincipal";
      else if (statement.resources && statement.resources->negated)
        element = "NotResource";
      if (element.empty() || effect.adds().empty())
        return false;
      Finding finding = new_finding(k_info);
      finding.message = "Key policy " + statement_label(statement) + " uses Allow with " + element +
                        ", which allows everything not listed: " + adds_text(effect) + ".";
      finding.evidence.push_back(statement_ref(statement, "Allow with " + element));
      const std::string listed = element.substr(3); // Action, Principal, Resource
      set_design_choice(
          finding,
          {"Replace " + element + " with " + listed +
               ", listing what the statement is meant to allow instead of what it leaves out.",
           "Remove the statement, if the other statements already allow what is needed."});
      report(std::move(finding));
      return true;
    }

    // §3.10.2: Principal "*" limited only to the own account lets every identity in, without IAM.
    bool check_account_wide_star(const policy::Statement& statement,
                                 const analysis::StatementEffect& effect) const {
      if (!allows_anyone(statement))
        return false;
      // Not limited to the account at all when it also lets other accounts in: that is "*" open to
      // every account, which TFKMS004 reports.
      const bool opens_other_accounts = std::any_of(
          effect.adds().begin(), effect.adds().end(), [&](const analysis::Access& item) {
            const analysis::Subject& subject = access.subjects().at(item.subject);
            return !subject.key_account && subject.kind != analysis::SubjectKind::service &&
                   !limited_to_named_callers(item.when);
          });
      if (opens_other_accounts)
        return false;
      std::vector<std::string_view> actions;
      for (const analysis::Access& item : effect.adds()) {
        const analysis::Subject& subject = access.subjects().at(item.subject);
        if (!subject.key_account || item.needs_identity_policy ||
            !holds_unrestricted_except(item.when, {"kms:CallerAccount", "aws:PrincipalAccount"})) {
          continue;
        }
        for (const auto action : item.actions) {
          if (std::find(actions.begin(), actions.end(), action) == actions.end())
            actions.push_back(action);
        }
      }
      if (actions.empty())
        return false;
      Finding finding = new_finding(k_info);
      finding.message = "Key policy " + statement_label(statement) +
                        " allows Principal \"*\" limited only to the account, so every user and "
                        "role of the account "
                        "can call " +
                        actions_text(actions) + " with no IAM permission at all.";
      finding.evidence.push_back(statement_ref(statement, "allows Principal \"*\""));
      set_design_choice(finding,
                        {"Name the principals that need the key in Principal instead of \"*\".",
                         "Keep \"*\" and add a kms:ViaService condition, so the key is only used "
                         "through the service that needs it."});
      report(std::move(finding));
      return true;
    }

    // §3.9, §3.10.7: a Condition block that holds for every request restricts nothing.
    bool check_hollow_conditions(const policy::Statement& statement,
                                 const analysis::StatementEffect& effect) const {
      if (statement.conditions.empty())
        return false;
      const bool hollow =
          std::any_of(effect.adds().begin(), effect.adds().end(),
                      [](const analysis::Access& item) { return holds_unrestricted(item.when); });
      if (!hollow)
        return false;
      std::vector<std::string> clauses;
      for (const auto& clause : statement.conditions)
        clauses.push_back(clause.operator_text + " " + clause.key);
      Finding finding = new_finding(k_info);
      finding.message =
          "Key policy " + statement_label(statement) + " has a condition (" + join_words(clauses) +
          ") that holds for requests it was meant to exclude, so " + adds_text(effect) + ".";
      finding.evidence.push_back(statement_ref(statement, "condition " + join_words(clauses)));
      for (const auto& item : effect.adds()) {
        if (holds_unrestricted(item.when)) {
          finding.evidence.push_back(statement_ref(statement, "gives " + access.text(item)));
          break;
        }
      }
      set_design_choice(
          finding, {"Make the condition hold only for what it is meant to allow: an operator that "
                    "fails when the key is absent (StringEquals, not StringEqualsIfExists or "
                    "ForAllValues with Allow) and values that name what is allowed (not \"*\").",
                    "Remove the statement, if no request should pass it."});
      report(std::move(finding));
      return true;
    }

    // A statement whose access other statements already give: it looks like a restriction and is
    // not. With the own account unknown, it must add nothing in each account the policy names too:
    // a statement naming a role of the deployment account gives it access without IAM. When the
    // delegation to the account is reported, its fix narrows the account statement and keeps key
    // use in the statements that name principals: a statement that only the delegation covers is
    // the one to keep, and calling it redundant would contradict that fix.
    void check_dominated(const policy::Statement& statement,
                         const analysis::StatementEffect& effect, bool delegation_reported) const {
      if (!effect.changes_nothing() || effect.covered_by().empty())
        return;
      if (delegation_reported &&
          std::any_of(effect.covered_by().begin(), effect.covered_by().end(),
                      [](const analysis::Ground& ground) {
                        return ground.kind == policy::ReasonKind::delegates ||
                               ground.source == policy::ReasonSource::identity_policy;
                      })) {
        return;
      }
      for (const std::string& account : context.possible_own_accounts(access)) {
        if (!analysis::statement_effect(context.access_if_deployed_to(access.key(), account),
                                        statement.index)
                 .changes_nothing()) {
          return;
        }
      }
      std::vector<std::string> others;
      Finding finding = new_finding(k_info);
      finding.severity = Severity::medium;
      finding.evidence.push_back(statement_ref(statement, "adds no access"));
      for (const auto& ground : effect.covered_by()) {
        if (std::find(others.begin(), others.end(), ground.text) != others.end())
          continue;
        others.push_back(ground.text);
        finding.evidence.push_back(ground_evidence(ground, " already allows it"));
      }
      finding.message = "Key policy " + statement_label(statement) +
                        " adds nothing: " + join_words(others) +
                        " already allows everything it allows.";
      finding.fix = "Remove the statement, or narrow the broader one so that this statement is "
                    "what grants the access.";
      finding.fix_edit = removal_fix(key.policy, statement.index);
      report(std::move(finding));
    }

    std::string adds_text(const analysis::StatementEffect& effect) const {
      std::vector<std::string> parts;
      for (const auto& item : effect.adds()) {
        parts.push_back(access.text(item));
        if (parts.size() == 2)
          break;
      }
      if (effect.adds().size() > 2)
        parts.push_back(std::to_string(effect.adds().size() - 2) + " more accesses");
      return join_words(parts, "; ");
    }
  };

  static constexpr RuleInfo k_info{"TFKMS001",
                                   "KeyPolicyLooksRestrictive",
                                   "Key policy looks restrictive but is not",
                                   Severity::high,
                                   doc_for("TFKMS001"),
                                   /*weighs_each_account=*/true};
};

} // namespace

std::unique_ptr<Rule> make_tfkms001_key_policy_looks_restrictive() {
  return std::make_unique<KeyPolicyLooksRestrictive>();
}

} // namespace tfkms::rules
