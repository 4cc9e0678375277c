#pragma once
// A file under the temporary directory for one test, removed when the test ends.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace tfkms::test {

class TempFile {
public:
  TempFile(const std::string& name, std::string_view bytes)
      : m_path((std::filesystem::temp_directory_path() /
                ("tfkms-test-" + std::to_string(::getpid()) + "-" + name))
                   .string()) {
    std::ofstream(m_path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::filesystem::remove(m_path); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

} // namespace tfkms::test
