#pragma once
#include "rules/finding.hpp"

#include <string_view>

namespace tfkms::rules {

/// What every rule declares about itself. Ids are never reused or renamed.
struct RuleInfo {
  std::string_view id;       ///< TFKMS001
  std::string_view name;     ///< PascalCase, for SARIF: KeyPolicyLooksRestrictive
  std::string_view title;    ///< one line; also the SARIF shortDescription
  Severity severity;         ///< default severity
  std::string_view markdown; ///< rules/<id>.md, embedded at build time
  /// With the own account unknown, the rule decides for each account the input names by itself
  /// (RuleContext::possible_own_accounts), so the run does not do it again.
  bool weighs_each_account = false;
  /// False when no verdict of the rule depends on the deployment account (rotation, what cannot be
  /// read): it runs once, whatever the account may be.
  bool depends_on_account = true;
};

/// True for a rule that runs once for an input whose account is unknown, rather than once for each
/// account it may deploy to: its findings are final as they come.
[[nodiscard]] constexpr bool decided_once(const RuleInfo& info) {
  return info.weighs_each_account || !info.depends_on_account;
}

} // namespace tfkms::rules
