#include "loaders/recognize.hpp"
#include "temp_file.hpp"

#include <catch2/catch.hpp>

namespace {

using tfkms::loaders::decode_input;
using tfkms::loaders::explain_non_input;
using tfkms::loaders::why_not_an_input;
using tfkms::loaders::why_unreadable_is_not_an_input;
using tfkms::test::TempFile;

std::optional<std::string> why_not(std::string_view text) {
  auto input = decode_input(text, "file");
  REQUIRE(input);
  return why_not_an_input(input.value());
}

TEST_CASE("plans, states and templates are inputs by their content", "[loaders][recognize]") {
  CHECK_FALSE(why_not(R"({"format_version": "1.2", "resource_changes": []})"));
  CHECK_FALSE(why_not(R"({"format_version": "1.0", "terraform_version": "1.9.0", "values": {}})"));
  CHECK_FALSE(why_not(R"({"AWSTemplateFormatVersion": "2010-09-09"})"));
  CHECK_FALSE(why_not(R"({"Resources": {"Key": {"Type": "AWS::KMS::Key"}}})"));
  CHECK_FALSE(why_not("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n"));
  CHECK_FALSE(why_not("Transform: AWS::Serverless-2016-10-31\n"));
  CHECK_FALSE(why_not("Resources:\n  Key:\n    Type: 'AWS::KMS::Key'\n"));
  CHECK_FALSE(why_not("\"Resources\":\n  Key:\n    \"Type\": \"Custom::Thing\"\n"));
}

TEST_CASE("ordinary repository files are not inputs, each with a reason", "[loaders][recognize]") {
  CHECK(why_not(R"({"name": "app", "version": "1.0.0", "dependencies": {}})") ==
        "JSON without the keys of a plan, a state or a CloudFormation template");
  CHECK(why_not(R"({"Resources": {"users": {"Type": "table"}}})") ==
        "its Resources section holds no AWS resource type (AWS::...)");
  CHECK(why_not("[1, 2, 3]") == "JSON that is not an object");
  CHECK(why_not("{\n  // comments make tsconfig.json not JSON\n  \"compilerOptions\": {}\n}") ==
        "not valid JSON, and nothing in it names a plan, a state or a template");
  CHECK(why_not("apiVersion: v1\nkind: Service\n---\napiVersion: apps/v1\nkind: Deployment\n") ==
        "YAML without a CloudFormation Resources section");
  CHECK(why_not("service: api\nresources:\n  Resources:\n    Q:\n      Type: AWS::SQS::Queue\n") ==
        "YAML without a CloudFormation Resources section");
  CHECK(why_not("Resources:\n  web:\n    replicas: 2\n") ==
        "its Resources section holds no AWS resource type (AWS::...)");
}

TEST_CASE("a broken file that claims to be an input stays an input, so its error is reported",
          "[loaders][recognize]") {
  CHECK_FALSE(why_not("{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {"));
  CHECK_FALSE(why_not("{\"format_version\": \"1.2\", \"resource_changes\": [}"));
  CHECK_FALSE(why_not("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Key: [unclosed\n"));
}

TEST_CASE("unreadable files are skipped unless they name an input", "[loaders][recognize]") {
  const TempFile zip("tfplan", std::string("PK\x03\x04\x14\0\0\0tfplan", 14));
  CHECK(why_unreadable_is_not_an_input(zip.path()).value().starts_with("a zip archive"));
  const TempFile latin1("latin1.yaml", "name: caf\xE9\n");
  CHECK(why_unreadable_is_not_an_input(latin1.path()) == "not UTF-8 or UTF-16 text");
  const TempFile template_latin1("t.yaml",
                                 "AWSTemplateFormatVersion: '2010-09-09'\nDescription: caf\xE9\n");
  CHECK_FALSE(why_unreadable_is_not_an_input(template_latin1.path()));
}

TEST_CASE("files often taken for inputs get the command that makes one", "[loaders][recognize]") {
  CHECK(
      explain_non_input("infra/main.tf").value().find("terraform show -json tfplan > plan.json") !=
      std::string::npos);
  CHECK(
      explain_non_input("main.tf.json").value().starts_with("Terraform configuration, not a plan"));
  CHECK(explain_non_input("app/cdk.json").value().find("cdk synth") != std::string::npos);
  CHECK(explain_non_input("serverless.yml").value().find("serverless package") !=
        std::string::npos);
  const TempFile plan("binary-plan", std::string("PK\x03\x04\x14\0\0\0tfplan", 14));
  CHECK(explain_non_input(plan.path()).value().find("terraform show -json") != std::string::npos);
  const TempFile text("plan.json", "{}");
  CHECK_FALSE(explain_non_input(text.path()));
}

} // namespace
