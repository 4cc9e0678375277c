#pragma once
// Where the tests find the shared folder (corpus, seeds): TFKMS_SHARED_DIR in the environment when
// set, else the folder CMake chose (tests/CMakeLists.txt).
#include <cstdlib>
#include <filesystem>

namespace tfkms::testing {

inline std::filesystem::path shared_dir() {
  const char* from_environment = std::getenv("TFKMS_SHARED_DIR");
  return from_environment != nullptr ? std::filesystem::path(from_environment)
                                     : std::filesystem::path(TFKMS_SHARED_DIR);
}

} // namespace tfkms::testing
