#include "policy/json_size.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <string>

namespace tfkms::policy {

namespace {

// What escaping adds to each byte: \b \t \n \f \r \" \\ take two bytes, other control
// characters six (\u001f). In valid UTF-8 every byte below 0x20 is a character of its own, so
// bytes are looked up one by one.
constexpr std::array<std::uint8_t, 256> k_escape_extra = [] {
  std::array<std::uint8_t, 256> extra{};
  for (std::size_t byte = 0; byte < 0x20; ++byte)
    extra[byte] = 5;
  for (const char c : {'"', '\\', '\b', '\t', '\n', '\f', '\r'})
    extra[static_cast<unsigned char>(c)] = 1;
  return extra;
}();

// A string with its quotes.
std::size_t string_size(const std::string& text) {
  std::size_t size = text.size() + 2;
  for (const char c : text)
    size += k_escape_extra[static_cast<unsigned char>(c)];
  return size;
}

template <typename Integer> std::size_t integer_size(Integer number) {
  char digits[24];
  return static_cast<std::size_t>(std::to_chars(digits, digits + sizeof digits, number).ptr -
                                  digits);
}

} // namespace

std::size_t compact_json_size(const nlohmann::json& value) {
  switch (value.type()) {
  // The containers themselves, not nlohmann's iterators, which test the value's type at each step.
  case nlohmann::json::value_t::object: {
    const auto& members = value.get_ref<const nlohmann::json::object_t&>();
    std::size_t size = members.empty() ? 2 : 1 + members.size(); // braces and commas
    for (const auto& [key, member] : members)
      size += string_size(key) + 1 + compact_json_size(member); // "key":value
    return size;
  }
  case nlohmann::json::value_t::array: {
    const auto& items = value.get_ref<const nlohmann::json::array_t&>();
    std::size_t size = items.empty() ? 2 : 1 + items.size(); // brackets and commas
    for (const nlohmann::json& item : items)
      size += compact_json_size(item);
    return size;
  }
  case nlohmann::json::value_t::string:
    return string_size(value.get_ref<const std::string&>());
  case nlohmann::json::value_t::boolean:
    return value.get<bool>() ? 4 : 5;
  case nlohmann::json::value_t::null:
    return 4;
  case nlohmann::json::value_t::number_integer:
    return integer_size(value.get<std::int64_t>());
  case nlohmann::json::value_t::number_unsigned:
    return integer_size(value.get<std::uint64_t>());
  default:
    // Floating-point numbers (shortest round-trip form) and the rest are rare in a policy: written.
    return value.dump().size();
  }
}

} // namespace tfkms::policy
