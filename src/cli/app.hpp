#pragma once

namespace tfkms::cli {

/// Runs the tfkms command line; returns the process exit code (see exit_codes.hpp).
[[nodiscard]] int run(int argc, char** argv);

} // namespace tfkms::cli
