// The sample of real inputs kept in the repository (fixtures/real, sources and licences in its
// README): every file loads, or is refused with a message that names the defect, and the plans keep
// the shapes their authors wrote. The whole shared corpus is walked by the [shared] tests.
#include "loaders/loaders.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>

namespace fs = std::filesystem;
using tfkms::loaders::load_file;
using tfkms::loaders::LoadOptions;
using tfkms::model::DiagnosticLevel;
using tfkms::model::Graph;

namespace {

const fs::path k_real = fs::path(TFKMS_SOURCE_DIR) / "fixtures" / "real";

// File name -> the part of the loader's message that names why the file is no valid input.
const std::map<std::string, std::string> k_refused = {
    {"tests__terraform__runner__resources__plan__corrupted-tfplan.json", "format_version 1.0"},
    {"json__structural__rubbish.json", "not a mapping"}, // the text "this is not legal json"
};

bool is_input(const fs::path& path) {
  const std::string extension = path.extension().string();
  return extension == ".json" || extension == ".yaml" || extension == ".yml";
}

// Every input of the sample by file name, loaded; a refused input fails here unless it is listed.
std::map<std::string, Graph> load_sample() {
  std::map<std::string, Graph> graphs;
  std::size_t refused = 0;
  for (const auto& entry : fs::recursive_directory_iterator(k_real)) {
    if (!entry.is_regular_file() || !is_input(entry.path()))
      continue;
    const std::string name = entry.path().filename().string();
    INFO(name);
    auto input = load_file(entry.path().string(), LoadOptions{});
    const auto expected_refusal = k_refused.find(name);
    if (expected_refusal != k_refused.end()) {
      REQUIRE_FALSE(input);
      CHECK_THAT(input.error().message, Catch::Contains(expected_refusal->second));
      CHECK(input.error().file == entry.path().string());
      ++refused;
      continue;
    }
    REQUIRE(input);
    for (const auto& diagnostic : input.value().graph.diagnostics) {
      CHECK(diagnostic.level != DiagnosticLevel::error);
    }
    graphs.emplace(name, std::move(input.value().graph));
  }
  CHECK(refused == k_refused.size());
  return graphs;
}

} // namespace

TEST_CASE("the real inputs in the repository load with the shapes their authors wrote",
          "[loaders][real]") {
  REQUIRE(fs::exists(k_real));
  const std::map<std::string, Graph> graphs = load_sample();
  CHECK(graphs.size() == 13); // every input of fixtures/real but the two refused

  const auto& tags = graphs.at("tests__terraform__parser__resources__plan_tags__tfplan.json");
  CHECK(tags.keys.size() == 2);
  CHECK(tags.aliases.size() == 1);
  CHECK(tags.principals.size() == 5);
  const auto& iam =
      graphs.at("rego__tests__rules__tf__aws__iam__inputs__user_attached_policy_infra.json");
  CHECK(iam.principals.size() == 11);
  const auto& rotation =
      graphs.at("rego__tests__rules__tf__aws__kms__inputs__key_rotation_infra.json");
  CHECK(rotation.keys.size() == 3);
  const auto& utf16 =
      graphs.at("tests__terraform__runner__resources__plan_with_utf_16_encoding__tfplan.json");
  CHECK(utf16.principals.size() == 1);
  const auto& secret = graphs.at(
      "tests__terraform__checks__resource__aws__example_SecretManagerSecretEncrypted__tfplan.json");
  CHECK(secret.data_stores.size() == 1);

  CHECK(graphs.at("json__kms__kms_key_with_aws_wildcard_principal.json").keys.size() == 1);
  CHECK(graphs.at("yaml__kms__kms_key_with_wildcard_principal.yml").keys.size() == 1);
  CHECK(graphs.at("example_KMSRotation__KMSRotation-FAILED.yml").keys.size() == 1);
  CHECK_FALSE(graphs
                  .at("aws-kms__test__integ.key-cross-account-grant.js.snapshot__"
                      "KeyResourceStack.template.json")
                  .keys.empty());
}
