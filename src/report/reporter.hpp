#pragma once
// Output formats. Every reporter renders the same Report; the CLI picks one per output.
#include "analysis/access_diff.hpp"
#include "model/diagnostic.hpp"
#include "rules/finding.hpp"
#include "rules/rule_info.hpp"

#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::report {

enum class Format { text, json, sarif, github, markdown, junit, gitlab_sast };

/// Parses a format name; nothing when it is not one of k_format_names.
[[nodiscard]] std::optional<Format> parse_format(std::string_view name);
inline constexpr std::string_view k_format_names =
    "text, json, sarif, github, markdown, junit, gitlab-sast";

/// What was analysed, for summary lines.
struct Counts {
  std::size_t files = 0;
  std::size_t keys = 0;
  std::size_t grants = 0;
  std::size_t principals = 0;
  std::size_t data_stores = 0;
};

/// The account an input was analysed as deployed to, and what said so.
struct InputAccount {
  std::string input;                  ///< the file (a stack's template)
  std::string stack;                  ///< a cloud assembly's stack, by its display name
  std::optional<std::string> account; ///< nullopt: unknown
  std::string source; ///< "--account-id", "data.aws_caller_identity in the plan", ...
  std::vector<std::string>
      possibilities; ///< unknown: the accounts it names, each analysed as its own
};

/// A file a directory scan met that is not an input.
struct SkippedFile {
  std::string path;
  std::string reason;
};

struct Report {
  std::vector<rules::Finding> findings; ///< sorted by file, line, rule
  /// With a baseline: the findings it already holds. They do not count towards the exit code and
  /// only SARIF lists them (baselineState "unchanged"); the other formats show what is new.
  std::vector<rules::Finding> baselined;
  std::vector<model::Diagnostic>
      diagnostics;                    ///< inputs (or parts) that could not be read, warnings
  std::vector<std::string> inputs;    ///< the paths analysed
  std::vector<InputAccount> accounts; ///< by input, in the order analysed
  std::vector<SkippedFile> skipped;   ///< files of scanned directories that are not inputs
  Counts counts;
  std::span<const rules::RuleInfo> rules; ///< every rule, for formats that list them (SARIF)
  /// With --diff / tfkms diff: who gains or loses access (text, Markdown and JSON show it).
  const analysis::AccessDiff* access_changes = nullptr;
};

enum class Color { off, on };

/// Where the run's diagnostics are shown: in the report, or elsewhere (already printed on standard
/// error, so a text report on the terminal leaves them out rather than show each twice).
enum class DiagnosticsPlace { in_report, elsewhere };

struct ReportOptions {
  Color color = Color::off;
  std::string sarif_category;  ///< SARIF automationDetails.id
  std::string repository_root; ///< paths are written relative to it (SARIF, annotations)
  bool verbose = false;        ///< text: list the files skipped as not inputs
  DiagnosticsPlace diagnostics = DiagnosticsPlace::in_report;
};

class Reporter {
public:
  virtual ~Reporter() = default;
  virtual void write(const Report& report, std::ostream& out) const = 0;
};

[[nodiscard]] std::unique_ptr<Reporter> make_reporter(Format format, const ReportOptions& options);

} // namespace tfkms::report
