#include "sample_reports.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <vector>

using namespace tfkms::report;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

std::size_t count_prefix(const std::vector<std::string>& all, std::string_view prefix) {
  std::size_t n = 0;
  for (const std::string& line : all)
    n += line.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

} // namespace

TEST_CASE("github annotations map severity to the command and name the rule", "[report][github]") {
  const std::vector<std::string> out =
      lines(samples::render(Format::github, samples::representative()));
  // Unreadable input first, then findings most severe first; suppressed ones are not annotated.
  REQUIRE(out.size() == 7);
  CHECK(out[0].rfind("::error file=infra/broken.json,line=3,col=17,title=tfkms error::", 0) == 0);
  CHECK(out[1].rfind("::warning file=cfn/stack.yaml,title=tfkms warning::", 0) == 0);
  CHECK(
      out[2] ==
      "::error file=infra/kms.tf,line=12,col=3,title=TFKMS004 (critical)%3A Key policy allows any "
      "principal::aws_kms_key.shared: Key policy statement 1 allows kms:Decrypt to any "
      "principal.%0A- "
      "statement 1 (Sid \"AllowEveryone\") allows kms:Decrypt to principal \"*\"%0A- no condition "
      "limits "
      "the caller%0AFix: Name the trusted accounts or add an aws:PrincipalOrgID condition.");
  // Outside the repository root: no file property rather than a path GitHub cannot resolve.
  CHECK(out[3].rfind(
            "::error title=TFKMS004 (high)%3A Key policy allows any principal::module.shared", 0) ==
        0);
  CHECK(out[4].rfind("::warning file=infra/kms.tf,line=30,title=TFKMS001 (medium)", 0) == 0);
  CHECK(out[5].rfind("::notice file=cfn/stack.yaml,title=TFKMS007 (low)", 0) == 0);
  CHECK(out[6] == "tfkms: 4 findings (1 critical, 1 high, 1 medium, 1 low), 2 suppressed; analysed "
                  "3 files: 4 keys, 1 "
                  "grant, 5 principals, 2 data stores");
}

TEST_CASE("github annotations stay within 10 per type and count the rest", "[report][github]") {
  Report report = samples::clean();
  for (int i = 0; i < 15; ++i) {
    report.findings.push_back(samples::make_finding("TFKMS004", tfkms::rules::Severity::high,
                                                    "k" + std::to_string(i), "repo/a.tf",
                                                    static_cast<std::uint32_t>(i + 1), "m"));
    report.findings.push_back(samples::make_finding("TFKMS007", tfkms::rules::Severity::info,
                                                    "g" + std::to_string(i), "repo/a.tf",
                                                    static_cast<std::uint32_t>(i + 1), "m"));
  }
  const std::vector<std::string> out = lines(samples::render(Format::github, report));
  CHECK(count_prefix(out, "::error ") == 10);
  CHECK(count_prefix(out, "::notice ") == 10); // 9 findings and the count
  CHECK(out.at(out.size() - 2) ==
        "::notice title=tfkms::11 more annotations not shown: GitHub shows 10 of each type "
        "per step. The step summary and the SARIF file list every finding.");
}

TEST_CASE("github output ends with the summary line action/run.sh reads", "[report][github]") {
  CHECK(samples::render(Format::github, samples::clean()) ==
        "tfkms: no findings; analysed 1 file: 1 key, 0 grants, 0 principals, 0 data stores\n");
}
