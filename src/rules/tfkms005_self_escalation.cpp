// TFKMS005: a principal that may rewrite the key policy, or create grants for itself, can take
// every right the policy withholds from it. See rules/TFKMS005.md and kms-reference §3.10.4–5, §7
// row 14 (CreateGrant does not require holding the granted permission). A principal of another
// account counts too: CreateGrant works across accounts (§1.1).
#include "analysis/key_roles.hpp"
#include "rules/access_support.hpp"
#include "rules/fix_edits.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

#include <algorithm>
#include <optional>

namespace tfkms::rules {
namespace {

bool contains(const std::vector<std::string_view>& actions, std::string_view action) {
  return std::find(actions.begin(), actions.end(), action) != actions.end();
}

class SelfEscalation final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check_key(const RuleContext& context, model::KeyId id, FindingSink& out) const override {
    const model::Key& key = context.graph.key(id);
    if (key.kind == model::KeyKind::aws_managed || is_going_away(key))
      return;
    const analysis::KeyAccess& access = context.access(id);
    if (!access.key_policy_known())
      return;
    for (std::size_t subject = 0; subject < access.subjects().size(); ++subject) {
      check_subject(access, subject, key, out);
    }
  }

private:
  // Individual principals only: delegation to a whole account is how AWS's default policy hands
  // administration to IAM, and TFKMS001 reports what it opens.
  static void check_subject(const analysis::KeyAccess& access, std::size_t subject_index,
                            const model::Key& key, FindingSink& out) {
    const analysis::Subject& subject = access.subjects().at(subject_index);
    // Without a way to change the policy or create a grant there is nothing to escalate with: its
    // accesses are not built.
    if (!analysis::is_individual(subject) ||
        (!access.has_access(subject_index, analysis::ActionClass::policy_change) &&
         !access.has_access(subject_index, analysis::ActionClass::grant_management)))
      return;
    // A principal of another account always needs its own IAM policy too; its administrators
    // write that, so what the key policy opens to it is its to take.
    constexpr auto unshown = analysis::UnshownPolicies::other_accounts_own;
    // The roles' actions come from the analysis core, which a key of the same shape may have
    // answered already: the accesses are built only for a subject that can reach something.
    if (!analysis::holds(access, subject_index, analysis::RoleKind::changes_policy, unshown) &&
        !analysis::holds(access, subject_index, analysis::RoleKind::creates_grants, unshown))
      return;
    // What it may do without any further IAM policy.
    const std::vector<std::string_view>& given =
        analysis::role_actions(access, subject_index, analysis::RoleKind::uses, unshown);
    // What it can reach: every data action it is not given (a new policy can say anything; a grant
    // can carry every grant operation, and the data actions all are grant operations).
    std::vector<std::string_view> reachable;
    for (const analysis::ActionClass action_class :
         {analysis::ActionClass::read, analysis::ActionClass::write}) {
      for (const std::string_view action : analysis::actions_of(action_class)) {
        if (!contains(given, action) && !contains(reachable, action))
          reachable.push_back(action);
      }
    }
    if (reachable.empty())
      return;
    const analysis::Role rewrite = analysis::changes_policy(access, subject_index, unshown);
    const analysis::Role grant = analysis::creates_grants(access, subject_index, unshown);
    const analysis::Access* put_policy = rewrite.held() ? rewrite.accesses.back() : nullptr;
    const analysis::Access* create_grant = grant.held() ? grant.accesses.back() : nullptr;
    // A Deny in the key policy that takes an action in every request is one no grant gets past;
    // only a new key policy would.
    std::vector<std::pair<const policy::Statement*, std::string_view>> beyond_grants;
    if (put_policy == nullptr) {
      std::erase_if(reachable, [&](std::string_view action) {
        return !may_grant_itself(access, subject_index, action);
      });
      std::erase_if(reachable, [&](std::string_view action) {
        const policy::Statement* deny = denied_in_every_request(access, subject, action);
        if (deny != nullptr)
          beyond_grants.emplace_back(deny, action);
        return deny != nullptr;
      });
    }
    // What its SCPs or RCPs deny whatever the key policy says, no policy it writes can give it.
    // A caller outside the input is given the strongest IAM it could have, as elsewhere.
    const analysis::Caller self{subject.principal, subject.arn, !subject.principal.has_value()};
    std::erase_if(reachable, [&](std::string_view action) {
      return !analysis::allowed_by_open_key_policy(access, self, action);
    });
    if (reachable.empty())
      return;
    const analysis::Access* path = put_policy ? put_policy : create_grant;

    const std::string how = put_policy ? "can call kms:PutKeyPolicy"
                                       : "can call kms:CreateGrant without a "
                                         "kms:GrantIsForAWSResource condition";
    const std::string means =
        put_policy ? "rewrite the key policy to give itself " : "grant itself ";
    // Denies that narrow the path or the data it is given decide what it can reach: the key
    // policy's, and those of each caller's own IAM policies.
    const std::vector<analysis::ActionClass> deciding = {
        path->action_class, analysis::ActionClass::read, analysis::ActionClass::write};
    const std::vector<Evidence> denies =
        key_deny_evidence(access, {subject_index}, deciding, key.policy);
    const std::vector<analysis::IdentityDeny> iam_denies =
        analysis::identity_denies(access, subject_index, deciding);
    for (const SubjectCaller& caller : callers_of(access, subject_index)) {
      const std::string& label = caller.label;
      Finding finding = new_finding(k_info);
      finding.message = label + " " + how + ", so it can " + means + actions_text(reachable) +
                        ", which the key policy does not give it directly.";
      for (const analysis::Ground& ground : path->grounds) {
        if (!on_the_key(ground))
          continue;
        finding.evidence.push_back(ground_evidence(
            ground_for(access, subject_index, caller, ground),
            " lets " + label + " " + actions_text(path->actions) + " " + when_text(path->when)));
      }
      finding.evidence.push_back(evidence_at(
          key.source, label + " is given " +
                          (given.empty() ? std::string("no data access") : actions_text(given, 8)) +
                          " directly"));
      finding.evidence.insert(finding.evidence.end(), denies.begin(), denies.end());
      for (Evidence& deny :
           identity_deny_evidence(access, subject_index, iam_denies, deciding, caller))
        finding.evidence.push_back(std::move(deny));
      for (const auto& [deny, action] : beyond_grants) {
        finding.evidence.push_back(statement_evidence(*deny, key.policy,
                                                      "denies " + label + " " +
                                                          std::string(action) +
                                                          " with no condition, which no grant "
                                                          "gets past"));
      }
      set_fix(finding, key, access.key_policy(), *path, put_policy != nullptr, label);
      add_unapplied(access, key.source, finding);
      out.report(std::move(finding), key.source);
    }
  }

  // A Deny of the key policy with no condition that names `subject` (or "*") and certainly covers
  // `action` on the key: a key-policy Deny beats a grant (kms-reference §5.5), so no grant the
  // subject creates gives it the action.
  static const policy::Statement* denied_in_every_request(const analysis::KeyAccess& access,
                                                          const analysis::Subject& subject,
                                                          std::string_view action) {
    const std::optional<policy::ActionIndex> index = policy::find_action(action);
    if (!index)
      return nullptr;
    const auto known = [](const auto& entry) { return entry.value.known(); };
    for (const policy::Statement& statement : access.key_policy().document().statements) {
      if (!statement.effect_known || statement.effect != policy::Effect::deny ||
          !statement.readable || !statement.conditions.empty() || !statement.principal ||
          statement.principal->negated || statement.actions.negated || !statement.resources ||
          statement.resources->negated ||
          !std::all_of(statement.actions.entries.begin(), statement.actions.entries.end(), known)) {
        continue;
      }
      const bool every_resource =
          std::any_of(statement.resources->entries.begin(), statement.resources->entries.end(),
                      [](const policy::PatternEntry& entry) {
                        return entry.value.known() && entry.value.text == "*";
                      });
      const bool names =
          std::any_of(statement.principal->entries.begin(), statement.principal->entries.end(),
                      [&](const policy::PrincipalEntry& entry) {
                        return entry.form == policy::PrincipalForm::any ||
                               (entry.value.known() && entry.value.text == subject.arn);
                      });
      if (every_resource && names &&
          (access.key_policy().actions_of_statement(statement.index) >> *index & 1U) != 0) {
        return &statement;
      }
    }
    return nullptr;
  }

  // The key-policy statement that alone allows `path` by naming the principal (not by delegating
  // to its account, whose statement also serves the administrators), if there is one.
  static std::optional<std::size_t> naming_statement(const analysis::Access& path) {
    std::optional<std::size_t> found;
    for (const analysis::Ground& ground : path.grounds) {
      // The IAM policy a principal outside the input is assumed to have is no statement to edit.
      if (ground.source == policy::ReasonSource::identity_policy && !ground.policy)
        continue;
      if (ground.source != policy::ReasonSource::key_policy ||
          ground.kind != policy::ReasonKind::allows) {
        return std::nullopt;
      }
      if (found && *found != ground.statement)
        return std::nullopt;
      found = ground.statement;
    }
    return found;
  }

  static void set_fix(Finding& finding, const model::Key& key, const policy::CompiledPolicy& policy,
                      const analysis::Access& path, bool put_policy, const std::string& label) {
    const std::string grant_condition = R"({"Bool": {"kms:GrantIsForAWSResource": "true"}})";
    const std::optional<std::size_t> statement = put_policy ? std::nullopt : naming_statement(path);
    if (statement) {
      set_grant_path_fix(finding, key.policy, policy, *statement, label);
      return;
    }
    std::vector<std::string> options =
        put_policy ? std::vector<std::string>{"Keep kms:PutKeyPolicy for the deployment role only.",
                                              "Accept that " + label +
                                                  " is a full key administrator and suppress this "
                                                  "finding with a reason."}
                   : std::vector<std::string>{
                         "Add \"Condition\": " + grant_condition +
                             " to the statements that allow " + label + " kms:CreateGrant.",
                         "Limit kms:GrantOperations to the operations " + label + " already has."};
    finding.fix = options_text(options);
    finding.fix_edit = choice_fix(std::move(options));
  }

  static constexpr RuleInfo k_info{"TFKMS005", "KeySelfEscalation",
                                   "Principal can escalate its own key access", Severity::high,
                                   doc_for("TFKMS005")};
};

} // namespace

std::unique_ptr<Rule> make_tfkms005_self_escalation() { return std::make_unique<SelfEscalation>(); }

} // namespace tfkms::rules
