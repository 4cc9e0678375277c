// Compiling documents and grants for evaluation (see compiled.hpp).
#include "policy/condition.hpp"
#include "policy/evaluate.hpp"
#include "policy/match.hpp"

#include <algorithm>

namespace tfkms::policy {

namespace {

std::uint64_t all_of(std::span<const ActionInfo> table) {
  return table.size() >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << table.size()) - 1;
}

struct ActionMasks {
  std::uint64_t yes = 0;   ///< actions the Action/NotAction element certainly matches
  std::uint64_t maybe = 0; ///< ... may match (a pattern value is unknown)
};

// The masks of one catalogue: a pattern whose value is unknown may match any action.
ActionMasks compile_actions(const PatternElement& actions, std::span<const ActionInfo> table,
                            std::uint64_t (*match)(std::string_view)) {
  std::uint64_t certain = 0;
  std::uint64_t possible = 0;
  for (const PatternEntry& entry : actions.entries) {
    if (entry.value.known())
      certain |= match(entry.value.text);
    else
      possible = all_of(table);
  }
  possible |= certain;
  if (actions.negated)
    return {all_of(table) & ~possible, possible & ~certain};
  return {certain, possible & ~certain};
}

detail::CompiledPrincipal compile_principal(const PrincipalEntry& entry) {
  detail::CompiledPrincipal compiled;
  compiled.form = entry.form;
  compiled.text = entry.value.text;
  compiled.account = entry.account;
  if (const auto arn = split_arn(entry.value.text)) {
    compiled.partition = std::string(arn->partition);
    if (entry.form == PrincipalForm::role) {
      const std::string_view resource = arn->resource;
      compiled.role_name_lower = to_lower(resource.substr(resource.rfind('/') + 1));
    }
  }
  return compiled;
}

detail::CompiledStatement compile_statement(const Statement& statement, bool variables) {
  detail::CompiledStatement compiled;
  compiled.source = &statement;
  compiled.effect = statement.effect;
  compiled.effect_known = statement.effect_known;
  compiled.readable = statement.readable;
  if (statement.principal) {
    compiled.has_principal = true;
    compiled.principal_negated = statement.principal->negated;
    for (const PrincipalEntry& entry : statement.principal->entries)
      compiled.principals.push_back(compile_principal(entry));
  }
  const ActionMasks kms = compile_actions(statement.actions, kms_actions(), match_actions);
  compiled.actions_yes = kms.yes;
  compiled.actions_maybe = kms.maybe;
  const ActionMasks store =
      compile_actions(statement.actions, store_actions(), match_store_actions);
  compiled.store_actions_yes = store.yes;
  compiled.store_actions_maybe = store.maybe;
  if (statement.resources) {
    compiled.has_resources = true;
    compiled.resources_negated = statement.resources->negated;
    for (const PatternEntry& entry : statement.resources->entries)
      compiled.resources.push_back(
          detail::compile_text(entry.value, detail::Wildcards::pattern, variables));
  }
  for (const ConditionClause& clause : statement.conditions)
    compiled.conditions.push_back(detail::compile_condition(clause, variables));
  return compiled;
}

std::optional<ClassifiedPrincipal> classify_optional(const std::optional<model::Value>& value) {
  if (!value)
    return std::nullopt;
  // A grantee is an ARN or a service principal name (no "arn:" prefix) [BOTO-KMS CreateGrant].
  const bool service =
      value->known() && !value->text.starts_with("arn:") && !is_account_id(value->text);
  return classify_principal(service ? PrincipalSection::service : PrincipalSection::aws, *value);
}

// The catalogue index of `operation` when CreateGrant accepts it: only GrantOperation values, spelt
// exactly; any other name is a ValidationException, so the grant never exists and allows nothing
// [BOTO-KMS], kms-reference §5.
std::optional<ActionIndex> grant_operation(const std::string& operation) {
  const auto index = find_action("kms:" + operation);
  if (index && kms_actions()[*index].grant_operation && kms_actions()[*index].name == operation)
    return index;
  return std::nullopt;
}

// An empty list of operations that no reference may fill: CreateGrant refuses it too.
bool asks_for_nothing(const GrantSpec& grant) {
  return grant.operations.empty() && !grant.unknown_fields;
}

std::vector<std::pair<std::string, std::string>>
lower_keys(const std::map<std::string, std::string>& pairs) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : pairs)
    out.emplace_back(to_lower(key), value);
  return out;
}

} // namespace

CompiledPolicy::CompiledPolicy(std::shared_ptr<const detail::CompiledDocument> compiled)
    : m_compiled(std::move(compiled)) {}

const Document& CompiledPolicy::document() const { return m_compiled->document; }

std::uint64_t CompiledPolicy::actions_of_statement(std::size_t statement) const {
  const detail::CompiledStatement& compiled = m_compiled->statements.at(statement);
  return compiled.actions_yes | compiled.actions_maybe;
}

CompiledPolicy compile(Document document) {
  auto compiled = std::make_shared<detail::CompiledDocument>();
  compiled->document = std::move(document);
  const bool variables = compiled->document.variables_enabled();
  for (const Statement& statement : compiled->document.statements)
    compiled->statements.push_back(compile_statement(statement, variables));
  return CompiledPolicy(std::move(compiled));
}

CompiledPolicy without_statement(const CompiledPolicy& policy, std::size_t statement) {
  auto copy = std::make_shared<detail::CompiledDocument>(policy.compiled());
  for (std::size_t i = 0; i < copy->statements.size(); ++i)
    copy->statements[i].source = &copy->document.statements[i];
  if (statement < copy->statements.size()) {
    copy->document.statements[statement].actions = PatternElement{};
    copy->statements[statement] =
        compile_statement(copy->document.statements[statement], copy->document.variables_enabled());
  }
  return CompiledPolicy(std::move(copy));
}

CompiledGrant compile(GrantSpec grant) {
  CompiledGrant compiled;
  std::uint64_t operations = 0;
  for (const std::string& operation : grant.operations) {
    if (const auto index = grant_operation(operation))
      operations |= std::uint64_t{1} << *index;
    else
      compiled.invalid_operations.push_back(operation);
  }
  if (asks_for_nothing(grant))
    compiled.invalid_operations.emplace_back();
  if (compiled.exists())
    compiled.operations = operations;
  compiled.grantee = *classify_optional(grant.grantee);
  if (compiled.exists())
    compiled.retiring = classify_optional(grant.retiring_principal);
  if (grant.encryption_context_equals) {
    compiled.has_equals = true;
    compiled.equals = lower_keys(*grant.encryption_context_equals);
  }
  if (grant.encryption_context_subset) {
    compiled.has_subset = true;
    compiled.subset = lower_keys(*grant.encryption_context_subset);
  }
  compiled.spec = std::move(grant);
  return compiled;
}

bool grant_exists(const GrantSpec& grant) {
  return !asks_for_nothing(grant) && std::all_of(grant.operations.begin(), grant.operations.end(),
                                                 [](const std::string& operation) {
                                                   return grant_operation(operation).has_value();
                                                 });
}

GrantSpec grant_spec(const model::Grant& grant, const model::SymbolResolver& symbols) {
  GrantSpec spec;
  spec.grantee = model::resolve_value(grant.grantee, symbols);
  // An operation known only after apply is left out (the grant's use is then unknown through
  // `unknown_fields`), so that only names the input spells are checked against GrantOperation.
  for (const std::string& operation : grant.operations) {
    model::Value value = model::resolve_value(operation, symbols);
    if (value.known())
      spec.operations.push_back(std::move(value.text));
    else
      spec.unknown_fields = true;
  }
  if (!grant.encryption_context_equals.empty())
    spec.encryption_context_equals = grant.encryption_context_equals;
  if (!grant.encryption_context_subset.empty())
    spec.encryption_context_subset = grant.encryption_context_subset;
  if (grant.retiring_principal)
    spec.retiring_principal = model::resolve_value(*grant.retiring_principal, symbols);
  spec.unknown_fields = spec.unknown_fields || grant.unknown_fields || !spec.grantee.known();
  return spec;
}

} // namespace tfkms::policy
