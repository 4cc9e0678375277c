#include "policy/json_size.hpp"

#include <charconv>
#include <cstdint>
#include <string>

namespace tfkms::policy {

namespace {

// A string with its quotes. In valid UTF-8 every byte below 0x20 is a character of its own, so
// escapes are counted byte by byte: \b \t \n \f \r \" \\ take two bytes, other control characters
// six (\u001f), and every other byte is copied.
std::size_t string_size(const std::string& text) {
  std::size_t size = text.size() + 2;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == '"' || byte == '\\' || byte == '\b' || byte == '\t' || byte == '\n' ||
        byte == '\f' || byte == '\r') {
      size += 1;
    } else if (byte < 0x20) {
      size += 5;
    }
  }
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
  case nlohmann::json::value_t::object: {
    std::size_t size = value.empty() ? 2 : 1 + value.size(); // braces and commas
    for (auto member = value.begin(); member != value.end(); ++member)
      size += string_size(member.key()) + 1 + compact_json_size(member.value()); // "key":value
    return size;
  }
  case nlohmann::json::value_t::array: {
    std::size_t size = value.empty() ? 2 : 1 + value.size(); // brackets and commas
    for (const nlohmann::json& item : value)
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
