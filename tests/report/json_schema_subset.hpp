#pragma once
// A JSON Schema (2020-12) validator for the keywords schema/tfkms-report.schema.json uses: type,
// enum, const, required, properties, additionalProperties (boolean), items, $ref into $defs,
// minimum, pattern; title/description/$schema/$id are annotations. Any other keyword makes
// validation fail, so the schema cannot silently rely on something unchecked.
#include <nlohmann/json.hpp>

#include <regex>
#include <string>
#include <vector>

namespace tfkms::test {

class SchemaSubsetValidator {
public:
  explicit SchemaSubsetValidator(nlohmann::json schema) : m_root(std::move(schema)) {}

  /// Problems found, one line each ("/findings/0/line: expected integer or null"); empty when
  /// valid.
  [[nodiscard]] std::vector<std::string> validate(const nlohmann::json& instance) const {
    std::vector<std::string> errors;
    check(m_root, instance, "", errors);
    return errors;
  }

private:
  static bool has_type(const nlohmann::json& value, const std::string& type) {
    if (type == "object")
      return value.is_object();
    if (type == "array")
      return value.is_array();
    if (type == "string")
      return value.is_string();
    if (type == "integer")
      return value.is_number_integer();
    if (type == "number")
      return value.is_number();
    if (type == "boolean")
      return value.is_boolean();
    if (type == "null")
      return value.is_null();
    return false;
  }

  const nlohmann::json& resolve(const std::string& ref) const {
    const std::string prefix = "#/$defs/";
    if (ref.rfind(prefix, 0) != 0)
      throw std::runtime_error("unsupported $ref " + ref);
    return m_root.at("$defs").at(ref.substr(prefix.size()));
  }

  void check(const nlohmann::json& schema, const nlohmann::json& value, const std::string& at,
             std::vector<std::string>& errors) const {
    for (const auto& [keyword, argument] : schema.items()) {
      if (keyword == "$schema" || keyword == "$id" || keyword == "title" ||
          keyword == "description" || keyword == "$defs") {
        continue;
      }
      if (keyword == "$ref") {
        check(resolve(argument.get<std::string>()), value, at, errors);
      } else if (keyword == "type") {
        const std::vector<std::string> types = argument.is_array()
                                                   ? argument.get<std::vector<std::string>>()
                                                   : std::vector{argument.get<std::string>()};
        bool any = false;
        for (const std::string& type : types)
          any = any || has_type(value, type);
        if (!any)
          errors.push_back(at + ": expected type " + argument.dump() + ", got " + value.dump());
      } else if (keyword == "enum") {
        if (std::find(argument.begin(), argument.end(), value) == argument.end()) {
          errors.push_back(at + ": " + value.dump() + " not in " + argument.dump());
        }
      } else if (keyword == "const") {
        if (value != argument)
          errors.push_back(at + ": expected " + argument.dump());
      } else if (keyword == "required") {
        for (const auto& name : argument) {
          if (value.is_object() && !value.contains(name.get<std::string>())) {
            errors.push_back(at + ": missing " + name.get<std::string>());
          }
        }
      } else if (keyword == "properties") {
        if (!value.is_object())
          continue;
        for (const auto& [name, sub] : argument.items()) {
          if (value.contains(name))
            check(sub, value.at(name), at + "/" + name, errors);
        }
      } else if (keyword == "additionalProperties") {
        if (!argument.is_boolean())
          throw std::runtime_error("additionalProperties must be boolean here");
        if (!value.is_object() || argument.get<bool>())
          continue;
        const nlohmann::json& known =
            schema.contains("properties") ? schema.at("properties") : nlohmann::json::object();
        for (const auto& [name, sub] : value.items()) {
          if (!known.contains(name))
            errors.push_back(at + ": unexpected property " + name);
        }
      } else if (keyword == "items") {
        if (!value.is_array())
          continue;
        for (std::size_t i = 0; i < value.size(); ++i)
          check(argument, value.at(i), at + "/" + std::to_string(i), errors);
      } else if (keyword == "minimum") {
        if (value.is_number() && value.get<double>() < argument.get<double>()) {
          errors.push_back(at + ": below minimum " + argument.dump());
        }
      } else if (keyword == "pattern") {
        if (value.is_string() &&
            !std::regex_search(value.get<std::string>(), std::regex(argument.get<std::string>()))) {
          errors.push_back(at + ": does not match " + argument.get<std::string>());
        }
      } else {
        throw std::runtime_error("schema keyword not supported by the test validator: " + keyword);
      }
    }
  }

  nlohmann::json m_root;
};

} // namespace tfkms::test
