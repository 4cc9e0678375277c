#include "report/json_printer.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using tfkms::report::JsonPrinter;
using tfkms::report::PrintBuffer;
using Json = nlohmann::ordered_json;

namespace {

/// What nlohmann's dump(2) prints for `value`: the printer's reference.
std::string dumped(const Json& value) {
  return value.dump(2, ' ', false, Json::error_handler_t::replace);
}

/// `text` printed as a string by a printer.
std::string printed_string(std::string_view text) {
  std::ostringstream out;
  {
    JsonPrinter printer(out, 0);
    printer.string(text);
  }
  return out.str();
}

/// {"value": `text` as compact JSON} printed by a printer.
std::string printed_compact(std::string_view text) {
  std::ostringstream out;
  {
    JsonPrinter printer(out, 0);
    printer.begin_object();
    printer.key("value");
    printer.compact_json(text);
    printer.end_object();
  }
  return out.str();
}

/// Members "empty_object": {}, "empty_array": [] and "nested": [{"a": [`text`, -12, true, null]}].
void print_empty_and_nested(JsonPrinter& printer, std::string_view text) {
  printer.key("empty_object");
  printer.begin_object();
  printer.end_object();
  printer.key("empty_array");
  printer.begin_array();
  printer.end_array();
  printer.key("nested");
  printer.begin_array();
  printer.begin_object();
  printer.key("a");
  printer.begin_array();
  printer.string(text);
  printer.number(-12);
  printer.boolean(true);
  printer.null();
  printer.end_array();
  printer.end_object();
  printer.end_array();
}

std::string expected_compact(std::string_view text) {
  return dumped(Json{{"value", Json::parse(text)}});
}

/// Pseudo-random text mixing ASCII letters, every character dump() escapes, valid multi-byte UTF-8
/// (U+2028 among it) and bytes that are not valid UTF-8.
std::string mixed_text(std::uint64_t& state, std::size_t length) {
  static const std::vector<std::string> pieces = {"a",
                                                  "Z",
                                                  " ",
                                                  "\"",
                                                  "\\",
                                                  "\n",
                                                  "\t",
                                                  "\b",
                                                  "\f",
                                                  "\r",
                                                  std::string(1, '\0'),
                                                  "\x01",
                                                  "\x1f",
                                                  "\x7f",
                                                  "/",
                                                  "\xc3\xa9",
                                                  "\xe2\x80\xa8",
                                                  "\xf0\x9f\x94\x91",
                                                  "\xff",
                                                  "\xc3",
                                                  "\xed\xa0\x80",
                                                  "\xe2\x80",
                                                  "plain words of text"};
  std::string out;
  while (out.size() < length) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    out += pieces[(state >> 33) % pieces.size()];
  }
  return out;
}

/// A buffer that lends a put area of `size` bytes and keeps what is handed on from it.
class LendingBuffer final : public PrintBuffer {
public:
  explicit LendingBuffer(std::size_t size) : m_area(size) { reset(); }

  std::string text() {
    sync();
    return m_text;
  }

protected:
  int_type overflow(int_type byte) override {
    sync();
    if (!traits_type::eq_int_type(byte, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(byte);
      pbump(1);
    }
    return traits_type::not_eof(byte);
  }
  int sync() override {
    m_text.append(pbase(), pptr());
    reset();
    return 0;
  }

private:
  void reset() { setp(m_area.data(), m_area.data() + m_area.size()); }

  std::vector<char> m_area;
  std::string m_text;
};

/// A document with pieces short and long, then a write by another writer, then one more line;
/// returns what the printer counted.
std::size_t print_with_a_writer_between(std::ostream& out) {
  JsonPrinter printer(out, 0);
  printer.begin_object();
  printer.key("short");
  printer.string("x");
  printer.key("long");
  printer.string(std::string(100, 'l') + "\"quoted\" \n");
  printer.key("numbers");
  printer.begin_array();
  for (int i = 0; i < 50; ++i)
    printer.number(i * 1'000'003);
  printer.end_array();
  printer.end_object();
  printer.flush();
  out << "|between|";
  printer.end_line();
  return printer.printed();
}

} // namespace

TEST_CASE("json printer writes strings as nlohmann's dump does", "[report][json_printer]") {
  for (const std::string& text : std::vector<std::string>{
           "", "plain", "with \"quotes\" and \\ backslash", "line\nbreak\ttab\rreturn\bback\fform",
           std::string("nul\0inside", 10), "\x01\x02\x1e\x1f\x7f", "caf\xc3\xa9", "\xe2\x80\xa8",
           "\xe2\x80\xa9 separators", "\xf0\x9f\x94\x91 key"}) {
    INFO(text);
    CHECK(printed_string(text) == dumped(Json(text)));
  }
}

TEST_CASE("json printer replaces invalid UTF-8 as nlohmann's dump does", "[report][json_printer]") {
  for (const std::string& text : std::vector<std::string>{
           "\xff", "ab\xc3", "\xc3(", "\xed\xa0\x80 surrogate", "\xc0\xaf overlong",
           "\xf4\x90\x80\x80 beyond U+10FFFF", "ok \"then\" bad \xfe", "\xe2\x80 cut\n"}) {
    INFO(text);
    CHECK(printed_string(text) == dumped(Json(text)));
  }
}

TEST_CASE("json printer escapes a character at every place in a word", "[report][json_printer]") {
  // The search tests sixteen bytes at a time: a special byte at each offset of a vector, and runs
  // that end inside one, must all be found; bytes next to the bounds of what is special must not.
  for (std::size_t length = 1; length <= 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (const std::string_view special :
           {"\"", "\\", "\n", "\x1f", "\x01", " ", "\x7f", "\xc3\xa9", "\xef\xbf\xbf"}) {
        std::string text(length, 'x');
        text.replace(at, 1, special);
        INFO(length << " " << at);
        REQUIRE(printed_string(text) == dumped(Json(text)));
      }
    }
  }
}

TEST_CASE("json printer matches dump on mixed and long text", "[report][json_printer]") {
  std::uint64_t state = 20261206;
  for (std::size_t length : {3, 17, 64, 250, 1000}) {
    for (int sample = 0; sample < 200; ++sample) {
      const std::string text = mixed_text(state, length);
      REQUIRE(printed_string(text) == dumped(Json(text)));
    }
  }
  // Longer than the printer's 64 KB block, escaped or not.
  const std::string plain(200'000, 'p');
  CHECK(printed_string(plain) == dumped(Json(plain)));
  std::string quoted = plain;
  for (std::size_t at = 0; at < quoted.size(); at += 997)
    quoted[at] = '"';
  CHECK(printed_string(quoted) == dumped(Json(quoted)));
}

TEST_CASE("json printer writes numbers and literals as dump does", "[report][json_printer]") {
  std::ostringstream out;
  {
    JsonPrinter printer(out, 0);
    printer.begin_array();
    printer.number(0);
    printer.number(-1);
    printer.number(std::numeric_limits<std::int64_t>::min());
    printer.number(std::numeric_limits<std::int64_t>::max());
    printer.number(std::numeric_limits<std::uint64_t>::max());
    printer.number(std::uint32_t{4'294'967'295});
    printer.boolean(true);
    printer.boolean(false);
    printer.null();
    printer.end_array();
  }
  const Json expected = {0,
                         -1,
                         std::numeric_limits<std::int64_t>::min(),
                         std::numeric_limits<std::int64_t>::max(),
                         std::numeric_limits<std::uint64_t>::max(),
                         std::uint32_t{4'294'967'295},
                         true,
                         false,
                         nullptr};
  CHECK(out.str() == dumped(expected));
}

TEST_CASE("json printer lays out nested values as dump(2) does", "[report][json_printer]") {
  std::ostringstream out;
  std::size_t before_last = 0;
  {
    JsonPrinter printer(out, 0);
    printer.begin_object();
    print_empty_and_nested(printer, "x");
    before_last = printer.printed();
    printer.key("tree");
    printer.json(nlohmann::json{{"b", {1, 2}}, {"a", nullptr}});
    printer.end_object();
    printer.end_line();
  }
  const Json expected = {{"empty_object", Json::object()},
                         {"empty_array", Json::array()},
                         {"nested", {{{"a", {"x", -12, true, nullptr}}}}},
                         {"tree", nlohmann::json{{"b", {1, 2}}, {"a", nullptr}}}};
  CHECK(out.str() == dumped(expected) + "\n");
  CHECK(out.str().substr(before_last).starts_with(",\n  \"tree\": {"));
}

TEST_CASE("json printer counts what it printed, flushed or not", "[report][json_printer]") {
  std::ostringstream out;
  JsonPrinter printer(out, 0);
  printer.begin_array();
  for (int i = 0; i < 20'000; ++i) // past one 64 KB block
    printer.string("element");
  CHECK(printer.printed() > 64 * 1024);
  CHECK(out.str().size() < printer.printed()); // part of it is still in the block
  printer.end_array();
  printer.flush();
  CHECK(printer.printed() == out.str().size());
}

TEST_CASE("json printer starts values at the depth it is given", "[report][json_printer]") {
  std::ostringstream out;
  {
    JsonPrinter printer(out, 2);
    printer.begin_object();
    printer.key("k");
    printer.compact_json(R"({"a":[1,{"b":"c"}]})");
    printer.end_object();
  }
  const std::string whole = dumped(Json{{"x", {{"y", {{"k", {{"a", {1, {{"b", "c"}}}}}}}}}}});
  // The value of "y" stands two levels deep: the printer's text is that value as the whole
  // document prints it.
  const std::size_t start = whole.find("{\n      \"k\"");
  REQUIRE(start != std::string::npos);
  CHECK(whole.substr(start).starts_with(out.str()));
}

TEST_CASE("json printer re-indents compact JSON as dump(2) prints it", "[report][json_printer]") {
  for (const std::string_view text :
       {R"({"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-123"}}})", R"([])", R"({})",
        R"(["kms:Decrypt","kms:Encrypt"])", R"({"a":[],"b":{},"c":[[],[{}]]})",
        R"({"n":-12,"t":true,"f":false,"z":null,"i":0,"s":"a\"b\\c\n\u001f"})",
        R"("just a string")", R"(42)", "{\"k\":\"caf\xc3\xa9 \xe2\x80\xa8\"}"}) {
    INFO(text);
    CHECK(printed_compact(text) == expected_compact(text));
  }
}

TEST_CASE("json printer parses compact JSON it cannot copy as it is", "[report][json_printer]") {
  // Each is JSON that dump() would print differently once parsed: the printer must notice and
  // print what parsing gives.
  for (const std::string_view text :
       {R"({"a": 1})", R"([1.50,2e3,-0,0.0])", R"({"b":1,"a":2})", R"({"a":1,"a":2})",
        R"({"u":"\u0041\/\u00E9"})", R"({"x":"\u000a"})", R"({"k":"caf\u00e9"})",
        R"(12345678901234567890)", R"( {"a":1} )", R"({"v":"\ud83d\udd11"})"}) {
    INFO(text);
    CHECK(printed_compact(text) == expected_compact(text));
  }
  std::string deep;
  for (int i = 0; i < 70; ++i)
    deep += '[';
  for (int i = 0; i < 70; ++i)
    deep += ']';
  CHECK(printed_compact(deep) == expected_compact(deep));
  CHECK_THROWS_AS(printed_compact("{\"a\":"), nlohmann::json::parse_error);
}

TEST_CASE("json printer's compact layout prints as dump() does", "[report][json_printer]") {
  std::ostringstream out;
  std::uint64_t state = 7;
  const std::string text = mixed_text(state, 300);
  {
    JsonPrinter printer(out, 3, JsonPrinter::Layout::compact); // depth does not matter compact
    printer.begin_object();
    print_empty_and_nested(printer, text);
    printer.key("tree");
    printer.json(nlohmann::json{{"b", {1, 2}}, {"a", nullptr}});
    printer.key("copied");
    printer.compact_json(R"({"Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-1","o-2"]}}})");
    printer.key("parsed");
    printer.compact_json(R"({"b": 1.50, "a": "\u0041"})");
    printer.end_object();
    printer.end_line();
  }
  const Json expected = {
      {"empty_object", Json::object()},
      {"empty_array", Json::array()},
      {"nested", {{{"a", {text, -12, true, nullptr}}}}},
      {"tree", nlohmann::json{{"b", {1, 2}}, {"a", nullptr}}},
      {"copied",
       Json::parse(R"({"Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-1","o-2"]}}})")},
      {"parsed", Json::parse(R"({"b": 1.50, "a": "\u0041"})")}};
  CHECK(out.str() == expected.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n");
}

TEST_CASE("json printer copies members printed compact before", "[report][json_printer]") {
  const std::string location = JsonPrinter::compact_members([](JsonPrinter& printer) {
    printer.key("location");
    printer.begin_object();
    printer.key("uri");
    printer.string("dir/\"quoted\".json");
    printer.end_object();
  });
  CHECK(location == R"("location":{"uri":"dir/\"quoted\".json"})");
  const std::string none = JsonPrinter::compact_members([](JsonPrinter&) {});
  CHECK(none.empty());

  std::ostringstream out;
  {
    JsonPrinter printer(out, 0, JsonPrinter::Layout::compact);
    printer.begin_array();
    for (int id = 1; id <= 2; ++id) {
      printer.begin_object();
      printer.printed_member(location); // first member, then after one
      printer.key("id");
      printer.number(id);
      printer.end_object();
    }
    printer.begin_object();
    printer.key("id");
    printer.number(3);
    printer.printed_member(location);
    printer.end_object();
    printer.end_array();
  }
  CHECK(out.str() == R"([{"location":{"uri":"dir/\"quoted\".json"},"id":1},)"
                     R"({"location":{"uri":"dir/\"quoted\".json"},"id":2},)"
                     R"({"id":3,"location":{"uri":"dir/\"quoted\".json"}}])");

  std::ostringstream indented_out;
  JsonPrinter indented(indented_out, 0);
  indented.begin_object();
  CHECK_THROWS_AS(indented.printed_member(location), std::logic_error);
}

TEST_CASE("json printer prints in place into a buffer that lends its put area",
          "[report][json_printer]") {
  std::ostringstream reference;
  const std::size_t printed = print_with_a_writer_between(reference);
  // Areas shorter than most pieces, than some, and longer than all: a piece that does not fit
  // what is left of the area goes through the stream, and the next is printed in place again.
  for (const std::size_t size : {1, 7, 16, 64, 4096}) {
    INFO(size);
    LendingBuffer buffer(size);
    std::ostream out(&buffer);
    CHECK(print_with_a_writer_between(out) == printed);
    CHECK(buffer.text() == reference.str());
  }
}
