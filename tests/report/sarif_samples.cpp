// Writes the SARIF tfkms produces for the sample reports (and for the registered rules' pages) into
// a folder, for the SARIF multitool validation (sarif_multitool_test.py): usage
// `tfkms_sarif_samples OUT_DIR`.
#include "rules/registry.hpp"
#include "sample_reports.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

using namespace tfkms::report;

namespace {

bool write(const std::filesystem::path& path, const Report& report, const ReportOptions& options) {
  std::ofstream out(path);
  make_reporter(Format::sarif, options)->write(report, out);
  return static_cast<bool>(out);
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: tfkms_sarif_samples OUT_DIR\n";
    return 2;
  }
  const std::filesystem::path dir(argv[1]);
  std::filesystem::create_directories(dir);
  Report registered = samples::representative(); // the real rule pages as help and descriptions
  registered.rules = tfkms::rules::all_rule_infos();
  // A run compared with a baseline: the first finding is new, the rest were there before.
  Report baselined = samples::representative();
  for (auto& finding : baselined.findings)
    finding.baseline_state = tfkms::rules::BaselineState::unchanged;
  baselined.baselined.assign(baselined.findings.begin() + 1, baselined.findings.end());
  baselined.findings.resize(1);
  baselined.findings[0].baseline_state = tfkms::rules::BaselineState::added;
  ReportOptions categorised = samples::in_repo();
  categorised.sarif_category = "tfkms/infra";
  const bool ok =
      write(dir / "representative.sarif", samples::representative(), samples::in_repo()) &&
      write(dir / "clean.sarif", samples::clean(), samples::in_repo()) &&
      write(dir / "hostile.sarif", samples::hostile(), samples::in_repo()) &&
      write(dir / "categorised.sarif", samples::representative(), categorised) &&
      write(dir / "oversized.sarif", samples::oversized(), samples::in_repo()) &&
      write(dir / "registered_rules.sarif", registered, samples::in_repo()) &&
      write(dir / "baselined.sarif", baselined, samples::in_repo());
  if (!ok)
    std::cerr << "tfkms_sarif_samples: cannot write to " << dir << '\n';
  return ok ? 0 : 1;
}
