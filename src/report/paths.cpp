#include "report/paths.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <system_error>

namespace tfkms::report {

namespace {

std::filesystem::path absolute_normal(std::string_view path) {
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(std::filesystem::path(path), error);
  if (error)
    absolute = std::filesystem::path(path);
  return absolute.lexically_normal();
}

} // namespace

std::optional<std::string> repository_relative(std::string_view file, std::string_view root) {
  if (file.empty())
    return std::nullopt;
  const std::filesystem::path relative = absolute_normal(file).lexically_relative(
      absolute_normal(root.empty() ? std::string_view(".") : root));
  if (relative.empty() || relative == ".")
    return std::nullopt;
  if (*relative.begin() == "..")
    return std::nullopt;
  return relative.generic_string();
}

std::string uri_reference(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                            (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~' || c == '/';
    if (unreserved) {
      out += c;
    } else {
      std::array<char, 4> buffer{};
      std::snprintf(buffer.data(), buffer.size(), "%%%02X", static_cast<unsigned>(byte));
      out += buffer.data();
    }
  }
  return out;
}

} // namespace tfkms::report
