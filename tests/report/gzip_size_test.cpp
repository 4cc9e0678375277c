#include "report/gzip_size.hpp"

#include <catch2/catch.hpp>
#include <zlib.h>

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

TEST_CASE("a gzip buffer holds a text too short to exceed its limit", "[report][gzip]") {
  const std::string text = noise(300'000) + std::string(500'000, 'x');
  GzipBuffer buffer(1'000'000);
  std::ostream stream(&buffer);
  stream << text.substr(0, 12'345);
  CHECK(static_cast<std::size_t>(stream.tellp()) == 12'345);
  stream << text.substr(12'345);
  CHECK(buffer.uncompressed_size() == text.size());
  CHECK(buffer.finish());
  CHECK_FALSE(buffer.compressed_size()); // never compressed: 800 KB cannot deflate past 1 MB
  std::ostringstream replayed;
  buffer.replay(replayed);
  CHECK(replayed.str() == text);
}

TEST_CASE("a gzip buffer compresses a longer text, counts and keeps it", "[report][gzip]") {
  const std::string text = noise(300'000) + std::string(500'000, 'x');
  GzipBuffer buffer(400'000);
  std::ostream(&buffer) << text;
  CHECK(buffer.finish());
  REQUIRE(buffer.compressed_size());
  CHECK(*buffer.compressed_size() == tfkms::report::gzip_size(text));
  CHECK(*buffer.compressed_size() < text.size() / 2);
  std::ostringstream replayed;
  buffer.replay(replayed);
  CHECK(replayed.str() == text);
}

TEST_CASE("a gzip buffer past its limit counts the bytes but keeps none", "[report][gzip]") {
  const std::string text = noise(300'000);
  GzipBuffer buffer(100'000);
  std::ostream(&buffer) << text;
  CHECK_FALSE(buffer.finish());
  REQUIRE(buffer.compressed_size());
  CHECK(*buffer.compressed_size() > 100'000);
  CHECK(*buffer.compressed_size() == tfkms::report::gzip_size(text));
  std::ostringstream out;
  CHECK_THROWS_AS(buffer.replay(out), std::logic_error);
}

TEST_CASE("a gzip buffer holds text up to zlib's bound and no further", "[report][gzip]") {
  // Bytes that do not compress: gzip stores them, and the stored size stays within the bound.
  constexpr std::size_t k_limit = 100'000;
  z_stream stream{};
  REQUIRE(deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                       Z_DEFAULT_STRATEGY) == Z_OK);
  std::size_t longest = 0;
  while (deflateBound(&stream, static_cast<uLong>(longest + 1)) <= k_limit)
    ++longest;
  deflateEnd(&stream);
  std::uint64_t state = 7;
  std::string random(longest + 1, ' ');
  for (char& c : random) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    c = static_cast<char>(state >> 56);
  }
  const std::string held = random.substr(0, longest);
  CHECK(tfkms::report::gzip_size(held) <= k_limit);

  GzipBuffer at_bound(k_limit);
  std::ostream(&at_bound) << held;
  CHECK(at_bound.finish());
  CHECK_FALSE(at_bound.compressed_size());

  GzipBuffer past_bound(k_limit);
  std::ostream(&past_bound) << random;
  CHECK(past_bound.finish() == (tfkms::report::gzip_size(random) <= k_limit));
  REQUIRE(past_bound.compressed_size());
  CHECK(*past_bound.compressed_size() == tfkms::report::gzip_size(random));
}

TEST_CASE("gzip size is what gzip writes, header and trailer included", "[report][gzip]") {
  for (const std::string& text :
       {std::string(), std::string("x"), noise(1'000), noise(200'000) + std::string(70'000, 'y')}) {
    z_stream stream{};
    REQUIRE(deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                         Z_DEFAULT_STRATEGY) == Z_OK);
    std::string gzip(deflateBound(&stream, static_cast<uLong>(text.size())), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    stream.avail_in = static_cast<uInt>(text.size());
    stream.next_out = reinterpret_cast<Bytef*>(gzip.data());
    stream.avail_out = static_cast<uInt>(gzip.size());
    REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
    const std::size_t written = gzip.size() - stream.avail_out;
    deflateEnd(&stream);
    CHECK(tfkms::report::gzip_size(text) == written);
  }
}

namespace {

/// JSON results much like a SARIF log's: the same keys, numbers and words again and again.
std::string results(std::size_t count) {
  std::string out = "[";
  for (std::size_t i = 0; i < count; ++i) {
    out += R"({"ruleId":"TFKMS00)" + std::to_string(i % 7) + R"(","message":{"text":"role )" +
           std::to_string(i * 7919 % 10007) +
           R"( can kms:Decrypt"},"locations":[{"physicalLocation":{"region":{"startLine":)" +
           std::to_string(i) + "}}}]},";
  }
  out.back() = ']';
  return out;
}

} // namespace

TEST_CASE("an estimated gzip size is more than half gzip's, and the text is kept",
          "[report][gzip]") {
  using tfkms::report::GzipCount;
  // Over 1 MB: several pieces, the last one short or full.
  for (const std::string& text : {noise(1'500'000), results(40'000), std::string(3'000'000, 'z'),
                                  std::string(2 * 1024 * 1024, 'w')}) {
    CAPTURE(text.size());
    const std::size_t estimate = tfkms::report::gzip_size(text, GzipCount::estimate);
    // What the SARIF writer's screen rests on (sarif.cpp): more than half, larger on JSON.
    CHECK(estimate * 2 > tfkms::report::gzip_size(text));
    CHECK(estimate < text.size());

    // Held while short, then compressed in pieces from the start, and written back whole.
    GzipBuffer buffer(estimate, GzipCount::estimate);
    std::ostream(&buffer) << text;
    CHECK(buffer.finish());
    CHECK(buffer.compressed_size() == estimate);
    std::ostringstream replayed;
    buffer.replay(replayed);
    CHECK(replayed.str() == text);

    GzipBuffer too_small(estimate - 1, GzipCount::estimate);
    std::ostream(&too_small) << text;
    CHECK_FALSE(too_small.finish());
    CHECK(too_small.compressed_size() == estimate);
    CHECK_THROWS_AS(too_small.replay(replayed), std::logic_error);

    // With a copy, the text goes there as it comes and the estimate is only counted: the same.
    std::stringbuf copy;
    GzipBuffer counted(estimate, GzipCount::estimate, &copy);
    std::ostream(&counted) << text;
    CHECK(counted.finish());
    CHECK(counted.compressed_size() == estimate);
    CHECK(copy.str() == text);
    CHECK_THROWS_AS(counted.replay(replayed), std::logic_error);
  }
  // Pieces are compressed apart, and a text that ends with a full one has nothing after it.
  const std::string piece(1024 * 1024, 'w');
  CHECK(tfkms::report::gzip_size(piece + piece, GzipCount::estimate) - 18 ==
        2 * (tfkms::report::gzip_size(piece, GzipCount::estimate) - 18));
  const std::string sarif_like = results(40'000);
  CHECK(tfkms::report::gzip_size(sarif_like, GzipCount::estimate) >
        tfkms::report::gzip_size(sarif_like));
}

TEST_CASE("a text held in whole pieces is counted as if compressed from its start",
          "[report][gzip]") {
  using tfkms::report::GzipCount;
  // Incompressible to fixed codes: held past two whole pieces before it outgrows the limit.
  const std::string text = noise(2'500'000);
  const std::size_t estimate = tfkms::report::gzip_size(text, GzipCount::estimate);
  REQUIRE(estimate > 2 * 1024 * 1024);
  for (const std::size_t limit : {estimate, estimate - 1}) {
    CAPTURE(limit);
    GzipBuffer buffer(limit, GzipCount::estimate);
    std::ostream(&buffer) << text;
    CHECK(buffer.finish() == (limit == estimate));
    CHECK(buffer.compressed_size() == estimate);
    if (buffer.within_limit()) {
      std::ostringstream replayed;
      buffer.replay(replayed);
      CHECK(replayed.str() == text);
    }

    std::stringbuf copy;
    GzipBuffer counted(limit, GzipCount::estimate, &copy);
    std::ostream(&counted) << text;
    CHECK(counted.finish() == (limit == estimate));
    CHECK(counted.compressed_size() == estimate);
    CHECK(copy.str() == text);
  }
}
