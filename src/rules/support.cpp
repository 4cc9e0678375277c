#include "rules/support.hpp"

#include "model/arn.hpp"

#include <algorithm>

namespace tfkms::rules {

std::optional<std::string> account_of(std::string_view arn) {
  if (model::is_account_id(arn))
    return std::string(arn);
  const auto parts = model::split_arn(arn);
  if (!parts || parts->account.empty() || parts->account == "aws")
    return std::nullopt; // arn:aws:iam::aws:policy/... is AWS's own
  return std::string(parts->account);
}

std::string shown(const model::Graph& graph, std::string_view raw) {
  return model::resolve_value(raw, graph).text;
}

bool is_going_away(const model::Key& key) { return key.planned_action == "delete"; }

bool is_terraform(const model::SourceRef& source) {
  // Terraform addresses are <type>.<name> with a provider-prefixed type; CloudFormation logical ids
  // are alphanumeric only.
  return source.address.find('.') != std::string::npos ||
         source.pointer.starts_with("/resource_changes") ||
         source.pointer.starts_with("/planned_values") || source.pointer.starts_with("/values");
}

namespace {

// Sizes the text first: a finding's lines join a few words each, for every key of a plan.
template <typename Word>
void append_joined(std::string& out, const std::vector<Word>& words, std::string_view last) {
  std::size_t size = out.size();
  for (const Word& word : words)
    size += std::string_view(word).size() + std::max(last.size(), std::size_t{2});
  out.reserve(size);
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0)
      out += i + 1 == words.size() ? last : std::string_view(", ");
    out += words[i];
  }
}

} // namespace

std::string join_words(const std::vector<std::string>& words, std::string_view last) {
  std::string text;
  append_joined(text, words, last);
  return text;
}

void append_words(std::string& out, const std::vector<std::string_view>& words,
                  std::string_view last) {
  append_joined(out, words, last);
}

Evidence statement_evidence(const policy::Statement& statement, const model::PolicySource& holder,
                            const std::string& text) {
  Evidence evidence;
  evidence.text = statement_label(statement) + " " + text;
  evidence.pointer = statement.pointer;
  evidence.file = statement.where.file.empty() ? holder.where.file : statement.where.file;
  evidence.line = statement.where.line ? statement.where.line : holder.where.line;
  return evidence;
}

namespace {

void place_at(Evidence& evidence, const model::SourceRef& where, std::string text) {
  evidence.text = std::move(text);
  evidence.pointer = where.pointer;
  evidence.file = where.file;
  evidence.line = where.line;
}

} // namespace

Evidence evidence_at(const model::SourceRef& where, std::string text) {
  Evidence evidence;
  place_at(evidence, where, std::move(text));
  return evidence;
}

void add_evidence_at(std::vector<Evidence>& out, const model::SourceRef& where, std::string text) {
  place_at(out.emplace_back(), where, std::move(text));
}

Evidence evidence_of(const model::Diagnostic& diagnostic) {
  Evidence evidence;
  evidence.text = diagnostic.message;
  evidence.pointer = diagnostic.pointer;
  evidence.file = diagnostic.file;
  evidence.line = diagnostic.line;
  return evidence;
}

} // namespace tfkms::rules
