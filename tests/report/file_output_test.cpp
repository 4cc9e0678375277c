#include "report/file_output.hpp"
#include "sample_reports.hpp"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <string>

using tfkms::report::FileOutput;

namespace {

/// A temporary file, open for writing, removed at the end.
class TemporaryFile {
public:
  explicit TemporaryFile(int extra_flags = 0) {
    m_descriptor = mkstemp(m_path.data());
    REQUIRE(m_descriptor >= 0);
    if (extra_flags != 0)
      REQUIRE(fcntl(m_descriptor, F_SETFL, fcntl(m_descriptor, F_GETFL) | extra_flags) == 0);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    close(m_descriptor);
    std::remove(m_path.c_str());
  }

  [[nodiscard]] int descriptor() const { return m_descriptor; }
  [[nodiscard]] std::string text() const {
    std::ifstream in(m_path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

private:
  std::string m_path = "/tmp/tfkms-file-output-XXXXXX";
  int m_descriptor = -1;
};

std::string letters(std::size_t length) {
  std::string out(length, ' ');
  for (std::size_t i = 0; i < length; ++i)
    out[i] = static_cast<char>('a' + i % 26);
  return out;
}

void write_text(int descriptor, const std::string& text) {
  REQUIRE(write(descriptor, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
}

} // namespace

TEST_CASE("file output writes small and large pieces in order", "[report][file_output]") {
  TemporaryFile file;
  const std::string large = letters(200'000); // longer than a block: written without a copy
  {
    FileOutput output(file.descriptor());
    std::ostream stream(&output);
    stream << "head ";
    stream.write(large.data(), static_cast<std::streamsize>(large.size()));
    for (int i = 0; i < 20'000; ++i)
      stream << i % 10;
    stream.flush();
    CHECK_FALSE(output.failed());
  }
  std::string expected = "head " + large;
  for (int i = 0; i < 20'000; ++i)
    expected += std::to_string(i % 10);
  CHECK(file.text() == expected);
}

TEST_CASE("file output starts over from where the file stood", "[report][file_output]") {
  TemporaryFile file;
  write_text(file.descriptor(), "kept before; ");
  FileOutput output(file.descriptor());
  REQUIRE(output.can_start_over());
  std::ostream stream(&output);
  stream << letters(150'000); // partly written to the file, partly waiting in the block
  stream << "tail";
  CHECK(output.start_over());
  stream << "second attempt";
  stream.flush();
  CHECK(file.text() == "kept before; second attempt");
}

TEST_CASE("file output cannot start over on a pipe or a file opened to append",
          "[report][file_output]") {
  SECTION("pipe") {
    int ends[2] = {-1, -1};
    REQUIRE(pipe(ends) == 0);
    {
      FileOutput output(ends[1]);
      CHECK_FALSE(output.can_start_over());
      std::ostream stream(&output);
      stream << "through the pipe";
      CHECK_FALSE(output.start_over());
      stream.flush();
    }
    close(ends[1]);
    std::string read_back(64, '\0');
    const ssize_t size = read(ends[0], read_back.data(), read_back.size());
    close(ends[0]);
    REQUIRE(size >= 0);
    CHECK(read_back.substr(0, static_cast<std::size_t>(size)) == "through the pipe");
  }
  SECTION("append") {
    TemporaryFile file(O_APPEND);
    write_text(file.descriptor(), "earlier; ");
    {
      FileOutput output(file.descriptor());
      CHECK_FALSE(output.can_start_over());
      std::ostream stream(&output);
      stream << "appended";
    }
    CHECK(file.text() == "earlier; appended");
  }
}

TEST_CASE("a file output reports a failed write", "[report][file_output]") {
  FileOutput output(-1);
  std::ostream stream(&output);
  stream << "lost";
  stream.flush();
  CHECK(output.failed());
  CHECK_FALSE(stream.good());
}

TEST_CASE("sarif written to a file is the log written to memory", "[report][sarif][file_output]") {
  using namespace tfkms::report;
  // The first is screened while written to the file; the second fails the screen, starts the
  // file over and drops results.
  for (const Report& report :
       {samples::long_but_compressible(), samples::oversized(), samples::clean()}) {
    TemporaryFile file;
    write_text(file.descriptor(), "before ");
    {
      FileOutput output(file.descriptor());
      std::ostream stream(&output);
      make_reporter(Format::sarif, samples::in_repo())->write(report, stream);
    }
    CHECK(file.text() == "before " + samples::render(Format::sarif, report));
  }
}
