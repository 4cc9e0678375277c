#pragma once
// Shared by the rules about access changes (TFKMS020, TFKMS021): which changes widen access,
// grouped per key and subject, and how to show them as evidence.
#include "analysis/access_diff.hpp"
#include "rules/finding.hpp"

#include <functional>
#include <string>
#include <vector>

namespace tfkms::rules {

/// The classes a widening is reported for. Grant management counts: a grant hands out any of the
/// others.
[[nodiscard]] bool is_reported_class(analysis::ActionClass action_class);

/// The widening changes `selected` accepts, grouped by key and subject (diff order kept).
[[nodiscard]] std::vector<std::vector<const analysis::AccessChange*>>
widenings_by_subject(const analysis::AccessDiff& diff,
                     const std::function<bool(const analysis::AccessChange&)>& selected);

/// "read and administration".
[[nodiscard]] std::string classes_text(const std::vector<const analysis::AccessChange*>& changes);

/// One line per change and one per cause: `gains read (kms:Decrypt) always`, `because: key policy
/// statement 2 (Sid "Partner") allows`, each cause at its place.
[[nodiscard]] std::vector<Evidence>
change_evidence(const std::vector<const analysis::AccessChange*>& changes);

/// `fix`, led by keeping the key-policy Deny statements the change removes where they explain the
/// changes: "Keep key policy statement 2 (Sid "X"), the Deny this change removes ... Or: `fix`".
[[nodiscard]] std::string
fix_keeping_denies(const std::vector<const analysis::AccessChange*>& changes, std::string fix);

} // namespace tfkms::rules
