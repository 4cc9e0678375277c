#include "run/assignments.hpp"

namespace tfkms::run {

namespace {

model::Diagnostic usage(std::string message) {
  model::Diagnostic diagnostic;
  diagnostic.message = std::move(message);
  return diagnostic;
}

} // namespace

model::Result<std::map<std::string, std::string>>
parse_parameters(const std::vector<std::string>& specs) {
  std::map<std::string, std::string> parameters;
  for (const std::string& spec : specs) {
    const auto equals = spec.find('=');
    if (equals == std::string::npos || equals == 0)
      return usage("--parameter: expected KEY=VALUE; got '" + spec + "'");
    parameters[spec.substr(0, equals)] = spec.substr(equals + 1);
  }
  return parameters;
}

model::Result<std::map<std::string, bool>> parse_conditions(const std::vector<std::string>& specs) {
  std::map<std::string, bool> conditions;
  for (const std::string& spec : specs) {
    const auto equals = spec.find('=');
    const std::string value = equals == std::string::npos ? "" : spec.substr(equals + 1);
    if (equals == 0 || (value != "true" && value != "false"))
      return usage("--condition: expected NAME=true or NAME=false; got '" + spec + "'");
    conditions[spec.substr(0, equals)] = value == "true";
  }
  return conditions;
}

} // namespace tfkms::run
