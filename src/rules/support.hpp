#pragma once
// Small helpers the rules share: reading values with symbol markers, naming things in messages.
#include "model/graph.hpp"
#include "policy/document.hpp"
#include "rules/finding.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::rules {

/// The account id of principal or resource `arn` (field 5 of an ARN), a bare 12-digit account id as
/// is, or nothing when neither (service principals, "*", unknown values).
[[nodiscard]] std::optional<std::string> account_of(std::string_view arn);

/// `raw` with its symbol markers resolved against `graph`; unknown references show as ${REF}.
[[nodiscard]] std::string shown(const model::Graph& graph, std::string_view raw);

/// True when the resource is planned to be destroyed (Terraform delete): nothing to report on it.
[[nodiscard]] bool is_going_away(const model::Key& key);

/// True when the input is a Terraform plan/state rather than a CloudFormation template (decides how
/// attributes are named in messages).
[[nodiscard]] bool is_terraform(const model::SourceRef& source);

/// "a, b and c".
[[nodiscard]] std::string join_words(const std::vector<std::string>& words,
                                     std::string_view last = " and ");

/// Appends "a, b and c" to `out`.
void append_words(std::string& out, const std::vector<std::string_view>& words,
                  std::string_view last = " and ");

using policy::statement_label;

/// Evidence for `statement` of a policy held at `holder`, with `text` after its label.
[[nodiscard]] Evidence statement_evidence(const policy::Statement& statement,
                                          const model::PolicySource& holder,
                                          const std::string& text);

/// Evidence pointing at `where`, with `text`.
[[nodiscard]] Evidence evidence_at(const model::SourceRef& where, std::string text);
/// evidence_at(where, text), built in place at the end of `out`: a finding of many lines moves
/// none of them.
void add_evidence_at(std::vector<Evidence>& out, const model::SourceRef& where, std::string text);

/// Evidence of a problem met while reading a policy: its message, at its place.
[[nodiscard]] Evidence evidence_of(const model::Diagnostic& diagnostic);

} // namespace tfkms::rules
