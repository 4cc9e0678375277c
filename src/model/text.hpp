#pragma once
// Text built from pieces in one allocation: ARNs, JSON pointers and labels are made for every
// resource, statement and key of a large plan.
#include <array>
#include <charconv>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace tfkms::model {

/// The pieces one after another, in a string allocated once.
[[nodiscard]] inline std::string joined(std::initializer_list<std::string_view> pieces) {
  std::size_t size = 0;
  for (const std::string_view piece : pieces)
    size += piece.size();
  std::string out;
  out.reserve(size);
  for (const std::string_view piece : pieces)
    out += piece;
  return out;
}

/// `number` in decimal at the end of `out`, with no string of its own in between.
inline void append_decimal(std::string& out, std::size_t number) {
  std::array<char, 20> digits; // 2^64 has 20 digits
  out.append(digits.data(),
             std::to_chars(digits.data(), digits.data() + digits.size(), number).ptr);
}

} // namespace tfkms::model
