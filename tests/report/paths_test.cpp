#include "report/paths.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace tfkms::report;

TEST_CASE("paths are made relative to the repository root", "[report]") {
  CHECK(repository_relative("repo/infra/kms.tf", "repo") == "infra/kms.tf");
  CHECK(repository_relative("repo/./infra/../infra/kms.tf", "repo/") == "infra/kms.tf");
  CHECK(repository_relative("infra/kms.tf", "") == "infra/kms.tf");
  const std::string cwd = std::filesystem::current_path().generic_string();
  CHECK(repository_relative(cwd + "/infra/kms.tf", "") == "infra/kms.tf");
  CHECK(repository_relative("infra/kms.tf", cwd) == "infra/kms.tf");
}

TEST_CASE("paths outside the repository root have no relative form", "[report]") {
  CHECK(repository_relative("/tmp/plan.json", "repo") == std::nullopt);
  CHECK(repository_relative("repo/../other/plan.json", "repo") == std::nullopt);
  CHECK(repository_relative("repo", "repo") == std::nullopt);
  CHECK(repository_relative("", "repo") == std::nullopt);
}

TEST_CASE("uri_reference percent-encodes what is not a plain path character", "[report]") {
  CHECK(uri_reference("infra/kms.tf") == "infra/kms.tf");
  CHECK(uri_reference("my dir/a:b#c?.tf") == "my%20dir/a%3Ab%23c%3F.tf");
  CHECK(uri_reference("100%.tf") == "100%25.tf");
  CHECK(uri_reference("clé.tf") == "cl%C3%A9.tf");
  CHECK(uri_reference("a\\b") == "a%5Cb");
}
