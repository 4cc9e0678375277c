#include "loaders/terraform_context.hpp"

#include "loaders/json_tree.hpp"
#include "loaders/terraform_address.hpp"
#include "loaders/tf_source.hpp"
#include "model/text.hpp"
#include "model/value.hpp"

#include <algorithm>

namespace tfkms::loaders::terraform {

namespace {

const nlohmann::json* member(const nlohmann::json* object, std::string_view key) {
  if (object == nullptr || !object->is_object())
    return nullptr;
  return find_member(*object, key);
}

const nlohmann::json* element(const nlohmann::json* array, std::size_t index) {
  if (array == nullptr || !array->is_array() || index >= array->size())
    return nullptr;
  return &(*array)[index];
}

bool is_true(const nlohmann::json* flag) {
  return flag != nullptr && flag->is_boolean() && flag->get<bool>();
}

} // namespace

Field Field::operator[](std::string_view key) const {
  return Field(member(m_value, key), is_true(m_unknown) ? m_unknown : member(m_unknown, key),
               member(m_expression, key), m_configured);
}

Field Field::operator[](std::size_t index) const {
  return Field(element(m_value, index), is_true(m_unknown) ? m_unknown : element(m_unknown, index),
               element(m_expression, index), m_configured);
}

bool Field::unknown() const { return is_true(m_unknown); }

const nlohmann::json* Field::value() const {
  if (unknown() || m_value == nullptr || m_value->is_null())
    return nullptr;
  return m_value;
}

std::vector<std::string> Field::references() const {
  std::vector<std::string> all;
  if (const auto* refs = member(m_expression, "references"); refs != nullptr && refs->is_array()) {
    for (const auto& ref : *refs) {
      if (ref.is_string())
        all.push_back(model::strip_control(ref.get_ref<const std::string&>()));
    }
  }
  // Terraform lists each traversal and its prefixes ("aws_iam_role.r.arn", "aws_iam_role.r").
  std::vector<std::string> specific;
  for (const std::string& ref : all) {
    const bool prefix = std::any_of(all.begin(), all.end(), [&](const std::string& other) {
      return other.size() > ref.size() && other.starts_with(ref) &&
             (other[ref.size()] == '.' || other[ref.size()] == '[');
    });
    if (!prefix && std::find(specific.begin(), specific.end(), ref) == specific.end())
      specific.push_back(ref);
  }
  return specific;
}

std::size_t Field::size() const {
  if (m_value != nullptr && m_value->is_array())
    return m_value->size();
  if (m_expression != nullptr && m_expression->is_array())
    return m_expression->size();
  return 0;
}

Context::Context(const Document& document, std::string path, const SourceIndex* source)
    : m_document(document), m_path(std::move(path)), m_source(source),
      m_config_of(document.resources.size()) {}

const Resource* Context::find(std::string_view address) const {
  if (m_by_address.empty()) {
    for (const Resource& resource : m_document.resources)
      m_by_address.emplace(resource.address, &resource);
  }
  const auto it = m_by_address.find(address);
  return it == m_by_address.end() ? nullptr : it->second;
}

std::optional<std::size_t> Context::position(const Resource& resource) const {
  const std::vector<Resource>& resources = m_document.resources;
  if (resources.empty() || &resource < resources.data() ||
      &resource >= resources.data() + resources.size())
    return std::nullopt;
  return static_cast<std::size_t>(&resource - resources.data());
}

const ConfigResource* Context::config(const Resource& resource) const {
  const std::optional<std::size_t> at = position(resource);
  if (!at)
    return look_up_config(resource);
  std::optional<const ConfigResource*>& cached = m_config_of[*at];
  if (!cached)
    cached = look_up_config(resource);
  return *cached;
}

const ConfigResource* Context::look_up_config(const Resource& resource) const {
  if (m_document.config.empty()) // a state, or a plan without configuration: no key to build
    return nullptr;
  std::string key = module_path(resource.module_address);
  key += key.empty() ? "" : ".";
  key += resource.data ? "data." : "";
  key += resource.type + "." + resource.name;
  const auto it = m_document.config.find(key);
  return it == m_document.config.end() ? nullptr : &it->second;
}

Field Context::field(const Resource& resource) const {
  const ConfigResource* configuration = config(resource);
  return Field(&resource.values, &resource.unknown,
               configuration == nullptr ? nullptr : &configuration->expressions,
               configuration != nullptr);
}

model::SourceRef Context::where(const Resource& resource,
                                std::string_view attribute_pointer) const {
  model::SourceRef ref;
  ref.address = resource.address;
  ref.pointer = model::joined({resource.pointer, attribute_pointer});
  if (const SourceBlock* block = m_source != nullptr ? m_source->block(resource) : nullptr) {
    ref.file = block->file;
    ref.line = block->line;
    return ref;
  }
  ref.file = m_path;
  if (resource.line != 0)
    ref.line = resource.line;
  return ref;
}

std::string Context::marker(std::string_view ref, std::string_view module) const {
  const std::vector<std::string_view> steps = address_steps(ref);
  if (steps.size() >= 4 && steps[0] == "data") {
    const std::string_view type = steps[1];
    const std::string_view attribute = steps[3];
    if (type == "aws_caller_identity" && attribute == "account_id")
      return model::symbol("account");
    if (type == "aws_partition" && attribute == "partition")
      return model::symbol("partition");
    if (type == "aws_partition" && attribute == "dns_suffix")
      return model::symbol("url_suffix");
    if (type == "aws_region" && (attribute == "name" || attribute == "region" || attribute == "id"))
      return model::symbol("region");
  }
  return model::symbol(join_address(module, ref));
}

std::vector<std::string> Context::absolute(const std::vector<std::string>& references,
                                           std::string_view module) const {
  std::vector<std::string> out;
  out.reserve(references.size());
  for (const std::string& ref : references)
    out.push_back(join_address(module, ref));
  return out;
}

namespace {

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts)
    out += (out.empty() ? "" : ", ") + part;
  return out;
}

std::optional<std::string> scalar_text(const nlohmann::json& value) {
  if (value.is_string())
    return model::strip_control(value.get_ref<const std::string&>());
  if (value.is_boolean() || value.is_number())
    return value.dump();
  return std::nullopt;
}

} // namespace

std::optional<std::string> Context::text(const Field& field, std::string_view module) const {
  if (const nlohmann::json* value = field.value())
    return scalar_text(*value);
  if (!field.unknown() || field.computed_default())
    return std::nullopt;
  if (const auto* constant = member(field.expression(), "constant_value"); constant != nullptr) {
    if (auto text = scalar_text(*constant))
      return text;
  }
  const std::vector<std::string> refs = field.references();
  if (refs.size() == 1)
    return marker(refs.front(), module);
  if (refs.empty())
    return model::symbol("unknown:known after apply");
  return model::symbol("unknown:" + join(absolute(refs, module)));
}

std::vector<std::string> Context::texts(const Field& field, std::string_view module) const {
  std::vector<std::string> out;
  const std::vector<std::string> refs = field.references();
  if (const nlohmann::json* value = field.value()) {
    if (!value->is_array()) {
      if (auto text = scalar_text(*value))
        out.push_back(std::move(*text));
      return out;
    }
    std::vector<std::size_t> unknown;
    for (std::size_t i = 0; i < value->size(); ++i) {
      const Field item = field[i];
      if (const nlohmann::json* known = item.value()) {
        if (auto text = scalar_text(*known))
          out.push_back(std::move(*text));
      } else if (item.unknown()) {
        unknown.push_back(out.size());
        out.emplace_back();
      }
    }
    // An unknown element shows as null in `after`; the configuration lists what the whole list
    // references, in order. Only a one-to-one match says which element is which.
    for (std::size_t k = 0; k < unknown.size(); ++k) {
      if (refs.size() == unknown.size())
        out[unknown[k]] = marker(refs[k], module);
      else
        out[unknown[k]] =
            model::symbol("unknown:" + (refs.empty() ? std::string("known after apply")
                                                     : join(absolute(refs, module))));
    }
    return out;
  }
  if (!field.unknown() || field.computed_default())
    return out;
  if (const auto* constant = member(field.expression(), "constant_value");
      constant != nullptr && constant->is_array()) {
    for (const auto& item : *constant) {
      if (auto text = scalar_text(item))
        out.push_back(std::move(*text));
    }
    return out;
  }
  for (const std::string& ref : refs)
    out.push_back(marker(ref, module));
  if (refs.empty())
    out.push_back(model::symbol("unknown:known after apply"));
  return out;
}

void strip_strings(nlohmann::json& value) {
  if (value.is_string()) {
    if (model::has_control(value.get_ref<const std::string&>()))
      value = model::strip_control(value.get_ref<const std::string&>());
  } else if (value.is_array()) {
    for (auto& item : value)
      strip_strings(item);
  } else if (value.is_object()) {
    bool keys_clean = true;
    for (auto& [key, item] : value.items()) {
      keys_clean = keys_clean && !model::has_control(key);
      strip_strings(item);
    }
    if (keys_clean)
      return;
    nlohmann::json out = nlohmann::json::object();
    for (auto& [key, item] : value.items())
      out[model::strip_control(key)] = std::move(item);
    value = std::move(out);
  }
}

} // namespace tfkms::loaders::terraform
