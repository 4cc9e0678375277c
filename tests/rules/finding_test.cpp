#include "rules/finding.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

using namespace tfkms;

namespace {

rules::Finding finding(const std::string& rule, const std::string& resource,
                       std::vector<std::pair<std::string, std::string>> evidence) {
  rules::Finding out;
  out.rule_id = rule;
  out.resource = resource;
  for (auto& [text, pointer] : evidence) {
    rules::Evidence item;
    item.text = std::move(text);
    item.pointer = std::move(pointer);
    item.file = "plan.json";
    out.evidence.push_back(std::move(item));
  }
  return out;
}

/// FNV-1a (64 bit) over the bytes the comment below names, one byte at a time: the reference the
/// batched hashing must equal.
std::string reference_fingerprint(const rules::Finding& finding) {
  std::string bytes = finding.rule_id + '\x1f' + finding.resource;
  for (const rules::Evidence& item : finding.evidence)
    bytes += '\x1e' + item.text + '\x1f' + item.pointer;
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char byte : bytes) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 0x100000001b3ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

} // namespace

// Baselines store fingerprints: the values are FNV-1a (64 bit) of "rule \x1f resource" and, per
// evidence, "\x1e text \x1f pointer", as written by every earlier release (computed apart from
// tfkms, in Python).
TEST_CASE("fingerprints keep the values baselines hold", "[rules][fingerprint]") {
  rules::Finding open =
      finding("TFKMS004", "aws_kms_key.shared",
              {{"statement 1 allows kms:Decrypt to \"*\"", "/Statement/1/Principal/AWS"},
               {"grants nothing more", ""}});
  rules::assign_fingerprints({&open});
  CHECK(open.fingerprint == "15a0b84ff47508de");
  CHECK(reference_fingerprint(open) == open.fingerprint);

  rules::Finding bare = finding("TFKMS007", "aws_kms_key.logs", {});
  rules::assign_fingerprints({&bare});
  CHECK(bare.fingerprint == "0da330684f8cafc2");
}

TEST_CASE("fingerprints assigned together equal those assigned one by one, and FNV-1a",
          "[rules][fingerprint]") {
  // Lengths that differ, repeat and leave batches short, so that every lane and tail is used.
  std::vector<rules::Finding> findings;
  for (std::size_t i = 0; i < 11; ++i) {
    std::vector<std::pair<std::string, std::string>> evidence;
    for (std::size_t line = 0; line < i % 4; ++line)
      evidence.emplace_back(std::string(i * 7 + line, 'a' + static_cast<char>(line)),
                            "/Statement/" + std::to_string(line));
    findings.push_back(finding("TFKMS00" + std::to_string(i % 10),
                               "aws_kms_key.k" + std::to_string(i % 3), std::move(evidence)));
  }
  std::vector<rules::Finding> one_by_one = findings;
  for (rules::Finding& item : one_by_one) {
    rules::assign_fingerprints({&item});
    CHECK(item.fingerprint == reference_fingerprint(item));
  }

  for (std::size_t count = 0; count <= findings.size(); ++count) {
    std::vector<rules::Finding> together(findings.begin(),
                                         findings.begin() + static_cast<std::ptrdiff_t>(count));
    std::vector<rules::Finding*> pointers;
    for (rules::Finding& item : together)
      pointers.push_back(&item);
    rules::assign_fingerprints(pointers);
    for (std::size_t i = 0; i < count; ++i) {
      INFO("finding " << i << " of " << count);
      CHECK(together[i].fingerprint == one_by_one[i].fingerprint);
    }
  }
  // Different texts, different digests: nothing was hashed in another finding's lane.
  for (std::size_t i = 1; i < one_by_one.size(); ++i)
    CHECK(one_by_one[i].fingerprint != one_by_one[i - 1].fingerprint);
}
