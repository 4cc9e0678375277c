#include "loaders/terraform_graph.hpp"

#include "loaders/json_tree.hpp"
#include "loaders/terraform_address.hpp"
#include "loaders/terraform_builder.hpp"
#include "loaders/terraform_references.hpp"
#include "loaders/tf_source.hpp"
#include "model/arn.hpp"
#include "model/text.hpp"
#include "model/value.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace tfkms::loaders::terraform {

namespace {

using model::symbol;

template <typename Map> std::string most_common(const Map& counts) {
  std::string best;
  std::size_t best_count = 0;
  for (const auto& [text, count] : counts) {
    if (count > best_count) {
      best = text;
      best_count = count;
    }
  }
  return best;
}

} // namespace

model::Graph build_graph(const Document& document, const std::string& path,
                         const LoadOptions& options, const SourceIndex* source) {
  const Context context(document, path, source);
  return Builder(context, options).build();
}

model::Graph Builder::build() {
  m_graph.diagnostics = m_context.document().warnings;
  detect_environment();
  define_symbols();
  add_keys();
  add_managed_key_lookups();
  add_key_policies();
  add_aliases();
  add_grants();
  add_principals();
  add_policies();
  add_inline_policies();
  add_attachments();
  add_memberships();
  add_organization_policies();
  add_data_stores();
  add_store_policies();
  add_suppressions();
  return std::move(m_graph);
}

// The account the default aws provider block pins: a single allowed_account_ids entry, else the
// account of the role it assumes. Only constant values count: a variable is unknown here.
static std::optional<std::pair<std::string, std::string>>
provider_account(const nlohmann::json& providers) {
  if (!providers.is_object())
    return std::nullopt;
  const auto aws = providers.find("aws");
  if (aws == providers.end() || !aws->is_object())
    return std::nullopt;
  const nlohmann::json expressions = aws->value("expressions", nlohmann::json::object());
  if (!expressions.is_object())
    return std::nullopt;
  const nlohmann::json allowed = expressions.value("allowed_account_ids", nlohmann::json::object())
                                     .value("constant_value", nlohmann::json());
  if (allowed.is_array() && allowed.size() == 1 && allowed[0].is_string() &&
      model::is_account_id(allowed[0].get_ref<const std::string&>())) {
    return std::pair(allowed[0].get<std::string>(),
                     std::string("the aws provider's allowed_account_ids"));
  }
  const nlohmann::json assume_role = expressions.value("assume_role", nlohmann::json::array());
  if (!assume_role.is_array() || assume_role.empty() || !assume_role[0].is_object())
    return std::nullopt;
  const nlohmann::json role_arn = assume_role[0]
                                      .value("role_arn", nlohmann::json::object())
                                      .value("constant_value", nlohmann::json());
  if (!role_arn.is_string())
    return std::nullopt;
  const auto arn = model::split_arn(role_arn.get_ref<const std::string&>());
  if (!arn || !model::is_account_id(arn->account))
    return std::nullopt;
  return std::pair(std::string(arn->account), std::string("the role the aws provider assumes"));
}

// Account: --account-id, else data.aws_caller_identity, else the provider block, else the account
// most resources' own ARNs name. Partition and region likewise from data sources, the provider
// block, or ARNs.
void Builder::detect_environment() {
  std::map<std::string, std::size_t> accounts, partitions, regions;
  std::optional<std::string> caller_account, data_partition, data_region;
  for (const Resource& resource : m_context.document().resources) {
    const Field root = field(resource);
    if (resource.data) {
      const auto* value = root["account_id"].value();
      if (resource.type == "aws_caller_identity" && value != nullptr && value->is_string())
        caller_account = value->get<std::string>();
      if (resource.type == "aws_partition" && root["partition"].value() != nullptr &&
          root["partition"].value()->is_string()) {
        data_partition = root["partition"].value()->get<std::string>();
      }
      if (resource.type == "aws_region") {
        for (const char* attribute : {"name", "region"}) {
          if (const auto* name = root[attribute].value(); name != nullptr && name->is_string())
            data_region = name->get<std::string>();
        }
      }
      continue;
    }
    const auto* arn = root["arn"].value();
    if (arn == nullptr || !arn->is_string())
      continue;
    const auto parts = model::split_arn(arn->get_ref<const std::string&>());
    if (!parts)
      continue;
    ++partitions[std::string(parts->partition)];
    if (!parts->region.empty())
      ++regions[std::string(parts->region)];
    if (model::is_account_id(parts->account))
      ++accounts[std::string(parts->account)];
  }
  const auto provider = provider_account(m_context.document().provider_config);
  if (m_options.account_id) {
    m_graph.account = *m_options.account_id;
  } else if (caller_account && model::is_account_id(*caller_account)) {
    m_graph.account = *caller_account;
    m_graph.account_source = "data.aws_caller_identity in the plan";
  } else if (provider) {
    m_graph.account = provider->first;
    m_graph.account_source = provider->second;
  } else if (!accounts.empty()) {
    m_graph.account = most_common(accounts);
    m_graph.account_source = "the ARNs of the plan's resources";
  }
  if (data_partition)
    m_graph.partition = *data_partition;
  else if (!partitions.empty())
    m_graph.partition = most_common(partitions);

  const nlohmann::json& providers = m_context.document().provider_config;
  std::optional<std::string> provider_region;
  if (providers.is_object()) {
    if (const auto aws = providers.find("aws"); aws != providers.end() && aws->is_object()) {
      const auto region = aws->value("expressions", nlohmann::json::object())
                              .value("region", nlohmann::json::object());
      if (region.is_object() && region.contains("constant_value") &&
          region["constant_value"].is_string()) {
        provider_region = region["constant_value"].get<std::string>();
      }
    }
  }
  if (data_region)
    m_graph.region = *data_region;
  else if (provider_region)
    m_graph.region = *provider_region;
  else if (!regions.empty())
    m_graph.region = most_common(regions);
}

std::optional<bool> Builder::flag(const Field& value) const {
  const nlohmann::json* known = value.value();
  if (known == nullptr)
    return std::nullopt;
  if (known->is_boolean())
    return known->get<bool>();
  if (known->is_string()) {
    if (known->get_ref<const std::string&>() == "true")
      return true;
    if (known->get_ref<const std::string&>() == "false")
      return false;
  }
  return std::nullopt;
}

std::string Builder::resolved(std::string_view raw) const {
  if (!model::has_symbols(raw))
    return std::string(raw);
  model::Value value = model::resolve_value(raw, m_graph);
  return value.known() ? std::move(value.text) : std::string(raw);
}

std::string Builder::name_of(const Resource& resource, std::string_view attribute) const {
  const Field value = field(resource)[attribute];
  if (const nlohmann::json* known = value.value();
      known != nullptr && known->is_string() && !known->get_ref<const std::string&>().empty()) {
    return model::strip_control(known->get_ref<const std::string&>());
  }
  return resource.address;
}

std::string Builder::account_of(std::string_view arn) const {
  const auto parts = model::split_arn(arn);
  if (parts && model::is_account_id(parts->account))
    return std::string(parts->account);
  return m_graph.account;
}

std::string Builder::arn_of(const Resource& resource) const {
  const std::optional<std::size_t> at = m_context.position(resource);
  if (!at)
    return make_arn(resource);
  std::optional<std::string>& arn = m_arns[*at];
  if (!arn)
    arn = make_arn(resource);
  return *arn;
}

std::string Builder::make_arn(const Resource& resource) const {
  const Field root = field(resource);
  if (const nlohmann::json* arn = root["arn"].value();
      arn != nullptr && arn->is_string() && !arn->get_ref<const std::string&>().empty()) {
    return model::strip_control(arn->get_ref<const std::string&>());
  }
  // Markers that the graph resolves to its partition, region and account.
  static const std::string partition = "arn:" + symbol("partition") + ":";
  static const std::string regional = symbol("region") + ":" + symbol("account") + ":";
  static const std::string global = "::" + symbol("account") + ":";
  const std::string_view type = resource.type; // compared as a view: length first
  const auto path = [&]() {
    std::string text = name_of(resource, "path");
    return text == resource.address ? std::string("/") : text;
  };
  if (type == "aws_kms_key" || type == "aws_kms_replica_key" || type == "aws_kms_external_key") {
    return model::joined({partition, "kms:", regional, "key/", resource.address});
  }
  if (type == "aws_kms_alias")
    return model::joined({partition, "kms:", regional, name_of(resource, "name")});
  if (type == "aws_iam_role")
    return model::joined({partition, "iam", global, "role", path(), name_of(resource, "name")});
  if (type == "aws_iam_user")
    return model::joined({partition, "iam", global, "user", path(), name_of(resource, "name")});
  if (type == "aws_iam_group")
    return model::joined({partition, "iam", global, "group", path(), name_of(resource, "name")});
  if (type == "aws_iam_policy")
    return model::joined({partition, "iam", global, "policy", path(), name_of(resource, "name")});
  if (const model::DataStoreType* store = model::terraform_store_type(type)) {
    const std::string name =
        store->terraform_name.empty() ? resource.address : name_of(resource, store->terraform_name);
    return model::data_store_arn(*store, name);
  }
  return {};
}

// Every scalar attribute of a resource a marker can name becomes a symbol
// (`<address>.<attribute>`), so markers made from configuration references resolve. Attributes
// known only after apply that identify the resource (arn, id, key_id, name) get stand-ins built
// from what is known: a synthesized ARN names the same resource as the real one will.
void Builder::define_symbols() {
  for (const auto& [name, variable] : m_context.document().variables.items()) {
    if (variable.is_object() && variable.contains("value") && variable["value"].is_string()) {
      m_graph.define("var." + name, model::strip_control(variable["value"].get<std::string>()));
    }
  }
  const ReferencedResources referenced(
      m_context.document(), m_context.source() != nullptr ? ReferencedResources::Source::read
                                                          : ReferencedResources::Source::not_read);
  m_graph.reserve_resources(m_context.document().resources.size());
  for (const Resource& resource : m_context.document().resources) {
    if (referenced.may_be_named(resource))
      m_graph.define_attributes(resource.address, symbols_of(resource));
  }
}

// The texts of `resource`'s attributes and stand-ins, by name.
model::SymbolTable::Attributes Builder::symbols_of(const Resource& resource) const {
  model::SymbolTable::Attributes out;
  // Known and not null is all that matters here (Field::value() without the expression): the
  // attributes are walked, not looked up one by one.
  const bool all_unknown = resource.unknown.is_boolean() && resource.unknown.get<bool>();
  const auto unknown = [&](const std::string& attribute) {
    if (all_unknown || !resource.unknown.is_object())
      return all_unknown;
    const nlohmann::json* flag = find_member(resource.unknown, attribute);
    return flag != nullptr && flag->is_boolean() && flag->get<bool>();
  };
  static const nlohmann::json::object_t none;
  const auto& members = resource.values.is_object()
                            ? resource.values.get_ref<const nlohmann::json::object_t&>()
                            : none;
  out.reserve(members.size() + 3);
  for (const auto& [attribute, value] : members) {
    if (value.is_null() || unknown(attribute))
      continue;
    if (value.is_string())
      out.emplace_back(attribute, model::strip_control(value.get_ref<const std::string&>()));
    else if (value.is_number() || value.is_boolean())
      out.emplace_back(attribute, value.dump());
  }
  if (resource.data)
    return out;
  const auto define_missing = [&](const std::string& attribute, const std::string& text) {
    if (text.empty())
      return;
    const nlohmann::json* value =
        resource.values.is_object() ? find_member(resource.values, attribute) : nullptr;
    if (value == nullptr || value->is_null() || unknown(attribute))
      out.emplace_back(attribute, text);
  };
  const std::string arn = arn_of(resource);
  define_missing("arn", arn);
  const std::string_view type = resource.type; // compared as a view: length first
  if (type == "aws_kms_key" || type == "aws_kms_replica_key" || type == "aws_kms_external_key") {
    define_missing("key_id", resource.address);
    define_missing("id", resource.address);
  } else if (type == "aws_iam_role" || type == "aws_iam_user" || type == "aws_iam_group" ||
             type == "aws_kms_alias") {
    const std::string name = name_of(resource, "name");
    define_missing("name", name);
    define_missing("id", name);
  } else if (type == "aws_s3_bucket") {
    const std::string bucket = name_of(resource, "bucket");
    define_missing("bucket", bucket);
    define_missing("id", bucket);
  } else if (type == "aws_sqs_queue") {
    const std::string name = name_of(resource, "name");
    define_missing("name", name);
    const std::string url =
        "https://sqs." + symbol("region") + ".amazonaws.com/" + symbol("account") + "/" + name;
    define_missing("id", url);
    define_missing("url", url);
  } else if (!arn.empty()) {
    define_missing("id", arn);
  }
  return out;
}

model::KeyRef Builder::encryption_key(std::optional<std::string> key, std::string_view service,
                                      bool default_applies) {
  if (key && !key->empty())
    return m_graph.resolve_key(*key);
  if (!default_applies)
    return {};
  model::KeyRef ref;
  ref.kind = model::KeyRef::Kind::node;
  ref.key = m_graph.aws_managed_key(service);
  ref.text = "alias/aws/" + std::string(service);
  ref.service_default = true;
  return ref;
}

void Builder::add_keys() {
  const auto is_key = [&](const Resource& resource) {
    return is(resource, "aws_kms_key") || is(resource, "aws_kms_replica_key") ||
           is(resource, "aws_kms_external_key");
  };
  make_room(m_graph.keys, is_key);
  for (const Resource& resource : m_context.document().resources) {
    if (!is_key(resource))
      continue;
    const bool customer = is(resource, "aws_kms_key");
    const bool replica = is(resource, "aws_kms_replica_key");
    const bool external = !customer && !replica;
    const Field root = field(resource);
    // Made where the graph keeps it: a key is two dozen strings, which Graph::add moved twice (into
    // its parameter, then into the vector), and libstdc++ moves a short string with a call to
    // memcpy. Nothing below adds keys meanwhile.
    model::Key& key = m_graph.keys.emplace_back();
    key.source = m_context.where(resource);
    key.kind = customer  ? model::KeyKind::customer
               : replica ? model::KeyKind::replica
                         : model::KeyKind::external;
    key.arn = arn_of(resource);
    key.account = account_of(key.arn);
    key.policy = m_policies.read(resource, root["policy"], "policy", "/policy");
    key.planned_action = resource.planned_action;
    if (auto spec = text(resource, customer ? "customer_master_key_spec" : "key_spec");
        spec && !model::has_symbols(*spec))
      key.key_spec = std::move(*spec);
    if (auto usage = text(resource, "key_usage"); usage && !model::has_symbols(*usage))
      key.key_usage = std::move(*usage);
    if (external)
      key.origin = "EXTERNAL";
    else if (auto store = text(resource, "custom_key_store_id"); store && !store->empty()) {
      key.origin =
          text(resource, "xks_key_id").value_or("").empty() ? "AWS_CLOUDHSM" : "EXTERNAL_KEY_STORE";
    }
    // enable_key_rotation defaults to false [TFAWS r/kms_key]; replicas report it only after apply.
    if (customer) {
      const Field rotation = root["enable_key_rotation"];
      key.rotation_enabled =
          rotation.unknown() ? std::nullopt : std::optional(flag(rotation).value_or(false));
    } else {
      key.rotation_enabled = flag(root["key_rotation_enabled"]);
    }
    key.multi_region = flag(root["multi_region"]).value_or(false);
    key.bypass_policy_lockout_safety_check =
        flag(root["bypass_policy_lockout_safety_check"]).value_or(false);
    key.bypass_set_by = key.source;
    if (const auto* days = root["deletion_window_in_days"].value();
        days != nullptr && days->is_number_integer()) {
      key.deletion_window_days = days->get<int>();
    }
    key.enabled = flag(root[customer ? "is_enabled" : "enabled"]).value_or(true);
    if (replica)
      key.primary_key = text(resource, "primary_key_arn").value_or("");
  }
  link_replicas();
}

// A replica names its primary by ARN (primary_key_arn); the link lets rules compare the two keys.
// By index: resolve_key may add a synthesized AWS managed key to m_graph.keys.
void Builder::link_replicas() {
  for (std::size_t index = 0; index < m_graph.keys.size(); ++index) {
    if (m_graph.keys[index].kind != model::KeyKind::replica ||
        m_graph.keys[index].primary_key.empty())
      continue;
    const model::KeyRef primary = m_graph.resolve_key(m_graph.keys[index].primary_key);
    if (primary.kind == model::KeyRef::Kind::node)
      m_graph.keys[index].primary = primary.key;
  }
}

// aws_kms_key_policy sets the policy of a key declared elsewhere [TFAWS r/kms_key_policy].
void Builder::add_key_policies() {
  for (const Resource& resource : m_context.document().resources) {
    if (!is(resource, "aws_kms_key_policy"))
      continue;
    const model::KeyRef target = m_graph.resolve_key(text(resource, "key_id").value_or(""));
    if (target.kind != model::KeyRef::Kind::node ||
        m_graph.key(*target.key).kind == model::KeyKind::aws_managed) {
      m_graph.diagnostics.push_back(model::Diagnostic{
          model::DiagnosticLevel::warning, m_context.where(resource).file,
          m_context.where(resource).line, std::nullopt, resource.pointer,
          resource.address + " sets the policy of a key that is not in this input (" +
              model::display(target.text) + ")"});
      continue;
    }
    model::Key& key = m_graph.key(*target.key);
    key.policy = m_policies.read(resource, field(resource)["policy"], "policy", "/policy");
    key.policy_address = resource.address;
    if (flag(field(resource)["bypass_policy_lockout_safety_check"]).value_or(false)) {
      key.bypass_policy_lockout_safety_check = true;
      key.bypass_set_by = m_context.where(resource);
    }
  }
}

// AWS managed keys looked up by data sources (kms-reference §4.2, rule 2). Read during the plan,
// data.aws_kms_alias.x.target_key_arn and data.aws_kms_key.x.arn reach the resources that use them
// as the key's real ARN, which would otherwise name a key outside the input: it names the AWS
// managed key.
void Builder::add_managed_key_lookups() {
  for (const Resource& resource : m_context.document().resources) {
    if (!resource.data || (resource.type != "aws_kms_alias" && resource.type != "aws_kms_key"))
      continue;
    const bool alias = resource.type == "aws_kms_alias";
    const auto name = text(resource, alias ? "name" : "key_id");
    const auto arn = text(resource, alias ? "target_key_arn" : "arn");
    if (!name || !arn || model::has_symbols(*name) || model::has_symbols(*arn) ||
        !arn->starts_with("arn:"))
      continue;
    const std::size_t keys_before = m_graph.keys.size();
    const model::KeyRef ref = m_graph.resolve_key(*name);
    // The graph has one AWS managed key per service: an ARN looked up for it again (another region)
    // keeps naming a key outside the input.
    if (ref.kind != model::KeyRef::Kind::node || m_graph.keys.size() == keys_before)
      continue;
    m_graph.key(*ref.key).arn = *arn; // before anything resolves it (Graph::resolve_key)
  }
}

void Builder::add_aliases() {
  for (const Resource& resource : m_context.document().resources) {
    if (!is(resource, "aws_kms_alias"))
      continue;
    model::Alias alias;
    alias.source = m_context.where(resource);
    alias.name = name_of(resource, "name");
    alias.target = m_graph.resolve_key(text(resource, "target_key_id").value_or(""));
    m_graph.aliases.push_back(std::move(alias));
  }
}

void Builder::add_grants() {
  const auto is_grant = [&](const Resource& resource) { return is(resource, "aws_kms_grant"); };
  make_room(m_graph.grants, is_grant);
  for (const Resource& resource : m_context.document().resources) {
    if (!is_grant(resource))
      continue;
    const Field root = field(resource);
    // Made where the graph keeps it, as keys are (add_keys): nothing below adds grants.
    model::Grant& grant = m_graph.grants.emplace_back();
    grant.source = m_context.where(resource);
    grant.name = text(resource, "name").value_or("");
    grant.key = m_graph.resolve_key(text(resource, "key_id").value_or(""));
    grant.grantee = text(resource, "grantee_principal").value_or("");
    grant.operations = texts(resource, "operations");
    if (auto retiring = text(resource, "retiring_principal"); retiring && !retiring->empty())
      grant.retiring_principal = std::move(*retiring);
    // formats.md §1.6: constraints is a set of blocks, each with one of the two maps.
    const Field constraints = root["constraints"];
    for (std::size_t i = 0; i < constraints.size(); ++i) {
      for (const auto& [attribute, target] :
           {std::pair{"encryption_context_equals", &grant.encryption_context_equals},
            std::pair{"encryption_context_subset", &grant.encryption_context_subset}}) {
        const Field map = constraints[i][attribute];
        if (map.unknown()) {
          grant.unknown_fields = true;
          grant.waits_on.push_back(resource.address + ".constraints." + attribute);
        }
        if (const auto* known = map.value(); known != nullptr && known->is_object()) {
          for (const auto& [context_key, context_value] : known->items()) {
            if (context_value.is_string())
              (*target)[model::strip_control(context_key)] =
                  model::strip_control(context_value.get_ref<const std::string&>());
            else
              grant.unknown_fields = true;
          }
        }
      }
    }
    grant.retire_on_delete = flag(root["retire_on_delete"]).value_or(false);
    std::vector<std::string> fields = grant.operations;
    fields.push_back(grant.grantee);
    fields.push_back(grant.key.text);
    if (grant.retiring_principal)
      fields.push_back(*grant.retiring_principal);
    for (const std::string& raw : fields) {
      const model::Value value = model::resolve_value(raw, m_graph);
      if (value.known())
        continue;
      grant.unknown_fields = true;
      for (const std::string& ref : value.refs) {
        if (!m_graph.resolve(ref) &&
            std::find(grant.waits_on.begin(), grant.waits_on.end(), ref) == grant.waits_on.end()) {
          grant.waits_on.push_back(ref);
        }
      }
    }
  }
}

void Builder::add_suppressions() {
  if (m_context.source() == nullptr)
    return;
  for (const Resource& resource : m_context.document().resources) {
    const SourceBlock* block = m_context.source()->block(resource);
    if (block == nullptr)
      continue;
    for (model::Suppression suppression : block->suppressions) {
      suppression.address = resource.address;
      m_graph.suppressions.push_back(std::move(suppression));
    }
  }
}

} // namespace tfkms::loaders::terraform
