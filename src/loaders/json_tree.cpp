#include "loaders/json_tree.hpp"

#include "model/value.hpp"

#include <string_view>

namespace tfkms::loaders {

namespace {

/// What to_plain_json() refuses; nullptr: to_json(), which refuses nothing.
struct Plain {
  std::size_t max_depth = 0;
};

// False when `plain` refuses the value (`out` is then partly built).
bool copy(simdjson::dom::element element, std::size_t depth, const Plain* plain,
          nlohmann::json& out) {
  if (plain != nullptr && depth > plain->max_depth)
    return false;
  switch (element.type()) {
  case simdjson::dom::element_type::ARRAY: {
    out = nlohmann::json::array();
    const simdjson::dom::array array = element.get_array().value_unsafe();
    for (const simdjson::dom::element item : array) {
      if (!copy(item, depth + 1, plain, out.emplace_back()))
        return false;
    }
    return true;
  }
  case simdjson::dom::element_type::OBJECT: {
    out = nlohmann::json::object();
    auto& members = out.get_ref<nlohmann::json::object_t&>();
    const simdjson::dom::object object = element.get_object().value_unsafe();
    for (const simdjson::dom::key_value_pair field : object) {
      if (plain != nullptr && model::has_control(field.key))
        return false;
      // Terraform writes keys sorted: inserting before the end is then constant time.
      const std::size_t count = members.size();
      const auto at = members.try_emplace(members.end(), std::string(field.key));
      if (members.size() == count) { // a repeated key: the last one wins, as in nlohmann
        if (plain != nullptr)
          return false;
        at->second = nlohmann::json();
      }
      if (!copy(field.value, depth + 1, plain, at->second))
        return false;
    }
    return true;
  }
  case simdjson::dom::element_type::INT64: {
    const std::int64_t number = element.get_int64().value_unsafe();
    out = number >= 0 ? nlohmann::json(static_cast<std::uint64_t>(number)) : nlohmann::json(number);
    return true;
  }
  case simdjson::dom::element_type::UINT64:
    out = element.get_uint64().value_unsafe();
    return true;
  case simdjson::dom::element_type::DOUBLE:
    out = element.get_double().value_unsafe();
    return true;
  case simdjson::dom::element_type::STRING: {
    const std::string_view text = element.get_string().value_unsafe();
    if (plain != nullptr && model::has_control(text))
      return false;
    out = std::string(text);
    return true;
  }
  case simdjson::dom::element_type::BOOL:
    out = element.get_bool().value_unsafe();
    return true;
  case simdjson::dom::element_type::NULL_VALUE:
    out = nullptr;
    return true;
  }
  return true;
}

} // namespace

nlohmann::json to_json(simdjson::dom::element element) {
  nlohmann::json out;
  copy(element, 0, nullptr, out);
  return out;
}

std::optional<nlohmann::json> to_plain_json(simdjson::dom::element element, std::size_t max_depth) {
  const Plain plain{max_depth};
  nlohmann::json out;
  if (!copy(element, 0, &plain, out))
    return std::nullopt;
  return out;
}

} // namespace tfkms::loaders
