// Walks every template of the shared corpus (shared/corpus/cloudformation, 942 templates from
// cfn-lint, cfn_nag, checkov and aws-cdk): nothing crashes, the refused templates are exactly those
// that are really invalid (listed below with the reason, checked by hand against each file and
// against an independent parse: not YAML/JSON, not a mapping, no Resources, or an empty Resources),
// and all others load.
#include "loaders/cloudformation.hpp"
#include "shared_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace tfkms;

namespace {

// Relative path -> what makes it invalid. Each message the loader gives must contain the quoted
// part.
const std::map<std::string, std::string> k_invalid = {
    {"cfn_nag/json__structural__rubbish.json",
     "not a mapping"}, // the text "this is not legal json"
    {"cfn_nag/json__structural__no_resources.json", "no Resources"},          // {"foo": "moo"}
    {"cfn_nag/yaml__security_group__bad_cidr.json", "no Resources"},          // only Parameters
    {"cfn_nag/json__ec2_volume__ebs_volume_parameters.json", "no Resources"}, // only Parameters
    {"cfn_nag/yaml__ignore_fatal__non_cfn.yml", "no Resources"}, // a YAML file that is no template
    {"cfn_nag/yaml__vulgar_bad_syntax.yml", "not valid YAML"},   // "MyKey: Ref: AWS::NoValue"
    // A CDK lookup stack with Parameters, Rules and Outputs only; CloudFormation requires
    // Resources.
    {"aws-cdk/"
     "aws-kms__test__integ.key-from-lookup-dummy.js.snapshot__key-from-lookup-dummy.template.json",
     "no Resources"},
    // `Resources: {}`: cfn-lint's tests of its own configuration, parsing, mappings and parameters.
    // CloudFormation refuses them ("At least one Resources member must be defined").
    {"cfn-lint/good__core__config_cfn_lint.json", "Resources is empty"},
    {"cfn-lint/good__core__config_cfn_lint.yaml", "Resources is empty"},
    {"cfn-lint/good__core__config_only_i1002.yaml", "Resources is empty"},
    {"cfn-lint/good__core__config_only_i1003.yaml", "Resources is empty"},
    {"cfn-lint/good__core__config_parameters.yaml", "Resources is empty"},
    {"cfn-lint/good__decode__parsing.json", "Resources is empty"},
    {"cfn-lint/good__mappings__name.yaml", "Resources is empty"},
    {"cfn-lint/good__parameters__default.yaml", "Resources is empty"},
    {"cfn-lint/good__resources__cloudformation__stack_nested.yaml", "Resources is empty"},
};

std::filesystem::path corpus_root() {
  return tfkms::testing::shared_dir() / "corpus" / "cloudformation";
}

bool is_template(const std::filesystem::path& path) {
  const std::string extension = path.extension().string();
  return extension == ".json" || extension == ".yaml" || extension == ".yml" ||
         extension == ".template";
}

} // namespace

TEST_CASE("every corpus template loads or is refused for a real defect",
          "[loaders][cloudformation][shared]") {
  const std::filesystem::path root = corpus_root();
  REQUIRE(std::filesystem::exists(root));
  std::size_t loaded = 0;
  std::size_t keys = 0;
  std::map<std::string, std::string> refused;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || !is_template(entry.path()))
      continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string name = entry.path().lexically_relative(root).generic_string();
    const auto kind = entry.path().extension() == ".json" ? loaders::InputKind::cloudformation_json
                                                          : loaders::InputKind::cloudformation_yaml;
    const auto result = loaders::load_cloudformation(buffer.str(), name, kind, {});
    if (result) {
      ++loaded;
      keys += result.value().graph.keys.size();
    } else {
      CHECK(result.error().file == name);
      CHECK(result.error().line.has_value());
      refused.emplace(name, result.error().message);
    }
  }
  CHECK(loaded + refused.size() == 942);
  CHECK(loaded == 942 - k_invalid.size());
  for (const auto& [name, message] : refused) {
    INFO(name << ": " << message);
    const auto expected = k_invalid.find(name);
    REQUIRE(expected != k_invalid.end());
    CHECK(message.find(expected->second) != std::string::npos);
  }
  CHECK(refused.size() == k_invalid.size());
  CHECK(keys > 50); // 73 when written: customer keys and the AWS managed keys the resources use
}
