#pragma once
// What a rule reports. Reporters render these; nothing here knows about output formats.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::rules {

enum class Severity { info, low, medium, high, critical };

[[nodiscard]] std::string_view to_string(Severity severity);
/// Parses info|low|medium|high|critical (case-insensitive).
[[nodiscard]] std::optional<Severity> parse_severity(std::string_view text);

/// Where a suppression was written: in the input itself (CloudFormation Metadata, a Terraform
/// comment) or outside it (the tfkms config file). SARIF reports it as suppression `kind` inSource
/// / external.
enum class SuppressionKind { in_source, external };

/// Whether a baseline was compared with the run and, if so, whether it held the finding. SARIF
/// reports it as baselineState "new" / "unchanged".
enum class BaselineState { not_compared, added, unchanged };

/// One piece of the reasoning behind a finding: a statement, a principal, a policy, a grant.
struct Evidence {
  std::string text; ///< one line a reviewer reads: `statement 0 (Sid "Enable IAM User Permissions")
                    ///< allows kms:* to arn:aws:iam::111122223333:root`
  std::string pointer; ///< JSON Pointer inside the policy or the file (/Statement/0/Principal/AWS)
  std::string file;    ///< where it is, when known
  std::optional<std::uint32_t> line;
};

/// What kind of change a finding's fix is.
enum class FixKind {
  text_only,        ///< no fix as data: read `Finding::fix`
  add_statement,    ///< add `FixEdit::json` to the policy's Statement[]
  remove_statement, ///< remove Statement[`FixEdit::statement`]
  add_condition, ///< merge `FixEdit::json` (a Condition block) into Statement[`FixEdit::statement`]
  new_key_statement, ///< move the data to a customer managed key whose policy has `FixEdit::json`
  design_choice,     ///< no mechanical change: pick one of `FixEdit::options`
  set_property,      ///< set the resource property at `FixEdit::property` to `FixEdit::json`
  set_actions, ///< Statement[`FixEdit::statement`] allows the actions `FixEdit::json` (a list), no
               ///< NotAction
};

/// `text_only`, `add_statement`, ... as written in reports.
[[nodiscard]] std::string_view to_string(FixKind kind);

/// A finding's fix as data, for tools (and the test that applies every fix and checks again).
struct FixEdit {
  FixKind kind = FixKind::text_only;
  std::string
      policy; ///< JSON Pointer of the policy in the file (/Resources/Key/Properties/KeyPolicy)
  std::optional<std::size_t> statement; ///< remove_statement, add_condition, set_actions: index
  std::string json; ///< the statement, the Condition block or the property's value, as compact JSON
  std::vector<std::string> options; ///< design_choice: one sentence per choice
  /// set_property: JSON Pointer of the property in the file
  /// (/Resources/Key/Properties/EnableKeyRotation, /resource_changes/0/change/after/...)
  std::string property;
};

struct Finding {
  std::string rule_id; ///< TFKMS001
  Severity severity = Severity::medium;
  std::string resource; ///< Terraform address or CloudFormation logical id (CDK path when known)
  std::string file;     ///< the .tf / template / plan file the location refers to
  std::optional<std::uint32_t> line;
  std::optional<std::uint32_t> column;
  std::string message; ///< one sentence: what is wrong
  std::vector<Evidence> evidence;
  std::string fix;  ///< what to change
  FixEdit fix_edit; ///< the same as data, when it is a policy change or a choice
  std::string
      fingerprint; ///< stable id: rule + resource + digest of the evidence, never line numbers
  bool suppressed = false;
  std::string suppression_reason;
  SuppressionKind suppression_kind = SuppressionKind::in_source;
  BaselineState baseline_state = BaselineState::not_compared;
  std::string suppressed_at; ///< when suppressed: where the suppression is written ("FILE:LINE")
};

/// Sets each finding's `fingerprint` from its rule id, resource and evidence texts and pointers;
/// findings given together are hashed in fewer steps than one by one.
void assign_fingerprints(std::vector<Finding*> findings);

} // namespace tfkms::rules
