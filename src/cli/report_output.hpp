#pragma once
// Where reports go, shared by `tfkms check` and `tfkms diff`: --output FORMAT=FILE, standard
// output, colour.
#include "report/reporter.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace tfkms::cli {

/// --output FORMAT=FILE. Throws CLI::ValidationError naming --output and the valid formats.
[[nodiscard]] std::pair<report::Format, std::string> parse_output(const std::string& spec);

/// Writes `report` as `format` to `file` (creating its folder), or to `out` when `file` is empty.
/// False, after a message on `err`, when the file cannot be written.
bool write_report(const report::Report& report, report::Format format,
                  const report::ReportOptions& options, const std::string& file, std::ostream& out,
                  std::ostream& err);

/// Colour only when `out` is the terminal and neither --no-color nor NO_COLOR says otherwise.
[[nodiscard]] report::Color color_for(const std::ostream& out, bool no_color);

/// Writes `report` to every --output file (with its diagnostics), then, unless `stdout_format` is
/// nullopt (--quiet), to `out` in colour when color_for() says so, leaving diagnostics to standard
/// error where the command printed them. False when some file could not be written.
bool write_reports(const report::Report& report, report::ReportOptions options,
                   const std::vector<std::pair<report::Format, std::string>>& outputs,
                   std::optional<report::Format> stdout_format, bool no_color, std::ostream& out,
                   std::ostream& err);

} // namespace tfkms::cli
