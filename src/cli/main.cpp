// tfkms: the command-line entry point. All logic is in tfkms_core; see src/cli/app.hpp.
#include "cli/app.hpp"

int main(int argc, char** argv) { return tfkms::cli::run(argc, argv); }
