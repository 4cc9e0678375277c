#include "model/arn.hpp"

#include <algorithm>
#include <array>

namespace tfkms::model {

std::optional<ArnParts> split_arn(std::string_view text) {
  std::array<std::string_view, 5> fields;
  std::size_t start = 0;
  for (std::string_view& field : fields) {
    const std::size_t colon = text.find(':', start);
    if (colon == std::string_view::npos)
      return std::nullopt;
    field = text.substr(start, colon - start);
    start = colon + 1;
  }
  if (fields[0] != "arn")
    return std::nullopt;
  return ArnParts{fields[1], fields[2], fields[3], fields[4], text.substr(start)};
}

bool is_account_id(std::string_view text) {
  return text.size() == 12 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace tfkms::model
