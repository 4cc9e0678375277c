// Data-driven tests of `tfkms diff`: every <name>.tfplan.json (a plan with before/after values) or
// <name>.after.yaml with <name>.before.yaml (a CloudFormation pair) under fixtures/<change rule>/
// {positive,negative}/ must produce exactly the access changes and findings listed in
// <name>.expected.json (a negative case has no finding of its folder's rule):
//   {"changes": [{"key", "class", "change", "subject"}], "findings": [{"rule_id", "resource",
//    "evidence_contains": [..] (optional: texts each in some evidence of that finding)}],
//    "data_store_changes": [{"data_store", "key_before", "key_after"}]}   (the last one optional)
// Fixtures run as account 111122223333. Adding a fixture needs no code.
#include "cli/access.hpp"
#include "rules/engine.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>

namespace fs = std::filesystem;
using namespace tfkms;

namespace {

const fs::path k_fixtures = fs::path(TFKMS_SOURCE_DIR) / "fixtures";

using ChangeRow = std::tuple<std::string, std::string, std::string, std::string>;
using FindingRow = std::pair<std::string, std::string>;

struct Scenario {
  std::string name; ///< "TFKMS020/positive/cross_account_statement_added"
  fs::path input;
  std::optional<std::string> base;
  std::string rule;
  bool positive = false;
};

void add_scenarios(const fs::path& folder, const std::string& rule, bool positive,
                   std::vector<Scenario>& found) {
  if (!fs::exists(folder))
    return;
  const std::string prefix = rule + (positive ? "/positive/" : "/negative/");
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string file = entry.path().filename().string();
    if (file.ends_with(".tfplan.json")) {
      const std::string name =
          file.substr(0, file.size() - std::string_view(".tfplan.json").size());
      found.push_back({prefix + name, entry.path(), std::nullopt, rule, positive});
    } else if (file.ends_with(".after.yaml")) {
      const std::string name = file.substr(0, file.size() - std::string_view(".after.yaml").size());
      found.push_back({prefix + name, entry.path(), (folder / (name + ".before.yaml")).string(),
                       rule, positive});
    }
  }
}

// The cases of every change rule (rules::is_change_rule), positive and negative.
std::vector<Scenario> scenarios() {
  std::vector<Scenario> found;
  for (const auto& rule_dir : fs::directory_iterator(k_fixtures)) {
    const std::string rule = rule_dir.path().filename().string();
    if (!rule_dir.is_directory() || !rules::is_change_rule(rule))
      continue;
    add_scenarios(rule_dir.path() / "positive", rule, true, found);
    add_scenarios(rule_dir.path() / "negative", rule, false, found);
  }
  std::sort(found.begin(), found.end(),
            [](const Scenario& a, const Scenario& b) { return a.name < b.name; });
  return found;
}

std::string show(const std::multiset<ChangeRow>& rows) {
  std::string out;
  for (const auto& [key, action_class, change, subject] : rows)
    out += key + " | " + action_class + " | " + change + " | " + subject + "\n";
  return out;
}

} // namespace

TEST_CASE("diff fixtures", "[cli][diff][fixtures]") {
  const auto all = scenarios();
  REQUIRE(all.size() >= 7);
  for (const Scenario& scenario : all) {
    DYNAMIC_SECTION(scenario.name) {
      const fs::path expected_path = k_fixtures / (scenario.name + ".expected.json");
      REQUIRE(fs::exists(expected_path));
      std::ifstream in(expected_path);
      const nlohmann::json expected = nlohmann::json::parse(in);

      loaders::LoadOptions options;
      options.account_id = "111122223333";
      rules::Config config;
      config.account_id = options.account_id;
      auto result = cli::diff_input(scenario.input.string(), scenario.base, options, config, {});
      INFO((result ? std::string() : result.error().to_string()));
      REQUIRE(result);

      std::multiset<ChangeRow> expected_changes;
      for (const auto& row : expected.at("changes")) {
        expected_changes.emplace(row.at("key"), row.at("class"), row.at("change"),
                                 row.at("subject"));
      }
      std::multiset<ChangeRow> actual_changes;
      for (const analysis::AccessChange& change : result.value().diff.changes) {
        actual_changes.emplace(change.key, analysis::to_string(change.action_class),
                               analysis::to_string(change.kind), change.subject);
      }
      INFO("actual changes:\n" << show(actual_changes));
      CHECK(actual_changes == expected_changes);

      std::multiset<FindingRow> expected_findings;
      for (const auto& row : expected.at("findings"))
        expected_findings.emplace(row.at("rule_id"), row.at("resource"));
      std::multiset<FindingRow> actual_findings;
      std::string messages;
      for (const rules::Finding& finding : result.value().findings) {
        actual_findings.emplace(finding.rule_id, finding.resource);
        messages += finding.rule_id + " " + finding.resource + ": " + finding.message + "\n";
      }
      INFO("actual findings:\n" << messages);
      CHECK(actual_findings == expected_findings);
      const auto of_rule = [&](const FindingRow& row) { return row.first == scenario.rule; };
      CHECK(std::any_of(actual_findings.begin(), actual_findings.end(), of_rule) ==
            scenario.positive);
      for (const auto& row : expected.at("findings")) {
        for (const auto& part : row.value("evidence_contains", nlohmann::json::array())) {
          const std::string text = part.get<std::string>();
          INFO("expected evidence of " << row.dump() << ": " << text);
          CHECK(std::any_of(result.value().findings.begin(), result.value().findings.end(),
                            [&](const rules::Finding& finding) {
                              return finding.rule_id == row.at("rule_id") &&
                                     finding.resource == row.at("resource") &&
                                     std::any_of(finding.evidence.begin(), finding.evidence.end(),
                                                 [&](const rules::Evidence& evidence) {
                                                   return evidence.text.find(text) !=
                                                          std::string::npos;
                                                 });
                            }));
        }
      }

      std::set<std::tuple<std::string, std::string, std::string>> expected_stores;
      for (const auto& row : expected.value("data_store_changes", nlohmann::json::array())) {
        expected_stores.emplace(row.at("data_store"), row.at("key_before"), row.at("key_after"));
      }
      std::set<std::tuple<std::string, std::string, std::string>> actual_stores;
      for (const analysis::DataStoreChange& store : result.value().diff.data_store_changes) {
        actual_stores.emplace(store.data_store, store.key_before, store.key_after);
        INFO("data store change: " << store.data_store << ": " << store.key_before << " -> "
                                   << store.key_after);
      }
      CHECK(actual_stores == expected_stores);
    }
  }
}
