// `tfkms simulate` line protocol (cli::run_simulate).
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/simulate.hpp"

namespace {

struct Run {
  int code;
  std::vector<nlohmann::json> lines;
  std::string err;
};

Run simulate(const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out, err;
  const int code = tfkms::cli::run_simulate(in, out, err);
  Run run{code, {}, err.str()};
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) run.lines.push_back(nlohmann::json::parse(line));
  return run;
}

const std::string k_request =
    R"({"principal":"arn:aws:sts::111111111111:assumed-role/App/s","action":"kms:Decrypt",)"
    R"("resource":"arn:aws:kms:us-east-1:111111111111:key/k","context":{"kms:EncryptionContext:dept":"it"},)"
    R"("key_policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},)"
    R"("Action":"kms:*","Resource":"*"}]})";

} // namespace

TEST_CASE("simulate answers one line per request, in order", "[cli][simulate]") {
  const Run run = simulate(k_request + "}\n\n" + k_request +
                           R"(,"identity_policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}]})" +
                           "\n" + k_request +
                           R"(,"grants":[{"grantee":"arn:aws:iam::111111111111:role/App","operations":["Decrypt"],)"
                           R"("constraints":{"encryption_context_subset":{"Dept":"it"}}}]})" "\n");
  CHECK(run.code == 0);
  REQUIRE(run.lines.size() == 3);
  CHECK(run.lines[0]["decision"] == "implicitly_denied");
  CHECK(run.lines[1]["decision"] == "allowed");
  CHECK(run.lines[2]["decision"] == "allowed");
  CHECK(run.lines[1]["reasons"].size() >= 1);
}

TEST_CASE("malformed lines get an error line and the rest go on", "[cli][simulate]") {
  const Run run = simulate("not json\n{\"principal\":1}\n" + k_request + "}\n" +
                           R"({"principal":"x","action":"kms:Decrypt","resource":"*"})" "\n" +
                           R"({"principal":"arn:aws:iam::1:user/a","action":"kms:Nope","resource":"*"})" "\n" + k_request +
                           R"(,"identity_policies":[{"Statement":"x"}]})" "\n");
  CHECK(run.code == 2);
  REQUIRE(run.lines.size() == 6);
  CHECK(run.lines[0].contains("error"));
  CHECK(run.lines[1]["error"] == "line 2: \"principal\" must be a string");
  CHECK(run.lines[2]["decision"] == "implicitly_denied");
  CHECK(run.lines[3].contains("error"));
  CHECK(run.lines[4].contains("error"));
  CHECK(run.lines[5]["error"].get<std::string>().find("identity_policies[0] cannot be read") != std::string::npos);
  CHECK_FALSE(run.err.empty());
}

TEST_CASE("an undecidable request (unreadable statement) is an error line", "[cli][simulate]") {
  const Run run = simulate(
      R"({"principal":"arn:aws:iam::111111111111:user/a","action":"kms:Decrypt","resource":"arn:aws:kms:us-east-1:111111111111:key/k",)"
      R"("key_policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*",)"
      R"("Condition":{"StringEqulas":{"aws:username":"a"}}}]}})" "\n");
  CHECK(run.code == 2);
  REQUIRE(run.lines.size() == 1);
  CHECK(run.lines[0]["error"].get<std::string>().find("decision unknown") != std::string::npos);
}
