#include "rules/suppressions.hpp"

#include "rules/rule_ids.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace tfkms::rules {

namespace {

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

model::Diagnostic at(const model::SourceRef& where, model::DiagnosticLevel level,
                     std::string message) {
  model::Diagnostic diagnostic;
  diagnostic.level = level;
  diagnostic.file = where.file;
  diagnostic.line = where.line;
  diagnostic.column = where.column;
  diagnostic.message = std::move(message);
  return diagnostic;
}

} // namespace

bool suppression_covers(std::string_view rule, std::string_view id) {
  if (rule == "*")
    return true;
  return std::equal(rule.begin(), rule.end(), id.begin(), id.end(), [](char a, char b) {
    return std::toupper(static_cast<unsigned char>(a)) ==
           std::toupper(static_cast<unsigned char>(b));
  });
}

std::string suppression_site(const model::Suppression& suppression) {
  std::string site = suppression.where.file;
  if (suppression.where.line)
    site += ":" + std::to_string(*suppression.where.line);
  if (suppression.where.column)
    site += ":" + std::to_string(*suppression.where.column);
  return site + " " + suppression.rule;
}

std::string suppression_site(const IgnoreEntry& entry, const Config& config) {
  return config.path + ":" + std::to_string(entry.line.value_or(0));
}

void SuppressionReview::add_input(const model::Graph& graph,
                                  std::vector<model::Diagnostic>& errors) {
  std::set<std::string> reported; // a comment over a counted resource is copied to every instance
  for (const model::Suppression& suppression : graph.suppressions) {
    const std::string site = suppression_site(suppression);
    const bool known = suppression.rule == "*" || canonical_rule_id(suppression.rule).has_value();
    if (!known || blank(suppression.reason)) {
      if (!reported.insert(site).second)
        continue;
      std::string message = "suppression on " + suppression.address + ": ";
      message += !known ? (suppression.rule.empty()
                               ? std::string("no rule id (expected a rule id such as TFKMS003)")
                               : unknown_rule_id_message(suppression.rule))
                        : "no reason given for ignoring " + suppression.rule +
                              "; say why it is accepted (docs/suppressions.md shows where)";
      errors.push_back(at(suppression.where, model::DiagnosticLevel::error, std::move(message)));
      continue;
    }
    m_suppressions.push_back(suppression);
  }
}

void SuppressionReview::add_input_without_source(const std::string& path) {
  m_without_source.push_back(path);
}

std::optional<model::Diagnostic> SuppressionReview::missing_source() const {
  if (m_without_source.empty())
    return std::nullopt;
  model::Diagnostic warning;
  warning.level = model::DiagnosticLevel::warning;
  warning.file = m_without_source.front();
  const std::size_t others = m_without_source.size() - 1;
  warning.message =
      "no .tf files found for this plan" +
      (others == 0 ? std::string() : " and " + std::to_string(others) + " more input(s)") +
      " (give --tf-dir): findings point into the JSON, and `# tfkms:ignore` comments cannot apply; "
      "`ignore:` entries by address in .tfkms.yml still do";
  return warning;
}

std::vector<model::Diagnostic>
SuppressionReview::unused(const Config& config, const std::vector<Finding>& findings,
                          const std::function<bool(std::string_view)>& ran,
                          model::DiagnosticLevel level) const {
  std::set<std::string, std::less<>> used;
  for (const Finding& finding : findings) {
    if (finding.suppressed)
      used.insert(finding.suppressed_at);
  }
  const auto judged = [&](const std::string& rule) {
    return rule == "*" || ran(*canonical_rule_id(rule));
  };
  std::vector<model::Diagnostic> out;
  std::set<std::string> reported;
  for (const model::Suppression& suppression : m_suppressions) {
    const std::string site = suppression_site(suppression);
    if (used.contains(site) || !judged(suppression.rule) || !reported.insert(site).second)
      continue;
    out.push_back(at(suppression.where, level,
                     "unused suppression: " + suppression.rule + " on " + suppression.address +
                         " matched no finding; remove it"));
  }
  for (const IgnoreEntry& entry : config.ignore) {
    if (used.contains(suppression_site(entry, config)) || !judged(entry.rule))
      continue;
    model::SourceRef where;
    where.file = config.path;
    where.line = entry.line;
    out.push_back(at(where, level,
                     "unused ignore entry: " + entry.rule + " on " + entry.resource +
                         " matched no finding; remove it"));
  }
  return out;
}

} // namespace tfkms::rules
