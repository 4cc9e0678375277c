#include "report/reporter.hpp"

#include <catch2/catch.hpp>

using namespace tfkms::report;

TEST_CASE("every listed format name parses, others do not", "[report]") {
  CHECK(parse_format("text") == Format::text);
  CHECK(parse_format("json") == Format::json);
  CHECK(parse_format("sarif") == Format::sarif);
  CHECK(parse_format("github") == Format::github);
  CHECK(parse_format("markdown") == Format::markdown);
  CHECK(parse_format("SARIF") == std::nullopt);
  CHECK(parse_format("") == std::nullopt);
  CHECK(parse_format("html") == std::nullopt);
}
