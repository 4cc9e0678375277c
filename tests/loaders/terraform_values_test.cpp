// Resource values and policy texts are read with simdjson and copied into nlohmann trees
// (loaders/json_tree.hpp): the trees must be exactly those nlohmann's own parser builds, number
// types included, since attributes and policies are compared and printed from them.
#include "loaders/input.hpp"
#include "loaders/json_tree.hpp"
#include "loaders/terraform_document.hpp"
#include "loaders/terraform_policy.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <optional>

namespace {

using nlohmann::json;

// Equal values of equal types all the way down (json's operator== equates 0 and 0u, 1 and 1.0).
bool same_tree(const json& a, const json& b) {
  if (a.type() != b.type() || a != b)
    return false;
  if (a.is_object()) {
    for (const auto& [key, value] : a.items()) {
      if (!b.contains(key) || !same_tree(value, b.at(key)))
        return false;
    }
    return a.size() == b.size();
  }
  if (a.is_array()) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same_tree(a[i], b[i]))
        return false;
    }
  }
  return true;
}

tfkms::model::Result<tfkms::loaders::terraform::Document> read_plan(const std::string& plan) {
  auto input = tfkms::loaders::decode_input(plan, "values.tfplan.json");
  REQUIRE(input);
  return tfkms::loaders::terraform::read_document(input.value(), "values.tfplan.json",
                                                  tfkms::loaders::InputKind::terraform_plan,
                                                  tfkms::loaders::Snapshot::after);
}

std::string plan_with_after(const std::string& after) {
  return R"({"format_version":"1.2","resource_changes":[{"address":"aws_kms_key.k","mode":"managed",)"
         R"("type":"aws_kms_key","name":"k","change":{"actions":["create"],"after":)" +
         after + R"(,"after_unknown":{}}}]})";
}

json values_read_from(const std::string& after) {
  auto document = read_plan(plan_with_after(after));
  REQUIRE(document);
  REQUIRE(document.value().resources.size() == 1);
  return document.value().resources.front().values;
}

} // namespace

TEST_CASE("resource values are the trees nlohmann's parser builds", "[loaders][terraform]") {
  const std::string after =
      R"({"negative": -5, "zero": 0, "largest": 18446744073709551615, "float": 1.0,)"
      R"( "exponent": 1e3, "tiny": -2.5e-300, "text": "a\u00e9\"b\\n\ud83d\ude00", "yes": true, "no": false,)"
      R"( "none": null, "repeated": {"k": 1, "k": 2}, "nested": [1, [2, {"q": -1.5}], [], {}]})";
  const json read = values_read_from(after);
  CHECK(same_tree(read, json::parse(after)));
  CHECK(read.at("repeated").at("k") == 2);
  CHECK(read.at("largest").is_number_unsigned());
  CHECK(read.at("negative").is_number_integer());
}

TEST_CASE("an integer written -0 reads as zero", "[loaders][terraform]") {
  // nlohmann keeps it signed and simdjson cannot tell it from 0; no use of a value sees the
  // difference.
  const json read = values_read_from(R"({"minus_zero": -0})");
  CHECK(read.at("minus_zero") == 0);
  CHECK(read.at("minus_zero").is_number_integer());
  CHECK(read.dump() == R"({"minus_zero":0})");
}

TEST_CASE("resource values with integers beyond 64 bits are read as nlohmann reads them",
          "[loaders][terraform]") {
  const std::string after = R"({"beyond": 123456789012345678901234567890, "then": [-1, 2]})";
  const json read = values_read_from(after);
  CHECK(same_tree(read, json::parse(after)));
  CHECK(read.at("beyond").is_number_float());
}

TEST_CASE("policy texts read as nlohmann reads them, the unusual ones included",
          "[loaders][terraform]") {
  const std::string plain =
      R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["a", "b"]},)"
      R"( "Action": "kms:*", "Resource": "*", "Condition": {"NumericLessThan": {"k": 3.5, "n": -2}}}]})";
  const auto policy = tfkms::loaders::terraform::parse_policy_text(plain);
  CHECK(policy.state == tfkms::model::PolicySource::State::document);
  CHECK(same_tree(policy.document, json::parse(plain)));
  CHECK(policy.warnings.empty());

  // A repeated key is read last-wins and reported; a control character is dropped.
  const auto repeated =
      tfkms::loaders::terraform::parse_policy_text(R"({"Version": "1", "Version": "2012-10-17"})");
  CHECK(repeated.document == json{{"Version", "2012-10-17"}});
  CHECK(repeated.warnings.size() == 1);
  const auto control = tfkms::loaders::terraform::parse_policy_text("{\"Sid\": \"a\\u0001b\"}");
  CHECK(control.document == json{{"Sid", "ab"}});
  // Escaped, a control character is found in a key too; an escaped line break is kept as read.
  const auto in_key = tfkms::loaders::terraform::parse_policy_text("{\"S\\u0002id\": \"x\"}");
  CHECK(in_key.document == json{{"Sid", "x"}});
  const auto line_break = tfkms::loaders::terraform::parse_policy_text("{\"Sid\": \"a\\nb\"}");
  CHECK(line_break.state == tfkms::model::PolicySource::State::document);
  CHECK(line_break.document == json{{"Sid", "a\nb"}});

  // Nesting far past any real policy is refused; an integer beyond 64 bits is read as nlohmann
  // does.
  std::string deep = "{\"a\": ";
  for (int i = 0; i < 40; ++i)
    deep += "[";
  for (int i = 0; i < 40; ++i)
    deep += "]";
  deep += "}";
  CHECK(tfkms::loaders::terraform::parse_policy_text(deep).state ==
        tfkms::model::PolicySource::State::unreadable);
  const std::string big =
      R"({"Condition": {"NumericEquals": {"k": 123456789012345678901234567890}}})";
  CHECK(same_tree(tfkms::loaders::terraform::parse_policy_text(big).document, json::parse(big)));
  CHECK(tfkms::loaders::terraform::parse_policy_text("[1]").state ==
        tfkms::model::PolicySource::State::unreadable);
}

namespace {

// `text` as the DOM copy builds it, and as the copy in place of an On-Demand document does (nullopt
// when that throws).
json from_dom(const std::string& text) {
  simdjson::dom::parser parser;
  return tfkms::loaders::to_json(parser.parse(simdjson::padded_string(text)).value());
}

std::optional<json> in_place(const std::string& text) {
  simdjson::ondemand::parser parser;
  const simdjson::padded_string wrapped("[" + text + "]");
  try {
    simdjson::ondemand::document document = parser.iterate(wrapped);
    json out;
    for (simdjson::ondemand::value value : document.get_array())
      out = tfkms::loaders::to_json(value);
    return out;
  } catch (const simdjson::simdjson_error&) {
    return std::nullopt;
  }
}

bool dom_refuses(const std::string& text) {
  simdjson::dom::parser parser;
  return parser.parse(simdjson::padded_string(text)).error() != simdjson::SUCCESS;
}

} // namespace

TEST_CASE("values copied in place are the trees copied from a DOM", "[loaders][terraform]") {
  for (const std::string text :
       {R"({"b": -5, "a": 0, "c": 18446744073709551615, "d": 9223372036854775807, "e": 1.0})",
        R"({"f": 1e3, "g": -2.5e-300, "h": "a\u00e9\"b\\n\ud83d\ude00", "i": true, "j": false})",
        R"({"k": null, "l": {"k": 1, "k": [2]}, "m": [1, [2, {"q": -1.5}], [], {}], "n": -0})",
        R"(["\/\b\f\n\r\t\u0000\u001f", "\u00e9\u20AC\ud834\udd1e x", "", "plain"])", R"("text")",
        // Strings and keys read in place (no escape) or unescaped, white space around them.
        "[\"a\" , \"b\"\n,\t\"\\\\\" ]", "{\"a\"\t:\n1, \"b\\u0031\" : \"\\\"\" , \"c\\\\\":2}",
        R"({"a\"b": "x", "": "", "d": {"e" : "f"}})", "-9223372036854775808", "[]", "{}", "null"}) {
    CAPTURE(text);
    const std::optional<json> read = in_place(text);
    REQUIRE(read);
    CHECK(same_tree(*read, from_dom(text)));
  }
}

TEST_CASE("a plan's keys and strings read the same with or without escapes",
          "[loaders][terraform]") {
  const std::string plan =
      "{\"format_version\" : \"1.2\", \"resource_changes\": [{\"addr\\u0065ss\": "
      "\"aws_kms_key.k\",\n"
      "  \"mode\":\"managed\" ,\"t\\u0079pe\" :\t\"aws_kms_\\u006bey\", \"n\\u0061me\": "
      "\"kname\",\n"
      "  \"change\": {\"actions\": [\"cr\\u0065ate\"], \"after\": {\"descr\\u0069ption\" : "
      "\"a\\\"b\"}}}]}";
  const auto document = read_plan(plan);
  REQUIRE(document);
  REQUIRE(document.value().resources.size() == 1);
  const auto& resource = document.value().resources.front();
  CHECK(resource.address == "aws_kms_key.k");
  CHECK(resource.type == "aws_kms_key");
  CHECK(resource.name == "kname"); // not the name the address gives
  CHECK(resource.planned_action == "create");
  CHECK(resource.values == json{{"description", "a\"b"}});
}

TEST_CASE("a change's actions give its planned action however they are written",
          "[loaders][terraform]") {
  const auto planned = [](const std::string& actions) {
    const std::string plan =
        R"({"format_version":"1.2","resource_changes":[{"address":"aws_kms_key.k",)"
        R"("mode":"managed","type":"aws_kms_key","name":"k","change":{"actions":)" +
        actions + R"(,"before":{},"after":{}}}]})";
    auto document = read_plan(plan);
    REQUIRE(document);
    REQUIRE(document.value().resources.size() == 1);
    return document.value().resources.front().planned_action;
  };
  CHECK(planned(R"(["delete", "create"])") == "replace");
  CHECK(planned(R"(["create", "delete"])") == "replace");
  CHECK(planned(R"(["no-op"])") == "no-op");
  CHECK(planned(R"(["update"])") == "update");
  CHECK(planned(R"([1, "create"])") == "create");
  CHECK(planned(R"(["read", {"a": 1}])") == "read");
  CHECK(planned(R"([])").empty());
  // Not an array: read as nlohmann iterates the value (a string is its only item).
  CHECK(planned(R"("create")") == "create");
  CHECK(planned(R"({"a": "update"})") == "update");
  CHECK(planned("null").empty());
}

TEST_CASE("a value the DOM parser refuses is refused in place too", "[loaders][terraform]") {
  for (const std::string text :
       {"[1,,2]", "[1 2]", R"({"a" 1})", R"({"a": 1,})", "nul", "nulls", "tru", "1e400", "30abc",
        "123456789012345678901234567890", R"("a\x")"}) {
    CAPTURE(text);
    CHECK(dom_refuses(text));
    CHECK_FALSE(in_place(text));
  }
}

TEST_CASE("a malformed kept value is reported as its own parse reports it",
          "[loaders][terraform]") {
  // The error comes from reading the value's text on its own (line 1 of that text), as before
  // values were copied in place; a malformed value in a skipped resource is not read at all.
  const auto document = read_plan(plan_with_after(R"({"a": [1,,2]})"));
  REQUIRE_FALSE(document);
  CHECK(document.error().message.starts_with(
      "unexpected Terraform JSON structure: [json.exception.parse_error.101] parse error at "
      "line 1, column 10"));
  const std::string skipped =
      R"({"format_version":"1.2","resource_changes":[{"address":"aws_vpc.v","mode":"managed",)"
      R"("type":"aws_vpc","name":"v","change":{"actions":["create"],"after":{"a": [1,,2]}}}]})";
  CHECK(read_plan(skipped));
}

TEST_CASE("configuration and state values met before their type are read", "[loaders][terraform]") {
  const std::string plan =
      R"({"format_version":"1.2","resource_changes":[{"change":{"actions":["create"],)"
      R"("after":{"description":"d"},"after_unknown":{"policy":true}},"address":"aws_kms_key.k",)"
      R"("mode":"managed","type":"aws_kms_key","name":"k"}],"configuration":{"root_module":)"
      R"({"resources":[{"expressions":{"policy":{"references":["var.p"]}},)"
      R"("address":"aws_kms_key.k","mode":"managed","type":"aws_kms_key","name":"k"}]}}})";
  const auto document = read_plan(plan);
  REQUIRE(document);
  REQUIRE(document.value().resources.size() == 1);
  CHECK(document.value().resources.front().values == json{{"description", "d"}});
  CHECK(document.value().resources.front().unknown == json{{"policy", true}});
  const auto& config = document.value().config;
  REQUIRE(config.contains("aws_kms_key.k"));
  CHECK(config.at("aws_kms_key.k").expressions ==
        json{{"policy", {{"references", json::array({"var.p"})}}}});
}

TEST_CASE("freeing a tree depth first empties it, however deep it nests", "[loaders][terraform]") {
  json tree = json::parse(R"({"a": {"b": [1, "two", {"c": null}]}, "d": []})");
  tfkms::loaders::free_tree(tree);
  CHECK(tree == json::object());
  // Far deeper than free_tree() recurses: the rest is left to nlohmann's own destructor.
  json deep = json::array();
  json* innermost = &deep;
  for (int level = 0; level < 100000; ++level)
    innermost = &innermost->emplace_back(json::array());
  innermost->push_back("leaf");
  tfkms::loaders::free_tree(deep);
  CHECK(deep == json::array());

  auto document = read_plan(plan_with_after(R"({"policy": "{}", "tags": {"team": "a"}})"));
  REQUIRE(document);
  tfkms::loaders::terraform::free_values(document.value());
  CHECK(document.value().resources.front().values == json::object());
}

TEST_CASE("members in any order, repeated ones too, are placed as nlohmann's parser places them",
          "[loaders][terraform]") {
  // Appended after the last, put before the first or between two, repeated (the last wins), keys
  // one a prefix of another, and bytes past ASCII, which sort after every ASCII byte.
  for (const std::string text :
       {R"({"a": 1, "b": 2, "c": 3})", R"({"c": 1, "b": 2, "a": 3})",
        R"({"m": 1, "a": 2, "z": 3, "n": 4, "b": 5})", R"({"k": 1, "a": 2, "k": 3, "a": [4]})",
        R"({"ab": 1, "a": 2, "abc": 3, "": 4, "a": 5})",
        R"({"\u00e9": 1, "z": 2, "\u00e8": 3, "Z": 4, "~": {"y": 1, "x": 2}})"}) {
    CAPTURE(text);
    const json parsed = json::parse(text);
    const std::optional<json> read = in_place(text);
    REQUIRE(read);
    CHECK(same_tree(*read, parsed));
    CHECK(same_tree(from_dom(text), parsed));
  }
}

TEST_CASE("a member is found as nlohmann's find finds it", "[loaders][terraform]") {
  const json object =
      json::parse(R"({"a": 1, "ab": 2, "abc": 3, "b": 4, "": 5, "\u00e9": 6, "Z": 7, "~": 8})");
  for (const auto& [key, value] : object.items()) {
    CAPTURE(key);
    const json* found = tfkms::loaders::find_member(object, key);
    REQUIRE(found != nullptr);
    CHECK(*found == value);
  }
  for (const std::string_view absent : {"abcd", "aa", "c", "A", "\u00e8", " "}) {
    CAPTURE(absent);
    CHECK(tfkms::loaders::find_member(object, absent) == nullptr);
  }
}
