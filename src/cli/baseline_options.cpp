#include "cli/baseline_options.hpp"

#include "rules/baseline.hpp"

#include <filesystem>
#include <fstream>

namespace tfkms::cli {

namespace {

model::Diagnostic problem(const std::string& path, std::string message) {
  model::Diagnostic diagnostic;
  diagnostic.file = path;
  diagnostic.message = std::move(message);
  return diagnostic;
}

bool write_file(const std::string& path, const std::string& text) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ignored;
  if (!parent.empty())
    std::filesystem::create_directories(parent, ignored);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

} // namespace

void apply_baseline(const BaselineOptions& options, report::Report& report,
                    std::vector<model::Diagnostic>& errors) {
  if (!options.write && !options.compare)
    return;
  std::optional<rules::Baseline> baseline;
  if (options.write) {
    if (!errors.empty()) {
      errors.push_back(problem(
          *options.write, "baseline not written: some inputs could not be read, and a baseline "
                          "without their findings would report them as new later"));
      return;
    }
    const std::string text = rules::baseline_text(report.findings);
    if (!write_file(*options.write, text)) {
      errors.push_back(problem(*options.write, "cannot write the baseline file"));
      return;
    }
    auto written = rules::parse_baseline(text, *options.write);
    baseline = std::move(written.value());
  } else {
    auto loaded = rules::load_baseline(*options.compare);
    if (!loaded) {
      errors.push_back(std::move(loaded.error()));
      return;
    }
    baseline = std::move(loaded.value());
  }
  rules::BaselineComparison comparison = rules::compare_with_baseline(*baseline, report.findings);
  std::vector<model::Diagnostic> notes = rules::describe_comparison(*baseline, comparison);
  if (options.write) {
    notes.front().message =
        "wrote " + std::to_string(baseline->entries.size()) + " findings; " + notes.front().message;
  }
  report.diagnostics.insert(report.diagnostics.end(), notes.begin(), notes.end());
  report.baselined = std::move(comparison.matched);
}

} // namespace tfkms::cli
