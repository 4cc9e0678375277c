#include "report/fixed_deflate.hpp"

#include <catch2/catch.hpp>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

using tfkms::report::detail::FixedDeflate;

namespace {

/// `text` through FixedDeflate, and the raw deflate stream it wrote.
std::string deflated(FixedDeflate& deflate, const std::string& text) {
  std::string out(FixedDeflate::bound(text.size()), '\0');
  out.resize(deflate.compress(text, out));
  return out;
}

/// A raw deflate stream inflated by zlib; throws unless it is one whole stream.
std::string inflated(const std::string& stream_bytes, std::size_t size) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, -15) == Z_OK);
  std::string out(size + 1, '\0'); // one more: a stream that inflates to too much shows
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(stream_bytes.data()));
  stream.avail_in = static_cast<uInt>(stream_bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = inflate(&stream, Z_FINISH);
  const std::size_t written = out.size() - stream.avail_out;
  const bool all_read = stream.avail_in == 0;
  inflateEnd(&stream);
  REQUIRE(status == Z_STREAM_END);
  REQUIRE(all_read);
  out.resize(written);
  return out;
}

std::string pseudo_random(std::size_t length, unsigned bits_per_byte) {
  std::uint64_t state = 20261207;
  std::string out(length, ' ');
  for (char& c : out) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    c = static_cast<char>(bits_per_byte == 8 ? state >> 56 : 'a' + (state >> (64 - bits_per_byte)));
  }
  return out;
}

/// Lines much like a SARIF log's, with matches of every length and distance up to the window.
std::string log_lines(std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    out += R"({"ruleId":"TFKMS00)" + std::to_string(i % 7) + R"(","text":"role )" +
           std::to_string(i * 7919 % 100'003) + " can kms:Decrypt" +
           std::string(i % 300, static_cast<char>('a' + i % 26)) + "\"},\n";
  }
  return out;
}

} // namespace

TEST_CASE("fixed-code deflate writes streams zlib inflates back", "[report][gzip]") {
  FixedDeflate deflate; // one for all: each text starts from an empty table
  std::vector<std::string> texts{"",
                                 "x",
                                 "abcd",
                                 "abcdabcd",
                                 "abcdabcdabcdabcdabcd",
                                 std::string(100'000, 'z'),
                                 log_lines(5'000),
                                 pseudo_random(70'000, 4),
                                 pseudo_random(200'000, 8),
                                 pseudo_random(40'000, 4) + log_lines(3'000) +
                                     pseudo_random(40'000, 8)};
  for (std::size_t length = 0; length < 40; ++length) // every short tail after the last search
    texts.push_back(std::string(length, 'q') + "tail" + std::string(length % 7, 'q'));
  for (const std::string& text : texts) {
    CAPTURE(text.size());
    const std::string stream = deflated(deflate, text);
    CHECK(stream.size() <= FixedDeflate::bound(text.size()));
    CHECK(inflated(stream, text.size()) == text);
    CHECK(deflate.compressed_size(text) == stream.size()); // stored blocks or fixed codes alike
  }
}

TEST_CASE("fixed-code deflate compresses repeats and stores what does not compress",
          "[report][gzip]") {
  FixedDeflate deflate;
  const std::string lines = log_lines(5'000);
  CHECK(deflated(deflate, lines).size() < lines.size() / 4);
  CHECK(deflated(deflate, std::string(100'000, 'z')).size() < 1'000);
  // Random bytes take 8.5 bits each in fixed codes: stored blocks, 5 bytes per 65,535, are less.
  const std::string random = pseudo_random(200'000, 8);
  CHECK(deflated(deflate, random).size() == random.size() + 4 * 5);
}
