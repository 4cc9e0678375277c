// The request space of each (subject, action): only the condition keys of the statements and grants
// that can apply to that caller and action. A policy with twenty statements tests many keys, but a
// given caller and action meet few of them, and the cells multiply only over those.
#include "analysis/analysis_detail.hpp"
#include "analysis/request_space.hpp"
#include "policy/actions.hpp"
#include "policy/match.hpp"

#include <algorithm>
#include <unordered_map>

namespace tfkms::analysis::detail {

namespace {

// Past this many cells a row drops its last condition keys (and the analysis says so).
constexpr std::size_t k_max_row_cells = 1024;

// Keys that are properties of the key itself: the analysis sets them from the key (kms-reference
// §2.2).
constexpr std::string_view k_key_property_keys[] = {"kms:keyspec",
                                                    "kms:keyusage",
                                                    "kms:keyorigin",
                                                    "kms:multiregion",
                                                    "kms:multiregionkeytype",
                                                    "kms:customermasterkeyspec",
                                                    "kms:customermasterkeyusage"};

// Whether a principal entry may name `subject` (conservative: unknown values may).
bool may_name(const policy::PrincipalEntry& entry, const Subject& subject) {
  if (!entry.value.known())
    return true;
  switch (entry.form) {
  case policy::PrincipalForm::any:
    return true;
  case policy::PrincipalForm::account:
    return subject.kind != SubjectKind::service && entry.account == subject.account;
  case policy::PrincipalForm::user:
  case policy::PrincipalForm::role:
    return entry.value.text == subject.arn;
  case policy::PrincipalForm::assumed_role:
  case policy::PrincipalForm::federated_user:
    return entry.account == subject.account;
  case policy::PrincipalForm::service:
    return subject.kind == SubjectKind::service && entry.value.text == subject.arn;
  case policy::PrincipalForm::other:
    return false;
  case policy::PrincipalForm::unknown:
    return true;
  }
  return true;
}

bool may_apply(const policy::Statement& statement, const Subject& subject) {
  if (!statement.principal || statement.principal->negated)
    return true;
  return std::any_of(statement.principal->entries.begin(), statement.principal->entries.end(),
                     [&](const policy::PrincipalEntry& entry) { return may_name(entry, subject); });
}

bool grant_may_name(const policy::CompiledGrant& grant, const Subject& subject) {
  if (grant.spec.unknown_fields || !grant.spec.grantee.known())
    return true;
  if (grant.grantee.form == policy::PrincipalForm::account)
    return grant.grantee.account == subject.account;
  if (grant.spec.grantee.text == subject.arn)
    return true;
  return grant.spec.retiring_principal && grant.spec.retiring_principal->text == subject.arn;
}

struct StatementFacts {
  std::uint64_t actions = 0;
  std::vector<std::size_t> dims;
};

// The compiled action masks: the actions a statement certainly or possibly matches.
std::vector<StatementFacts> facts_of(const policy::CompiledPolicy& policy,
                                     const std::vector<Dimension>& dims) {
  std::vector<StatementFacts> out;
  const std::vector<policy::Statement>& statements = policy.document().statements;
  out.reserve(statements.size());
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const policy::Statement& statement = statements[i];
    StatementFacts facts;
    facts.actions = policy.actions_of_statement(i);
    for (const policy::ConditionClause& clause : statement.conditions) {
      for (const std::size_t d : dimensions_of(clause, dims)) {
        if (std::find(facts.dims.begin(), facts.dims.end(), d) == facts.dims.end())
          facts.dims.push_back(d);
      }
    }
    out.push_back(std::move(facts));
  }
  return out;
}

// Keeps the first dimensions of `dims` whose cells multiply to at most k_max_row_cells; the keys of
// the others go to `dropped`.
void cap_cells(const std::vector<Dimension>& dimensions, std::vector<std::size_t>& dims,
               std::vector<std::string>& dropped) {
  std::size_t cells = 1;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (cells * dimensions[dims[i]].size() > k_max_row_cells) {
      for (std::size_t rest = i; rest < dims.size(); ++rest) {
        const std::string& key = dimensions[dims[rest]].key;
        if (std::find(dropped.begin(), dropped.end(), key) == dropped.end())
          dropped.push_back(key);
      }
      dims.resize(i);
      return;
    }
    cells *= dimensions[dims[i]].size();
  }
}

void add_all(std::vector<std::size_t>& into, const std::vector<std::size_t>& dims) {
  for (const std::size_t d : dims) {
    if (std::find(into.begin(), into.end(), d) == into.end())
      into.push_back(d);
  }
}

} // namespace

void build_rows(const Analysis& a, Core& core) {
  // The identity policies the variants evaluate (a class of principals is evaluated with its first
  // one's).
  std::vector<std::size_t> used;
  for (const Variant& variant : a.variants) {
    for (const auto& id : variant.policy_ids) {
      if (id)
        used.push_back(static_cast<std::size_t>(*id));
    }
  }
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  const auto identity_policy = [&](std::size_t id) -> const policy::CompiledPolicy& {
    return *a.shared->identity_policies[id];
  };

  // The chains' policies (SCPs, RCPs, boundaries) test condition keys too.
  std::vector<const policy::CompiledPolicy*> chain_policies;
  for (const Variant& variant : a.variants) {
    if (!variant.chain)
      continue;
    const policy::Chain& chain = variant.chain->chain;
    for (const auto* levels : {&chain.scps, &chain.rcps}) {
      for (const auto& level : *levels) {
        for (const policy::CompiledPolicy& compiled : level)
          chain_policies.push_back(&compiled);
      }
    }
    if (chain.permission_boundary)
      chain_policies.push_back(&*chain.permission_boundary);
  }
  std::vector<const policy::Document*> documents{&a.key_policy.document()};
  for (const std::size_t id : used)
    documents.push_back(&identity_policy(id).document());
  for (const policy::CompiledPolicy* compiled : chain_policies)
    documents.push_back(&compiled->document());
  core.dimensions = build_dimensions(documents, a.grants);
  std::erase_if(core.dimensions, [](const Dimension& dim) {
    const std::string lower = policy::to_lower(dim.key);
    return std::find(std::begin(k_key_property_keys), std::end(k_key_property_keys), lower) !=
           std::end(k_key_property_keys);
  });

  const policy::Document& key_policy = a.key_policy.document();
  const std::vector<StatementFacts> key_facts = facts_of(a.key_policy, core.dimensions);
  std::unordered_map<std::size_t, std::vector<StatementFacts>> identity_facts;
  for (const std::size_t id : used)
    identity_facts.emplace(id, facts_of(identity_policy(id), core.dimensions));
  std::unordered_map<const policy::CompiledPolicy*, std::vector<StatementFacts>> chain_facts;
  for (const policy::CompiledPolicy* compiled : chain_policies) {
    if (!chain_facts.contains(compiled))
      chain_facts.emplace(compiled, facts_of(*compiled, core.dimensions));
  }
  std::vector<std::vector<std::size_t>> grant_dims;
  for (const policy::CompiledGrant& grant : a.grants)
    grant_dims.push_back(dimensions_of(grant, core.dimensions));

  constexpr std::string_view k_retire[] = {"kms:RetireGrant"}, k_create[] = {"kms:CreateGrant"};
  const std::uint64_t retire_bit = policy::action_mask(k_retire),
                      create_bit = policy::action_mask(k_create);
  std::vector<std::string> dropped;
  const std::size_t action_count = a.actions.size();
  core.rows.clear();
  core.row_of.assign(a.subjects.size() * action_count, 0);
  for (std::size_t s = 0; s < a.subjects.size(); ++s) {
    const Subject& subject = a.subjects[s];
    // What may apply to this subject, whatever the action: a mask of the actions each statement or
    // grant matches (none when it cannot name the subject) and the dimensions it tests.
    std::vector<std::pair<std::uint64_t, const std::vector<std::size_t>*>> facts;
    for (std::size_t i = 0; i < key_facts.size(); ++i) {
      facts.emplace_back(may_apply(key_policy.statements[i], subject) ? key_facts[i].actions : 0,
                         &key_facts[i].dims);
    }
    const auto add_facts = [&](const std::vector<StatementFacts>& statements) {
      for (const StatementFacts& statement : statements)
        facts.emplace_back(statement.actions, &statement.dims);
    };
    for (const std::size_t v : variants_of(a, s)) {
      for (const auto& id : a.variants[v].policy_ids) {
        if (id)
          add_facts(identity_facts.at(static_cast<std::size_t>(*id)));
      }
      if (!a.variants[v].chain)
        continue;
      const policy::Chain& chain = a.variants[v].chain->chain;
      for (const auto* levels : {&chain.scps, &chain.rcps}) {
        for (const auto& level : *levels) {
          for (const policy::CompiledPolicy& compiled : level)
            add_facts(chain_facts.at(&compiled));
        }
      }
      if (chain.permission_boundary)
        add_facts(chain_facts.at(&*chain.permission_boundary));
    }
    for (std::size_t g = 0; g < a.grants.size(); ++g) {
      // Anyone a grant names may retire it (kms-reference §5.4).
      facts.emplace_back(grant_may_name(a.grants[g], subject) ? a.grants[g].operations | retire_bit
                                                              : 0,
                         &grant_dims[g]);
    }
    // This subject's rows so far, with what decides alike: the statements and grants that apply,
    // and the action's KMS traits.
    struct Seen {
      std::string signature; ///< a character per fact: fast to compare
      std::size_t row = 0;
    };
    std::vector<Seen> seen;
    for (std::size_t act = 0; act < action_count; ++act) {
      const policy::ActionIndex index = a.action_indexes[act];
      const std::uint64_t bit = std::uint64_t{1} << index;
      const policy::ActionInfo& info = policy::kms_actions()[index];
      std::vector<std::size_t> dims;
      std::string signature;
      const auto sign = [&](bool fact) { signature.push_back(fact ? '1' : '0'); };
      for (const bool trait : {info.key_resource, info.cross_account, info.grant_operation,
                               info.cryptographic, bit == retire_bit, bit == create_bit}) {
        sign(trait);
      }
      const std::size_t first_key_statement = signature.size();
      for (const auto& [actions, statement_dims] : facts) {
        const bool applies = (actions & bit) != 0;
        sign(applies);
        if (applies)
          add_all(dims, *statement_dims);
      }
      if (!dims.empty()) {
        std::erase_if(dims, [&](std::size_t d) {
          return !key_applies(core.dimensions[d].key, a.actions[act]);
        });
        std::sort(dims.begin(), dims.end());
        cap_cells(core.dimensions, dims, dropped);
      }

      std::size_t& row_index = core.row_of[s * action_count + act];
      const auto same = std::find_if(seen.begin(), seen.end(), [&](const Seen& earlier) {
        return earlier.signature == signature && core.rows[earlier.row].dims == dims;
      });
      if (same != seen.end()) {
        row_index = same->row;
        continue;
      }
      Row& row = core.rows.emplace_back();
      std::vector<Dimension> row_dims;
      for (const std::size_t d : dims)
        row_dims.push_back(core.dimensions[d]);
      row.dims = std::move(dims);
      row.space = CellSpace(std::move(row_dims));
      row.subject = s;
      row.leader = act;
      for (std::size_t i = 0; i < key_facts.size(); ++i)
        row.key_statements.push_back(signature[first_key_statement + i] == '1');
      row_index = core.rows.size() - 1;
      seen.push_back({std::move(signature), row_index});
    }
  }
  if (!dropped.empty()) {
    std::string keys;
    for (const std::string& key : dropped)
      keys += (keys.empty() ? "" : ", ") + key;
    core.notes.push_back("too many condition values to combine; some requests are taken to lack " +
                         keys);
  }
}

} // namespace tfkms::analysis::detail
