#include "loaders/cloudformation.hpp"

#include <catch2/catch.hpp>

using namespace tfkms;

namespace {

loaders::Input load_yaml(std::string_view text, const loaders::LoadOptions& options = {}) {
  auto result = loaders::load_cloudformation(text, "template.yaml", loaders::InputKind::cloudformation_yaml, options);
  if (!result) FAIL(result.error().to_string());
  return std::move(result.value());
}

loaders::LoadOptions with_account(std::string account) {
  loaders::LoadOptions options;
  options.account_id = std::move(account);
  return options;
}

std::string resolved(const model::Graph& graph, const std::string& raw) { return model::resolve_value(raw, graph).text; }

} // namespace

TEST_CASE("a key whose policy names the account and its own ARN through !Sub", "[loaders][cloudformation]") {
  const auto input = load_yaml(R"(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Sid: Root
            Effect: Allow
            Principal:
              AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
            Action: "kms:*"
            Resource: "*"
          - Sid: Self
            Effect: Allow
            Principal: {AWS: "*"}
            Action: kms:Decrypt
            Resource: !GetAtt DataKey.Arn
)",
                               with_account("111122223333"));
  const model::Graph& graph = input.graph;
  REQUIRE(graph.keys.size() == 1);
  const model::Key& key = graph.keys[0];
  CHECK(key.source.address == "DataKey");
  CHECK(key.source.line == 3);
  CHECK(key.rotation_enabled == true);
  REQUIRE(key.policy.state == model::PolicySource::State::document);
  const auto& statements = key.policy.document["Statement"];
  REQUIRE(statements.size() == 2);
  CHECK(resolved(graph, statements[0]["Principal"]["AWS"].get<std::string>()) == "arn:aws:iam::111122223333:root");
  CHECK(resolved(graph, statements[1]["Resource"].get<std::string>()) == resolved(graph, key.arn));
  REQUIRE(key.policy.statement_locations.size() == 2);
  CHECK(key.policy.statement_locations[0].line == 10);
  CHECK(key.policy.statement_locations[1].line == 16);
  CHECK(key.policy.statement_locations[1].pointer == "/Resources/DataKey/Properties/KeyPolicy/Statement/1");
}
