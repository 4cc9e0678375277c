// Hostile Terraform plans through load_input: refused with a position, or loaded with the bad
// policy marked unreadable or reported — never loaded as if the policy were not there.
#include "loaders/input.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using namespace tfkms;

namespace {

std::string plan_with_key_policy(const std::string& policy_text) {
  const nlohmann::ordered_json after = {{"policy", policy_text}, {"enable_key_rotation", true}};
  const nlohmann::ordered_json change = {{"address", "aws_kms_key.k"},
                                         {"mode", "managed"},
                                         {"type", "aws_kms_key"},
                                         {"name", "k"},
                                         {"provider_name", "registry.terraform.io/hashicorp/aws"},
                                         {"change",
                                          {{"actions", {"create"}},
                                           {"before", nullptr},
                                           {"after", after},
                                           {"after_unknown", nlohmann::ordered_json::object()}}}};
  const nlohmann::ordered_json planned = {{"address", "aws_kms_key.k"},
                                          {"mode", "managed"},
                                          {"type", "aws_kms_key"},
                                          {"name", "k"},
                                          {"values", after}};
  return nlohmann::ordered_json{{"format_version", "1.2"},
                                {"terraform_version", "1.6.0"},
                                {"planned_values", {{"root_module", {{"resources", {planned}}}}}},
                                {"resource_changes", {change}}}
      .dump();
}

model::Result<loaders::Input> load(const std::string& bytes) {
  auto text = loaders::decode_input(bytes, "hostile.tfplan.json");
  if (!text)
    return std::move(text.error());
  return loaders::load_input(std::move(text.value()), "hostile.tfplan.json", {});
}

const std::string k_open_statement =
    R"({"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"})";

bool has_diagnostic(const model::Graph& graph, model::DiagnosticLevel level,
                    const std::string& fragment) {
  for (const auto& diagnostic : graph.diagnostics) {
    if (diagnostic.level == level && diagnostic.message.find(fragment) != std::string::npos)
      return true;
  }
  return false;
}

} // namespace

TEST_CASE("a key policy nested 100000 levels deep is unreadable, not a crash",
          "[loaders][hostile]") {
  const auto input =
      load(plan_with_key_policy(std::string(100000, '[') + std::string(100000, ']')));
  REQUIRE(input);
  REQUIRE(input.value().graph.keys.size() == 1);
  CHECK(input.value().graph.keys[0].policy.state == model::PolicySource::State::unreadable);
}

TEST_CASE("a duplicate key in policy text is a warning naming the key", "[loaders][hostile]") {
  const auto input = load(plan_with_key_policy(R"({"Version":"2012-10-17","Statement":[)" +
                                               k_open_statement + R"(],"Statement":[]})"));
  REQUIRE(input);
  CHECK(has_diagnostic(input.value().graph, model::DiagnosticLevel::warning,
                       "duplicate key \"Statement\""));
}

TEST_CASE("a policy with more statements than max_statements is an error diagnostic",
          "[loaders][hostile]") {
  std::string statements;
  for (int i = 0; i < 1001; ++i)
    statements += (i ? "," : "") + k_open_statement;
  const auto input =
      load(plan_with_key_policy(R"({"Version":"2012-10-17","Statement":[)" + statements + "]}"));
  REQUIRE(input);
  REQUIRE(input.value().graph.keys.size() == 1);
  CHECK(input.value().graph.keys[0].policy.state == model::PolicySource::State::unreadable);
  CHECK(has_diagnostic(input.value().graph, model::DiagnosticLevel::error,
                       "limits.max_statements = 1000"));
}

TEST_CASE("bytes that are not a plan are refused with the file name", "[loaders][hostile]") {
  const std::string plan = plan_with_key_policy("{}");
  std::string with_nul = plan;
  with_nul.insert(with_nul.find("aws_kms_key.k"), 1, '\0');
  std::string invalid_utf8 = plan;
  invalid_utf8.insert(invalid_utf8.find("aws_kms_key.k"), "\xff\xfe");
  const std::string inputs[] = {"",
                                " \n\t",
                                with_nul,
                                invalid_utf8,
                                R"({"name":"pkg","version":"1.0.0"})",
                                R"({"version":"2.1.0","runs":[]})",
                                std::string(100000, '['),
                                "[]",
                                "42"};
  for (const std::string& bytes : inputs) {
    const auto input = load(bytes);
    CHECK_FALSE(input);
    if (!input)
      CHECK(input.error().file == "hostile.tfplan.json");
  }
}
