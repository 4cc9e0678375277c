#include "model/graph.hpp"

#include "model/arn.hpp"
#include "model/aws_managed.hpp"

#include <algorithm>

namespace tfkms::model {

namespace {

// Definitions may refer to each other (a role ARN built from the account); a cycle, which only a
// hostile input can create, stops here and leaves the value unknown.
constexpr int k_max_resolution_depth = 16;

class DepthLimitedResolver final : public SymbolResolver {
public:
  DepthLimitedResolver(const Graph& graph, const SymbolTable& symbols, int depth)
      : m_graph(graph), m_symbols(symbols), m_depth(depth) {}

  std::optional<std::string> resolve(std::string_view ref) const override {
    if (ref == "account")
      return m_graph.account;
    if (ref == "partition")
      return m_graph.partition;
    if (ref == "region")
      return m_graph.region.empty() ? std::string(k_this_region) : m_graph.region;
    if (ref == "url_suffix")
      return m_graph.partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
    const std::string* text = m_symbols.find(ref);
    if (text == nullptr || m_depth >= k_max_resolution_depth)
      return std::nullopt;
    if (!has_symbols(*text))
      return *text;
    const DepthLimitedResolver inner(m_graph, m_symbols, m_depth + 1);
    Value value = resolve_value(*text, inner);
    if (!value.known())
      return std::nullopt;
    return std::move(value.text);
  }

private:
  const Graph& m_graph;
  const SymbolTable& m_symbols;
  int m_depth;
};

// "alias/aws/s3", "aws/s3" (accepted by the S3 API) or an alias ARN ending in "alias/aws/s3".
std::optional<std::string_view> aws_managed_alias_service(std::string_view text) {
  if (const auto pos = text.find(":alias/aws/");
      pos != std::string_view::npos && text.starts_with("arn:")) {
    return text.substr(pos + 11);
  }
  if (text.starts_with("alias/aws/"))
    return text.substr(10);
  if (text.starts_with("aws/"))
    return text.substr(4);
  return std::nullopt;
}

std::string_view key_id_of_arn(std::string_view arn) {
  const auto pos = arn.rfind(":key/");
  return pos == std::string_view::npos ? std::string_view{} : arn.substr(pos + 5);
}

std::string_view alias_name_of_arn(std::string_view arn) {
  const auto pos = arn.find(":alias/");
  return pos == std::string_view::npos || !arn.starts_with("arn:") ? std::string_view{}
                                                                   : arn.substr(pos + 1);
}

} // namespace

KeyId Graph::add(Key key) {
  keys.push_back(std::move(key));
  return static_cast<KeyId>(keys.size() - 1);
}

PrincipalId Graph::add(Principal principal) {
  principals.push_back(std::move(principal));
  return static_cast<PrincipalId>(principals.size() - 1);
}

PolicyId Graph::add(IdentityPolicy policy) {
  policies.push_back(std::move(policy));
  return static_cast<PolicyId>(policies.size() - 1);
}

SymbolTable& Graph::own_symbols() {
  if (m_symbols.use_count() != 1)
    m_symbols = std::make_shared<SymbolTable>(m_symbols ? *m_symbols : SymbolTable{});
  return *m_symbols;
}

void Graph::define(std::string ref, std::string text) {
  own_symbols().define(std::move(ref), std::move(text));
  forget_resolved();
}

void Graph::define_attributes(std::string_view address, SymbolTable::Attributes attributes) {
  own_symbols().define_attributes(address, std::move(attributes));
  forget_resolved();
}

// Resolved ARNs and names may change; an index that holds nothing yet has nothing to forget (a
// plan defines its references before it resolves any).
void Graph::forget_resolved() {
  if (m_index.keys + m_index.aliases + m_index.policies > 0)
    m_index = Index{};
}

void Graph::reserve_resources(std::size_t count) { own_symbols().reserve_resources(count); }

std::optional<OrganizationPolicyType> organization_policy_type(std::string_view type) {
  if (type == "SERVICE_CONTROL_POLICY")
    return OrganizationPolicyType::service_control;
  if (type == "RESOURCE_CONTROL_POLICY")
    return OrganizationPolicyType::resource_control;
  return std::nullopt;
}

std::string_view known_only_later(InputFormat format) {
  return format == InputFormat::cloudformation ? "known only at deployment"
                                               : "known only after apply";
}

Graph Graph::deployed_to(std::string_view target) const {
  Graph out;
  out.account = std::string(target);
  out.format = format;
  out.partition = partition;
  out.region = region;
  out.keys = keys;
  out.aliases = aliases;
  out.grants = grants;
  out.principals = principals;
  out.policies = policies;
  out.data_stores = data_stores;
  out.organization_policies = organization_policies;
  out.suppressions = suppressions;
  out.m_symbols = m_symbols;
  // Rather than each key and principal copied to rewrite its account: copying a large plan's
  // nodes, policy documents and all, and freeing them again cost more than analysing them.
  out.m_deployed = true;
  return out;
}

const std::string& Graph::account_of(const Key& key) const { return deployed_account(key.account); }

const std::string& Graph::account_of(const Principal& principal) const {
  return deployed_account(principal.account);
}

const std::string& Graph::deployed_account(const std::string& node_account) const {
  return m_deployed && node_account == k_this_account ? account : node_account;
}

std::optional<std::string> Graph::resolve(std::string_view ref) const {
  if (!m_symbols)
    return std::nullopt; // moved from
  return DepthLimitedResolver(*this, *m_symbols, 0).resolve(ref);
}

void Graph::update_index() {
  if (m_index.account != account || m_index.partition != partition || m_index.region != region ||
      m_index.keys > keys.size() || m_index.aliases > aliases.size() ||
      m_index.policies > policies.size()) {
    m_index = Index{};
    m_index.account = account;
    m_index.partition = partition;
    m_index.region = region;
  }
  for (; m_index.keys < keys.size(); ++m_index.keys) {
    const Key& key = keys[m_index.keys];
    const auto id = static_cast<KeyId>(m_index.keys);
    if (key.kind == KeyKind::aws_managed)
      m_index.managed_key_by_service.emplace(key.managed_service, id);
    const Value arn = resolve_value(key.arn, *this);
    if (!arn.known())
      continue;
    if (!arn.text.starts_with("arn:"))
      m_index.key_by_id.emplace(arn.text, id); // an id where an ARN belongs
    m_index.key_by_arn.emplace(arn.text, id);
    if (const std::string_view key_id = key_id_of_arn(arn.text); !key_id.empty())
      m_index.key_by_id.emplace(key_id, id);
  }
  for (; m_index.aliases < aliases.size(); ++m_index.aliases) {
    const Value name = resolve_value(aliases[m_index.aliases].name, *this);
    if (name.known())
      m_index.aliases_by_name[name.text].push_back(m_index.aliases);
  }
  for (; m_index.policies < policies.size(); ++m_index.policies) {
    const IdentityPolicy& policy = policies[m_index.policies];
    if (policy.aws_managed)
      m_index.managed_policy_by_arn.emplace(policy.arn, static_cast<PolicyId>(m_index.policies));
  }
}

KeyRef Graph::resolve_key(std::string_view raw) {
  KeyRef ref;
  ref.text = std::string(raw);
  if (raw.empty())
    return ref;
  const Value value = resolve_value(raw, *this);
  if (!value.known()) {
    // Terraform 0.12 plans record a reference without its attribute ("aws_kms_key.logs"); whichever
    // attribute a key reference used (key_id, arn), it names that key.
    const std::vector<std::string> refs = symbol_refs(raw);
    const auto names_key_resource = [](std::string_view address) {
      return address.find("aws_kms_key.") != std::string_view::npos ||
             address.find("aws_kms_replica_key.") != std::string_view::npos ||
             address.find("aws_kms_external_key.") != std::string_view::npos;
    };
    if (refs.size() == 1 && raw == symbol(refs.front()) && names_key_resource(refs.front())) {
      for (std::size_t index = 0; index < keys.size(); ++index) {
        if (keys[index].source.address != refs.front() || keys[index].kind == KeyKind::aws_managed)
          continue;
        ref.kind = KeyRef::Kind::node;
        ref.key = static_cast<KeyId>(index);
        return ref;
      }
    }
    ref.kind = KeyRef::Kind::unknown;
    return ref;
  }
  const std::string& text = value.text;
  if (const auto service = aws_managed_alias_service(text)) {
    ref.kind = KeyRef::Kind::node;
    ref.key = aws_managed_key(*service);
    return ref;
  }
  update_index();
  // Key ARN or key id of a key in the graph.
  const auto& by_key = text.starts_with("arn:") ? m_index.key_by_arn : m_index.key_by_id;
  if (const auto it = by_key.find(text); it != by_key.end()) {
    ref.kind = KeyRef::Kind::node;
    ref.key = it->second;
    return ref;
  }
  // Alias name or alias ARN of an alias in the graph; an alias ARN naming another account than the
  // key's is another alias.
  const std::string_view alias_name =
      text.starts_with("arn:") ? alias_name_of_arn(text) : std::string_view(text);
  const auto alias_arn = split_arn(text);
  const std::string_view alias_account = alias_arn ? alias_arn->account : std::string_view{};
  if (const auto it = m_index.aliases_by_name.find(std::string(alias_name));
      it != m_index.aliases_by_name.end()) {
    for (const std::size_t index : it->second) {
      const KeyRef& target = aliases[index].target;
      if (target.kind != KeyRef::Kind::node)
        continue;
      const Value key_account = resolve_value(account_of(key(*target.key)), *this);
      if (is_account_id(alias_account) && is_account_id(key_account.text) &&
          alias_account != key_account.text)
        continue;
      ref.kind = KeyRef::Kind::node;
      ref.key = target.key;
      return ref;
    }
  }
  ref.kind = KeyRef::Kind::outside;
  return ref;
}

KeyId Graph::aws_managed_key(std::string_view service) {
  update_index();
  if (const auto it = m_index.managed_key_by_service.find(std::string(service));
      it != m_index.managed_key_by_service.end()) {
    return it->second;
  }
  Key key;
  key.kind = KeyKind::aws_managed;
  key.managed_service = std::string(service);
  key.account = symbol("account");
  key.arn = "arn:" + symbol("partition") + ":kms:" + symbol("region") + ":" + symbol("account") +
            ":key/aws-managed-" + std::string(service);
  key.source.address = "alias/aws/" + std::string(service);
  key.source.display = "AWS managed key alias/aws/" + std::string(service);
  key.policy.state = PolicySource::State::document;
  key.policy.document = aws_managed_key_policy(service);
  key.policy.origin =
      "the fixed policy AWS gives the managed key alias/aws/" + std::string(service);
  key.rotation_enabled = true; // AWS rotates managed keys every year
  return add(std::move(key));
}

PolicyId Graph::aws_managed_policy(std::string_view arn) {
  update_index();
  if (const auto it = m_index.managed_policy_by_arn.find(std::string(arn));
      it != m_index.managed_policy_by_arn.end()) {
    return it->second;
  }
  IdentityPolicy policy;
  policy.arn = std::string(arn);
  policy.aws_managed = true;
  const auto slash = arn.rfind('/');
  policy.name = std::string(slash == std::string_view::npos ? arn : arn.substr(slash + 1));
  policy.source.address = policy.arn;
  policy.source.display = policy.name + " (AWS managed policy)";
  if (auto document = aws_managed_policy_document(policy.name)) {
    policy.document.state = PolicySource::State::document;
    policy.document.document = std::move(*document);
    policy.document.origin = "tfkms's table of AWS managed policies";
  }
  return add(std::move(policy));
}

nlohmann::json default_key_policy(std::string_view partition, std::string_view account) {
  return nlohmann::json{
      {"Version", "2012-10-17"},
      {"Id", "key-default-1"},
      {"Statement", nlohmann::json::array({{{"Sid", "Enable IAM User Permissions"},
                                            {"Effect", "Allow"},
                                            {"Principal",
                                             {{"AWS", "arn:" + std::string(partition) + ":iam::" +
                                                          std::string(account) + ":root"}}},
                                            {"Action", "kms:*"},
                                            {"Resource", "*"}}})}};
}

} // namespace tfkms::model
