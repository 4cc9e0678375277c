#include "rules/finding.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

namespace tfkms::rules {

namespace {
constexpr std::array<std::string_view, 5> k_severity_names{"info", "low", "medium", "high",
                                                           "critical"};
constexpr std::array<std::string_view, 8> k_fix_kind_names{
    "text_only",         "add_statement", "remove_statement", "add_condition",
    "new_key_statement", "design_choice", "set_property",     "set_actions"};

// FNV-1a, 64 bit: a stable digest that does not depend on the standard library's std::hash.
constexpr std::uint64_t k_fnv_offset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t k_fnv_prime = 0x100000001b3ULL;

// Findings hashed side by side. Each byte of FNV-1a waits on the multiply of the one before, so one
// finding's digest runs at the multiplier's latency; the digests of four run in its shadow.
constexpr std::size_t k_lanes = 4;

std::uint64_t fnv1a(std::uint64_t hash, std::string_view text) {
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= k_fnv_prime;
  }
  return hash;
}

std::size_t covered_size(const Finding& finding) {
  std::size_t size = finding.rule_id.size() + 1 + finding.resource.size();
  for (const Evidence& item : finding.evidence)
    size += 2 + item.text.size() + item.pointer.size();
  return size;
}

// The bytes the fingerprint covers, in order. Separators keep ("ab","c") and ("a","bc") apart.
void write_covered(const Finding& finding, std::string& out) {
  out.clear();
  out += finding.rule_id;
  out += '\x1f';
  out += finding.resource;
  for (const Evidence& item : finding.evidence) {
    out += '\x1e';
    out += item.text;
    out += '\x1f';
    out += item.pointer;
  }
}

// The digests of up to k_lanes texts: their common length in step, then each one's rest. The
// running digests are locals, one register each, so that a byte costs a load, an xor and a
// multiply.
std::array<std::uint64_t, k_lanes> fnv1a_lanes(const std::array<std::string_view, k_lanes>& texts) {
  static_assert(k_lanes == 4, "one running digest per lane");
  std::size_t common = texts[0].size();
  for (const std::string_view text : texts)
    common = std::min(common, text.size());
  const auto step = [](std::uint64_t hash, char byte) {
    return (hash ^ static_cast<unsigned char>(byte)) * k_fnv_prime;
  };
  std::uint64_t first = k_fnv_offset;
  std::uint64_t second = k_fnv_offset;
  std::uint64_t third = k_fnv_offset;
  std::uint64_t fourth = k_fnv_offset;
  const auto steps = [&](std::size_t i) {
    first = step(first, texts[0][i]);
    second = step(second, texts[1][i]);
    third = step(third, texts[2][i]);
    fourth = step(fourth, texts[3][i]);
  };
  // Four bytes a round: the compiler then keeps each digest in place instead of moving it back
  // after each byte.
  std::size_t i = 0;
  for (; i + 4 <= common; i += 4) {
    steps(i);
    steps(i + 1);
    steps(i + 2);
    steps(i + 3);
  }
  for (; i < common; ++i)
    steps(i);
  std::array<std::uint64_t, k_lanes> hashes{first, second, third, fourth};
  for (std::size_t lane = 0; lane < k_lanes; ++lane)
    hashes[lane] = fnv1a(hashes[lane], texts[lane].substr(common));
  return hashes;
}

void set_fingerprint(Finding& finding, std::uint64_t hash) {
  std::array<char, 17> hex{};
  std::snprintf(hex.data(), hex.size(), "%016llx", static_cast<unsigned long long>(hash));
  finding.fingerprint = hex.data();
}

} // namespace

std::string_view to_string(Severity severity) {
  return k_severity_names.at(static_cast<std::size_t>(severity));
}

std::string_view to_string(FixKind kind) {
  return k_fix_kind_names.at(static_cast<std::size_t>(kind));
}

std::optional<Severity> parse_severity(std::string_view text) {
  std::string lower;
  for (const char c : text)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i < k_severity_names.size(); ++i) {
    if (k_severity_names[i] == lower)
      return static_cast<Severity>(i);
  }
  return std::nullopt;
}

void assign_fingerprints(std::vector<Finding*> findings) {
  // Texts of like length share a batch, so that little is left to hash lane by lane.
  std::vector<std::pair<std::size_t, Finding*>> by_size;
  by_size.reserve(findings.size());
  for (Finding* finding : findings)
    by_size.emplace_back(covered_size(*finding), finding);
  std::stable_sort(by_size.begin(), by_size.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::array<std::string, k_lanes> covered; // reused: a batch's texts, not every finding's at once
  for (std::size_t start = 0; start < by_size.size(); start += k_lanes) {
    const std::size_t lanes = std::min(k_lanes, by_size.size() - start);
    std::array<std::string_view, k_lanes> texts;
    for (std::size_t lane = 0; lane < lanes; ++lane) {
      write_covered(*by_size[start + lane].second, covered[lane]);
      texts[lane] = covered[lane];
    }
    // A short batch repeats its first text in the spare lanes.
    for (std::size_t lane = lanes; lane < k_lanes; ++lane)
      texts[lane] = texts[0];
    const std::array<std::uint64_t, k_lanes> hashes = fnv1a_lanes(texts);
    for (std::size_t lane = 0; lane < lanes; ++lane)
      set_fingerprint(*by_size[start + lane].second, hashes[lane]);
  }
}

} // namespace tfkms::rules
