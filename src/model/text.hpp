#pragma once
// Text built from pieces in one allocation: ARNs, JSON pointers and labels are made for every
// resource, statement and key of a large plan.
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

} // namespace tfkms::model
