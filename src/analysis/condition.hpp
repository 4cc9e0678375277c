#pragma once
// What must hold of a request for an access to apply, as the access analysis reports it: a
// disjunction of conjunctions of constraints on single condition keys.
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::analysis {

/// The values one condition key may take. The analysis only distinguishes the values the policies
/// name, "any value they do not name" and "absent", so that is what a constraint lists.
struct Constraint {
  std::string key; ///< kms:ViaService, kms:EncryptionContext:dept, aws:PrincipalOrgID, ...
  std::vector<std::string> values;   ///< named values (or patterns, as written) that qualify
  std::vector<std::string> excluded; ///< named values that do not qualify
  bool other_values = false;         ///< a value the policies do not name qualifies
  bool absent = false;               ///< a request without the key qualifies

  /// "kms:ViaService is ec2.us-east-1.amazonaws.com", "kms:GrantIsForAWSResource is true",
  /// "aws:PrincipalOrgID is any value except o-1 (or absent)", "kms:ViaService is absent".
  [[nodiscard]] std::string text() const;
  friend bool operator==(const Constraint&, const Constraint&) = default;
};

/// All constraints hold. No constraints: any request.
struct Condition {
  std::vector<Constraint> all;

  [[nodiscard]] bool unconditional() const { return all.empty(); }
  /// "kms:ViaService is s3.us-east-1.amazonaws.com and kms:CallerAccount is 111122223333";
  /// "always" when unconditional.
  [[nodiscard]] std::string text() const;
  /// The constraint on `key`, or nullptr.
  [[nodiscard]] const Constraint* find(std::string_view key) const;
  friend bool operator==(const Condition&, const Condition&) = default;
};

/// The pseudo condition key the analysis uses for "an encryption context key no policy or grant
/// names".
inline constexpr std::string_view k_other_context_key = "kms:EncryptionContext:<any other key>";

/// Alternatives joined by "; or ". Empty: "never".
[[nodiscard]] std::string text(const std::vector<Condition>& alternatives);

/// True when `constraint` lets only the values a policy names through: no other value, and not a
/// request without the key. `StringLike "*"`, `...IfExists` and `ForAllValues` on an absent key
/// fail this test (kms-reference §3.9, §3.10.7).
[[nodiscard]] bool narrows(const Constraint& constraint);

/// True when every alternative of `when` narrows `key` (case-insensitive), e.g. kms:ViaService.
[[nodiscard]] bool always_narrowed_by(const std::vector<Condition>& when, std::string_view key);

} // namespace tfkms::analysis
