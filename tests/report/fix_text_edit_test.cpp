// A fix as data made a text replacement in the template it edits: only the element's lines change
// in YAML, the document is rewritten in JSON, and nothing is offered where the place is not clear.
#include "report/fix_text_edit.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using tfkms::report::template_text_edit;
using tfkms::report::TextEdit;
using tfkms::rules::FixEdit;
using tfkms::rules::FixKind;

namespace {

constexpr const char* k_yaml = R"(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: false
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Sid: Root
            Effect: Allow
            Principal: { AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" }
            Action: kms:*
            Resource: "*"

          - Sid: Twice
            Effect: Allow
            Principal:
              AWS: "*"
            Action: [kms:Decrypt,
                     kms:Encrypt]
            Resource: "*"
          - Sid: Last
            Effect: Allow
            Principal: { AWS: "*" }
            Action: kms:CreateGrant
            Resource: "*"
            Condition:
              Bool: { "kms:GrantIsForAWSResource": "true" }
  Other:
    Type: AWS::SNS::Topic
)";

constexpr const char* k_policy = "/Resources/Key/Properties/KeyPolicy";

FixEdit policy_edit(FixKind kind, std::optional<std::size_t> statement, std::string json = {}) {
  return FixEdit{.kind = kind,
                 .policy = k_policy,
                 .statement = statement,
                 .json = std::move(json),
                 .options = {},
                 .property = {}};
}

std::string applied(std::string text, const TextEdit& edit) {
  return text.replace(edit.offset, edit.length, edit.inserted);
}

} // namespace

TEST_CASE("a YAML statement is removed with its lines only", "[report][fixes]") {
  const auto edit = template_text_edit(policy_edit(FixKind::remove_statement, 1), "t.yaml", k_yaml);
  REQUIRE(edit);
  const std::string after = applied(k_yaml, *edit);
  CHECK(after.find("Twice") == std::string::npos);
  CHECK(after.find("kms:Encrypt]") == std::string::npos);
  CHECK(after.find("            Resource: \"*\"\n\n          - Sid: Last") != std::string::npos);
  CHECK(after.find("  Other:\n") != std::string::npos);
}

TEST_CASE("a YAML condition is added at the end of its statement", "[report][fixes]") {
  const auto edit = template_text_edit(
      policy_edit(FixKind::add_condition, 1, R"({"Bool":{"a:b":"true"}})"), "t.yml", k_yaml);
  REQUIRE(edit);
  CHECK(edit->length == 0);
  CHECK(applied(k_yaml, *edit)
            .find("                     kms:Encrypt]\n            Resource: "
                  "\"*\"\n            Condition: {\"Bool\":{\"a:b\":\"true\"}}\n"
                  "          - Sid: Last") != std::string::npos);
  // A Condition already there would have to be merged: no text edit is offered.
  CHECK_FALSE(template_text_edit(policy_edit(FixKind::add_condition, 2, R"({"Bool":{"a":"b"}})"),
                                 "t.yaml", k_yaml));
  CHECK_FALSE(template_text_edit(policy_edit(FixKind::add_condition, 3, "{}"), "t.yaml", k_yaml));
}

TEST_CASE("a YAML statement's actions are replaced, all their lines", "[report][fixes]") {
  const std::string actions = R"(["kms:PutKeyPolicy","kms:DescribeKey"])";
  const auto spread =
      template_text_edit(policy_edit(FixKind::set_actions, 1, actions), "t.yaml", k_yaml);
  REQUIRE(spread);
  const std::string after = applied(k_yaml, *spread);
  CHECK(after.find("              AWS: \"*\"\n            Action: " + actions +
                   "\n            Resource: \"*\"\n          - Sid: Last") != std::string::npos);
  CHECK(after.find("kms:Encrypt]") == std::string::npos);
  // On a sequence item's first line the entry starts after the "- ".
  const std::string first = "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n"
                            "      KeyPolicy:\n        Statement:\n          - NotAction:\n"
                            "              - kms:Encrypt\n            Effect: Allow\n";
  const auto negated =
      template_text_edit(policy_edit(FixKind::set_actions, 0, actions), "t.yaml", first);
  REQUIRE(negated);
  CHECK(applied(first, *negated) ==
        "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy:\n"
        "        Statement:\n          - Action: " +
            actions + "\n            Effect: Allow\n");
}

TEST_CASE("a YAML statement is added after the last one", "[report][fixes]") {
  const auto edit = template_text_edit(
      policy_edit(FixKind::add_statement, std::nullopt, R"({"Sid":"New"})"), "t.yaml", k_yaml);
  REQUIRE(edit);
  CHECK(applied(k_yaml, *edit).find("\"true\" }\n          - {\"Sid\":\"New\"}\n  Other:") !=
        std::string::npos);
}

TEST_CASE("a YAML property is set on its line, or added under Properties", "[report][fixes]") {
  FixEdit rotation{.kind = FixKind::set_property,
                   .policy = {},
                   .statement = std::nullopt,
                   .json = "true",
                   .options = {},
                   .property = "/Resources/Key/Properties/EnableKeyRotation"};
  const auto set = template_text_edit(rotation, "t.yaml", k_yaml);
  REQUIRE(set);
  CHECK(applied(k_yaml, *set).find("      EnableKeyRotation: true\n      KeyPolicy:") !=
        std::string::npos);
  rotation.property = "/Resources/Key/Properties/RotationPeriodInDays";
  rotation.json = "90";
  const auto added = template_text_edit(rotation, "t.yaml", k_yaml);
  REQUIRE(added);
  CHECK(applied(k_yaml, *added).find("    Properties:\n      RotationPeriodInDays: 90\n") !=
        std::string::npos);
}

TEST_CASE("no text edit where the place is not written in block style", "[report][fixes]") {
  const std::string flow = "Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n"
                           "      KeyPolicy: {Version: '2012-10-17', Statement: [{Sid: A}]}\n";
  CHECK_FALSE(template_text_edit(policy_edit(FixKind::remove_statement, 0), "t.yaml", flow));
  CHECK_FALSE(template_text_edit(policy_edit(FixKind::remove_statement, 7), "t.yaml", k_yaml));
}

TEST_CASE("a JSON template is rewritten whole with the edit applied", "[report][fixes]") {
  const std::string text = R"({"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {
    "KeyPolicy": {"Version": "2012-10-17", "Statement": {"Sid": "Only"}}}}}})";
  const auto edit = template_text_edit(
      policy_edit(FixKind::add_statement, std::nullopt, R"({"Sid":"New"})"), "t.cfn.json", text);
  REQUIRE(edit);
  CHECK(edit->offset == 0);
  CHECK(edit->length == text.size());
  const auto document = nlohmann::json::parse(edit->inserted);
  const auto& statements = document["Resources"]["Key"]["Properties"]["KeyPolicy"]["Statement"];
  REQUIRE(statements.size() == 2);
  CHECK(statements[0]["Sid"] == "Only");
  CHECK(statements[1]["Sid"] == "New");
  const auto condition = template_text_edit(
      policy_edit(FixKind::add_condition, 0, R"({"Bool":{"a":"b"}})"), "t.template", text);
  REQUIRE(condition);
  CHECK(nlohmann::json::parse(condition->inserted)["Resources"]["Key"]["Properties"]["KeyPolicy"]
                                                  ["Statement"][0]["Condition"]["Bool"]["a"] ==
        "b");
  const std::string negated = R"({"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {
    "KeyPolicy": {"Statement": [{"Sid": "A", "NotAction": "kms:Encrypt"}]}}}}})";
  const auto actions = template_text_edit(
      policy_edit(FixKind::set_actions, 0, R"(["kms:PutKeyPolicy"])"), "t.json", negated);
  REQUIRE(actions);
  const auto statement = nlohmann::json::parse(
      actions->inserted)["Resources"]["Key"]["Properties"]["KeyPolicy"]["Statement"][0];
  CHECK(statement == nlohmann::json::parse(R"({"Sid": "A", "Action": ["kms:PutKeyPolicy"]})"));
}

TEST_CASE("no text edit for plans or for fixes that are no edit", "[report][fixes]") {
  FixEdit plan = policy_edit(FixKind::remove_statement, 0);
  plan.policy = "/resource_changes/0/change/after/policy";
  CHECK_FALSE(template_text_edit(plan, "plan.json", "{}"));
  FixEdit choice = policy_edit(FixKind::design_choice, std::nullopt);
  choice.options = {"one", "two"};
  CHECK_FALSE(template_text_edit(choice, "t.yaml", k_yaml));
}
