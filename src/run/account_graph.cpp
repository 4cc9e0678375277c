#include "run/account_graph.hpp"

#include <map>
#include <set>
#include <unordered_map>

namespace tfkms::run {

namespace {

using model::Graph;
using model::KeyRef;

constexpr std::string_view k_import_prefix = "unknown:ImportValue ";

// Exports by region and name, their values already resolved in the exporting input.
using Exports = std::map<std::pair<std::string, std::string>, std::string>;

// Resolves one input's references as that input does, and its imports from `exports`. A reference
// that stays unknown is renamed after its input ("aws_iam_role.app.arn in app/plan.json"): the same
// address in two workspaces is two resources.
class PartSymbols final : public model::SymbolResolver {
public:
  PartSymbols(const GraphPart& part, const Exports* exports) : m_part(part), m_exports(exports) {}

  std::optional<std::string> resolve(std::string_view ref) const override {
    if (ref.starts_with(k_import_prefix)) {
      // Without exports (while the exports themselves are resolved), an import stays unknown.
      if (m_exports == nullptr)
        return std::nullopt;
      const auto it =
          m_exports->find({m_part.graph.region, std::string(ref.substr(k_import_prefix.size()))});
      if (it == m_exports->end())
        return std::nullopt;
      return it->second;
    }
    if (auto text = m_part.graph.resolve(ref))
      return text;
    if (ref.starts_with("unknown:"))
      return std::nullopt;
    return model::symbol(std::string(ref) + " in " + m_part.input);
  }

private:
  const GraphPart& m_part;
  const Exports* m_exports;
};

void substitute(std::string& text, const model::SymbolResolver& symbols) {
  if (model::has_symbols(text))
    text = model::substitute_symbols(text, symbols);
}

void substitute(nlohmann::json& value, const model::SymbolResolver& symbols) {
  if (value.is_string()) {
    substitute(value.get_ref<std::string&>(), symbols);
  } else if (value.is_structured()) {
    for (nlohmann::json& item : value)
      substitute(item, symbols);
  }
}

void substitute(model::PolicySource& policy, const model::SymbolResolver& symbols) {
  if (policy.state == model::PolicySource::State::document)
    substitute(policy.document, symbols);
}

// Every value of `part` that may hold references, resolved as far as `symbols` can.
void substitute_all(Graph& part, const model::SymbolResolver& symbols) {
  for (model::Key& key : part.keys) {
    for (std::string* text : {&key.arn, &key.account, &key.primary_key})
      substitute(*text, symbols);
    substitute(key.policy, symbols);
  }
  for (model::Alias& alias : part.aliases) {
    substitute(alias.name, symbols);
    substitute(alias.target.text, symbols);
  }
  for (model::Grant& grant : part.grants) {
    for (std::string* text : {&grant.name, &grant.key.text, &grant.grantee})
      substitute(*text, symbols);
    for (std::string& operation : grant.operations)
      substitute(operation, symbols);
    if (grant.retiring_principal)
      substitute(*grant.retiring_principal, symbols);
    for (auto* context : {&grant.encryption_context_equals, &grant.encryption_context_subset}) {
      for (auto& entry : *context)
        substitute(entry.second, symbols);
    }
  }
  for (model::Principal& principal : part.principals) {
    for (std::string* text : {&principal.name, &principal.arn, &principal.account}) {
      substitute(*text, symbols);
    }
    substitute(principal.trust_policy, symbols);
  }
  for (model::IdentityPolicy& policy : part.policies) {
    substitute(policy.name, symbols);
    substitute(policy.arn, symbols);
    substitute(policy.document, symbols);
  }
  for (model::DataStore& store : part.data_stores) {
    for (std::string* text : {&store.name, &store.arn, &store.key.text})
      substitute(*text, symbols);
    substitute(store.resource_policy, symbols);
  }
}

// An ARN every input would name alike: known before deployment and no reference left.
bool known_arn(const std::string& text) {
  return text.starts_with("arn:") && !model::has_symbols(text);
}

bool same_policy(const model::PolicySource& a, const model::PolicySource& b) {
  return a.state == b.state && a.document == b.document;
}

// What differs between two definitions of one key; empty when they are alike.
std::string key_difference(const model::Key& a, const model::Key& b) {
  if (!same_policy(a.policy, b.policy))
    return "key policy";
  if (a.enabled != b.enabled || a.rotation_enabled != b.rotation_enabled)
    return "state or rotation";
  if (a.key_spec != b.key_spec || a.key_usage != b.key_usage || a.kind != b.kind)
    return "key type";
  return {};
}

class Joiner {
public:
  explicit Joiner(const std::string& account) { m_out.graph.account = account; }

  void add(GraphPart& part, const Exports& exports) {
    Graph& graph = part.graph;
    if (m_out.graph.inputs.empty()) {
      m_out.graph.partition = graph.partition;
      m_out.graph.region = graph.region;
      m_out.graph.format = graph.format;
      m_out.graph.account_source = graph.account_source;
    } else if (m_out.graph.region != graph.region) {
      m_out.graph.region.clear(); // keys name their own region in their ARNs
    }
    m_out.graph.inputs.push_back(part.input);
    substitute_all(graph, PartSymbols(part, &exports));
    m_scope = part.stack.empty() ? part.input : part.stack;
    m_part = part.input;
    const std::vector<model::KeyId> keys = add_keys(graph);
    const std::vector<model::PolicyId> policies = add_policies(graph);
    add_principals(graph, policies);
    add_aliases(graph, keys);
    add_grants(graph, keys);
    add_data_stores(graph, keys);
    for (model::Suppression& suppression : graph.suppressions) {
      m_out.graph.suppressions.push_back(std::move(suppression));
    }
    report_duplicates();
    graph = Graph{}; // the part's memory goes back before the next part is loaded into ours
  }

  // Room for every part's nodes at once: growing by doubling would hold up to twice the graph.
  void reserve(const std::vector<GraphPart>& parts) {
    Graph& graph = m_out.graph;
    const auto total = [&parts](auto member) {
      std::size_t sum = 0;
      for (const GraphPart& part : parts)
        sum += (part.graph.*member).size();
      return sum;
    };
    graph.keys.reserve(total(&Graph::keys));
    graph.aliases.reserve(total(&Graph::aliases));
    graph.grants.reserve(total(&Graph::grants));
    graph.principals.reserve(total(&Graph::principals));
    graph.policies.reserve(total(&Graph::policies));
    graph.data_stores.reserve(total(&Graph::data_stores));
    graph.suppressions.reserve(total(&Graph::suppressions));
  }

  // Key references no input could place alone, looked up among every input's keys and aliases.
  AccountGraph finish() {
    Graph& graph = m_out.graph;
    const auto resolve_again = [&graph](KeyRef& ref) {
      const bool open = ref.kind == KeyRef::Kind::unknown || ref.kind == KeyRef::Kind::outside;
      if (!open || ref.text.empty() || model::has_symbols(ref.text))
        return;
      const KeyRef found = graph.resolve_key(ref.text);
      if (found.kind != KeyRef::Kind::node)
        return;
      ref.kind = found.kind;
      ref.key = found.key;
    };
    for (model::Alias& alias : graph.aliases)
      resolve_again(alias.target);
    for (model::Grant& grant : graph.grants)
      resolve_again(grant.key);
    for (model::DataStore& store : graph.data_stores)
      resolve_again(store.key);
    return std::move(m_out);
  }

private:
  std::vector<model::KeyId> add_keys(Graph& part) {
    std::vector<model::KeyId> ids;
    ids.reserve(part.keys.size());
    std::vector<model::KeyId> added;
    for (model::Key& key : part.keys) {
      const auto arn = identity(key.arn, key.source, key.kind == model::KeyKind::aws_managed);
      const auto same = arn ? m_key_by_arn.find(*arn) : m_key_by_arn.end();
      if (same != m_key_by_arn.end()) {
        const model::Key& first = m_out.graph.key(same->second);
        const std::string difference = key_difference(first, key);
        if (difference.empty()) {
          if (key.kind != model::KeyKind::aws_managed)
            duplicate(first.source, key.source);
          ids.push_back(same->second);
          continue;
        }
        conflict(first.source, key.source, difference);
      }
      const model::KeyId id = m_out.graph.add(std::move(key));
      if (arn)
        m_key_by_arn.try_emplace(*arn, id);
      ids.push_back(id);
      added.push_back(id);
    }
    for (const model::KeyId id : added) {
      model::Key& key = m_out.graph.key(id);
      if (key.primary)
        key.primary = ids.at(static_cast<std::size_t>(*key.primary));
    }
    return ids;
  }

  std::vector<model::PolicyId> add_policies(Graph& part) {
    std::vector<model::PolicyId> ids;
    ids.reserve(part.policies.size());
    for (model::IdentityPolicy& policy : part.policies) {
      // Inline policies are their principal's: they join or not with it (add_principals).
      const auto arn = policy.inline_policy
                           ? std::nullopt
                           : identity(policy.arn, policy.source, policy.aws_managed);
      const auto same = arn ? m_policy_by_arn.find(*arn) : m_policy_by_arn.end();
      if (same != m_policy_by_arn.end()) {
        const model::IdentityPolicy& first = m_out.graph.policy(same->second);
        if (same_policy(first.document, policy.document)) {
          if (!policy.aws_managed)
            duplicate(first.source, policy.source);
          ids.push_back(same->second);
          continue;
        }
        conflict(first.source, policy.source, "policy document");
      }
      const model::PolicyId id = m_out.graph.add(std::move(policy));
      if (arn)
        m_policy_by_arn.try_emplace(*arn, id);
      ids.push_back(id);
    }
    return ids;
  }

  // Alike: the same kind, trust policy and identity policies (by their documents, in order).
  bool same_principal(const model::Principal& first, const model::Principal& other,
                      const std::vector<model::PolicyId>& policies) const {
    if (first.kind != other.kind || !same_policy(first.trust_policy, other.trust_policy))
      return false;
    if (first.policies.size() != other.policies.size())
      return false;
    for (std::size_t i = 0; i < first.policies.size(); ++i) {
      const auto& mine = m_out.graph.policy(first.policies[i]).document;
      const auto& theirs =
          m_out.graph.policy(policies.at(static_cast<std::size_t>(other.policies[i]))).document;
      if (!same_policy(mine, theirs))
        return false;
    }
    return true;
  }

  void add_principals(Graph& part, const std::vector<model::PolicyId>& policies) {
    std::vector<model::PrincipalId> ids;
    ids.reserve(part.principals.size());
    std::vector<model::PrincipalId> added;
    for (model::Principal& principal : part.principals) {
      const auto arn = identity(principal.arn, principal.source);
      const auto same = arn ? m_principal_by_arn.find(*arn) : m_principal_by_arn.end();
      if (same != m_principal_by_arn.end()) {
        const model::Principal& first = m_out.graph.principal(same->second);
        if (same_principal(first, principal, policies)) {
          duplicate(first.source, principal.source);
          ids.push_back(same->second);
          // Its inline policies are the first definition's too: leave them unattached and unread.
          for (const model::PolicyId policy : principal.policies) {
            drop_inline(policies.at(static_cast<std::size_t>(policy)));
          }
          continue;
        }
        conflict(first.source, principal.source, "trust or identity policies");
      }
      for (model::PolicyId& policy : principal.policies) {
        policy = policies.at(static_cast<std::size_t>(policy));
      }
      if (principal.permissions_boundary) {
        principal.permissions_boundary =
            policies.at(static_cast<std::size_t>(*principal.permissions_boundary));
      }
      const model::PrincipalId id = m_out.graph.add(std::move(principal));
      if (arn)
        m_principal_by_arn.try_emplace(*arn, id);
      ids.push_back(id);
      added.push_back(id);
    }
    for (const model::PrincipalId id : added) {
      for (model::PrincipalId& group : m_out.graph.principal(id).groups) {
        group = ids.at(static_cast<std::size_t>(group));
      }
    }
    remove_dropped_policies();
  }

  void drop_inline(model::PolicyId id) {
    if (m_out.graph.policy(id).inline_policy)
      m_dropped.insert(id);
  }

  // The inline policies of principals that joined an earlier definition are the last ones added;
  // removing them from the end keeps every other id.
  void remove_dropped_policies() {
    auto& policies = m_out.graph.policies;
    while (!m_dropped.empty() &&
           static_cast<std::size_t>(*m_dropped.rbegin()) + 1 == policies.size()) {
      policies.pop_back();
      m_dropped.erase(std::prev(m_dropped.end()));
    }
    // One still in the middle (a policy of a joined principal listed before a kept one's) stays
    // with no principal: it is emptied so nothing reads it as a policy of its own.
    for (const model::PolicyId id : m_dropped) {
      m_out.graph.policy(id).document = model::PolicySource{};
      m_out.graph.policy(id).inline_policy = true;
    }
    m_dropped.clear();
  }

  // What makes two definitions one resource: the ARN. Before deployment a loader stands in for an
  // ARN it cannot know with one built from the resource's address or logical id
  // ("key/aws_kms_key.this", "key/AppKey51DFC408"), unique only within its input: such an ARN is
  // scoped to the input (its stack, for a template). AWS managed keys and policies are the
  // account's whatever the input.
  [[nodiscard]] std::optional<std::string> identity(const std::string& arn,
                                                    const model::SourceRef& source,
                                                    bool account_wide = false) const {
    if (!known_arn(arn))
      return std::nullopt;
    const bool stand_in = !source.address.empty() && arn.find(source.address) != std::string::npos;
    return stand_in && !account_wide ? m_scope + "\n" + arn : arn;
  }

  static void remap(KeyRef& ref, const std::vector<model::KeyId>& keys) {
    if (ref.key)
      ref.key = keys.at(static_cast<std::size_t>(*ref.key));
  }

  void add_aliases(Graph& part, const std::vector<model::KeyId>& keys) {
    for (model::Alias& alias : part.aliases) {
      remap(alias.target, keys);
      const bool known = !alias.name.empty() && !model::has_symbols(alias.name);
      const std::string identity = part.region + "\n" + alias.name;
      if (known) {
        if (const auto same = m_alias_by_name.find(identity); same != m_alias_by_name.end()) {
          const model::Alias& first = m_out.graph.aliases[same->second];
          if (first.target.text == alias.target.text && first.target.key == alias.target.key) {
            duplicate(first.source, alias.source);
            continue;
          }
          conflict(first.source, alias.source, "target key");
        }
      }
      m_out.graph.aliases.push_back(std::move(alias));
      if (known)
        m_alias_by_name.try_emplace(identity, m_out.graph.aliases.size() - 1);
    }
  }

  void add_grants(Graph& part, const std::vector<model::KeyId>& keys) {
    for (model::Grant& grant : part.grants) {
      remap(grant.key, keys);
      std::string digest = grant.key.key
                               ? std::to_string(static_cast<std::uint32_t>(*grant.key.key))
                               : grant.key.text;
      for (const std::string* text : {&grant.name, &grant.grantee})
        digest += "\n" + *text;
      for (const std::string& operation : grant.operations)
        digest += "\n" + operation;
      if (grant.retiring_principal)
        digest += "\nretiring " + *grant.retiring_principal;
      const bool known = grant.key.key && !model::has_symbols(digest);
      if (known) {
        if (const auto same = m_grants.find(digest); same != m_grants.end()) {
          duplicate(m_out.graph.grants[same->second].source, grant.source);
          continue;
        }
      }
      m_out.graph.grants.push_back(std::move(grant));
      if (known)
        m_grants.try_emplace(std::move(digest), m_out.graph.grants.size() - 1);
    }
  }

  void add_data_stores(Graph& part, const std::vector<model::KeyId>& keys) {
    for (model::DataStore& store : part.data_stores) {
      remap(store.key, keys);
      const auto arn = identity(store.arn, store.source);
      const auto same = arn ? m_store_by_arn.find(*arn) : m_store_by_arn.end();
      if (same != m_store_by_arn.end()) {
        const model::DataStore& first = m_out.graph.data_stores[same->second];
        if (first.key.text == store.key.text && first.key.key == store.key.key &&
            same_policy(first.resource_policy, store.resource_policy)) {
          duplicate(first.source, store.source);
          continue;
        }
        conflict(first.source, store.source, "key or resource policy");
      }
      m_out.graph.data_stores.push_back(std::move(store));
      if (arn)
        m_store_by_arn.try_emplace(*arn, m_out.graph.data_stores.size() - 1);
    }
  }

  void duplicate(const model::SourceRef& first, const model::SourceRef& again) {
    m_duplicates[first.file].push_back(again.name());
  }

  void conflict(const model::SourceRef& first, const model::SourceRef& again,
                const std::string& difference) {
    model::Diagnostic warning;
    warning.level = model::DiagnosticLevel::warning;
    warning.file = again.file;
    warning.line = again.line;
    warning.pointer = again.pointer;
    warning.message = again.name() + " is also defined in " + first.file + " (" + first.name() +
                      ") with a different " + difference +
                      "; both definitions are analysed, so either one's access is reported";
    m_out.notes.push_back(std::move(warning));
  }

  // One note per earlier input this part repeats resources of.
  void report_duplicates() {
    constexpr std::size_t k_named = 5;
    for (auto& [first_file, names] : m_duplicates) {
      std::string listed;
      for (std::size_t i = 0; i < names.size() && i < k_named; ++i) {
        listed += (i == 0 ? "" : ", ") + names[i];
      }
      if (names.size() > k_named)
        listed += ", ...";
      model::Diagnostic note;
      note.level = model::DiagnosticLevel::note;
      note.file = m_part;
      note.message = std::to_string(names.size()) +
                     (names.size() == 1 ? " resource" : " resources") + " defined here as in " +
                     first_file + " (" + listed + "): each is analysed once, as " + first_file +
                     " defines it";
      m_out.notes.push_back(std::move(note));
    }
    m_duplicates.clear();
  }

  AccountGraph m_out;
  std::string m_part;
  std::string m_scope; ///< the current part's input, or its stack: see identity()
  std::unordered_map<std::string, model::KeyId> m_key_by_arn;
  std::unordered_map<std::string, model::PolicyId> m_policy_by_arn;
  std::unordered_map<std::string, model::PrincipalId> m_principal_by_arn;
  std::unordered_map<std::string, std::size_t> m_alias_by_name;
  std::unordered_map<std::string, std::size_t> m_grants;
  std::unordered_map<std::string, std::size_t> m_store_by_arn;
  std::set<model::PolicyId> m_dropped;
  std::map<std::string, std::vector<std::string>> m_duplicates; ///< by the first definition's file
};

// Each part's exports, by its region, with the values resolved in that part.
Exports exports_of(const std::vector<GraphPart>& parts) {
  Exports exports;
  for (const GraphPart& part : parts) {
    const PartSymbols symbols(part, nullptr);
    for (const auto& [name, value] : part.graph.exports) {
      exports.try_emplace({part.graph.region, name}, model::substitute_symbols(value, symbols));
    }
  }
  return exports;
}

} // namespace

AccountGraph join_account(std::vector<GraphPart> parts, const std::string& account) {
  const Exports exports = exports_of(parts);
  Joiner joiner(account);
  joiner.reserve(parts);
  for (GraphPart& part : parts)
    joiner.add(part, exports);
  return joiner.finish();
}

} // namespace tfkms::run
