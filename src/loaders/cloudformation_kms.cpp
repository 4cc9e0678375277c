// AWS::KMS::Key, AWS::KMS::ReplicaKey and AWS::KMS::Alias (formats.md §2.4, kms-reference §6).
#include "loaders/cloudformation_resources.hpp"
#include "model/value.hpp"

#include <charconv>

namespace tfkms::loaders::cfn {

namespace {

std::optional<int> as_int(const std::optional<std::string>& text) {
  if (!text)
    return std::nullopt;
  int value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc{} || end != text->data() + text->size())
    return std::nullopt;
  return value;
}

} // namespace

void ResourceMapper::add_key(Resource& resource, model::KeyKind kind) {
  model::Key key;
  key.source = resource.source;
  key.kind = kind;
  key.account = m_graph.account;
  // Ref gives the key id, GetAtt Arn the ARN; both exist only after deploy. They are synthesized
  // from the logical id so that references to the key, by id or ARN, resolve to this node.
  // Multi-Region key ids start with "mrk-" (kms-reference §6).
  key.multi_region =
      kind == model::KeyKind::replica || flag(resource, "MultiRegion").value_or(false);
  const std::string key_id = (key.multi_region ? "mrk-" : "") + resource.logical_id;
  key.arn = arn("kms", true, "key/" + key_id);
  m_graph.define("cfn:" + resource.logical_id, key_id);
  m_graph.define("cfn:" + resource.logical_id + ".KeyId", key_id);
  m_graph.define("cfn:" + resource.logical_id + ".Arn", key.arn);

  key.policy = policy_property(resource, "KeyPolicy"); // absent: AWS applies the default key policy
  if (kind == model::KeyKind::replica)
    key.primary_key = text(resource, "PrimaryKeyArn").value_or(std::string{});
  key.key_spec = text(resource, "KeySpec").value_or(key.key_spec);
  key.key_usage = text(resource, "KeyUsage").value_or(key.key_usage);
  key.origin = text(resource, "Origin").value_or(key.origin);
  // EnableKeyRotation defaults to false; a value from a parameter without value stays unknown. A
  // replica shares the rotation of its primary, which the template may not hold.
  if (kind == model::KeyKind::customer) {
    const auto rotation = property(resource, "EnableKeyRotation");
    key.rotation_enabled = rotation ? as_bool(*rotation) : std::optional<bool>(false);
  }
  key.bypass_policy_lockout_safety_check =
      flag(resource, "BypassPolicyLockoutSafetyCheck").value_or(false);
  key.bypass_set_by = key.source;
  key.deletion_window_days = as_int(text(resource, "PendingWindowInDays"));
  key.enabled = flag(resource, "Enabled").value_or(true);
  m_graph.add(std::move(key));
}

void ResourceMapper::add_alias(Resource& resource) {
  model::Alias alias;
  alias.source = resource.source;
  alias.name = text(resource, "AliasName").value_or(std::string{});
  alias.target.text = text(resource, "TargetKeyId").value_or(std::string{});
  m_graph.define("cfn:" + resource.logical_id, alias.name); // Ref gives the alias name
  m_pending_aliases.emplace_back(m_graph.aliases.size(), alias.target.text);
  m_graph.aliases.push_back(std::move(alias));
}

} // namespace tfkms::loaders::cfn
