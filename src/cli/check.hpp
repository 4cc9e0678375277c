#pragma once
// `tfkms check`: load every input, run the rules, write the reports, decide the exit code.
#include "report/reporter.hpp"
#include "rules/finding.hpp"
#include "run/run.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tfkms::cli {

enum class FailOn { info, low, medium, high, critical, never };

struct CheckOptions {
  run::RunOptions run; ///< paths, configuration, account, parameters, excludes, rule selection
  std::optional<report::Format> format; ///< standard output; nullopt: the config's, else text
  std::vector<std::pair<report::Format, std::string>> outputs; ///< --output FORMAT=FILE
  std::optional<FailOn> fail_on;                               ///< nullopt: the config's, else low
  bool fail_on_unused_suppressions = false; ///< an unused suppression fails the run (exit 1)
  std::string sarif_category;
  bool no_color = false;
  bool quiet = false;
  bool verbose = false; ///< list the files a directory scan skipped
  bool diff = false;    ///< --diff: also compare each plan's before and after access (TFKMS020/021)
  std::optional<std::string> base;     ///< --base: with --diff, the template before the change
  std::optional<std::string> baseline; ///< --baseline: report only findings not in it
  std::optional<std::string>
      write_baseline; ///< --write-baseline: record the current findings there
};

/// Runs a check; returns the exit code. Errors about the inputs go to `err` as
/// "tfkms: error: FILE:LINE:COL: message".
[[nodiscard]] int run_check(const CheckOptions& options, std::ostream& out, std::ostream& err);

} // namespace tfkms::cli
