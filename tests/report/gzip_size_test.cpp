#include "report/gzip_size.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <sstream>
#include <string>

using tfkms::report::GzipBuffer;

namespace {

/// Text that compresses to about half: pseudo-random letters.
std::string noise(std::size_t length) {
  std::uint64_t state = 20261206;
  std::string out(length, ' ');
  for (char& c : out) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    c = static_cast<char>('a' + (state >> 60)); // 16 letters: about 4 bits each
  }
  return out;
}

} // namespace

TEST_CASE("a gzip buffer within its limit gives back the text written to it", "[report][gzip]") {
  const std::string text = noise(300'000) + std::string(500'000, 'x');
  GzipBuffer buffer(1'000'000);
  std::ostream stream(&buffer);
  stream << text.substr(0, 12'345);
  CHECK(static_cast<std::size_t>(stream.tellp()) == 12'345);
  stream << text.substr(12'345);
  CHECK(buffer.uncompressed_size() == text.size());
  const std::size_t compressed = buffer.finish();
  CHECK(compressed == tfkms::report::gzip_size(text));
  CHECK(compressed < text.size() / 2);
  REQUIRE(buffer.kept());
  std::ostringstream replayed;
  buffer.replay(replayed);
  CHECK(replayed.str() == text);
}

TEST_CASE("a gzip buffer past its limit counts the bytes but keeps none", "[report][gzip]") {
  const std::string text = noise(300'000);
  GzipBuffer buffer(100'000);
  std::ostream(&buffer) << text;
  const std::size_t compressed = buffer.finish();
  CHECK(compressed > 100'000);
  CHECK(compressed == tfkms::report::gzip_size(text));
  CHECK_FALSE(buffer.kept());
  std::ostringstream out;
  CHECK_THROWS_AS(buffer.replay(out), std::logic_error);
}
