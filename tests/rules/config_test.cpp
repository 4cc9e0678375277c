#include "rules/config.hpp"

#include <catch2/catch.hpp>

using tfkms::rules::parse_config;
using tfkms::rules::Severity;

TEST_CASE("config reads every section", "[rules][config]") {
  const auto config = parse_config(R"(
account_id: "111122223333"
trusted_accounts: ["222233334444"]
rules:
  TFKMS007: { enabled: false }
  TFKMS003: { severity: high }
ignore:
  - rule: TFKMS003
    resource: "aws_kms_grant.*"
    reason: migration grants are revoked by the runbook
limits:
  max_statements: 50
)",
                                   ".tfkms.yml");
  REQUIRE(config);
  CHECK(config.value().account_id == "111122223333");
  CHECK(config.value().is_trusted("222233334444"));
  CHECK(config.value().is_trusted("111122223333"));
  CHECK_FALSE(config.value().is_trusted("999999999999"));
  CHECK(config.value().rules.at("TFKMS007").enabled == false);
  CHECK(config.value().rules.at("TFKMS003").severity == Severity::high);
  REQUIRE(config.value().ignore.size() == 1);
  CHECK(config.value().ignore[0].resource == "aws_kms_grant.*");
  CHECK(config.value().limits.max_statements == 50);
}

TEST_CASE("an empty config file is the default", "[rules][config]") {
  const auto config = parse_config("", "empty.yml");
  REQUIRE(config);
  CHECK(config.value().ignore.empty());
}

TEST_CASE("config errors name the key and the line", "[rules][config]") {
  SECTION("unknown top-level key") {
    const auto config =
        parse_config("account_id: \"111122223333\"\ntrusted_acounts: []\n", "c.yml");
    REQUIRE_FALSE(config);
    CHECK(config.error().line == 2u);
    CHECK_THAT(config.error().message, Catch::Contains("trusted_acounts"));
  }
  SECTION("ignore entry without a reason") {
    const auto config = parse_config("ignore:\n  - rule: TFKMS003\n    resource: x\n", "c.yml");
    REQUIRE_FALSE(config);
    CHECK(config.error().line == 2u);
    CHECK_THAT(config.error().message, Catch::Contains("reason"));
  }
  SECTION("wrong type") {
    const auto config = parse_config("rules:\n  TFKMS007:\n    enabled: maybe\n", "c.yml");
    REQUIRE_FALSE(config);
    CHECK(config.error().line == 3u);
    CHECK_THAT(config.error().message, Catch::Contains("rules.TFKMS007.enabled"));
  }
  SECTION("unknown rule id") {
    const auto config = parse_config("rules:\n  TFKMS999: {enabled: false}\n", "c.yml");
    REQUIRE_FALSE(config);
    CHECK_THAT(config.error().message, Catch::Contains("TFKMS999"));
  }
  SECTION("bad account id") {
    const auto config = parse_config("account_id: 1234\n", "c.yml");
    REQUIRE_FALSE(config);
    CHECK_THAT(config.error().message, Catch::Contains("account_id"));
  }
  SECTION("bad limit") {
    const auto config = parse_config("limits:\n  max_depth: -3\n", "c.yml");
    REQUIRE_FALSE(config);
    CHECK_THAT(config.error().message, Catch::Contains("limits.max_depth"));
  }
  SECTION("invalid YAML") {
    const auto config = parse_config("rules: [\n", "c.yml");
    REQUIRE_FALSE(config);
    CHECK(config.error().file == "c.yml");
  }
}
