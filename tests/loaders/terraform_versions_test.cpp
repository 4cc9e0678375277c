// Plan and state format versions (formats.md §1.1) and the shapes of real plans (corpus).
#include "loaders/loaders.hpp"
#include "shared_dir.hpp"
#include "temp_file.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

namespace {

using tfkms::loaders::load_file;
using tfkms::loaders::LoadOptions;
using tfkms::model::DiagnosticLevel;
using tfkms::test::TempFile;

std::string plan_with_version(std::string_view format_version, std::string_view terraform_version) {
  return R"({"format_version": ")" + std::string(format_version) + R"(", "terraform_version": ")" +
         std::string(terraform_version) +
         R"(", "resource_changes": [{"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k",
         "change": {"actions": ["create"], "after": {"enable_key_rotation": true}, "after_unknown": {}}}]})";
}

std::size_t warnings(const tfkms::model::Graph& graph) {
  return static_cast<std::size_t>(
      std::count_if(graph.diagnostics.begin(), graph.diagnostics.end(),
                    [](const auto& d) { return d.level == DiagnosticLevel::warning; }));
}

} // namespace

TEST_CASE("format versions 0.1 to 1.2 load, an unknown minor warns, an unknown major is refused",
          "[loaders][terraform]") {
  for (const auto& [format, terraform] : std::map<std::string, std::string>{{"0.1", "0.12.31"},
                                                                            {"0.2", "1.0.11"},
                                                                            {"1.0", "1.1.9"},
                                                                            {"1.1", "1.4.6"},
                                                                            {"1.2", "1.9.5"}}) {
    INFO(format);
    const TempFile file("version.json", plan_with_version(format, terraform));
    auto input = load_file(file.path(), LoadOptions{});
    REQUIRE(input);
    CHECK(input.value().graph.keys.size() == 1);
    CHECK(warnings(input.value().graph) == 0);
  }
  SECTION("newer minor") {
    const TempFile file("minor.json", plan_with_version("1.9", "1.20.0"));
    auto input = load_file(file.path(), LoadOptions{});
    REQUIRE(input);
    CHECK(warnings(input.value().graph) == 1);
    CHECK(input.value().graph.keys.size() == 1);
  }
  SECTION("newer major") {
    const TempFile file("major.json", plan_with_version("2.0", "2.0.0"));
    auto input = load_file(file.path(), LoadOptions{});
    REQUIRE_FALSE(input);
    CHECK_THAT(input.error().message, Catch::Contains("unsupported") && Catch::Contains("2.0"));
  }
  SECTION("a format the claimed Terraform version cannot write") {
    const TempFile file("mismatch.json", plan_with_version("1.0", "0.14.0"));
    CHECK_FALSE(load_file(file.path(), LoadOptions{}));
  }
}

TEST_CASE("a state file loads from values.root_module and its child modules",
          "[loaders][terraform]") {
  const TempFile file(
      "state.json",
      R"({"format_version": "1.0", "terraform_version": "1.5.0", "values": {"root_module": {
    "resources": [{"address": "aws_kms_key.a", "mode": "managed", "type": "aws_kms_key", "name": "a",
                   "values": {"arn": "arn:aws:kms:us-east-1:111122223333:key/a", "policy": "not json"}}],
    "child_modules": [{"address": "module.m", "resources": [{"address": "module.m.aws_kms_alias.b", "mode": "managed",
                   "type": "aws_kms_alias", "name": "b", "values": {"name": "alias/b", "target_key_id": "a"}}]}]}}})");
  auto input = load_file(file.path(), LoadOptions{});
  REQUIRE(input);
  CHECK(input.value().kind == tfkms::loaders::InputKind::terraform_state);
  const auto& graph = input.value().graph;
  REQUIRE(graph.keys.size() == 1);
  CHECK(graph.account == "111122223333");
  CHECK(graph.keys[0].policy.state == tfkms::model::PolicySource::State::unreadable);
  REQUIRE(graph.aliases.size() == 1);
  CHECK(graph.aliases[0].source.address == "module.m.aws_kms_alias.b");
  CHECK(graph.aliases[0].target.kind == tfkms::model::KeyRef::Kind::node);
}

TEST_CASE("every plan of the shared corpus loads; the corrupted one is refused with a message",
          "[loaders][terraform][shared]") {
  const std::filesystem::path corpus = tfkms::testing::shared_dir() / "corpus" / "terraform-plans";
  REQUIRE(std::filesystem::exists(corpus));
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus)) {
    if (entry.path().extension() != ".json")
      continue;
    ++files;
    const std::string name = entry.path().filename().string();
    INFO(name);
    auto input = load_file(entry.path().string(), LoadOptions{});
    if (name == "tests__terraform__runner__resources__plan__corrupted-tfplan.json") {
      REQUIRE_FALSE(input);
      CHECK_THAT(input.error().message, Catch::Contains("format_version 1.0"));
      continue;
    }
    REQUIRE(input);
    for (const auto& diagnostic : input.value().graph.diagnostics)
      CHECK(diagnostic.level != DiagnosticLevel::error);
  }
  CHECK(files >= 88);
}
