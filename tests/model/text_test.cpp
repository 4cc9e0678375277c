#include "model/text.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <limits>
#include <string>

using tfkms::model::append_decimal;
using tfkms::model::joined;

TEST_CASE("joined puts the pieces one after another", "[model][text]") {
  CHECK(joined({}).empty());
  CHECK(joined({"/Statement", "/", "12"}) == "/Statement/12");
  CHECK(joined({"", "a", ""}) == "a");
}

TEST_CASE("append_decimal writes a number after what is there", "[model][text]") {
  std::string out = "statement ";
  append_decimal(out, 0);
  CHECK(out == "statement 0");
  out.clear();
  append_decimal(out, 9);
  append_decimal(out, 10);
  append_decimal(out, 1234567);
  CHECK(out == "9101234567");
  out = "max ";
  append_decimal(out, std::numeric_limits<std::size_t>::max());
  CHECK(out == "max " + std::to_string(std::numeric_limits<std::size_t>::max()));
}
