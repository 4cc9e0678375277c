#include "cli/report_output.hpp"

#include "cli/block_buffer.hpp"
#include "report/file_output.hpp"

#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace tfkms::cli {

std::pair<report::Format, std::string> parse_output(const std::string& spec) {
  const auto equals = spec.find('=');
  if (equals == std::string::npos || equals + 1 == spec.size()) {
    throw CLI::ValidationError("--output",
                               "expected FORMAT=FILE, e.g. sarif=tfkms.sarif; got '" + spec + "'");
  }
  const auto format = report::parse_format(spec.substr(0, equals));
  if (!format) {
    throw CLI::ValidationError("--output",
                               "unknown format '" + spec.substr(0, equals) +
                                   "'; valid formats: " + std::string(report::k_format_names));
  }
  return {*format, spec.substr(equals + 1)};
}

namespace {

/// Writes through a FileOutput: straight to the descriptor, and able to start over when it is a
/// regular file. False when a write failed.
bool write_to_descriptor(const report::Reporter& reporter, const report::Report& report,
                         int descriptor) {
  report::FileOutput file(descriptor);
  std::ostream stream(&file);
  reporter.write(report, stream);
  stream.flush();
  return !file.failed();
}

} // namespace

bool write_report(const report::Report& report, report::Format format,
                  const report::ReportOptions& options, const std::string& file, std::ostream& out,
                  std::ostream& err) {
  const auto reporter = report::make_reporter(format, options);
  if (file.empty()) {
    if (&out == &std::cout) {
      std::cout.flush(); // what C++ or C streams wrote before comes first
      std::fflush(stdout);
      write_to_descriptor(*reporter, report, STDOUT_FILENO);
      return true;
    }
    BlockBuffer block(out);
    std::ostream buffered(&block);
    reporter->write(report, buffered);
    buffered.flush();
    return true;
  }
  if (const auto folder = std::filesystem::path(file).parent_path(); !folder.empty()) {
    std::error_code ignored; // a failure shows as the open below failing
    std::filesystem::create_directories(folder, ignored);
  }
  const int descriptor = open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (descriptor < 0) {
    err << "tfkms: error: " << file << ": cannot open for writing\n";
    return false;
  }
  const bool written = write_to_descriptor(*reporter, report, descriptor);
  if (close(descriptor) != 0 || !written) {
    err << "tfkms: error: " << file << ": cannot write\n";
    return false;
  }
  return true;
}

report::Color color_for(const std::ostream& out, bool no_color) {
  const bool terminal = &out == &std::cout && isatty(STDOUT_FILENO) != 0;
  return terminal && !no_color && std::getenv("NO_COLOR") == nullptr ? report::Color::on
                                                                     : report::Color::off;
}

bool write_reports(const report::Report& report, report::ReportOptions options,
                   const std::vector<std::pair<report::Format, std::string>>& outputs,
                   std::optional<report::Format> stdout_format, bool no_color, std::ostream& out,
                   std::ostream& err) {
  bool written = true;
  for (const auto& [format, file] : outputs) {
    written = write_report(report, format, options, file, out, err) && written;
  }
  if (stdout_format) {
    options.color = color_for(out, no_color);
    options.diagnostics = report::DiagnosticsPlace::elsewhere;
    written = write_report(report, *stdout_format, options, "", out, err) && written;
  }
  return written;
}

} // namespace tfkms::cli
