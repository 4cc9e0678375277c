#pragma once
// What a rule about a change reads: the input after the change and what the change does to access.
#include "analysis/access_diff.hpp"
#include "rules/rule.hpp"

namespace tfkms::rules {

struct DiffContext {
  const RuleContext& after;         ///< the input after the change, with the configuration
  const analysis::AccessDiff& diff; ///< before -> after, per key, class and subject
};

} // namespace tfkms::rules
