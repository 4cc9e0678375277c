#pragma once
// Suppression hygiene: every suppression names a known rule and gives a reason, and one that
// suppresses nothing is reported, so that none is lost or kept without a word. The forms (a
// `# tfkms:ignore` comment in .tf, CloudFormation Metadata, `ignore:` in .tfkms.yml) are read by
// the loaders and the configuration; docs/suppressions.md describes them.
#include "model/diagnostic.hpp"
#include "model/graph.hpp"
#include "rules/config.hpp"
#include "rules/finding.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::rules {

/// True when suppression rule `rule` ("*", or an id in any case) covers rule `id`.
[[nodiscard]] bool suppression_covers(std::string_view rule, std::string_view id);

/// Where a suppression is written and what it names, "FILE:LINE[:COLUMN] RULE" ("FILE:LINE" for
/// an ignore entry); what Finding::suppressed_at holds. The copies of a comment over a counted
/// resource share it.
[[nodiscard]] std::string suppression_site(const model::Suppression& suppression);
[[nodiscard]] std::string suppression_site(const IgnoreEntry& entry, const Config& config);

/// Collects the suppressions of a run's inputs, checks them, and finds those that matched nothing.
class SuppressionReview {
public:
  /// Checks the suppressions written in `graph`: an unknown rule id (with the closest known one) or
  /// a missing reason is an error in `errors`. Remembers them for unused().
  void add_input(const model::Graph& graph, std::vector<model::Diagnostic>& errors);

  /// One diagnostic at `level` per suppression (from the inputs or `config`) that suppressed none
  /// of `findings`. Suppressions of rules that did not run (`ran(id)` false) are not judged.
  [[nodiscard]] std::vector<model::Diagnostic>
  unused(const Config& config, const std::vector<Finding>& findings,
         const std::function<bool(std::string_view)>& ran, model::DiagnosticLevel level) const;

  /// Remembers that the .tf source of plan or state `path` was not found.
  void add_input_without_source(const std::string& path);

  /// One warning for every input without its .tf source (said once, not per input or finding):
  /// inline comments cannot apply to them. Nothing when all were found.
  [[nodiscard]] std::optional<model::Diagnostic> missing_source() const;

private:
  std::vector<model::Suppression> m_suppressions; ///< those with a known rule and a reason
  std::vector<std::string> m_without_source;
};

} // namespace tfkms::rules
