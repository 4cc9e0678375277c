#pragma once
// --rule / --skip-rule values for `check` and `diff`: comma-separated ids in any case.
#include <CLI/CLI.hpp>

#include <string>

namespace tfkms::cli {

/// Makes `option` take comma-separated rule ids in any case, stored in their registered spelling;
/// an unknown id stops the run with an error naming the option and the closest id.
CLI::Option* rule_ids(CLI::Option* option);

} // namespace tfkms::cli
