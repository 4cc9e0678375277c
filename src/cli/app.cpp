#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "cli/exit_codes.hpp"

namespace tfkms::cli {

int run(int argc, char** argv) {
  CLI::App app{"tfkms: finds AWS KMS access mistakes in Terraform plans and CloudFormation templates"};
  app.set_version_flag("--version", std::string("tfkms ") + TFKMS_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? k_exit_clean : k_exit_usage;
  }
  return k_exit_clean;
}

} // namespace tfkms::cli
