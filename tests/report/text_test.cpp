#include "sample_reports.hpp"

#include <catch2/catch.hpp>

using namespace tfkms::report;

TEST_CASE("text groups findings by file with evidence and fix indented", "[report]") {
  const std::string out = samples::render(Format::text, samples::representative());
  CHECK(out.find("repo/infra/kms.tf\nrepo/infra/kms.tf:12:3: critical TFKMS004 aws_kms_key.shared: "
                 "Key policy "
                 "statement 1 allows kms:Decrypt to any principal.\n") != std::string::npos);
  CHECK(
      out.find("    statement 1 (Sid \"AllowEveryone\") allows kms:Decrypt to principal \"*\" (at "
               "/Statement/1/Principal/AWS) line 15\n") != std::string::npos);
  CHECK(out.find("    fix: Name the trusted accounts or add an aws:PrincipalOrgID condition.\n") !=
        std::string::npos);
  CHECK(out.find("repo/infra/kms.tf:30: medium TFKMS001 aws_kms_key.logs") != std::string::npos);
  CHECK(out.find("repo/cfn/stack.yaml: low TFKMS007 AppGrant") !=
        std::string::npos); // no line known
}

TEST_CASE("text gives each file one group even when the report interleaves files", "[report]") {
  Report report = samples::clean();
  using tfkms::rules::Severity;
  report.findings = {samples::make_finding("TFKMS001", Severity::low, "a1", "b.tf", 1, "m"),
                     samples::make_finding("TFKMS001", Severity::low, "b1", "a.tf", 1, "m"),
                     samples::make_finding("TFKMS001", Severity::low, "a2", "b.tf", 2, "m")};
  const std::string out = samples::render(Format::text, report);
  CHECK(out.rfind("a.tf\na.tf:1: low TFKMS001 b1: m\n\nb.tf\nb.tf:1: low TFKMS001 a1: m\nb.tf:2: "
                  "low TFKMS001 a2: m\n\n",
                  0) == 0);
}

TEST_CASE("text leaves suppressed findings out but counts them", "[report]") {
  const std::string out = samples::render(Format::text, samples::representative());
  CHECK(out.find("LegacyKey") == std::string::npos);
  CHECK(out.find("aws_kms_grant.batch") == std::string::npos);
  CHECK(out.find("4 findings (1 critical, 1 high, 1 medium, 1 low), 2 suppressed; analysed 3 "
                 "files: 4 keys, 1 "
                 "grant, 5 principals, 2 data stores\n") != std::string::npos);
}

TEST_CASE("text prints diagnostics as tfkms: level: position: message", "[report]") {
  const std::string out = samples::render(Format::text, samples::representative());
  CHECK(
      out.find(
          "tfkms: error: repo/infra/broken.json:3:17: expected ',' or '}' after object member\n") !=
      std::string::npos);
  CHECK(out.find(
            "tfkms: warning: repo/cfn/stack.yaml: at /Resources/Key/Properties: KeyPolicy uses") !=
        std::string::npos);
}

TEST_CASE("text is coloured only when asked", "[report]") {
  const std::string plain = samples::render(Format::text, samples::representative());
  CHECK(plain.find('\x1b') == std::string::npos);
  const std::string coloured = samples::render(Format::text, samples::representative(), [] {
    ReportOptions options = samples::in_repo();
    options.color = Color::on;
    return options;
  }());
  CHECK(coloured.find("\x1b[1;31mcritical\x1b[0m") != std::string::npos);
}

TEST_CASE("text of a clean run is one summary line", "[report]") {
  CHECK(samples::render(Format::text, samples::clean()) ==
        "no findings; analysed 1 file: 1 key, 0 grants, 0 principals, 0 data stores\n");
}
