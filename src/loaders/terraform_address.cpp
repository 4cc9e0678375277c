#include "loaders/terraform_address.hpp"

namespace tfkms::loaders::terraform {

std::vector<std::string_view> address_steps(std::string_view address) {
  std::vector<std::string_view> steps;
  std::size_t start = 0;
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < address.size(); ++i) {
    const char c = address[i];
    if (quoted) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '[') {
      ++depth;
    } else if (c == ']') {
      --depth;
    } else if (c == '.' && depth == 0) {
      steps.push_back(address.substr(start, i - start));
      start = i + 1;
    }
  }
  steps.push_back(address.substr(start));
  return steps;
}

std::string module_of(std::string_view address) {
  const std::vector<std::string_view> steps = address_steps(address);
  std::string module;
  for (std::size_t i = 0; i + 2 < steps.size() && steps[i] == "module"; i += 2) {
    if (!module.empty())
      module += '.';
    module += "module.";
    module += steps[i + 1];
  }
  return module;
}

std::string_view without_key(std::string_view step) {
  const auto bracket = step.find('[');
  return bracket == std::string_view::npos ? step : step.substr(0, bracket);
}

std::string module_path(std::string_view module_address) {
  std::string path;
  for (const std::string_view step : address_steps(module_address)) {
    if (step.empty())
      continue;
    if (!path.empty())
      path += '.';
    path += without_key(step);
  }
  return path;
}

std::string join_address(std::string_view module, std::string_view relative) {
  if (module.empty())
    return std::string(relative);
  std::string out(module);
  out += '.';
  out += relative;
  return out;
}

} // namespace tfkms::loaders::terraform
