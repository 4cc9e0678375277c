#include "rules/config.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <fstream>

using namespace tfkms;
namespace fs = std::filesystem;

namespace {

// A scratch repository: root/.git, root/sub/deeper.
class Repository {
public:
  Repository()
      : m_root(fs::temp_directory_path() / ("tfkms-config-" + std::to_string(::getpid()))) {
    fs::create_directories(m_root / ".git");
    fs::create_directories(m_root / "sub" / "deeper");
  }
  ~Repository() { fs::remove_all(m_root); }
  Repository(const Repository&) = delete;
  Repository& operator=(const Repository&) = delete;

  void write(const fs::path& relative, const std::string& text) const {
    std::ofstream(m_root / relative) << text;
  }
  [[nodiscard]] const fs::path& root() const { return m_root; }

private:
  fs::path m_root;
};

} // namespace

TEST_CASE("the nearest .tfkms.yml or .tfkms.yaml is found, up to the repository root",
          "[rules][config]") {
  const Repository repo;
  CHECK_FALSE(rules::find_config_file(repo.root() / "sub" / "deeper").value());

  repo.write(".tfkms.yaml", "fail_on: high\n");
  const auto from_deeper = rules::find_config_file(repo.root() / "sub" / "deeper");
  REQUIRE(from_deeper);
  CHECK(from_deeper.value() == "../../.tfkms.yaml");

  repo.write("sub/.tfkms.yml", "fail_on: never\n");
  CHECK(rules::find_config_file(repo.root() / "sub" / "deeper").value() == "../.tfkms.yml");

  // A nested repository stops the search at its own root.
  fs::create_directories(repo.root() / "sub" / "deeper" / ".git");
  CHECK_FALSE(rules::find_config_file(repo.root() / "sub" / "deeper").value());
}

TEST_CASE("both names in one folder is an error", "[rules][config]") {
  const Repository repo;
  repo.write(".tfkms.yml", "");
  repo.write(".tfkms.yaml", "");
  const auto found = rules::find_config_file(repo.root());
  REQUIRE_FALSE(found);
  CHECK_THAT(found.error().message, Catch::Contains("both"));
}

TEST_CASE("config keys for a CI run; rule ids in any case, typos named with the closest id",
          "[rules][config]") {
  const auto config = rules::parse_config(R"(
fail_on: high
format: sarif
baseline: ci/tfkms-baseline.json
only_rules: [tfkms001, TFKMS003]
skip_rules: [TFKMS007]
rules:
  tfkms003: { severity: critical }
)",
                                          "infra/.tfkms.yml");
  REQUIRE(config);
  CHECK(config.value().fail_on == "high");
  CHECK(config.value().format == "sarif");
  CHECK(config.value().baseline == "infra/ci/tfkms-baseline.json");
  CHECK(config.value().only_rules == std::vector<std::string>{"TFKMS001", "TFKMS003"});
  CHECK(config.value().skip_rules == std::vector<std::string>{"TFKMS007"});
  CHECK(config.value().rules.at("TFKMS003").severity == rules::Severity::critical);

  const auto typo = rules::parse_config(
      "ignore:\n  - rule: TFKMS01\n    resource: k\n    reason: r\n", ".tfkms.yml");
  REQUIRE_FALSE(typo);
  CHECK(typo.error().line == 2u);
  CHECK_THAT(typo.error().message,
             Catch::Contains("'TFKMS01'") && Catch::Contains("did you mean TFKMS001"));
  const auto bad_fail_on = rules::parse_config("fail_on: severe\n", ".tfkms.yml");
  REQUIRE_FALSE(bad_fail_on);
  CHECK_THAT(bad_fail_on.error().message, Catch::Contains("fail_on"));
  CHECK_FALSE(rules::parse_config("skip_rules: [TFKMS999]\n", ".tfkms.yml"));
}
