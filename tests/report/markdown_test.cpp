#include "sample_reports.hpp"

#include <catch2/catch.hpp>

using namespace tfkms::report;

TEST_CASE("markdown summary has a table by severity and rule", "[report][markdown]") {
  const std::string out = samples::render(Format::markdown, samples::representative());
  CHECK(out.rfind("## tfkms: 4 findings (1 critical, 1 high, 1 medium, 1 low), 2 suppressed\n",
                  0) == 0);
  CHECK(out.find("| Severity | Rule | Title | Findings |\n|---|---|---|---:|\n"
                 "| critical | TFKMS004 | Key policy allows any principal | 1 |\n"
                 "| high | TFKMS004 | Key policy allows any principal | 1 |\n"
                 "| medium | TFKMS001 | Customer managed key without rotation | 1 |\n"
                 "| low | TFKMS007 | Grant without encryption context constraints | 1 |\n") !=
        std::string::npos);
}

TEST_CASE("markdown lists each finding with location, fix and folded evidence",
          "[report][markdown]") {
  const std::string out = samples::render(Format::markdown, samples::representative());
  CHECK(out.find("#### critical: TFKMS004 in aws\\_kms\\_key\\.shared\n\n**Location:** "
                 "infra/kms\\.tf\\:12\\\n"
                 "Key policy statement 1 allows kms\\:Decrypt to any principal\\.\n") !=
        std::string::npos);
  CHECK(
      out.find("**Fix:** Name the trusted accounts or add an aws\\:PrincipalOrgID condition\\.") !=
      std::string::npos);
  CHECK(out.find("<details><summary>Evidence (2)</summary>\n\n- statement 1 \\(Sid "
                 "\\\"AllowEveryone\\\"\\) allows "
                 "kms\\:Decrypt to principal \\\"\\*\\\" (at /Statement/1/Principal/AWS), "
                 "infra/kms\\.tf\\:15\n") != std::string::npos);
  CHECK(out.find("### Inputs not fully read\n\n- **error** repo/infra/broken\\.json\\:3\\:17\\:") !=
        std::string::npos);
  CHECK(out.find("LegacyKey") == std::string::npos); // suppressed
  // Most severe first.
  CHECK(out.find("#### critical") < out.find("#### high"));
  CHECK(out.find("#### high") < out.find("#### medium"));
}

TEST_CASE("markdown stays below GitHub's 1 MiB step summary limit", "[report][markdown]") {
  Report report = samples::clean();
  const std::string message(3'000, 'm');
  for (int i = 0; i < 1'000; ++i) {
    report.findings.push_back(samples::make_finding("TFKMS004", tfkms::rules::Severity::high,
                                                    "k" + std::to_string(i), "repo/a.tf",
                                                    static_cast<std::uint32_t>(i + 1), message));
  }
  const std::string out = samples::render(Format::markdown, report);
  CHECK(out.size() <= 1'000'000);
  CHECK(out.find("more findings are not shown: a step summary is limited to 1 MiB") !=
        std::string::npos);
  CHECK(out.find("| high | TFKMS004 | Key policy allows any principal | 1000 |") !=
        std::string::npos);
}

TEST_CASE("markdown of a clean run says so", "[report][markdown]") {
  CHECK(samples::render(Format::markdown, samples::clean()) ==
        "## tfkms: no findings\n\nAnalysed 1 file: 1 key, 0 grants, 0 principals, 0 data "
        "stores.\n\n");
}
