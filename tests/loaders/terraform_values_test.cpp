// Resource values and policy texts are read with simdjson and copied into nlohmann trees
// (loaders/json_tree.hpp): the trees must be exactly those nlohmann's own parser builds, number
// types included, since attributes and policies are compared and printed from them.
#include "loaders/input.hpp"
#include "loaders/terraform_document.hpp"
#include "loaders/terraform_policy.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

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

json values_read_from(const std::string& after) {
  const std::string plan =
      R"({"format_version":"1.2","resource_changes":[{"address":"aws_kms_key.k","mode":"managed",)"
      R"("type":"aws_kms_key","name":"k","change":{"actions":["create"],"after":)" +
      after + R"(,"after_unknown":{}}}]})";
  auto input = tfkms::loaders::decode_input(plan, "values.tfplan.json");
  REQUIRE(input);
  auto document = tfkms::loaders::terraform::read_document(
      input.value(), "values.tfplan.json", tfkms::loaders::InputKind::terraform_plan,
      tfkms::loaders::Snapshot::after);
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
