// Every format against input strings built to break it (samples::k_hostile): quotes, CR/LF, ANSI
// and OSC escapes, a C1 CSI, workflow-command syntax, Markdown/HTML, %, invalid UTF-8, bidi
// override.
#include "sample_reports.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace tfkms::report;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

bool has_raw_control(std::string_view text, std::string_view allowed) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 || c == 0x7F) && allowed.find(static_cast<char>(c)) == std::string_view::npos)
      return true;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      return true; // C1 control
    }
    if (text.substr(i, 3) == "\xe2\x80\xae")
      return true; // right-to-left override
  }
  return false;
}

} // namespace

TEST_CASE("hostile input: text has no raw control characters", "[report][hostile]") {
  const std::string out = samples::render(Format::text, samples::hostile());
  CHECK_FALSE(has_raw_control(out, "\n"));
  CHECK(out.find("\\x1b[31mred") != std::string::npos);
  // Every line is one of ours: a file header, a finding, an indented detail, a diagnostic, the
  // summary.
  for (const std::string& line : lines(out)) {
    const bool ours = line.empty() || line.rfind("repo/", 0) == 0 || line.rfind("    ", 0) == 0 ||
                      line.rfind("tfkms: ", 0) == 0 || line.rfind("1 finding", 0) == 0;
    CHECK(ours);
  }
}

TEST_CASE("hostile input: json stays valid and keeps the text", "[report][hostile]") {
  const std::string out = samples::render(Format::json, samples::hostile());
  nlohmann::json document;
  REQUIRE_NOTHROW(document = nlohmann::json::parse(out));
  const std::string resource = document["findings"][0]["resource"];
  CHECK(resource.find("<script>alert(1)</script>") != std::string::npos);
  CHECK(resource.find("\r\n::error::injected\x1b[31mred") != std::string::npos);
  CHECK(resource.find("\xef\xbf\xbd") != std::string::npos); // invalid bytes replaced by U+FFFD
}

TEST_CASE("hostile input: sarif stays valid with encoded uris", "[report][hostile]") {
  const std::string out = samples::render(Format::sarif, samples::hostile());
  nlohmann::json log;
  REQUIRE_NOTHROW(log = nlohmann::json::parse(out));
  const auto& result = log["runs"][0]["results"][0];
  const std::string uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
  for (const char c : uri) {
    const bool plain = std::isalnum(static_cast<unsigned char>(c)) ||
                       std::string_view("-._~/%").find(c) != std::string_view::npos;
    CHECK(plain);
  }
  CHECK(uri.rfind("infra/x%22%27%60%7C%3Cscript%3E", 0) == 0);
  CHECK_FALSE(result.contains("suppressions"));
  CHECK(log["runs"][0]["results"][1]["suppressions"][0]["justification"].get<std::string>().find(
            "<script>") != std::string::npos);
}

TEST_CASE("hostile input: each annotation is one workflow command line", "[report][hostile]") {
  const std::string out = samples::render(Format::github, samples::hostile());
  INFO(out);
  CHECK(out.find('\r') == std::string::npos);
  CHECK_FALSE(has_raw_control(out, "\n"));
  const std::vector<std::string> all = lines(out);
  REQUIRE(all.size() == 3); // the diagnostic, the unsuppressed finding, the summary
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string& line = all[i];
    CHECK(line.rfind("::error ", 0) == 0);
    // The properties end at the first "::" after the command; nothing from the input may contain
    // one before the data, and the data itself starts after it.
    const std::size_t data = line.find("::", 2);
    REQUIRE(data != std::string::npos);
    const std::string properties = line.substr(8, data - 8);
    CHECK(properties.find(':') == std::string::npos);
    CHECK(properties.find("pwned%2C\\r\\n%3A%3Aerror%3A%3Ainjected\\x1b[31mred") !=
          std::string::npos);
    CHECK(line.substr(data).find("\\r\\n::error::injected\\x1b[31mred") != std::string::npos);
  }
  CHECK(all[1].find("file=infra/x\"'`|<script>alert(1)</"
                    "script>%250A%2525%3A%3Awarning%3A%3Apwned%2C\\r\\n") != std::string::npos);
  CHECK(all[2].rfind("tfkms: 1 finding", 0) == 0);
}

TEST_CASE("hostile input: markdown keeps the table and renders no html", "[report][hostile]") {
  const std::string out = samples::render(Format::markdown, samples::hostile());
  CHECK(out.find("<script>") == std::string::npos);
  CHECK(out.find("&lt;script&gt;") != std::string::npos);
  CHECK_FALSE(has_raw_control(out, "\n"));
  // Table rows keep exactly their four cells: every '|' from the input is escaped.
  for (const std::string& line : lines(out)) {
    if (line.rfind("| ", 0) != 0)
      continue;
    std::size_t bars = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '|' && (i == 0 || line[i - 1] != '\\'))
        ++bars;
    }
    CHECK(bars == 5);
  }
  // The only raw HTML is our own <details>/<summary>.
  for (const std::string& line : lines(out)) {
    const std::size_t open = line.find('<');
    if (open == std::string::npos)
      continue;
    CHECK((line.rfind("<details><summary>", 0) == 0 || line == "</details>"));
  }
  // Backticks from the input are escaped, so no code span or fence can swallow the structure.
  for (std::size_t at = out.find('`'); at != std::string::npos; at = out.find('`', at + 1)) {
    CHECK(out[at - 1] == '\\');
  }
}
