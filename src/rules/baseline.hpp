#pragma once
// Baselines: the findings a repository already had when it adopted tfkms, recorded by fingerprint
// (the same value as SARIF partialFingerprints, see assign_fingerprints) so that later runs report
// only what is new. File format: docs/baseline.md.
#include "model/diagnostic.hpp"
#include "rules/finding.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace tfkms::rules {

/// The baseline file format version this build reads and writes.
inline constexpr int k_baseline_version = 1;

/// One recorded finding. Only `fingerprint` is matched; the rest tells a reader what it was.
struct BaselineEntry {
  std::string fingerprint;
  std::string rule_id;
  std::string resource;
  std::string file;
  std::string message;
};

struct Baseline {
  std::string path; ///< the file it was read from, for messages
  std::vector<BaselineEntry> entries;
};

/// Reads a baseline file. Fails naming the file (and line, for bad JSON) when it cannot be read,
/// is not a baseline, or has a version other than k_baseline_version.
[[nodiscard]] model::Result<Baseline> load_baseline(const std::string& path);

/// As load_baseline, from text already read (`path` is used in diagnostics).
[[nodiscard]] model::Result<Baseline> parse_baseline(const std::string& text,
                                                     const std::string& path);

/// The baseline text recording every unsuppressed finding of `findings`, sorted so that the file
/// diffs well in review.
[[nodiscard]] std::string baseline_text(const std::vector<Finding>& findings);

/// What comparing a run with a baseline found.
struct BaselineComparison {
  std::vector<Finding> matched;     ///< findings the baseline holds, marked unchanged
  std::vector<BaselineEntry> stale; ///< entries no finding matches any more
};

/// Moves the unsuppressed findings the baseline holds out of `findings` (into the result, marked
/// BaselineState::unchanged) and marks the rest BaselineState::added. An entry matches one finding
/// only, so a second identical finding counts as new.
[[nodiscard]] BaselineComparison compare_with_baseline(const Baseline& baseline,
                                                       std::vector<Finding>& findings);

/// Notes for the report: how many findings matched `baseline`, and one per stale entry.
[[nodiscard]] std::vector<model::Diagnostic>
describe_comparison(const Baseline& baseline, const BaselineComparison& comparison);

} // namespace tfkms::rules
