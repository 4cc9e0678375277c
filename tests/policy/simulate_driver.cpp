// Test-only front end for `tfkms simulate` (cli::run_simulate) while the subcommand is not wired.
#include <iostream>

#include "cli/simulate.hpp"

int main() { return tfkms::cli::run_simulate(std::cin, std::cout, std::cerr); }
