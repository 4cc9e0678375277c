#pragma once
// Reports built by hand for the reporter tests and the SARIF validation samples: a representative
// run (several files, severities, evidence, suppressions, diagnostics), a clean run, and a run
// whose every input-derived string is hostile.
#include "report/reporter.hpp"
#include "rules/finding.hpp"

#include <array>
#include <cstdint>
#include <sstream>
#include <string>

namespace tfkms::report::samples {

inline constexpr std::string_view k_doc_open_key = R"(# TFKMS004: Key policy allows any principal

Severity: critical

## Why it matters

A key policy statement that allows `*` lets every AWS account use the key
unless a condition limits the caller.

## How it is detected

Allow statements whose principal is `*` without a limiting condition.

## Example

```hcl
resource "aws_kms_key" "shared" {}
```

## Fix

Name the accounts or add an `aws:PrincipalOrgID` condition.

## References

- AWS KMS key policies
)";

inline constexpr std::array<rules::RuleInfo, 3> k_rules{{
    {"TFKMS001", "KeyRotationDisabled", "Customer managed key without rotation",
     rules::Severity::medium, ""},
    {"TFKMS004", "KeyPolicyAllowsAnyPrincipal", "Key policy allows any principal",
     rules::Severity::critical, k_doc_open_key},
    {"TFKMS007", "GrantWithoutConstraints", "Grant without encryption context constraints",
     rules::Severity::low, ""},
}};

inline rules::Finding make_finding(std::string rule, rules::Severity severity, std::string resource,
                                   std::string file, std::optional<std::uint32_t> line,
                                   std::string message) {
  rules::Finding finding;
  finding.rule_id = std::move(rule);
  finding.severity = severity;
  finding.resource = std::move(resource);
  finding.file = std::move(file);
  finding.line = line;
  finding.message = std::move(message);
  return finding;
}

/// Findings in two repository files, one outside the repository root, one suppressed in source and
/// one by configuration, a line-less finding, and two diagnostics. Repository root: "repo".
inline Report representative() {
  Report report;
  report.rules = k_rules;
  report.inputs = {"repo/infra/plan.json", "repo/cfn/stack.yaml"};
  report.counts = {.files = 3, .keys = 4, .grants = 1, .principals = 5, .data_stores = 2};

  auto open =
      make_finding("TFKMS004", rules::Severity::critical, "aws_kms_key.shared", "repo/infra/kms.tf",
                   12, "Key policy statement 1 allows kms:Decrypt to any principal.");
  open.column = 3;
  open.evidence = {{R"(statement 1 (Sid "AllowEveryone") allows kms:Decrypt to principal "*")",
                    "/Statement/1/Principal/AWS", "repo/infra/kms.tf", 15},
                   {"no condition limits the caller", "/Statement/1", "", std::nullopt}};
  open.fix = "Name the trusted accounts or add an aws:PrincipalOrgID condition.";
  rules::assign_fingerprints({&open});

  auto rotation = make_finding("TFKMS001", rules::Severity::medium, "aws_kms_key.logs",
                               "repo/infra/kms.tf", 30, "Automatic key rotation is off.");
  rotation.fix = "Set enable_key_rotation = true.";
  rules::assign_fingerprints({&rotation});

  auto grant = make_finding("TFKMS007", rules::Severity::low, "AppGrant", "repo/cfn/stack.yaml",
                            std::nullopt, "Grant has no encryption context constraint.");
  rules::assign_fingerprints({&grant});

  auto suppressed = make_finding("TFKMS001", rules::Severity::medium, "LegacyKey",
                                 "repo/cfn/stack.yaml", 40, "Automatic key rotation is off.");
  suppressed.suppressed = true;
  suppressed.suppression_reason = "imported key material cannot rotate";
  rules::assign_fingerprints({&suppressed});

  auto configured =
      make_finding("TFKMS007", rules::Severity::low, "aws_kms_grant.batch", "repo/infra/grants.tf",
                   5, "Grant has no encryption context constraint.");
  configured.suppressed = true;
  configured.suppression_kind = rules::SuppressionKind::external;
  rules::assign_fingerprints({&configured});

  auto outside = make_finding("TFKMS004", rules::Severity::high, "module.shared.aws_kms_key.this",
                              "/tmp/runner/plan.json", 1,
                              "Key policy allows any principal in the same organization.");
  rules::assign_fingerprints({&outside});

  report.findings = {std::move(grant), std::move(suppressed), std::move(configured),
                     std::move(open),  std::move(rotation),   std::move(outside)};
  report.diagnostics = {{model::DiagnosticLevel::error, "repo/infra/broken.json", 3, 17, "",
                         "expected ',' or '}' after object member"},
                        {model::DiagnosticLevel::warning, "repo/cfn/stack.yaml", std::nullopt,
                         std::nullopt, "/Resources/Key/Properties",
                         "KeyPolicy uses an intrinsic function tfkms cannot evaluate"}};
  return report;
}

/// Nothing found in one file.
inline Report clean() {
  Report report;
  report.rules = k_rules;
  report.inputs = {"repo/infra/plan.json"};
  report.counts = {.files = 1, .keys = 1};
  return report;
}

/// Over 10 MB of SARIF that compresses far below GitHub's cap: 600 findings with 20 KB messages of
/// one letter.
inline Report long_but_compressible() {
  Report report = clean();
  const std::string long_message(20'000, 'm');
  for (int i = 0; i < 600; ++i) {
    report.findings.push_back(make_finding("TFKMS004", rules::Severity::low,
                                           "aws_kms_key.k" + std::to_string(i), "repo/a.tf",
                                           static_cast<std::uint32_t>(i + 1), long_message));
  }
  return report;
}

/// More than one GitHub upload takes: 800 findings (every fourth critical, the rest low) whose 20
/// KB messages hardly compress (64 symbols, pseudo-random), about 12 MB once gzip-compressed.
inline Report oversized() {
  Report report = clean();
  std::uint64_t state = 20261124;
  const auto noise = [&state](std::size_t length) {
    constexpr std::string_view symbols =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-";
    std::string out(length, ' ');
    for (char& c : out) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      c = symbols[(state >> 58) & 63];
    }
    return out;
  };
  for (int i = 0; i < 800; ++i) {
    const auto severity = i % 4 == 0 ? rules::Severity::critical : rules::Severity::low;
    report.findings.push_back(make_finding("TFKMS004", severity,
                                           "aws_kms_key.k" + std::to_string(i), "repo/a.tf",
                                           static_cast<std::uint32_t>(i + 1), noise(20'000)));
  }
  return report;
}

/// Strings that attack each format: quotes, line breaks, terminal escapes, workflow-command syntax,
/// Markdown/HTML, percent signs, invalid UTF-8 and a bidi override.
inline constexpr std::string_view k_hostile =
    "x\"'`|<script>alert(1)</"
    "script>%0A%25::warning::pwned,\r\n::error::injected\x1b[31mred\x1b]0;title\x07"
    "\xc2\x9b"
    "2J [link](javascript:x) **b** $(touch /tmp/pwned) \xe2\x80\xae"
    "cba \xff\xfe end";

inline Report hostile() {
  const std::string bad(k_hostile);
  Report report;
  report.rules = k_rules;
  report.inputs = {"repo/" + bad};
  report.counts = {.files = 1, .keys = 1};
  auto finding =
      make_finding("TFKMS004", rules::Severity::critical, "aws_kms_key." + bad,
                   "repo/infra/" + bad + ".tf", 7, "Statement " + bad + " allows any principal.");
  finding.evidence = {{"Sid " + bad, "/Statement/0/" + bad, "repo/infra/" + bad + ".tf", 9}};
  finding.fix = "Remove " + bad;
  rules::assign_fingerprints({&finding});
  auto second = finding;
  second.severity = rules::Severity::medium;
  second.line = std::nullopt;
  second.suppressed = true;
  second.suppression_reason = bad;
  report.findings = {std::move(finding), std::move(second)};
  report.diagnostics = {
      {model::DiagnosticLevel::error, "repo/" + bad, 1, 2, "/" + bad, "cannot read " + bad}};
  return report;
}

/// Options for the sample reports: their repository root is "repo".
inline ReportOptions in_repo() {
  ReportOptions options;
  options.repository_root = "repo";
  return options;
}

/// What `format` writes for `report`.
inline std::string render(Format format, const Report& report,
                          const ReportOptions& options = in_repo()) {
  std::ostringstream out;
  make_reporter(format, options)->write(report, out);
  return out.str();
}

} // namespace tfkms::report::samples
