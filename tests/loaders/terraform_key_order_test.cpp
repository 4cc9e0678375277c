// JSON objects are unordered: a plan rewritten by a tool that sorts keys (`jq -S`, nlohmann) or
// writes them in any other order must load the same graph and give the same findings as Terraform's
// own file.
#include "loaders/input.hpp"
#include "loaders/loaders.hpp"
#include "rules/engine.hpp"
#include "shared_dir.hpp"
#include "temp_file.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using tfkms::loaders::LoadOptions;
using tfkms::model::Graph;
using tfkms::test::TempFile;

std::string read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  auto input = tfkms::loaders::decode_input(bytes.str(), path.string()); // UTF-16 plans too
  REQUIRE(input);
  return std::string(input.value().text());
}

// Writes `value` with every object's members in the reverse of their order in the input.
void write_reversed(const nlohmann::ordered_json& value, std::string& out) {
  if (value.is_object()) {
    out += '{';
    const auto items = value.items();
    std::vector<std::pair<std::string, const nlohmann::ordered_json*>> members;
    for (const auto& item : items)
      members.emplace_back(item.key(), &item.value());
    for (auto it = members.rbegin(); it != members.rend(); ++it) {
      if (it != members.rbegin())
        out += ",\n";
      out += nlohmann::ordered_json(it->first).dump() + ": ";
      write_reversed(*it->second, out);
    }
    out += '}';
  } else if (value.is_array()) {
    out += '[';
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (i > 0)
        out += ", ";
      write_reversed(value[i], out);
    }
    out += ']';
  } else {
    out += value.dump();
  }
}

std::string sorted(const std::string& text) { return nlohmann::json::parse(text).dump(1); }

std::string reversed(const std::string& text) {
  std::string out;
  write_reversed(nlohmann::ordered_json::parse(text), out);
  return out;
}

// What a graph and its findings amount to, without file positions (the rewritten files have other
// line numbers).
std::vector<std::string> summary(const Graph& graph) {
  std::vector<std::string> lines;
  for (const auto& key : graph.keys) {
    lines.push_back("key " + key.source.address + " policy " +
                    std::to_string(static_cast<int>(key.policy.state)) + " " +
                    key.policy.document.dump() + " " + key.planned_action);
  }
  for (const auto& alias : graph.aliases)
    lines.push_back("alias " + alias.source.address + " " + alias.target.text);
  for (const auto& grant : graph.grants)
    lines.push_back("grant " + grant.source.address + " " + grant.grantee);
  for (const auto& principal : graph.principals) {
    lines.push_back("principal " + principal.source.address + " " + principal.arn + " " +
                    std::to_string(principal.policies.size()));
  }
  for (const auto& policy : graph.policies)
    lines.push_back("policy " + policy.source.address + " " + policy.document.document.dump());
  for (const auto& store : graph.data_stores)
    lines.push_back("store " + store.source.address + " " + store.key.text);
  for (const auto& finding :
       tfkms::rules::run_rules(graph, tfkms::rules::Config{}, tfkms::rules::Selection{})) {
    lines.push_back("finding " + finding.rule_id + " " + finding.resource + " " +
                    finding.fingerprint);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

struct Loaded {
  bool ok = false;
  std::string error;
  std::vector<std::string> summary;
  std::size_t keys = 0; ///< customer keys (not the AWS managed ones the graph synthesizes)
};

Loaded load(const std::string& path, const LoadOptions& options) {
  Loaded loaded;
  auto input = tfkms::loaders::load_file(path, options);
  loaded.ok = static_cast<bool>(input);
  if (!input) {
    loaded.error = input.error().message;
    return loaded;
  }
  loaded.summary = summary(input.value().graph);
  const auto& keys = input.value().graph.keys;
  loaded.keys =
      static_cast<std::size_t>(std::count_if(keys.begin(), keys.end(), [](const auto& key) {
        return key.kind != tfkms::model::KeyKind::aws_managed;
      }));
  return loaded;
}

void check_same_in_any_key_order(const fs::path& plan, const LoadOptions& options) {
  INFO(plan.string());
  const std::string text = read_text(plan);
  const Loaded original = load(plan.string(), options);
  const TempFile sorted_file("sorted-" + plan.filename().string(), sorted(text));
  const TempFile reversed_file("reversed-" + plan.filename().string(), reversed(text));
  const Loaded from_sorted = load(sorted_file.path(), options);
  const Loaded from_reversed = load(reversed_file.path(), options);
  CHECK(from_sorted.ok == original.ok);
  CHECK(from_reversed.ok == original.ok);
  CHECK(from_sorted.summary == original.summary);
  CHECK(from_reversed.summary == original.summary);
}

} // namespace

TEST_CASE("a plan with sorted or reversed keys loads the same graph and findings",
          "[loaders][terraform]") {
  SECTION("the demo plan") {
    const fs::path demo = fs::path(TFKMS_SOURCE_DIR) / "fixtures" / "demo";
    const Loaded original = load((demo / "plan.json").string(), LoadOptions{});
    REQUIRE(original.keys == 1);
    REQUIRE(std::count_if(original.summary.begin(), original.summary.end(),
                          [](const auto& line) { return line.starts_with("finding "); }) == 4);
    LoadOptions options;
    options.tf_dir = demo.string(); // the rewritten copies are elsewhere
    check_same_in_any_key_order(demo / "plan.json", options);
  }
  SECTION("the loader fixtures, with their .tf sources") {
    const fs::path fixtures = fs::path(TFKMS_SOURCE_DIR) / "fixtures" / "loaders" / "terraform";
    for (const char* name : {"kms_plan", "modules_plan"}) {
      LoadOptions options;
      options.tf_dir = (fixtures / name).string();
      check_same_in_any_key_order(fixtures / name / "plan.json", options);
    }
  }
  SECTION("the real plans kept in the repository") {
    const fs::path real = fs::path(TFKMS_SOURCE_DIR) / "fixtures" / "real" / "terraform";
    for (const auto& entry : fs::recursive_directory_iterator(real)) {
      if (entry.path().extension() == ".json")
        check_same_in_any_key_order(entry.path(), LoadOptions{});
    }
  }
}

TEST_CASE("every plan of the shared corpus loads the same with sorted or reversed keys",
          "[loaders][terraform][shared]") {
  const fs::path corpus = tfkms::testing::shared_dir() / "corpus" / "terraform-plans";
  REQUIRE(fs::exists(corpus));
  std::size_t plans = 0, with_keys = 0;
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    if (entry.path().extension() != ".json")
      continue;
    ++plans;
    with_keys += load(entry.path().string(), LoadOptions{}).keys > 0 ? 1 : 0;
    check_same_in_any_key_order(entry.path(), LoadOptions{});
  }
  CHECK(plans >= 88);
  CHECK(with_keys >= 5);
}

TEST_CASE("a resource change is not lost to a trimmed or unusual plan", "[loaders][terraform]") {
  const auto keys_in = [](const std::string& name, const std::string& text) {
    const TempFile file(name, text);
    auto input = tfkms::loaders::load_file(file.path(), LoadOptions{});
    REQUIRE(input);
    return std::move(input.value().graph);
  };
  const std::string policy =
      R"("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}")";
  SECTION("without type and mode, the address tells them") {
    const Graph graph = keys_in("no-type.json", R"({"format_version": "1.2", "resource_changes": [
      {"address": "module.m.aws_kms_key.k", "change": {"actions": ["create"], "after": {"policy": )" +
                                                    policy + R"(}}}]})");
    REQUIRE(graph.keys.size() == 1);
    CHECK(graph.keys[0].source.address == "module.m.aws_kms_key.k");
    CHECK(graph.keys[0].policy.state == tfkms::model::PolicySource::State::document);
  }
  SECTION("without actions: read, with a warning") {
    const Graph graph =
        keys_in("no-actions.json", R"({"format_version": "1.2", "resource_changes": [
      {"type": "aws_kms_key", "mode": "managed", "address": "aws_kms_key.k", "change": {"after": {"policy": )" +
                                       policy + R"(}}}]})");
    REQUIRE(graph.keys.size() == 1);
    REQUIRE_FALSE(graph.diagnostics.empty());
    CHECK_THAT(graph.diagnostics[0].message,
               Catch::Contains("aws_kms_key.k") && Catch::Contains("actions"));
  }
  SECTION("without type nor address: a warning") {
    const Graph graph =
        keys_in("no-address.json", R"({"format_version": "1.2", "resource_changes": [
      {"change": {"actions": ["create"], "after": {"policy": )" +
                                       policy + R"(}}}]})");
    REQUIRE(graph.diagnostics.size() == 1);
    CHECK_THAT(graph.diagnostics[0].message, Catch::Contains("entry 0") && Catch::Contains("type"));
  }
  SECTION("an empty resource_changes falls back to planned_values, wherever it stands") {
    const Graph graph =
        keys_in("empty-changes.json", R"({"resource_changes": [], "format_version": "1.2",
      "planned_values": {"root_module": {"resources": [{"values": {"policy": )" +
                                          policy + R"(},
        "name": "k", "type": "aws_kms_key", "mode": "managed", "address": "aws_kms_key.k"}]}}})");
    REQUIRE(graph.keys.size() == 1);
    CHECK(graph.keys[0].policy.state == tfkms::model::PolicySource::State::document);
  }
}
