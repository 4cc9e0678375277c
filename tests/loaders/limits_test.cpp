// Input limits (loaders::Limits): hostile input is refused quickly with the file, the position and
// the setting that raises the limit; raising the setting lets a legitimate large input through.
#include "loaders/cloudformation.hpp"
#include "loaders/policy_limits.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using namespace tfkms;

namespace {

model::Result<loaders::Input> load_yaml(const std::string& text,
                                        const loaders::Limits& limits = {}) {
  loaders::LoadOptions options;
  options.limits = limits;
  return loaders::load_cloudformation(text, "hostile.yaml", loaders::InputKind::cloudformation_yaml,
                                      options);
}

// Billion laughs: ten levels of nine aliases each would expand to 9^10 nodes.
std::string billion_laughs() {
  std::string text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int level = 1; level <= 10; ++level) {
    const std::string previous = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 9; ++i)
      text += (i ? ", " : "") + previous;
    text += "]\n";
  }
  return text +
         "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: *a10\n";
}

std::string key_template(const std::string& key_policy_json) {
  return "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: " +
         key_policy_json + "\n";
}

nlohmann::json policy_with_statements(std::size_t count) {
  nlohmann::json statements = nlohmann::json::array();
  for (std::size_t i = 0; i < count; ++i) {
    statements.push_back(
        {{"Effect", "Allow"}, {"Principal", "*"}, {"Action", "kms:Decrypt"}, {"Resource", "*"}});
  }
  return {{"Version", "2012-10-17"}, {"Statement", statements}};
}

} // namespace

TEST_CASE("a billion-laughs template is refused quickly, naming the file and the line",
          "[loaders][limits]") {
  const auto start = std::chrono::steady_clock::now();
  const auto result = load_yaml(billion_laughs());
  REQUIRE_FALSE(result);
  CHECK(result.error().file == "hostile.yaml");
  CHECK(result.error().line.has_value());
  CHECK_THAT(result.error().message, Catch::Contains("refused"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("a template over the alias limit is refused; raising max_yaml_aliases admits it",
          "[loaders][limits]") {
  std::string text = "Shared: &shared {Effect: Allow}\nResources:\n  Key:\n    Type: "
                     "AWS::KMS::Key\n    Properties:\n"
                     "      Tags: [";
  for (int i = 0; i < 20; ++i)
    text += (i ? ", " : "") + std::string("*shared");
  text += "]\n";
  loaders::Limits limits;
  limits.max_yaml_aliases = 10;
  const auto refused = load_yaml(text, limits);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::Contains("10 YAML aliases"));
  limits.max_yaml_aliases = 20;
  CHECK(load_yaml(text, limits));
}

TEST_CASE("nesting 100000 levels deep is refused at max_depth, in flow and block YAML and in JSON",
          "[loaders][limits]") {
  const std::string flow = std::string(100000, '[') + std::string(100000, ']');
  std::string block;
  for (int level = 0; level < 2000; ++level)
    block += std::string(static_cast<std::size_t>(level), ' ') + "a:\n";
  const std::string json = "{\"Resources\": " + flow + "}";
  const std::string* texts[] = {&flow, &block, &json};
  for (const std::string* text : texts) {
    const auto result = load_yaml(*text);
    REQUIRE_FALSE(result);
    CHECK(result.error().line.has_value());
    CHECK_THAT(result.error().message,
               Catch::Contains("256 levels") || Catch::Contains("not valid YAML"));
  }
}

TEST_CASE("a scalar longer than max_string_bytes is refused with its position",
          "[loaders][limits]") {
  loaders::Limits limits;
  limits.max_string_bytes = 1000;
  const auto result =
      load_yaml(key_template("{Description: " + std::string(2000, 'x') + "}"), limits);
  REQUIRE_FALSE(result);
  CHECK(result.error().line == 5u);
  CHECK_THAT(result.error().message, Catch::Contains("1000 bytes"));
}

TEST_CASE("a policy over max_statements or max_condition_values is unreadable and an error",
          "[loaders][limits]") {
  loaders::Limits limits;
  limits.max_statements = 5;
  limits.max_condition_values = 3;
  CHECK_FALSE(loaders::policy_limit_breach(policy_with_statements(5), limits));
  const auto too_many = loaders::policy_limit_breach(policy_with_statements(6), limits);
  REQUIRE(too_many);
  CHECK_THAT(*too_many, Catch::Contains("limits.max_statements = 5"));

  nlohmann::json conditioned = policy_with_statements(1);
  conditioned["Statement"][0]["Condition"] = {
      {"StringEquals", {{"aws:PrincipalOrgID", {"o-1", "o-2", "o-3", "o-4"}}}}};
  const auto too_many_values = loaders::policy_limit_breach(conditioned, limits);
  REQUIRE(too_many_values);
  CHECK_THAT(*too_many_values, Catch::Contains("max_condition_values"));

  // Through a template: the key's policy becomes unreadable and the graph carries an error naming
  // it.
  auto input = load_yaml(key_template(policy_with_statements(6).dump()));
  REQUIRE(input);
  loaders::enforce_policy_limits(input.value().graph, limits);
  const model::Graph& graph = input.value().graph;
  REQUIRE(graph.keys.size() == 1);
  CHECK(graph.keys[0].policy.state == model::PolicySource::State::unreadable);
  bool reported = false;
  for (const auto& diagnostic : graph.diagnostics) {
    if (diagnostic.level == model::DiagnosticLevel::error && diagnostic.file == "hostile.yaml" &&
        diagnostic.line && diagnostic.message.find("max_statements") != std::string::npos)
      reported = true;
  }
  CHECK(reported);
}

TEST_CASE("policy depth and string limits are checked without recursion", "[loaders][limits]") {
  nlohmann::json deep = "leaf";
  for (int i = 0; i < 100000; ++i)
    deep = nlohmann::json::array({std::move(deep)});
  const nlohmann::json document = {
      {"Statement", {{{"Effect", "Allow"}, {"Action", std::move(deep)}}}}};
  const auto too_deep = loaders::policy_limit_breach(document, loaders::Limits{});
  REQUIRE(too_deep);
  CHECK_THAT(*too_deep, Catch::Contains("max_depth"));

  loaders::Limits limits;
  limits.max_string_bytes = 20;
  const auto too_long = loaders::policy_limit_breach(policy_with_statements(1), limits);
  CHECK_FALSE(too_long);
  const auto long_sid =
      loaders::policy_limit_breach({{"Statement", {{{"Sid", std::string(21, 's')}}}}}, limits);
  REQUIRE(long_sid);
  CHECK_THAT(*long_sid, Catch::Contains("max_string_bytes"));

  // A list's positions are not keys: eleven items under a one-byte key and limit fit.
  limits.max_string_bytes = 1;
  CHECK_FALSE(loaders::policy_limit_breach({{"a", std::vector<int>(11, 1)}}, limits));
  const auto long_key = loaders::policy_limit_breach({{"ab", std::vector<int>(11, 1)}}, limits);
  REQUIRE(long_key);
  CHECK_THAT(*long_key, Catch::Contains("a key of 2 bytes"));
}
