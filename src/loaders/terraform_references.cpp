#include "loaders/terraform_references.hpp"

#include "model/data_store_types.hpp"
#include "model/value.hpp"

#include <algorithm>

namespace tfkms::loaders::terraform {

ReferencedResources::ReferencedResources(const Document& document, Source source)
    : m_all(source == Source::read) {
  if (m_all)
    return;
  for (const auto& [address, resource] : document.config)
    add_all(resource.expressions);
  add_all(document.provider_config);
}

// Every `references` list at any depth: Field::references() reads the one of whatever expression
// it stands on.
void ReferencedResources::add_all(const nlohmann::json& expression) {
  if (expression.is_array()) {
    for (const nlohmann::json& item : expression)
      add_all(item);
    return;
  }
  if (!expression.is_object())
    return;
  for (const auto& [key, value] : expression.items()) {
    if (key == "references" && value.is_array()) {
      for (const nlohmann::json& reference : value) {
        if (reference.is_string())
          add(model::strip_control(reference.get_ref<const std::string&>()));
      }
    }
    add_all(value);
  }
}

void ReferencedResources::add(std::string_view reference) {
  for (std::size_t dot = reference.find('.'); dot != std::string_view::npos;
       dot = reference.find('.', dot + 1)) {
    m_named.emplace(reference.substr(0, dot));
  }
}

// A marker is a module address (module.a.module.b, never a resource's), a dot and a reference; it
// names attribute `name` of `resource` when it reads `<address>.<name>`. The reference then starts
// with the address, or with what follows one of its dots, and goes on with a dot.
bool ReferencedResources::may_be_named(const Resource& resource) const {
  // The builder's own markers: a store by its address, id, url and ARN; an account or OU by its id.
  if (m_all || (!resource.data && (model::terraform_store_type(resource.type) != nullptr ||
                                   resource.type.starts_with("aws_organizations_"))))
    return true;
  const std::string_view address = resource.address;
  // An address of module steps only (a hand-edited file) could be named by a marker whose module
  // address runs past it.
  const std::size_t module_end = resource.module_address.empty()
                                     ? 0
                                     : std::min(address.size(), resource.module_address.size() + 1);
  if (address.substr(module_end).starts_with("module"))
    return true;
  // A plan without references names nothing: no look-up, one for each dot of the address, can find
  // it.
  if (m_named.empty())
    return false;
  if (m_named.contains(address))
    return true;
  for (std::size_t dot = address.find('.'); dot != std::string_view::npos;
       dot = address.find('.', dot + 1)) {
    if (m_named.contains(address.substr(dot + 1)))
      return true;
  }
  return false;
}

} // namespace tfkms::loaders::terraform
