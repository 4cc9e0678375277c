#pragma once
// The rule fixtures as the tests read them: fixtures/TFKMSNNN/{positive,negative}/<scenario>/ and
// the inputs in them, each loaded with its <scenario>.tfkms.yml as a run would load it.
#include "loaders/loaders.hpp"
#include "rules/engine.hpp"
#include "run/organization.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace tfkms::test {

namespace fs = std::filesystem;

inline const fs::path k_fixtures = fs::path(TFKMS_SOURCE_DIR) / "fixtures";

inline bool is_input(const fs::path& path) {
  const std::string name = path.filename().string();
  if (name.ends_with(".expected.json") || name.ends_with(".tfkms.yml"))
    return false;
  return name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml") ||
         name.ends_with(".template");
}

// "console_default.tfplan.json" -> "console_default.tfplan": a scenario given in both formats keeps
// one expected file per format.
inline std::string stem_of(const fs::path& input) { return input.stem().string(); }

// "console_default.tfplan" / "console_default.cfn" -> "console_default".
inline std::string scenario_of(const fs::path& input) {
  return fs::path(stem_of(input)).stem().string();
}

// The inputs of the scenario folders of `folder` (positive/<scenario>/...), and of `folder` itself:
// in a folder of its own a scenario's plan reads only its own .tf files, as Terraform reads a
// directory.
inline std::vector<fs::path> inputs_in(const fs::path& folder) {
  std::vector<fs::path> found;
  if (!fs::exists(folder))
    return found;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.is_regular_file() && is_input(entry.path()))
      found.push_back(entry.path());
    if (!entry.is_directory())
      continue;
    for (const auto& inner : fs::directory_iterator(entry.path())) {
      if (inner.is_regular_file() && is_input(inner.path()))
        found.push_back(inner.path());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

/// A fixture input loaded, with the configuration it is checked under.
struct LoadedFixture {
  model::Graph graph;
  rules::Config config;
};

inline LoadedFixture load_fixture(const fs::path& input) {
  rules::Config config;
  const fs::path config_path = input.parent_path() / (scenario_of(input) + ".tfkms.yml");
  if (fs::exists(config_path)) {
    auto loaded = rules::load_config(config_path.string());
    INFO(config_path.string());
    REQUIRE(loaded);
    config = loaded.value();
  }
  // Fixtures are checked as deployed to account 111122223333 (templates name it through
  // AWS::AccountId) unless their .tfkms.yml says otherwise.
  if (!config.account_id)
    config.account_id = "111122223333";
  loaders::LoadOptions options;
  options.account_id = config.account_id;
  // The organisation policies the configuration names apply as in a run (run/organization.hpp).
  auto organization = run::read_organization(config.organization, config.limits);
  INFO((organization ? "" : organization.error().to_string()));
  REQUIRE(organization);
  options.organization = std::move(organization.value());
  auto loaded = loaders::load_file(input.string(), options);
  INFO(input.string() << (loaded ? "" : ": " + loaded.error().to_string()));
  REQUIRE(loaded);
  return {std::move(loaded.value().graph), std::move(config)};
}

} // namespace tfkms::test
