#include "run/discovery.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using tfkms::run::discover;

// A folder of files for one test, removed when it ends.
class TempTree {
public:
  TempTree() : m_root(fs::temp_directory_path() / ("tfkms-tree-" + std::to_string(::getpid()))) {
    fs::remove_all(m_root);
  }
  ~TempTree() { fs::remove_all(m_root); }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  void write(const std::string& relative, const std::string& text) const {
    fs::create_directories((m_root / relative).parent_path());
    std::ofstream(m_root / relative) << text;
  }
  [[nodiscard]] std::string path(const std::string& relative = "") const {
    return relative.empty() ? m_root.string() : (m_root / relative).string();
  }

private:
  fs::path m_root;
};

std::vector<std::string> paths_of(const tfkms::run::Discovery& discovery, const TempTree& tree) {
  std::vector<std::string> out;
  for (const auto& source : discovery.sources) {
    out.push_back(fs::path(source.path).lexically_relative(tree.path()).generic_string());
  }
  return out;
}

const std::string k_manifest = R"({"version": "36.0.0", "artifacts": {
  "App": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
          "properties": {"templateFile": "App.template.json"}, "displayName": "App"},
  "Data": {"type": "aws:cloudformation:stack", "environment": "aws://111122223333/eu-west-1",
           "properties": {"templateFile": "Data.template.json"}},
  "assembly-Prod": {"type": "cdk:cloud-assembly",
                    "properties": {"directoryName": "assembly-Prod", "displayName": "Prod"}},
  "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}}}})";

const std::string k_stage_manifest = R"({"version": "36.0.0", "artifacts": {
  "ProdApp": {"type": "aws:cloudformation:stack", "environment": "aws://444455556666/us-east-1",
              "properties": {"templateFile": "ProdApp.template.json"}, "displayName": "Prod/App"}}})";

const std::string k_parent = R"({"Resources": {
  "Inner": {"Type": "AWS::CloudFormation::Stack", "Metadata": {"aws:asset:path": "AppInner.nested.template.json"}},
  "Gone": {"Type": "AWS::CloudFormation::Stack", "Metadata": {"aws:asset:path": "Missing.nested.template.json"}}}})";

TEST_CASE("a directory scan keeps files that may be inputs and leaves out tool state",
          "[run][discovery]") {
  const TempTree tree;
  tree.write("plan.json", "{}");
  tree.write("stacks/app.yaml", "x: 1");
  tree.write("README.md", "# docs");
  tree.write("main.tf", "resource {}");
  tree.write("node_modules/pkg/template.json", "{}");
  tree.write(".terraform/plan.json", "{}");
  tree.write("vendor/lib/template.yml", "x: 1");
  tree.write("test/data/fixture.json", "{}");
  const auto discovery = discover({tree.path()}, {"vendor", "test/*"});
  CHECK(paths_of(discovery, tree) == std::vector<std::string>{"plan.json", "stacks/app.yaml"});
  CHECK(std::all_of(discovery.sources.begin(), discovery.sources.end(),
                    [](const auto& s) { return s.scanned; }));
  CHECK(discovery.excluded.size() == 2);
  CHECK(discovery.errors.empty());
}

TEST_CASE("a named file is kept as it is, to be held to its kind", "[run][discovery]") {
  const auto discovery = discover({"missing.yaml", "-"}, {});
  REQUIRE(discovery.sources.size() == 2);
  CHECK_FALSE(discovery.sources[0].scanned);
  CHECK(discovery.sources[1].root == 1);
}

TEST_CASE("a cloud assembly is read through its manifest, stages and nested stacks included",
          "[run][discovery]") {
  const TempTree tree;
  tree.write("cdk.out/manifest.json", k_manifest);
  tree.write("cdk.out/App.template.json", k_parent);
  tree.write("cdk.out/AppInner.nested.template.json", R"({"Resources": {}})");
  tree.write("cdk.out/Data.template.json", R"({"Resources": {}})");
  tree.write("cdk.out/App.assets.json", R"({"version": "36.0.0", "files": {}})");
  tree.write("cdk.out/tree.json", R"({"version": "tree-0.1"})");
  tree.write("cdk.out/assembly-Prod/manifest.json", k_stage_manifest);
  tree.write("cdk.out/assembly-Prod/ProdApp.template.json", R"({"Resources": {}})");
  tree.write("package.json", R"({"name": "app"})");

  for (const std::string& root : {tree.path(), tree.path("cdk.out")}) {
    const auto discovery = discover({root}, {});
    std::vector<std::string> stacks;
    for (const auto& source : discovery.sources) {
      if (!source.stack.empty())
        stacks.push_back(source.stack + " " + source.account.value_or("unknown"));
    }
    CHECK(stacks == std::vector<std::string>{"App unknown", "App/Inner unknown",
                                             "Data 111122223333", "Prod/App 444455556666"});
    REQUIRE(discovery.notes.size() == 1);
    CHECK(discovery.notes[0].message.find("nested stack Gone of App") != std::string::npos);
  }
}

TEST_CASE("a broken manifest is an error naming it", "[run][discovery]") {
  const TempTree tree;
  tree.write("cdk.out/manifest.json",
             R"({"version": "36.0.0", "artifacts": {"S": {"type": "aws:cloudformation:stack"}}})");
  const auto discovery = discover({tree.path("cdk.out")}, {});
  REQUIRE(discovery.errors.size() == 1);
  CHECK(discovery.errors[0].file == tree.path("cdk.out/manifest.json"));
  CHECK(discovery.errors[0].message == "stack S names no templateFile");
}

} // namespace
