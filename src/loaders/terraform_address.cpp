#include "loaders/terraform_address.hpp"

namespace tfkms::loaders::terraform {

namespace {

// Where the step of `address` that begins at `start` ends: at the next dot outside brackets and
// quotes, or at the end. Steps are walked in place: a plan's every kept resource asks for its
// module, and a vector of steps per address cost more than the walk.
std::size_t step_end(std::string_view address, std::size_t start) {
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = start; i < address.size(); ++i) {
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
      return i;
    }
  }
  return address.size();
}

} // namespace

std::vector<std::string_view> address_steps(std::string_view address) {
  std::vector<std::string_view> steps;
  for (std::size_t start = 0;;) {
    const std::size_t end = step_end(address, start);
    steps.push_back(address.substr(start, end - start));
    if (end == address.size())
      return steps;
    start = end + 1;
  }
}

// The leading pairs of steps "module", <name> that another step follows, as written. A step is
// "module" with another after it exactly when "module." starts there: the resource's own steps,
// which end the walk, are not walked.
std::string module_of(std::string_view address) {
  constexpr std::string_view k_keyword = "module.";
  std::size_t module_end = 0;
  for (std::size_t start = 0;;) {
    if (!address.substr(start).starts_with(k_keyword))
      break;
    const std::size_t name_end = step_end(address, start + k_keyword.size());
    if (name_end == address.size())
      break;
    module_end = name_end;
    start = name_end + 1;
  }
  return std::string(address.substr(0, module_end));
}

std::string_view without_key(std::string_view step) {
  const auto bracket = step.find('[');
  return bracket == std::string_view::npos ? step : step.substr(0, bracket);
}

std::string module_path(std::string_view module_address) {
  std::string path;
  for (std::size_t start = 0; start <= module_address.size();) {
    const std::size_t end = step_end(module_address, start);
    const std::string_view step = module_address.substr(start, end - start);
    if (!step.empty()) {
      if (!path.empty())
        path += '.';
      path += without_key(step);
    }
    start = end + 1;
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
