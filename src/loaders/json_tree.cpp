#include "loaders/json_tree.hpp"

#include "model/value.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>
#include <tuple>
#include <utility>

namespace tfkms::loaders {

namespace {

// The first quote or backslash at or after `at`, in a string of a text simdjson has indexed (so the
// string is closed), eight bytes at a time: keys are short, and the padding after the text lets the
// last word read past its end. A byte equal to `c` is a zero byte of `word ^ c`; the lowest
// flag of the classic zero-byte test is exact (false flags lie only above a true one, which on a
// big-endian machine is earlier in the text: there, byte by byte).
const char* quote_or_backslash(const char* at) {
  if constexpr (std::endian::native != std::endian::little) {
    while (*at != '"' && *at != '\\')
      ++at;
    return at;
  }
  constexpr std::uint64_t k_ones = 0x0101010101010101, k_highs = 0x8080808080808080;
  for (;; at += sizeof(std::uint64_t)) {
    std::uint64_t word = 0;
    std::memcpy(&word, at, sizeof word);
    const std::uint64_t quotes = word ^ (k_ones * '"'), backslashes = word ^ (k_ones * '\\');
    const std::uint64_t found =
        (((quotes - k_ones) & ~quotes) | ((backslashes - k_ones) & ~backslashes)) & k_highs;
    if (found != 0)
      return at + std::countr_zero(found) / 8;
  }
}

// A key looked up in an object's members: ordered as the members' std::string keys are (bytes
// compared as unsigned char, then the shorter first), found by the map's transparent comparator.
struct MemberKey {
  std::string_view text;
};

bool less(std::string_view left, std::string_view right) {
  const std::size_t common = std::min(left.size(), right.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (left[i] != right[i])
      return static_cast<unsigned char>(left[i]) < static_cast<unsigned char>(right[i]);
  }
  return left.size() < right.size();
}

bool operator<(const std::string& member, const MemberKey& key) { return less(member, key.text); }
bool operator<(const MemberKey& key, const std::string& member) { return less(key.text, member); }

// Where member `key` goes in `members`: after the last when it sorts last (Terraform writes keys
// sorted), else where the inline comparison finds it, so that the map only checks the hint (once or
// twice) instead of comparing, by memcmp, at every step down. `repeated`: the key was there
// already.
nlohmann::json& member_slot(nlohmann::json::object_t& members, std::string_view key,
                            bool& repeated) {
  auto at = members.end();
  if (!members.empty() && !less(std::prev(at)->first, key)) {
    at = members.lower_bound(MemberKey{key});
    repeated = !less(key, at->first);
    if (repeated)
      return at->second;
  }
  repeated = false;
  return members
      .emplace_hint(at, std::piecewise_construct, std::forward_as_tuple(key),
                    std::forward_as_tuple())
      ->second;
}

/// What to_plain_json() refuses; nullptr: to_json(), which refuses nothing.
struct Plain {
  std::size_t max_depth = 0;
  bool check_control = true;
};

// False when `plain` refuses the value (`out` is then partly built).
bool copy(simdjson::dom::element element, std::size_t depth, const Plain* plain,
          nlohmann::json& out) {
  if (plain != nullptr && depth > plain->max_depth)
    return false;
  switch (element.type()) {
  case simdjson::dom::element_type::ARRAY: {
    // Empty containers made from their type: json::array() and json::object() go through the
    // initializer-list constructor, which checks its (empty) list element by element.
    out = nlohmann::json::value_t::array;
    const simdjson::dom::array array = element.get_array().value_unsafe();
    // The DOM knows the length: the items are stored once, not moved as the vector grows.
    out.get_ref<nlohmann::json::array_t&>().reserve(array.size());
    for (const simdjson::dom::element item : array) {
      if (!copy(item, depth + 1, plain, out.emplace_back()))
        return false;
    }
    return true;
  }
  case simdjson::dom::element_type::OBJECT: {
    out = nlohmann::json::value_t::object;
    auto& members = out.get_ref<nlohmann::json::object_t&>();
    const simdjson::dom::object object = element.get_object().value_unsafe();
    for (const simdjson::dom::key_value_pair field : object) {
      if (plain != nullptr && plain->check_control && model::has_control(field.key))
        return false;
      bool repeated = false;
      nlohmann::json& slot = member_slot(members, field.key, repeated);
      if (repeated) { // the last one wins, as in nlohmann
        if (plain != nullptr)
          return false;
        slot = nlohmann::json();
      }
      if (!copy(field.value, depth + 1, plain, slot))
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
    if (plain != nullptr && plain->check_control && model::has_control(text))
      return false;
    out = text; // the tree's string made from the view: no temporary string to move in
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

namespace od = simdjson::ondemand;

// Declared ahead of copy(): objects and values nest in each other.
void copy_members(od::object object, nlohmann::json& out);

void copy(od::value value, nlohmann::json& out) {
  switch (od::json_type(value.type())) {
  case od::json_type::array:
    out = nlohmann::json::value_t::array;
    for (od::value item : value.get_array())
      copy(item, out.emplace_back());
    return;
  case od::json_type::object:
    copy_members(value.get_object(), out);
    return;
  case od::json_type::number: {
    od::number number = value.get_number();
    switch (number.get_number_type()) {
    case od::number_type::signed_integer: {
      const std::int64_t integer = number.get_int64();
      out = integer >= 0 ? nlohmann::json(static_cast<std::uint64_t>(integer))
                         : nlohmann::json(integer);
      return;
    }
    case od::number_type::unsigned_integer:
      out = number.get_uint64();
      return;
    case od::number_type::floating_point_number:
      out = number.get_double();
      return;
    }
    return;
  }
  case od::json_type::string:
    out = string_of(value); // the tree's string made from the view: no temporary to move in
    return;
  case od::json_type::boolean:
    out = bool(value.get_bool());
    return;
  case od::json_type::null:
    // type() looks at the first byte only: "nul" or "nullx" is not null.
    if (!bool(value.is_null()))
      throw simdjson::simdjson_error(simdjson::N_ATOM_ERROR);
    out = nullptr;
    return;
  }
}

// Deep enough for any plan's values (Terraform's nest a few levels); shallow enough for the stack.
constexpr std::size_t k_free_depth = 64;

void free_tree(nlohmann::json& value, std::size_t depth) {
  if (depth == k_free_depth)
    return;
  if (value.is_object()) {
    auto& members = value.get_ref<nlohmann::json::object_t&>();
    for (auto& member : members)
      free_tree(member.second, depth + 1);
    members.clear();
  } else if (value.is_array()) {
    auto& items = value.get_ref<nlohmann::json::array_t&>();
    for (nlohmann::json& item : items)
      free_tree(item, depth + 1);
    items.clear();
  }
}

void copy_members(od::object object, nlohmann::json& out) {
  out = nlohmann::json::value_t::object;
  auto& members = out.get_ref<nlohmann::json::object_t&>();
  for (od::field field : object) {
    bool repeated = false;
    nlohmann::json& slot = member_slot(members, key_of(field), repeated);
    if (repeated) // the last one wins
      slot = nlohmann::json();
    copy(field.value(), slot);
  }
}

} // namespace

const nlohmann::json* find_member(const nlohmann::json& object, std::string_view key) {
  const auto& members = object.get_ref<const nlohmann::json::object_t&>();
  const auto it = members.find(MemberKey{key});
  return it == members.end() ? nullptr : &it->second;
}

std::string_view scalar_text(od::value value) {
  std::string_view token = value.raw_json_token();
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                            token.back() == '\r'))
    token.remove_suffix(1);
  return token;
}

std::string_view string_of(od::value value) {
  // The closing quote is the last character of the token. (Values are longer than keys: memchr
  // finds a backslash in them faster than quote_or_backslash.)
  const std::string_view token = scalar_text(value);
  if (token.size() < 2 || token.front() != '"' || token.back() != '"' ||
      token.find('\\') != std::string_view::npos)
    return value.get_string();
  od::raw_json_string consumed;
  if (const auto error = value.get_raw_json_string().get(consumed))
    throw simdjson::simdjson_error(error);
  return token.substr(1, token.size() - 2);
}

std::string_view key_of(od::field& field) {
  const char* begin = field.key().raw();
  const char* end = quote_or_backslash(begin);
  if (*end == '\\')
    return field.unescaped_key();
  return {begin, static_cast<std::size_t>(end - begin)};
}

void free_tree(nlohmann::json& value) { free_tree(value, 0); }

nlohmann::json to_json(od::value value) {
  nlohmann::json out;
  copy(value, out);
  return out;
}

nlohmann::json to_json(simdjson::dom::element element) {
  nlohmann::json out;
  copy(element, 0, nullptr, out);
  return out;
}

std::optional<nlohmann::json> to_plain_json(simdjson::dom::element element, std::size_t max_depth,
                                            ParsedText text) {
  const Plain plain{max_depth, text == ParsedText::any_text};
  nlohmann::json out;
  if (!copy(element, 0, &plain, out))
    return std::nullopt;
  return out;
}

} // namespace tfkms::loaders
