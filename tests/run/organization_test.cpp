// Organisation policies named in the configuration (run/organization.hpp).
#include "rules/config.hpp"
#include "run/organization.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace {

using namespace tfkms;
namespace fs = std::filesystem;

// A folder of policy files and a configuration naming them, removed afterwards.
struct Folder {
  fs::path path = fs::temp_directory_path() / ("tfkms-organization-" + std::to_string(::getpid()));
  Folder() { fs::create_directories(path); }
  ~Folder() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
  }
  [[nodiscard]] model::Result<rules::Config> config(const std::string& text) const {
    write(".tfkms.yml", text);
    return rules::load_config((path / ".tfkms.yml").string());
  }
};

constexpr const char* k_deny =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}]})";

} // namespace

TEST_CASE("organization levels from the configuration, paths beside it", "[run][config]") {
  const Folder folder;
  folder.write("deny.json", k_deny);
  const auto config = folder.config(
      "organization:\n  scps:\n    - FullAWSAccess\n    - [FullAWSAccess, deny.json]\n"
      "  rcps: [deny.json]\n");
  REQUIRE(config);
  const rules::OrganizationFiles& files = config.value().organization;
  REQUIRE(files.scps.size() == 2);
  CHECK(files.scps[0] == std::vector<std::string>{"FullAWSAccess"});
  CHECK(files.scps[1].back() == (folder.path / "deny.json").lexically_normal().generic_string());
  REQUIRE(files.rcps.size() == 1);

  const auto policies = run::read_organization(files, {});
  REQUIRE(policies);
  REQUIRE(policies.value().size() == 4);
  CHECK(policies.value()[0].name == "FullAWSAccess");
  CHECK(policies.value()[0].configured_level == 0u);
  CHECK(policies.value()[2].name == "deny.json");
  CHECK(policies.value()[2].configured_level == 1u);
  CHECK(policies.value()[3].type == model::OrganizationPolicyType::resource_control);
}

TEST_CASE("organization files that cannot be used are refused, naming the file", "[run][config]") {
  const Folder folder;
  folder.write("deny.json", k_deny);
  folder.write("broken.json", "{\"Version\": ");
  SECTION("an SCP level with no Allow would deny every call") {
    const auto config = folder.config("organization: {scps: [deny.json]}\n");
    REQUIRE(config);
    const auto policies = run::read_organization(config.value().organization, {});
    REQUIRE_FALSE(policies);
    CHECK(policies.error().message.find("list FullAWSAccess") != std::string::npos);
  }
  SECTION("a file that is missing or not JSON") {
    for (const std::string name : {"missing.json", "broken.json"}) {
      const auto config = folder.config("organization: {rcps: [" + name + "]}\n");
      REQUIRE(config);
      const auto policies = run::read_organization(config.value().organization, {});
      REQUIRE_FALSE(policies);
      CHECK(policies.error().file.ends_with(name));
    }
  }
  SECTION("a typo in the section is an error") {
    const auto config = folder.config("organization: {scp: [deny.json]}\n");
    REQUIRE_FALSE(config);
    CHECK(config.error().message.find("unknown key 'scp'") != std::string::npos);
  }
}
