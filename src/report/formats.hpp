#pragma once
// One factory per output format; make_reporter (reporter.cpp) picks among them.
#include "report/reporter.hpp"

#include <memory>
#include <string>
#include <vector>

namespace tfkms::report {

class JsonPrinter;

[[nodiscard]] std::unique_ptr<Reporter> make_text_reporter(const ReportOptions& options);
[[nodiscard]] std::unique_ptr<Reporter> make_json_reporter(const ReportOptions& options);
[[nodiscard]] std::unique_ptr<Reporter> make_sarif_reporter(const ReportOptions& options);
[[nodiscard]] std::unique_ptr<Reporter> make_github_reporter(const ReportOptions& options);
[[nodiscard]] std::unique_ptr<Reporter> make_markdown_reporter(const ReportOptions& options);
[[nodiscard]] std::unique_ptr<Reporter> make_junit_reporter(const ReportOptions& options);
[[nodiscard]] std::unique_ptr<Reporter> make_gitlab_sast_reporter(const ReportOptions& options);

/// Prints `texts` as an array of strings.
void print_strings(JsonPrinter& out, const std::vector<std::string>& texts);

/// Prints an input's account as the JSON report and SARIF's invocation properties write it.
void print_account(JsonPrinter& out, const InputAccount& account);

/// Prints a finding's fix as data, as the JSON report (`fix_edit`) and SARIF
/// (`properties.fixEdit`) write it: only the fields its kind uses.
void print_fix_edit(JsonPrinter& out, const rules::FixEdit& edit);

} // namespace tfkms::report
