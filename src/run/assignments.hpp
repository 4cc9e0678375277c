#pragma once
// The NAME=VALUE options every command takes the same way: --parameter KEY=VALUE (a CloudFormation
// parameter's value) and --condition NAME=true|false (how an undecided template condition goes).
#include "model/diagnostic.hpp"

#include <map>
#include <string>
#include <vector>

namespace tfkms::run {

/// `--parameter` values by key; a later value of a key replaces an earlier one. Fails on a spec
/// without "=" or with an empty key, naming the option and the spec.
[[nodiscard]] model::Result<std::map<std::string, std::string>>
parse_parameters(const std::vector<std::string>& specs);

/// `--condition` values by condition name. Fails on a value other than "true" or "false".
[[nodiscard]] model::Result<std::map<std::string, bool>>
parse_conditions(const std::vector<std::string>& specs);

} // namespace tfkms::run
