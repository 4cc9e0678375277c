// compact_json_size() against what nlohmann::json writes, byte for byte in count.
#include "policy/json_size.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using nlohmann::json;
using tfkms::policy::compact_json_size;

TEST_CASE("compact_json_size counts what dump writes", "[policy][json_size]") {
  std::string controls;
  for (char c = 0; c < 0x20; ++c)
    controls += c;
  const json values[] = {
      json(nullptr),
      json(true),
      json(false),
      json(0),
      json(-7),
      json(std::int64_t{-9223372036854775807} - 1),
      json(std::uint64_t{18446744073709551615u}),
      json(1.5),
      json(1e300),
      json(-0.0),
      json(""),
      json("plain"),
      json(controls),
      json("quote \" backslash \\ slash / del \x7f"),
      json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91"),
      json::object(),
      json::array(),
      json::parse(R"({"Version":"2012-10-17","Statement":[{"Sid":"a\tb","Effect":"Allow",
        "Principal":{"AWS":["arn:aws:iam::111111111111:root",12]},"Action":"kms:*",
        "Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}},"X":[[],{},null]}]})"),
  };
  for (const json& value : values) {
    INFO(value.dump());
    CHECK(compact_json_size(value) == value.dump().size());
  }
}

TEST_CASE("compact_json_size matches dump on every JSON fixture", "[policy][json_size]") {
  std::size_t compared = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(std::string(TFKMS_SOURCE_DIR) + "/fixtures")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json")
      continue;
    std::ifstream in(entry.path());
    const json document = json::parse(in, nullptr, false);
    if (document.is_discarded())
      continue;
    INFO(entry.path().string());
    CHECK(compact_json_size(document) == document.dump().size());
    ++compared;
  }
  CHECK(compared > 100);
}
