#include "loaders/input.hpp"
#include "loaders/loaders.hpp"
#include "temp_file.hpp"

#include <catch2/catch.hpp>

namespace {

using tfkms::loaders::detect_kind;
using tfkms::loaders::InputKind;
using tfkms::loaders::load_file;
using tfkms::loaders::LoadOptions;

using tfkms::test::TempFile;

const std::string k_plan = R"({
  "format_version": "1.2",
  "resource_changes": [{"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k",
    "change": {"actions": ["create"], "after": {"description": "caf\u00e9 \u2603 key"}, "after_unknown": {"arn": true}}}]
})";

std::string utf16(std::string_view ascii_or_utf8, bool little_endian) {
  // Enough for the test text: decode UTF-8 to code points (all in the BMP here).
  std::string out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
  for (std::size_t i = 0; i < ascii_or_utf8.size();) {
    const auto c = static_cast<unsigned char>(ascii_or_utf8[i]);
    char32_t cp = c;
    std::size_t length = 1;
    if (c >= 0xE0)
      cp = c & 0x0F, length = 3;
    else if (c >= 0xC0)
      cp = c & 0x1F, length = 2;
    for (std::size_t k = 1; k < length; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(ascii_or_utf8[i + k]) & 0x3F);
    i += length;
    const char high = static_cast<char>(cp >> 8), low = static_cast<char>(cp & 0xFF);
    out += little_endian ? std::string{low, high} : std::string{high, low};
  }
  return out;
}

tfkms::model::Diagnostic load_error(const std::string& name, std::string_view bytes) {
  const TempFile file(name, bytes);
  auto input = load_file(file.path(), LoadOptions{});
  REQUIRE_FALSE(input);
  CHECK(input.error().file == file.path());
  return input.error();
}

} // namespace

TEST_CASE("UTF-8 with and without BOM and UTF-16 LE/BE with BOM load the same plan",
          "[loaders][input]") {
  for (const auto& [name, bytes] : {std::pair{"plain.json", k_plan},
                                    {"bom.json", "\xEF\xBB\xBF" + k_plan},
                                    {"utf16le.json", utf16(k_plan, true)},
                                    {"utf16be.json", utf16(k_plan, false)},
                                    {"utf16le-nobom.json", utf16(k_plan, true).substr(2)}}) {
    INFO(name);
    const TempFile file(name, bytes);
    auto input = load_file(file.path(), LoadOptions{});
    REQUIRE(input);
    CHECK(input.value().kind == InputKind::terraform_plan);
    REQUIRE(input.value().graph.keys.size() == 1);
    CHECK(input.value().graph.keys[0].source.address == "aws_kms_key.k");
  }
}

// From 8 MB on, reading asks the allocator for huge pages; without mimalloc, as here, it asks
// nothing.
TEST_CASE("a plan of more than 8 MB loads as a small one does", "[loaders][input]") {
  const TempFile file("large.json", k_plan + std::string(std::size_t{9} << 20, ' '));
  auto input = load_file(file.path(), LoadOptions{});
  REQUIRE(input);
  REQUIRE(input.value().graph.keys.size() == 1);
  CHECK(input.value().graph.keys[0].source.address == "aws_kms_key.k");
}

TEST_CASE("unreadable text is refused with its position", "[loaders][input]") {
  SECTION("invalid UTF-8") {
    const auto error = load_error("latin1.json", "{\n  \"a\": \"caf\xE9\"\n}");
    CHECK(error.line == 2u);
    CHECK(error.column == 12u);
    CHECK_THAT(error.message, Catch::Contains("UTF-8"));
  }
  // JSON proved UTF-8 while indexed is not read again for it: each way the index may miss or stop
  // early must still be caught.
  SECTION("invalid UTF-8 after a well-formed JSON document, in a key, or as a surrogate") {
    const auto trailing = load_error("trailing.json", "{\"a\": 1}\n\xC0\x80");
    CHECK(trailing.line == 2u);
    CHECK(trailing.column == 1u);
    CHECK_THAT(trailing.message, Catch::Contains("UTF-8"));
    CHECK(load_error("key.json", "{\"\xFF\": 1}").column == 3u);
    CHECK(load_error("surrogate.json", "[\"\xED\xA0\x80\"]").column == 3u);
    CHECK(load_error("latin1.yaml", "Resources:\n  caf\xE9: {}\n").line == 2u);
  }
  SECTION("NUL byte") {
    const auto error = load_error("nul.json", std::string("{\"a\":\n \"x\0\"}", 12));
    CHECK(error.line == 2u);
    CHECK_THAT(error.message, Catch::Contains("NUL"));
    const auto outside = load_error("nul-outside.json", std::string("{\"a\": 1}\n\0", 10));
    CHECK(outside.line == 2u);
    CHECK_THAT(outside.message, Catch::Contains("NUL"));
  }
  SECTION("empty file") {
    CHECK_THAT(load_error("empty.json", "").message, Catch::Contains("empty"));
  }
  SECTION("blank file") {
    CHECK_THAT(load_error("blank.json", " \n\n").message, Catch::Contains("empty"));
  }
  SECTION("UTF-16 BOM with nothing after it") {
    CHECK_THAT(load_error("bom-only.json", "\xFF\xFE").message, Catch::Contains("empty"));
    CHECK_THAT(load_error("bom-blank.json", std::string("\xFE\xFF\0 \0\n", 6)).message,
               Catch::Contains("empty"));
  }
  SECTION("UTF-16 text holding U+0000") {
    CHECK_THAT(load_error("utf16-nul.json", std::string("\xFF\xFE{\0\0\0}\0", 8)).message,
               Catch::Contains("NUL"));
  }
  SECTION("unpaired UTF-16 surrogate") {
    CHECK_THAT(load_error("surrogate.json", std::string("\xFF\xFE{\0\x00\xD8}\0", 8)).message,
               Catch::Contains("surrogate"));
  }
  SECTION("missing file") {
    CHECK_THAT(load_file("/nonexistent/plan.json", LoadOptions{}).error().message,
               Catch::Contains("cannot open"));
  }
  SECTION("over the size limit") {
    const TempFile file("big.json", k_plan);
    LoadOptions options;
    options.limits.max_input_bytes = 10;
    auto input = load_file(file.path(), options);
    REQUIRE_FALSE(input);
    CHECK_THAT(input.error().message, Catch::Contains("limit"));
  }
}

TEST_CASE("malformed JSON is refused at the line and column of the error", "[loaders][input]") {
  const auto error = load_error(
      "malformed.json", "{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [,]\n}\n");
  CHECK(error.line == 3u);
  CHECK(error.column == 24u);
  CHECK_THAT(error.message, Catch::Contains("malformed JSON"));
  const auto truncated =
      load_error("truncated.json", "{\"format_version\": \"1.2\", \"resource_changes\": [");
  CHECK(truncated.line == 1u);
}

TEST_CASE("the kind of an input is told from its content", "[loaders][input]") {
  const auto kind_of = [](std::string_view text, const std::string& path = "x.json") {
    auto input = tfkms::loaders::decode_input(text, path);
    REQUIRE(input);
    return detect_kind(input.value(), path);
  };
  CHECK(kind_of(k_plan).value() == InputKind::terraform_plan);
  CHECK(kind_of(R"({"format_version":"1.0","values":{"root_module":{}}})").value() ==
        InputKind::terraform_state);
  CHECK(kind_of(R"({"Resources":{"K":{"Type":"AWS::KMS::Key"}}})").value() ==
        InputKind::cloudformation_json);
  CHECK(kind_of(R"({"AWSTemplateFormatVersion":"2010-09-09"})").value() ==
        InputKind::cloudformation_json);
  CHECK(kind_of("Resources:\n  K:\n    Type: AWS::KMS::Key\n", "t.yaml").value() ==
        InputKind::cloudformation_yaml);
  CHECK(kind_of("{Resources: {K: {Type: 'AWS::KMS::Key'}}}", "t.yaml").value() ==
        InputKind::cloudformation_yaml);

  const auto other = kind_of(R"({"name": "my-package", "version": "1.0.0"})");
  REQUIRE_FALSE(other);
  CHECK_THAT(other.error().message,
             Catch::Contains("neither a Terraform plan") && Catch::Contains("name, version"));
  CHECK_FALSE(kind_of("[1, 2]"));
  CHECK_FALSE(kind_of(R"({"format_version":"1.0"})"));
}

TEST_CASE("find_inputs lists JSON and YAML files below a directory, sorted", "[loaders][input]") {
  const auto files =
      tfkms::loaders::find_inputs(std::string(TFKMS_SOURCE_DIR) + "/fixtures/loaders/terraform");
  REQUIRE(files.size() >= 2);
  CHECK(std::is_sorted(files.begin(), files.end()));
  CHECK(std::all_of(files.begin(), files.end(),
                    [](const std::string& f) { return f.ends_with(".json"); }));
}

TEST_CASE("CloudFormation templates are handed to the CloudFormation loader", "[loaders][input]") {
  const TempFile yaml("template.yaml", "\xEF\xBB\xBFResources:\n  Key:\n    Type: AWS::KMS::Key\n");
  auto input = load_file(yaml.path(), LoadOptions{});
  REQUIRE(input);
  CHECK(input.value().kind == InputKind::cloudformation_yaml);
  CHECK(input.value().graph.keys.size() == 1);
  const TempFile json("template.json", R"({"Resources": {"Key": {"Type": "AWS::KMS::Key"}}})");
  auto from_json = load_file(json.path(), LoadOptions{});
  REQUIRE(from_json);
  CHECK(from_json.value().kind == InputKind::cloudformation_json);
}
