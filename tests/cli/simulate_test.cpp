// `tfkms simulate` line protocol (cli::run_simulate).
#include "cli/simulate.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

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
  for (std::string line; std::getline(lines, line);)
    run.lines.push_back(nlohmann::json::parse(line));
  return run;
}

const std::string k_request =
    R"({"principal":"arn:aws:sts::111111111111:assumed-role/App/s","action":"kms:Decrypt",)"
    R"("resource":"arn:aws:kms:us-east-1:111111111111:key/k","context":{"kms:EncryptionContext:dept":"it"},)"
    R"("key_policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},)"
    R"("Action":"kms:*","Resource":"*"}]})";

} // namespace

TEST_CASE("simulate answers one line per request, in order", "[cli][simulate]") {
  const Run run = simulate(
      k_request + "}\n\n" + k_request +
      R"(,"identity_policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}]})" +
      "\n" + k_request +
      R"(,"grants":[{"grantee":"arn:aws:iam::111111111111:role/App","operations":["Decrypt"],)"
      R"("constraints":{"encryption_context_subset":{"Dept":"it"}}}]})"
      "\n");
  CHECK(run.code == 0);
  REQUIRE(run.lines.size() == 3);
  CHECK(run.lines[0]["decision"] == "implicitly_denied");
  CHECK(run.lines[1]["decision"] == "allowed");
  CHECK(run.lines[2]["decision"] == "allowed");
  CHECK(run.lines[1]["reasons"].size() >= 1);
}

TEST_CASE("malformed lines get an error line and the rest go on", "[cli][simulate]") {
  const Run run =
      simulate("not json\n{\"principal\":1}\n" + k_request + "}\n" +
               R"({"principal":"x","action":"kms:Decrypt","resource":"*"})"
               "\n" +
               R"({"principal":"arn:aws:iam::1:user/a","action":"kms:Nope","resource":"*"})"
               "\n" +
               k_request +
               R"(,"identity_policies":[{"Statement":"x"}]})"
               "\n");
  CHECK(run.code == 2);
  REQUIRE(run.lines.size() == 6);
  CHECK(run.lines[0].contains("error"));
  CHECK(run.lines[1]["error"] == "line 2: \"principal\" must be a string");
  CHECK(run.lines[2]["decision"] == "implicitly_denied");
  CHECK(run.lines[3].contains("error"));
  CHECK(run.lines[4].contains("error"));
  CHECK(run.lines[5]["error"] ==
        "line 6: identity_policies[0] is refused by AWS (MalformedPolicyDocument): "
        "Statement: Statement must be an object or an array of objects");
  CHECK_FALSE(run.err.empty());
}

TEST_CASE("a policy AWS refuses is an error line naming the statement", "[cli][simulate]") {
  const Run run = simulate(
      R"({"principal":"arn:aws:iam::111111111111:user/a","action":"kms:Decrypt","resource":"arn:aws:kms:us-east-1:111111111111:key/k",)"
      R"("key_policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*",)"
      R"("Condition":{"StringEqulas":{"aws:username":"a"}}}]}})"
      "\n");
  CHECK(run.code == 2);
  REQUIRE(run.lines.size() == 1);
  CHECK(run.lines[0]["error"] == "line 1: key_policy is refused by AWS (MalformedPolicyDocument): "
                                 "Statement[0].Condition.StringEqulas: unknown condition operator");
}

namespace {

const std::string k_key = "arn:aws:kms:us-east-1:111111111111:key/k";

std::string request_with(const std::string& principal, const std::string& rest) {
  return R"({"principal":")" + principal + R"(","action":"kms:Decrypt","resource":")" + k_key +
         "\"," + rest + "}\n";
}

std::string key_policy_with(const std::string& statements) {
  return R"("key_policy":{"Version":"2012-10-17","Statement":[)" + statements + "]}";
}

const std::string k_allow_all =
    R"({"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"})";

} // namespace

TEST_CASE("simulate: Deny with NotPrincipal spares only the listed user of the account",
          "[cli][simulate]") {
  const std::string policy = key_policy_with(
      k_allow_all +
      R"(,{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111111111111:user/Bob",)"
      R"("arn:aws:iam::111111111111:root"]},"Action":"kms:*","Resource":"*"})");
  const Run run = simulate(request_with("arn:aws:iam::111111111111:user/Bob", policy) +
                           request_with("arn:aws:iam::111111111111:user/Alice", policy));
  REQUIRE(run.lines.size() == 2);
  CHECK(run.lines[0]["decision"] == "allowed");
  CHECK(run.lines[1]["decision"] == "explicitly_denied");
}

TEST_CASE("simulate: a grant of an operation CreateGrant refuses is an error", "[cli][simulate]") {
  const std::string policy = key_policy_with(
      R"({"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"kms:*","Resource":"*"})");
  const Run run =
      simulate(request_with("arn:aws:iam::111111111111:user/a",
                            policy + R"(,"grants":[{"grantee":"arn:aws:iam::111111111111:user/a",)"
                                     R"("operations":["PutKeyPolicy"]}])") +
               request_with("arn:aws:iam::111111111111:user/a",
                            policy + R"(,"grants":[{"grantee":"arn:aws:iam::111111111111:user/a",)"
                                     R"("operations":["decrypt"]}])"));
  REQUIRE(run.lines.size() == 2);
  CHECK(run.lines[0]["error"] ==
        "line 1: grants[0]: \"PutKeyPolicy\" is not a grant operation; CreateGrant "
        "refuses it (ValidationException), so the grant cannot exist");
  CHECK(run.lines[1]["error"].get<std::string>().find("\"decrypt\" is not a grant operation") !=
        std::string::npos);
}

TEST_CASE("simulate: the policy limits of check hold, and deep nesting is refused quickly",
          "[cli][simulate]") {
  const auto nested = [](std::size_t depth) {
    return std::string(depth, '[') + "\"x\"" + std::string(depth, ']');
  };
  const auto condition_value = [&](std::size_t depth) {
    return key_policy_with(R"({"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*",)"
                           R"("Condition":{"StringEquals":{"aws:username":)" +
                           nested(depth) + "}}}");
  };
  std::string statements = k_allow_all;
  for (int i = 1; i < 1500; ++i)
    statements += "," + k_allow_all;
  const std::string user = "arn:aws:iam::111111111111:user/a";
  // The value nests 5 levels below the document, which nests 1 below the line.
  const Run run = simulate(
      request_with(user, condition_value(100000)) + request_with(user, condition_value(300)) +
      request_with(user, condition_value(252)) + request_with(user, key_policy_with(statements)) +
      request_with(user, key_policy_with(k_allow_all)));
  REQUIRE(run.lines.size() == 5);
  CHECK(run.lines[0]["error"] == "line 1: nests deeper than limits.max_depth = 256");
  CHECK(run.lines[1]["error"] == "line 2: nests deeper than limits.max_depth = 256");
  CHECK(run.lines[2]["error"] ==
        "line 3: key_policy: policy nests 257 levels, more than limits.max_depth = 256 "
        "(raise it in .tfkms.yml)");
  CHECK(run.lines[3]["error"].get<std::string>().find(
            "policy has 1500 statements, more than limits.max_statements "
            "= 1000") != std::string::npos);
  CHECK(run.lines[4]["decision"] == "allowed");
}

TEST_CASE("simulate: a statement AWS refuses is named, and an unknown field is an error",
          "[cli][simulate]") {
  const std::string user = "arn:aws:iam::111111111111:user/a";
  const Run run = simulate(
      request_with(user, key_policy_with(k_allow_all +
                                         R"(,{"Effect":"Deny","Action":"kms:*","Resource":"*"})")) +
      request_with(user, key_policy_with(
                             k_allow_all +
                             R"(,{"Effect":"Deny","Principal":"*","Action":5,"Resource":"*"})")) +
      request_with(user, R"("key_polcy":{})"));
  REQUIRE(run.lines.size() == 3);
  CHECK(run.lines[0]["error"] == "line 1: key_policy is refused by AWS (MalformedPolicyDocument): "
                                 "Statement[1]: statement has no Principal");
  CHECK(run.lines[1]["error"] == "line 2: key_policy is refused by AWS (MalformedPolicyDocument): "
                                 "Statement[1].Action: expected a string, found number");
  CHECK(run.lines[2]["error"] == "line 3: unknown field \"key_polcy\"");
}

TEST_CASE("simulate: SCP levels, RCPs, a boundary and a session policy take access away",
          "[cli][simulate]") {
  const std::string app = "arn:aws:sts::111111111111:assumed-role/App/s";
  const std::string base =
      key_policy_with(
          R"({"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"kms:*","Resource":"*"})") +
      R"(,"identity_policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}])";
  const std::string allow_all =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
  const std::string s3_only =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";
  const std::string rcp_deny =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",)"
      R"("Action":"kms:Decrypt","Resource":"*"}]})";
  const Run run =
      simulate(request_with(app, base) +
               request_with(app, base + R"(,"scps":[[)" + allow_all + "],[" + s3_only + "]]") +
               request_with(app, base + R"(,"rcps":[[)" + rcp_deny + "]]") +
               request_with(app, base + R"(,"permission_boundary":)" + s3_only) +
               request_with(app, base + R"(,"session_policy":)" + s3_only) +
               request_with(app, base + R"(,"scps":[)" + allow_all + "]"));
  REQUIRE(run.lines.size() == 6);
  CHECK(run.lines[0]["decision"] == "allowed");
  CHECK(run.lines[1]["decision"] == "implicitly_denied");
  CHECK(run.lines[1]["reasons"].back() == "no SCP of level 1 allows it");
  CHECK(run.lines[2]["decision"] == "explicitly_denied");
  CHECK(run.lines[2]["reasons"][0] == "RCP level 0 policy 0 Statement[0] denies");
  CHECK(run.lines[3]["decision"] == "implicitly_denied");
  CHECK(run.lines[4]["decision"] == "implicitly_denied");
  CHECK(run.lines[5]["error"] == "line 6: \"scps\"[0] must be an array of policies");
}
