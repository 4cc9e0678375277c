#include "model/symbol_table.hpp"

#include <algorithm>

namespace tfkms::model {

namespace {

// Where `ref` splits into a resource address and an attribute name; npos when it has no dot.
std::size_t attribute_dot(std::string_view ref) { return ref.rfind('.'); }

std::string* attribute_in(SymbolTable::Attributes& attributes, std::string_view name) {
  const auto it = std::find_if(attributes.begin(), attributes.end(),
                               [&](const auto& attribute) { return attribute.first == name; });
  return it == attributes.end() ? nullptr : &it->second;
}

} // namespace

void SymbolTable::define(std::string ref, std::string text) {
  // An attribute defined earlier under the same reference is replaced: it is looked up first.
  if (const std::size_t dot = attribute_dot(ref);
      !m_by_resource.empty() && dot != std::string::npos) {
    if (const auto resource = m_by_resource.find(ref.substr(0, dot));
        resource != m_by_resource.end()) {
      auto& attributes = resource->second;
      const std::string_view name = std::string_view(ref).substr(dot + 1);
      std::erase_if(attributes, [&](const auto& attribute) { return attribute.first == name; });
    }
  }
  m_by_ref.insert_or_assign(std::move(ref), std::move(text));
}

void SymbolTable::define_attributes(std::string_view address, Attributes attributes) {
  // A name with a dot would split elsewhere: such a reference is defined whole.
  for (auto& [name, text] : attributes) {
    if (name.find('.') != std::string::npos)
      define(std::string(address) + "." + name, std::move(text));
  }
  std::erase_if(attributes, [](const auto& attribute) {
    return attribute.first.find('.') != std::string::npos;
  });
  const auto [resource, added] = m_by_resource.try_emplace(std::string(address));
  if (added) {
    resource->second = std::move(attributes);
    return;
  }
  // The same address again (a hand-edited file): its later attributes replace the earlier ones.
  for (auto& [name, text] : attributes) {
    if (std::string* existing = attribute_in(resource->second, name))
      *existing = std::move(text);
    else
      resource->second.emplace_back(std::move(name), std::move(text));
  }
}

const std::string* SymbolTable::find(std::string_view ref) const {
  if (const std::size_t dot = attribute_dot(ref);
      !m_by_resource.empty() && dot != std::string_view::npos) {
    if (const auto resource = m_by_resource.find(std::string(ref.substr(0, dot)));
        resource != m_by_resource.end()) {
      const std::string_view name = ref.substr(dot + 1);
      for (const auto& [attribute, text] : resource->second) {
        if (attribute == name)
          return &text;
      }
    }
  }
  const auto it = m_by_ref.find(std::string(ref));
  return it == m_by_ref.end() ? nullptr : &it->second;
}

} // namespace tfkms::model
