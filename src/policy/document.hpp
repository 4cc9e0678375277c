#pragma once
// The typed policy model: a key policy, resource policy or IAM identity policy as parsed from JSON.
// Every string leaf becomes a model::Value (literal, symbolic or unknown: see model/value.hpp), so
// a policy built from references can be read before they resolve. Problems are diagnostics with a
// JSON path ("Statement[2].Condition.StringEqulas: unknown condition operator"), never exceptions.
//
// Grammar and element rules: kms-reference §3.5–§3.9, IAM policy grammar.
#include "model/diagnostic.hpp"
#include "model/source_ref.hpp"
#include "model/value.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::policy {

/// What a document is used as; decides whether `Principal` is required or forbidden.
enum class PolicyKind {
  key_policy,      ///< KMS key policy: Principal required, `Resource: "*"` means this key
  resource_policy, ///< other resource policies (bucket, queue, ...): Principal required
  identity_policy, ///< IAM policy attached to a user, group or role: no Principal
  /// Also a permissions boundary or a session policy: both read like identity policies.
  service_control_policy,  ///< SCP: no Principal, no NotPrincipal [ORG-SCP]
  resource_control_policy, ///< RCP: `Principal: "*"` only, no NotPrincipal [ORG-RCP]
};

enum class Effect { allow, deny };

/// The policy language version; variables are substituted only in 2012-10-17 [IAM-VARS].
enum class PolicyVersion { v2012_10_17, v2008_10_17, missing };

/// The part of a `Principal` / `NotPrincipal` object an entry was listed under.
enum class PrincipalSection { any, aws, service, federated, canonical_user };

/// What a principal entry names, classified from its (resolved) text.
enum class PrincipalForm {
  any,            ///< "*" (as the whole element or as {"AWS": "*"})
  account,        ///< 12-digit account id or arn:<p>:iam::<acct>:root (the account principal)
  user,           ///< arn:<p>:iam::<acct>:user/<path/>name
  role,           ///< arn:<p>:iam::<acct>:role/<path/>name (matches its sessions too)
  assumed_role,   ///< arn:<p>:sts::<acct>:assumed-role/<role>/<session>
  federated_user, ///< arn:<p>:sts::<acct>:federated-user/<name>
  service,        ///< {"Service": "logs.amazonaws.com"}
  other,          ///< Federated, CanonicalUser, unrecognised ARN forms: never match a KMS caller
  unknown,        ///< the value is not known before apply
};

struct PrincipalEntry {
  PrincipalSection section = PrincipalSection::aws;
  PrincipalForm form = PrincipalForm::other;
  model::Value value;  ///< as written after symbol resolution
  std::string account; ///< account, user, role, assumed_role, federated_user: the 12-digit account
  std::string pointer; ///< JSON Pointer inside the policy: /Statement/1/Principal/AWS/0
};

/// `Principal` or `NotPrincipal`.
struct PrincipalElement {
  bool negated = false; ///< NotPrincipal
  std::vector<PrincipalEntry> entries;
  std::string pointer; ///< /Statement/1/Principal
};

/// One entry of `Action`/`NotAction` or `Resource`/`NotResource`.
struct PatternEntry {
  model::Value value;
  std::string pointer; ///< /Statement/1/Action/2
};

/// `Action`/`NotAction` or `Resource`/`NotResource`.
struct PatternElement {
  bool negated = false; ///< NotAction / NotResource
  std::vector<PatternEntry> entries;
  std::string pointer;
};

/// Condition operators without their `IfExists` suffix and set qualifier [IAM-CONDOPS].
enum class ConditionOperator : std::uint8_t {
  string_equals,
  string_not_equals,
  string_equals_ignore_case,
  string_not_equals_ignore_case,
  string_like,
  string_not_like,
  numeric_equals,
  numeric_not_equals,
  numeric_less_than,
  numeric_less_than_equals,
  numeric_greater_than,
  numeric_greater_than_equals,
  date_equals,
  date_not_equals,
  date_less_than,
  date_less_than_equals,
  date_greater_than,
  date_greater_than_equals,
  boolean,
  binary_equals,
  ip_address,
  not_ip_address,
  arn_equals,
  arn_like,
  arn_not_equals,
  arn_not_like,
  null,
};

enum class ConditionFamily : std::uint8_t {
  string,
  numeric,
  date,
  boolean,
  binary,
  ip_address,
  arn,
  null
};

enum class SetQualifier : std::uint8_t { none, for_any_value, for_all_values };

[[nodiscard]] ConditionFamily family(ConditionOperator op);
/// True for the operators whose values must all fail to match (StringNotEquals, NotIpAddress, ...):
/// several values act as AND and a missing key makes them true [IAM-CONDOPS], kms-reference §3.9.
[[nodiscard]] bool is_negated(ConditionOperator op);
/// The operator name as AWS spells it ("StringNotEqualsIgnoreCase").
[[nodiscard]] std::string_view to_string(ConditionOperator op);

/// One `"Operator": {"key": values}` pair of a Condition block. Clauses of a statement are ANDed.
struct ConditionClause {
  std::string operator_text; ///< as written: "ForAnyValue:StringLikeIfExists"
  ConditionOperator op = ConditionOperator::string_equals;
  bool if_exists = false;
  SetQualifier qualifier = SetQualifier::none;
  std::string key;       ///< condition key as written ("kms:EncryptionContext:Dept")
  std::string key_lower; ///< lower-cased: keys are case-insensitive [IAM-COND]
  std::vector<model::Value>
      values;          ///< numbers and booleans as their JSON text; ORed (ANDed if negated)
  std::string pointer; ///< /Statement/1/Condition/StringEquals/kms:CallerAccount
};

struct Statement {
  std::size_t index = 0; ///< position in Statement[] (0 when Statement is a single object)
  std::optional<std::string> sid;
  Effect effect = Effect::deny;
  bool effect_known =
      true; ///< false when Effect is missing or invalid (then `readable` is false too)
  std::optional<PrincipalElement> principal; ///< absent in identity policies
  PatternElement actions;
  std::optional<PatternElement> resources; ///< absent: the statement matches no resource
  std::vector<ConditionClause> conditions;
  std::string pointer;    ///< /Statement/1 (or /Statement when it is a single object)
  std::string path;       ///< Statement[1], for messages
  model::SourceRef where; ///< location in the input file, when the caller gave one
  /// False when an element could not be read (unknown operator, wrong type, ...): the statement
  /// is kept for reporting, and evaluation treats its outcome as unknown rather than guessing.
  bool readable = true;
};

struct Document {
  PolicyKind kind = PolicyKind::key_policy;
  PolicyVersion version = PolicyVersion::missing;
  std::optional<model::Value> id;
  std::vector<Statement> statements;
  std::vector<model::Diagnostic> diagnostics;
  /// True when the document as a whole cannot be evaluated (not an object, no Statement, ...).
  /// Evaluation of an unreadable document is `unknown`, never "no access".
  bool unreadable = false;
  /// True when a text the parser resolved held a reference (a symbol marker, model/value.hpp).
  /// False: the document reads the same with any graph's symbols, as nothing else it holds depends
  /// on them.
  bool names_references = false;

  /// The first error the parser met: a policy with one is refused by the API
  /// (MalformedPolicyDocument), so it is never evaluated statement by statement.
  [[nodiscard]] const model::Diagnostic* first_error() const;
  /// True when AWS would refuse the document or it cannot be read at all.
  [[nodiscard]] bool rejected() const { return unreadable || first_error() != nullptr; }

  /// True when `${...}` policy variables are substituted (Version 2012-10-17) [IAM-VARS].
  [[nodiscard]] bool variables_enabled() const { return version == PolicyVersion::v2012_10_17; }
};

/// `statement 1 (Sid "AllowUse")`, for messages.
[[nodiscard]] std::string statement_label(const Statement& statement);
/// statement_label() written at the end of `out`.
void append_statement_label(std::string& out, const Statement& statement);

/// What `statement` says, without its place: `Deny kms:* to "*" unless StringEquals
/// aws:PrincipalOrgID o-1` — two statements with the same text decide alike wherever they stand.
[[nodiscard]] std::string statement_content(const Statement& statement);

struct ParseOptions {
  std::string file;         ///< named in diagnostics
  std::string base_pointer; ///< pointer of the policy inside the file, for diagnostics
  std::vector<model::SourceRef>
      statement_locations; ///< by statement index (PolicySource::statement_locations)
  model::SourceRef where;  ///< default location of statements without their own
  /// The service implies the resource (an ECR repository policy): statements need no Resource.
  bool resource_implied = false;
};

/// Parses `json` as a policy of `kind`; string leaves are resolved with `symbols`. Never throws.
[[nodiscard]] Document parse_document(const nlohmann::json& json, PolicyKind kind,
                                      const model::SymbolResolver& symbols,
                                      const ParseOptions& options = {});

/// Parses JSON text (as Terraform holds policies); invalid JSON gives an unreadable document.
[[nodiscard]] Document parse_document_text(std::string_view text, PolicyKind kind,
                                           const model::SymbolResolver& symbols,
                                           const ParseOptions& options = {});

/// Classifies a principal text as written in a policy (`section` says which part of the element).
/// Returns the form and, for ARNs and account ids, the account.
struct ClassifiedPrincipal {
  PrincipalForm form = PrincipalForm::other;
  std::string account;
};
[[nodiscard]] ClassifiedPrincipal classify_principal(PrincipalSection section,
                                                     const model::Value& value);

} // namespace tfkms::policy
