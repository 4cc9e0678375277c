#include "report/escape.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string_view>

using namespace tfkms::report;

TEST_CASE("terminal_safe shows control characters instead of passing them", "[report]") {
  CHECK(terminal_safe("plain text, ünïcode") == "plain text, ünïcode");
  CHECK(terminal_safe("a\x1b[31mb") == "a\\x1b[31mb");
  CHECK(terminal_safe("line\nbreak\r\t") == "line\\nbreak\\r\\t");
  CHECK(terminal_safe("del\x7f") == "del\\x7f");
  CHECK(terminal_safe("csi\xc2\x9b"
                      "2J") == "csi\\x9b2J"); // C1 control U+009B
  CHECK(terminal_safe("rtl\xe2\x80\xae"
                      "cba") == "rtl\\u202ecba");           // right-to-left override
  CHECK(terminal_safe("bad \xff byte") == "bad \xff byte"); // not a control: left alone
}

TEST_CASE("TerminalSafe streams what terminal_safe returns", "[report]") {
  for (const std::string_view text : {"plain text", "a\x1b[31mb", "line\nbreak",
                                      "rtl\xe2\x80\xae"
                                      "cba",
                                      ""}) {
    std::ostringstream out;
    out << TerminalSafe{text} << '|';
    CHECK(out.str() == terminal_safe(text) + "|");
  }
}

TEST_CASE("workflow command escaping keeps a command on one line", "[report]") {
  CHECK(workflow_data("100% done\r\nnext") == "100%25 done%0D%0Anext");
  CHECK(workflow_data("a::b,c") == "a::b,c");
  CHECK(workflow_property("a::b,c") == "a%3A%3Ab%2Cc");
  CHECK(workflow_property("%3A") == "%253A"); // % first, so an encoded-looking value stays literal
}

TEST_CASE("markdown_inline renders input literally", "[report]") {
  CHECK(markdown_inline("a|b") == "a\\|b");
  CHECK(markdown_inline("<script>") == "&lt;script&gt;");
  CHECK(markdown_inline("a & b") == "a &amp; b");
  CHECK(markdown_inline("`code` *em* [x](y)") == "\\`code\\` \\*em\\* \\[x\\]\\(y\\)");
  CHECK(markdown_inline("two\nlines") == "two lines");
  CHECK(markdown_inline("esc\x1b") == "esc\\\\x1b");
  CHECK(markdown_inline("aws_kms_key") == "aws\\_kms\\_key");
}

TEST_CASE("truncate_utf8 cuts between characters", "[report]") {
  CHECK(truncate_utf8("short", 10) == "short");
  CHECK(truncate_utf8("abcdefghij", 8) == "abcde...");
  // "é" is two bytes; a cut inside it backs up to before it.
  const std::string cut = truncate_utf8("aaaé"
                                        "bbbb",
                                        7);
  CHECK(cut == "aaa...");
  CHECK(truncate_utf8("abcdef", 2) == "..");
}
