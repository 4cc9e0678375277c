#include "loaders/cloudformation_document.hpp"

#include <catch2/catch.hpp>

using namespace tfkms;
using loaders::cfn::Node;
using loaders::cfn::read_document;

namespace {

std::shared_ptr<const Node> read(std::string_view text, const loaders::Limits& limits = {}) {
  auto document = read_document(text, "t.yaml", limits);
  if (!document)
    FAIL(document.error().to_string());
  return document.value().root;
}

// Ten levels of nine aliases each: 9^10 (3.5 billion) nodes once expanded.
std::string billion_laughs() {
  std::string text = "l0: &l0 lol\n";
  for (int level = 1; level <= 10; ++level) {
    const std::string previous = "*l" + std::to_string(level - 1);
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 9; ++i)
      text += (i ? ", " : "") + previous;
    text += "]\n";
  }
  return text + "Resources: {}\n";
}

} // namespace

TEST_CASE("YAML nodes keep their line and column", "[loaders][cloudformation]") {
  const auto root = read("Resources:\n  Key:\n    Type: AWS::KMS::Key\n");
  const Node* resources = root->find("Resources");
  REQUIRE(resources);
  CHECK(resources->key_position("Key").line == 2);
  CHECK(resources->key_position("Key").column == 3);
  const Node* type = resources->find("Key")->find("Type");
  CHECK(type->text == "AWS::KMS::Key");
  CHECK(type->line == 3);
  CHECK(type->column == 11);
}

TEST_CASE("JSON is read with positions too", "[loaders][cloudformation]") {
  const auto root =
      read("{\n  \"Resources\": {\n    \"Key\": {\"Type\": \"AWS::KMS::Key\"}\n  }\n}\n");
  const Node* resources = root->find("Resources");
  REQUIRE(resources);
  CHECK(resources->key_position("Key").line == 3);
  CHECK(resources->find("Key")->find("Type")->text == "AWS::KMS::Key");
}

TEST_CASE("short-form tags read as the long form", "[loaders][cloudformation]") {
  const auto root = read(
      "A: !Sub 'x-${AWS::Region}'\nB: !GetAtt Key.Arn\nC: !Ref Env\nD: !If [C, !Condition X, y]\n");
  const Node* a = root->find("A");
  REQUIRE(a->is_mapping());
  CHECK(a->keys == std::vector<std::string>{"Fn::Sub"});
  CHECK(a->items[0]->text == "x-${AWS::Region}");
  CHECK(a->key_positions.size() ==
        a->keys.size()); // a tagged value where a mapping is expected is read safely
  CHECK(a->key_position("Fn::Sub").line == 1);
  CHECK(root->find("B")->keys == std::vector<std::string>{"Fn::GetAtt"});
  CHECK(root->find("C")->keys == std::vector<std::string>{"Ref"});
  const Node* d = root->find("D");
  CHECK(d->keys == std::vector<std::string>{"Fn::If"});
  CHECK(d->items[0]->items[1]->keys == std::vector<std::string>{"Condition"});
  const char* tags[] = {"!Ref",         "!Sub",    "!GetAtt", "!Join",   "!Select",   "!Split",
                        "!If",          "!Equals", "!And",    "!Or",     "!Not",      "!FindInMap",
                        "!ImportValue", "!Base64", "!Cidr",   "!GetAZs", "!Condition"};
  for (const std::string tag : tags) {
    const auto tagged = read("V: " + tag + " x\n");
    const std::string expected =
        tag == "!Ref" || tag == "!Condition" ? tag.substr(1) : "Fn::" + tag.substr(1);
    CHECK(tagged->find("V")->keys == std::vector<std::string>{expected});
  }
}

TEST_CASE("a duplicate key keeps the last value and warns", "[loaders][cloudformation]") {
  auto document = read_document("A: 1\nA: 2\n", "t.yaml", {});
  REQUIRE(document);
  CHECK(document.value().root->find("A")->text == "2");
  REQUIRE(document.value().warnings.size() == 1);
  CHECK(document.value().warnings[0].line == 2);
}

TEST_CASE("invalid YAML is refused with its position", "[loaders][cloudformation]") {
  const auto document = read_document("Resources:\n  Key: [unclosed\n", "bad.yaml", {});
  REQUIRE_FALSE(document);
  CHECK(document.error().file == "bad.yaml");
  CHECK(document.error().line.has_value());
  CHECK(document.error().message.find("not valid YAML") != std::string::npos);
}

TEST_CASE("billion laughs is refused while parsing", "[loaders][cloudformation]") {
  const auto document = read_document(billion_laughs(), "laughs.yaml", {});
  REQUIRE_FALSE(document);
  CHECK(document.error().message.find("expands to more than") != std::string::npos);
  CHECK(document.error().line.has_value());
}

TEST_CASE("aliases are shared, counted and bounded", "[loaders][cloudformation]") {
  const std::string text = "a: &x {k: v}\nb: *x\nc: *x\nd: *x\n";
  const auto root = read(text);
  CHECK(root->find("b") == root->find("a"));
  loaders::Limits limits;
  limits.max_yaml_aliases = 2;
  const auto document = read_document(text, "t.yaml", limits);
  REQUIRE_FALSE(document);
  CHECK(document.error().line == 4);
}

TEST_CASE("a recursive alias is refused", "[loaders][cloudformation]") {
  CHECK_FALSE(read_document("a: &x [1, *x]\n", "t.yaml", {}));
}

TEST_CASE("deep nesting is refused", "[loaders][cloudformation]") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const auto document = read_document(deep, "deep.json", {});
  REQUIRE_FALSE(document);
  CHECK(document.error().message.find("nesting deeper than 256") != std::string::npos);
  // Aliases cannot add levels beyond the limit either.
  loaders::Limits limits;
  limits.max_depth = 5;
  CHECK(read("a: &x [[[1]]]\nb: *x\n", limits)->find("b")->height == 4);
  CHECK_FALSE(read_document("a: &x [[[1]]]\nb: [[*x]]\n", "t.yaml", limits));
}

TEST_CASE("an overlong scalar is refused", "[loaders][cloudformation]") {
  loaders::Limits limits;
  limits.max_string_bytes = 10;
  CHECK_FALSE(read_document("a: " + std::string(11, 'x') + "\n", "t.yaml", limits));
}
