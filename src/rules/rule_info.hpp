#pragma once
#include <string_view>

#include "rules/finding.hpp"

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
};

} // namespace tfkms::rules
