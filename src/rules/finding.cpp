#include "rules/finding.hpp"

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
std::uint64_t fnv1a(std::uint64_t hash, std::string_view text) {
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
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

void assign_fingerprint(Finding& finding) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  // Separators keep ("ab","c") and ("a","bc") apart.
  hash = fnv1a(hash, finding.rule_id);
  hash = fnv1a(hash, "\x1f");
  hash = fnv1a(hash, finding.resource);
  for (const Evidence& item : finding.evidence) {
    hash = fnv1a(hash, "\x1e");
    hash = fnv1a(hash, item.text);
    hash = fnv1a(hash, "\x1f");
    hash = fnv1a(hash, item.pointer);
  }
  std::array<char, 17> hex{};
  std::snprintf(hex.data(), hex.size(), "%016llx", static_cast<unsigned long long>(hash));
  finding.fingerprint = hex.data();
}

} // namespace tfkms::rules
