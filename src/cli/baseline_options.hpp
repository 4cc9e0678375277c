#pragma once
// `tfkms check --baseline FILE` / `--write-baseline FILE` (or `baseline:` in .tfkms.yml) applied to
// a finished report: only findings the baseline does not hold stay in it.
#include "model/diagnostic.hpp"
#include "report/reporter.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tfkms::cli {

struct BaselineOptions {
  std::optional<std::string> compare; ///< --baseline, else the configuration's
  std::optional<std::string> write;   ///< --write-baseline
};

/// With `write`: records every unsuppressed finding there (refused when `errors` is not empty, as
/// a baseline of a partly read run would hide findings later) and then compares with it. With
/// `compare`: moves the findings the baseline holds into `report.baselined` and adds notes on how
/// many matched and which entries are stale. Problems reading or writing go to `errors`.
void apply_baseline(const BaselineOptions& options, report::Report& report,
                    std::vector<model::Diagnostic>& errors);

} // namespace tfkms::cli
