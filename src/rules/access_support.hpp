#pragma once
// Reading the access analysis (analysis/access.hpp) the way the rules need: which conditions really
// narrow an access, and how to show the statements behind it.
#include "analysis/access.hpp"
#include "rules/finding.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::rules {

// Which constraints really narrow an access is the analysis's to say (analysis/condition.hpp).
using analysis::narrows;

/// True when some alternative of `when` has no narrowing constraint at all: the access holds for
/// requests nothing in the policy restricts.
[[nodiscard]] bool holds_unrestricted(const std::vector<analysis::Condition>& when);

/// As holds_unrestricted, ignoring constraints on the condition keys `ignored` (case-insensitive).
[[nodiscard]] bool holds_unrestricted_except(const std::vector<analysis::Condition>& when,
                                             std::initializer_list<std::string_view> ignored);

/// True when every alternative narrows the caller's identity (aws:PrincipalOrgID, aws:PrincipalArn,
/// aws:PrincipalAccount, kms:CallerAccount, ...): the access is limited to whom the values name.
[[nodiscard]] bool limited_to_named_callers(const std::vector<analysis::Condition>& when);

/// "always", or "when kms:ViaService is absent" — to follow an access in a sentence.
[[nodiscard]] std::string when_text(const std::vector<analysis::Condition>& when);

/// True for grounds that are statements of the key policy or grants (not the caller's own IAM
/// policy that the analysis assumes for principals outside the input).
[[nodiscard]] bool on_the_key(const analysis::Ground& ground);

/// Evidence for an allowing statement or grant.
[[nodiscard]] Evidence ground_evidence(const analysis::Ground& ground,
                                       std::string_view suffix = {});

/// Adds to `finding` what the analysis did not apply (KeyAccess::unapplied()) at `key`: the finding
/// holds unless one of those organisation policies applies.
void add_unapplied(const analysis::KeyAccess& access, const model::SourceRef& key,
                   Finding& finding);

/// Adds to `finding` what the SCPs, RCPs and boundaries took away from subject `subject`
/// (KeyAccess::removals()), so that the evidence names the limits that narrowed what is reported.
void add_removals(const analysis::KeyAccess& access, std::size_t subject,
                  const model::SourceRef& key, Finding& finding);

/// A key-policy Deny statement and what it takes away from one subject in one action class.
struct DecidingDeny {
  const policy::Statement* statement = nullptr; ///< in KeyAccess::key_policy(): lives as long
  analysis::Access taken;                       ///< the access it removes: actions and when
};

/// The key-policy Deny statements that take some of `action_class` away from subject `subject`: an
/// explicit deny overrides every allow (kms-reference §3.1), so what the subject keeps, and what a
/// fix has to change, depends on them. In statement order.
[[nodiscard]] std::vector<DecidingDeny> deciding_denies(const analysis::KeyAccess& access,
                                                        std::size_t subject,
                                                        analysis::ActionClass action_class);

/// An identity-policy Deny statement and what it takes away from one subject in one action class.
struct DecidingIdentityDeny {
  analysis::Ground statement; ///< the Deny statement and its place in the input
  analysis::Access taken;     ///< the access it removes: actions and when
};

/// The Deny statements of the identity policies of graph principal subject `subject` (its own,
/// attached, AWS managed, its groups') that take some of `action_class` away from it
/// (analysis::identity_denies). In policy then statement order.
[[nodiscard]] std::vector<DecidingIdentityDeny>
deciding_identity_denies(const analysis::KeyAccess& access, std::size_t subject,
                         analysis::ActionClass action_class);

/// Evidence for every deciding_identity_denies() statement of each of `subjects` in each of
/// `classes`: what it takes away, from whom and when, each once.
[[nodiscard]] std::vector<Evidence>
identity_deny_evidence(const analysis::KeyAccess& access, const std::vector<std::size_t>& subjects,
                       const std::vector<analysis::ActionClass>& classes);

/// The deciding_denies() part of deciding_deny_evidence(): the key policy's Deny statements only.
[[nodiscard]] std::vector<Evidence>
key_deny_evidence(const analysis::KeyAccess& access, const std::vector<std::size_t>& subjects,
                  const std::vector<analysis::ActionClass>& classes,
                  const model::PolicySource& holder);

/// Evidence for every deciding_denies() and deciding_identity_denies() statement of each of
/// `subjects` in each of `classes`: what it takes away, from whom and when, each once. Made once
/// for the callers of one subject: each Deny's effect costs an analysis.
[[nodiscard]] std::vector<Evidence>
deciding_deny_evidence(const analysis::KeyAccess& access, const std::vector<std::size_t>& subjects,
                       const std::vector<analysis::ActionClass>& classes,
                       const model::PolicySource& holder);

/// "kms:Decrypt, kms:Encrypt and 3 more" for messages (at most `shown` names).
[[nodiscard]] std::string actions_text(const std::vector<std::string_view>& actions,
                                       std::size_t shown = 4);

/// Whether subject `subject` may create, for itself, a grant of `action` ("kms:Decrypt"): the
/// CreateGrant request it would make (grantee itself, that one operation, not for an AWS resource)
/// decided against the policies, so conditions on kms:GranteePrincipal or kms:GrantOperations count
/// as AWS counts them [KMS-COND]. A subject of another account is given the identity policy its own
/// administrators may write (CreateGrant works across accounts, kms-reference §1.1, §3.2). Unknown
/// counts as "may": an unknown value is never taken as safe.
[[nodiscard]] bool may_grant_itself(const analysis::KeyAccess& access, std::size_t subject,
                                    std::string_view action);

/// One caller a subject stands for: each member of a class of principals, else the subject itself.
struct SubjectCaller {
  std::string label;
  std::optional<model::PrincipalId> member; ///< a member of a class of principals
};

/// The callers of subject `subject`, for rules that report each principal on its own.
[[nodiscard]] std::vector<SubjectCaller> callers_of(const analysis::KeyAccess& access,
                                                    std::size_t subject);

/// identity_deny_evidence() for `caller` of subject `subject` (callers_of()), from `denies`
/// (analysis::identity_denies() of that subject, made once for all its callers): for a member of a
/// class of principals, the same statements of its own policies, with its own label.
[[nodiscard]] std::vector<Evidence>
identity_deny_evidence(const analysis::KeyAccess& access, std::size_t subject,
                       const std::vector<analysis::IdentityDeny>& denies,
                       const std::vector<analysis::ActionClass>& classes,
                       const SubjectCaller& caller);

/// `ground`, seen for subject `subject`, as it applies to `caller` (analysis::member_ground).
[[nodiscard]] analysis::Ground ground_for(const analysis::KeyAccess& access, std::size_t subject,
                                          const SubjectCaller& caller,
                                          const analysis::Ground& ground);

} // namespace tfkms::rules
