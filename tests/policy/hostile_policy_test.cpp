// Hostile policy documents: nothing a pull request can write may crash the parser, hang the matcher
// or read as "no access".
#include "policy/document.hpp"
#include "policy/evaluate.hpp"
#include "policy/match.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using namespace tfkms;

namespace {

std::string nested_array(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

policy::Document parse(const std::string& text) {
  return policy::parse_document_text(text, policy::PolicyKind::key_policy, model::NoSymbols{});
}

bool has_error(const policy::Document& document) {
  for (const auto& diagnostic : document.diagnostics) {
    if (diagnostic.level == model::DiagnosticLevel::error)
      return true;
  }
  return false;
}

policy::Outcome decide_decrypt(const policy::Document& document) {
  const auto compiled = policy::compile(document);
  const auto request = policy::prepare({"arn:aws:iam::111122223333:role/App",
                                        std::nullopt,
                                        "kms:Decrypt",
                                        "arn:aws:kms:us-east-1:111122223333:key/k",
                                        {}});
  REQUIRE(request);
  return policy::decide(request.value(), &compiled, {}, {}).outcome;
}

} // namespace

TEST_CASE("an Effect nested 100000 arrays deep is an unreadable statement, not a stack overflow",
          "[policy][hostile]") {
  const auto document =
      parse(R"({"Version":"2012-10-17","Statement":[{"Effect":)" + nested_array(100000) +
            R"(,"Principal":"*","Action":"kms:*","Resource":"*"}]})");
  REQUIRE(document.statements.size() == 1);
  CHECK_FALSE(document.statements[0].readable);
  CHECK(has_error(document));
  CHECK(decide_decrypt(document) == policy::Outcome::unknown);
}

TEST_CASE("a Version nested 100000 arrays deep is reported without dumping it",
          "[policy][hostile]") {
  const auto document = parse(R"({"Version":)" + nested_array(100000) + R"(,"Statement":[]})");
  REQUIRE(has_error(document));
  for (const auto& diagnostic : document.diagnostics)
    CHECK(diagnostic.message.size() < 200);
}

TEST_CASE("policy text that is not JSON, or is cut off inside deep nesting, is unreadable",
          "[policy][hostile]") {
  for (const std::string& text :
       {std::string(100000, '['), std::string("Allow everyone"), std::string(),
        std::string("{\"Statement\": \"*\"}"), std::string("\"{}\"")}) {
    const auto document = parse(text);
    CHECK(document.unreadable);
    CHECK(decide_decrypt(document) == policy::Outcome::unknown);
  }
}

TEST_CASE("numbers, objects and invalid UTF-8 where strings belong never read as a valid statement",
          "[policy][hostile]") {
  const auto document =
      parse(R"({"Version":"2012-10-17","Statement":[)"
            R"({"Effect":"Allow","Principal":{"AWS":{"a":1}},"Action":"kms:*","Resource":"*"},)"
            R"({"Effect":"Allow","Principal":"*","Action":42,"Resource":"*"},)"
            R"({"Effect":1,"Principal":"*","Action":"kms:*","Resource":"*"}]})");
  REQUIRE(document.statements.size() == 3);
  for (const auto& statement : document.statements)
    CHECK_FALSE(statement.readable);
  CHECK(decide_decrypt(document) == policy::Outcome::unknown);

  const auto invalid_utf8 =
      parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"All\xffow\"}]}");
  CHECK(invalid_utf8.unreadable);
}

TEST_CASE("wildcard matching stays polynomial on patterns built to backtrack",
          "[policy][hostile][match]") {
  // A backtracking matcher takes exponential time on `*a*a*a...*b` against a run of `a`s.
  std::string pattern;
  for (int i = 0; i < 2000; ++i)
    pattern += "*a";
  pattern += "*b";
  const std::string text(200000, 'a');
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(
      policy::wildcard_match(policy::encode_wildcards(pattern), text, policy::Case::sensitive));
  CHECK_FALSE(policy::wildcard_match(policy::encode_wildcards("*" + std::string(64, 'a') + "b*"),
                                     text, policy::Case::insensitive));
  CHECK(
      policy::wildcard_match(policy::encode_wildcards(pattern.substr(0, pattern.size() - 2) + "*"),
                             text, policy::Case::sensitive));
  // Generous bound (sanitizer builds, shared machine): the point is "finishes", not speed.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}
