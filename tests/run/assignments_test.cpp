#include "run/assignments.hpp"

#include <catch2/catch.hpp>

using namespace tfkms;

TEST_CASE("--parameter KEY=VALUE: the last value of a key wins, '=' may recur", "[run]") {
  const auto parameters = run::parse_parameters({"Stage=prod", "Url=a=b", "Stage=dev", "Empty="});
  REQUIRE(parameters);
  CHECK(parameters.value() ==
        std::map<std::string, std::string>{{"Empty", ""}, {"Stage", "dev"}, {"Url", "a=b"}});
  CHECK(run::parse_parameters({}).value().empty());
}

TEST_CASE("--parameter without a key or '=' is refused, naming the option and the spec", "[run]") {
  for (const std::string spec : {"Stage", "=prod"}) {
    const auto parameters = run::parse_parameters({"Ok=1", spec});
    REQUIRE_FALSE(parameters);
    CHECK(parameters.error().message == "--parameter: expected KEY=VALUE; got '" + spec + "'");
  }
}

TEST_CASE("--condition NAME=true|false, nothing else", "[run]") {
  const auto conditions = run::parse_conditions({"IsProd=true", "HasVpc=false"});
  REQUIRE(conditions);
  CHECK(conditions.value() == std::map<std::string, bool>{{"HasVpc", false}, {"IsProd", true}});
  for (const std::string spec : {"IsProd", "IsProd=yes", "=true", "IsProd=True"}) {
    const auto refused = run::parse_conditions({spec});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message ==
          "--condition: expected NAME=true or NAME=false; got '" + spec + "'");
  }
}
