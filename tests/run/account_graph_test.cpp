#include "rules/engine.hpp"
#include "run/account_graph.hpp"
#include "run/account_inputs.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using namespace tfkms;

const std::string k_fixtures = std::string(TFKMS_SOURCE_DIR) + "/fixtures/";
const std::string k_platform = k_fixtures + "account/platform.tfplan.json";
const std::string k_platform_state = k_fixtures + "account/platform.tfstate.json";
const std::string k_app = k_fixtures + "account/app.tfplan.json";
const std::string k_other_app = k_fixtures + "account/other_account_app.tfplan.json";
const std::string k_two_stacks = k_fixtures + "cdk/two-stacks.out";

struct Checked {
  std::vector<rules::Finding> findings;
  std::vector<model::Diagnostic> notes;
  std::size_t groups = 0;
};

// What `tfkms check` finds over `paths`: the inputs of one account as one graph, the others alone.
Checked check(const std::vector<std::string>& paths, bool separately = false) {
  run::RunOptions options;
  options.paths = paths;
  options.separately = separately;
  auto prepared = run::prepare(options);
  REQUIRE(prepared);
  const run::Run& run = prepared.value();
  std::vector<run::LoadedSource> inputs;
  for (const run::Source& source : run.discovery.sources) {
    run::Loaded loaded = run::load(run, source);
    REQUIRE(loaded.input);
    inputs.push_back({&source, std::move(*loaded.input)});
  }
  Checked checked;
  const std::vector<run::AccountGroup> groups = run::account_groups(run, inputs);
  const std::vector<bool> joined = run::joined_inputs(groups, inputs.size());
  checked.groups = groups.size();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (joined[i])
      continue;
    for (auto& finding : run::findings_of(run, *inputs[i].source, inputs[i].input, checked.notes)) {
      checked.findings.push_back(std::move(finding));
    }
  }
  for (const run::AccountGroup& group : groups) {
    run::AccountGraph account = run::join_account(run::take_graphs(inputs, group), group.account);
    checked.notes.insert(checked.notes.end(), account.notes.begin(), account.notes.end());
    for (auto& finding : rules::run_rules(account.graph, run.config, run.selection)) {
      checked.findings.push_back(std::move(finding));
    }
  }
  return checked;
}

// The findings of `rule` on `resource`.
std::vector<const rules::Finding*> on(const Checked& checked, std::string_view rule,
                                      std::string_view resource) {
  std::vector<const rules::Finding*> found;
  for (const rules::Finding& finding : checked.findings) {
    if (finding.rule_id == rule && finding.resource == resource)
      found.push_back(&finding);
  }
  return found;
}

bool mentions(const rules::Finding& finding, std::string_view text) {
  if (finding.message.find(text) != std::string::npos)
    return true;
  return std::any_of(
      finding.evidence.begin(), finding.evidence.end(),
      [&](const rules::Evidence& e) { return e.text.find(text) != std::string::npos; });
}

bool any_mentions(const Checked& checked, std::string_view text) {
  return std::any_of(checked.findings.begin(), checked.findings.end(),
                     [&](const rules::Finding& finding) { return mentions(finding, text); });
}

TEST_CASE("a key's TFKMS001 names the role another plan of its account defines",
          "[run][account][TFKMS001]") {
  const Checked checked = check({k_platform, k_app});
  CHECK(checked.groups == 1);
  const auto findings = on(checked, "TFKMS001", "aws_kms_key.shared");
  REQUIRE(findings.size() == 1);
  const rules::Finding& finding = *findings.front();
  CHECK(finding.file == k_platform);
  CHECK(mentions(finding, "aws_iam_role.ops in " + k_app + " can "));
  const auto evidence =
      std::find_if(finding.evidence.begin(), finding.evidence.end(), [](const rules::Evidence& e) {
        return e.text.starts_with("aws_iam_role.ops in ");
      });
  REQUIRE(evidence != finding.evidence.end());
  CHECK(evidence->file == k_app);
}

TEST_CASE("a role of another account, or --separately, joins no key", "[run][account][TFKMS001]") {
  const Checked other = check({k_platform, k_other_app});
  CHECK(other.groups == 0);
  CHECK_FALSE(any_mentions(other, "aws_iam_role.ops"));

  const Checked separately = check({k_platform, k_app}, true);
  CHECK(separately.groups == 0);
  CHECK_FALSE(any_mentions(separately, "aws_iam_role.ops"));
  // Alone, the key's finding can only say that the account may use it.
  const auto alone = on(separately, "TFKMS001", "aws_kms_key.shared");
  for (const rules::Finding* finding : alone)
    CHECK_FALSE(mentions(*finding, " in "));
}

TEST_CASE("a plan and the state of its workspace give each finding once", "[run][account]") {
  const Checked plan = check({k_platform, k_app});
  const Checked both = check({k_platform, k_platform_state, k_app});
  CHECK(both.groups == 1);
  CHECK(on(both, "TFKMS001", "aws_kms_key.shared").size() == 1);
  std::vector<std::pair<std::string, std::string>> seen;
  for (const rules::Finding& finding : both.findings)
    seen.emplace_back(finding.rule_id, finding.resource);
  std::sort(seen.begin(), seen.end());
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
  CHECK(both.findings.size() == plan.findings.size());
  const bool noted =
      std::any_of(both.notes.begin(), both.notes.end(), [](const model::Diagnostic& note) {
        return note.level == model::DiagnosticLevel::note && note.file == k_platform_state &&
               note.message.find("aws_kms_key.shared") != std::string::npos;
      });
  CHECK(noted);
}

TEST_CASE("the stacks of a CDK app are one graph, joined by their exports", "[run][account][cdk]") {
  const Checked checked = check({k_two_stacks});
  CHECK(checked.groups == 1);
  const auto findings =
      std::count_if(checked.findings.begin(), checked.findings.end(), [](const rules::Finding& f) {
        return f.rule_id == "TFKMS001" && f.file.ends_with("Keys.template.json") &&
               mentions(f, "OpsRole") && mentions(f, "Consumer.template.json");
      });
  CHECK(findings == 1);

  run::RunOptions options;
  options.paths = {k_two_stacks};
  auto prepared = run::prepare(options);
  REQUIRE(prepared);
  std::vector<run::LoadedSource> inputs;
  for (const run::Source& source : prepared.value().discovery.sources) {
    run::Loaded loaded = run::load(prepared.value(), source);
    REQUIRE(loaded.input);
    inputs.push_back({&source, std::move(*loaded.input)});
  }
  const auto groups = run::account_groups(prepared.value(), inputs);
  REQUIRE(groups.size() == 1);
  const run::AccountGraph account =
      run::join_account(run::take_graphs(inputs, groups.front()), groups.front().account);
  const model::Graph& graph = account.graph;
  const auto key = std::find_if(graph.keys.begin(), graph.keys.end(), [](const model::Key& k) {
    return k.source.address == "AppKey51DFC408";
  });
  REQUIRE(key != graph.keys.end());
  const auto policy = std::find_if(graph.policies.begin(), graph.policies.end(),
                                   [](const model::IdentityPolicy& p) {
                                     return p.source.file.ends_with("Consumer.template.json");
                                   });
  REQUIRE(policy != graph.policies.end());
  // Fn::ImportValue of the Keys stack's export is the key's ARN.
  const nlohmann::json& statements = policy->document.document.at("Statement");
  const auto imported =
      std::find_if(statements.begin(), statements.end(),
                   [](const nlohmann::json& s) { return s.value("Sid", "") == "AppKeyData"; });
  REQUIRE(imported != statements.end());
  CHECK(model::resolve_value(imported->at("Resource").get<std::string>(), graph).text ==
        model::resolve_value(key->arn, graph).text);
  CHECK_FALSE(model::has_symbols(imported->at("Resource").get<std::string>()));
}

model::Graph graph_with_key(const std::string& arn, const std::string& policy_sid) {
  model::Graph graph;
  graph.account = "111122223333";
  model::Key key;
  key.source.file = "in.json";
  key.source.address = "aws_kms_key.k";
  key.arn = arn;
  key.policy.state = model::PolicySource::State::document;
  key.policy.document = {{"Statement", {{{"Sid", policy_sid}, {"Effect", "Allow"}}}}};
  graph.add(std::move(key));
  return graph;
}

TEST_CASE("one key in two inputs is one node; two definitions of it are reported",
          "[run][account]") {
  const std::string arn = "arn:aws:kms:eu-west-1:111122223333:key/k";
  std::vector<run::GraphPart> alike;
  alike.push_back({"a.json", graph_with_key(arn, "Same"), ""});
  alike.push_back({"b.json", graph_with_key(arn, "Same"), ""});
  const run::AccountGraph one = run::join_account(std::move(alike), "111122223333");
  CHECK(one.graph.keys.size() == 1);
  REQUIRE(one.notes.size() == 1);
  CHECK(one.notes.front().level == model::DiagnosticLevel::note);
  CHECK(one.notes.front().file == "b.json");

  std::vector<run::GraphPart> different;
  different.push_back({"a.json", graph_with_key(arn, "One"), ""});
  different.push_back({"b.json", graph_with_key(arn, "Other"), ""});
  const run::AccountGraph two = run::join_account(std::move(different), "111122223333");
  CHECK(two.graph.keys.size() == 2);
  REQUIRE(two.notes.size() == 1);
  CHECK(two.notes.front().level == model::DiagnosticLevel::warning);
  CHECK(two.notes.front().message.find("different key policy") != std::string::npos);
}

TEST_CASE("an ARN made up from an address before apply is its input's alone", "[run][account]") {
  // What the plan loader stands in for the ARN of a key not created yet.
  const std::string stand_in = "arn:aws:kms:eu-west-1:111122223333:key/aws_kms_key.k";
  std::vector<run::GraphPart> parts;
  parts.push_back({"a.json", graph_with_key(stand_in, "One"), ""});
  parts.push_back({"b.json", graph_with_key(stand_in, "Other"), ""});
  const run::AccountGraph joined = run::join_account(std::move(parts), "111122223333");
  CHECK(joined.graph.keys.size() == 2);
  CHECK(joined.notes.empty());
}

TEST_CASE("a reference unknown in its input stays its input's", "[run][account]") {
  const auto part = [](const std::string& input) {
    model::Graph graph = graph_with_key(model::symbol("aws_kms_key.k.arn"), "S");
    graph.define("aws_iam_role.r.name", "reader");
    model::Principal role;
    role.source.file = input;
    role.arn = "arn:aws:iam::" + model::symbol("account") + ":role/" +
               model::symbol("aws_iam_role.r.name");
    role.name = model::symbol("aws_iam_role.r.unique_id");
    graph.add(std::move(role));
    return run::GraphPart{input, std::move(graph), ""};
  };
  std::vector<run::GraphPart> parts;
  parts.push_back(part("a.json"));
  parts.push_back(part("b.json"));
  const run::AccountGraph joined = run::join_account(std::move(parts), "111122223333");
  // Resolved where its input knows it: one role ARN, so one role.
  REQUIRE(joined.graph.principals.size() == 1);
  CHECK(joined.graph.principals.front().arn == "arn:aws:iam::111122223333:role/reader");
  // Unknown before apply: two keys, each naming its own input.
  REQUIRE(joined.graph.keys.size() == 2);
  CHECK(model::display(joined.graph.keys[0].arn) == "${aws_kms_key.k.arn in a.json}");
  CHECK(model::display(joined.graph.keys[1].arn) == "${aws_kms_key.k.arn in b.json}");
}

TEST_CASE("a literal ARN of another input's key resolves to that key", "[run][account]") {
  const std::string arn =
      "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  model::Graph app;
  app.account = "111122223333";
  model::DataStore bucket;
  bucket.key.kind = model::KeyRef::Kind::outside; // what the plan of the bucket alone can say
  bucket.key.text = arn;
  app.data_stores.push_back(std::move(bucket));
  std::vector<run::GraphPart> parts;
  parts.push_back({"app.json", std::move(app), ""});
  parts.push_back({"platform.json", graph_with_key(arn, "S"), ""});
  const run::AccountGraph joined = run::join_account(std::move(parts), "111122223333");
  REQUIRE(joined.graph.data_stores.size() == 1);
  CHECK(joined.graph.data_stores.front().key.kind == model::KeyRef::Kind::node);
  REQUIRE(joined.graph.data_stores.front().key.key);
  CHECK(joined.graph.key(*joined.graph.data_stores.front().key.key).source.file == "in.json");
}

TEST_CASE("an import reads only an export of its own region", "[run][account]") {
  const auto stack = [](const std::string& region) {
    model::Graph graph;
    graph.format = model::InputFormat::cloudformation;
    graph.account = "111122223333";
    graph.region = region;
    model::DataStore queue;
    queue.key.kind = model::KeyRef::Kind::unknown;
    queue.key.text = model::symbol("unknown:ImportValue shared-key");
    graph.data_stores.push_back(std::move(queue));
    return graph;
  };
  model::Graph keys = graph_with_key("arn:aws:kms:eu-west-1:111122223333:key/k", "S");
  keys.format = model::InputFormat::cloudformation;
  keys.region = "eu-west-1";
  keys.exports["shared-key"] = "arn:aws:kms:eu-west-1:111122223333:key/k";
  std::vector<run::GraphPart> parts;
  parts.push_back({"keys.json", std::move(keys), "Keys"});
  parts.push_back({"here.json", stack("eu-west-1"), "Here"});
  parts.push_back({"there.json", stack("us-east-1"), "There"});
  const run::AccountGraph joined = run::join_account(std::move(parts), "111122223333");
  REQUIRE(joined.graph.data_stores.size() == 2);
  CHECK(joined.graph.data_stores[0].key.kind == model::KeyRef::Kind::node);
  CHECK(joined.graph.data_stores[0].key.key == model::KeyId{0});
  CHECK(joined.graph.data_stores[1].key.kind == model::KeyRef::Kind::unknown);
}

TEST_CASE("an export that re-exports an import stays unknown", "[run][account]") {
  // Exports are resolved in their own input, before any import is known.
  model::Graph forwarder;
  forwarder.format = model::InputFormat::cloudformation;
  forwarder.account = "111122223333";
  forwarder.region = "eu-west-1";
  forwarder.exports["forwarded-key"] = model::symbol("unknown:ImportValue shared-key");
  model::Graph reader = forwarder;
  reader.exports.clear();
  model::DataStore queue;
  queue.key.kind = model::KeyRef::Kind::unknown;
  queue.key.text = model::symbol("unknown:ImportValue forwarded-key");
  reader.data_stores.push_back(std::move(queue));
  std::vector<run::GraphPart> parts;
  parts.push_back({"forwarder.json", std::move(forwarder), "Forwarder"});
  parts.push_back({"reader.json", std::move(reader), "Reader"});
  const run::AccountGraph joined = run::join_account(std::move(parts), "111122223333");
  REQUIRE(joined.graph.data_stores.size() == 1);
  CHECK(joined.graph.data_stores[0].key.kind == model::KeyRef::Kind::unknown);
  CHECK(model::has_symbols(joined.graph.data_stores[0].key.text));
}

TEST_CASE("stacks of a cloud assembly in two regions do not join by exports",
          "[run][account][cdk]") {
  // The same app with the Consumer stack deployed to another region: its import cannot read the
  // Keys stack's export (exports are per account and region).
  namespace fs = std::filesystem;
  const fs::path copy = fs::temp_directory_path() / "tfkms-two-regions.out";
  fs::remove_all(copy);
  fs::copy(k_two_stacks, copy, fs::copy_options::recursive);
  std::stringstream text;
  text << std::ifstream(copy / "manifest.json").rdbuf();
  std::string manifest = text.str();
  const std::string environment = "aws://111122223333/eu-west-1";
  const auto consumer = manifest.find(environment, manifest.find("\"Consumer\": {"));
  REQUIRE(consumer != std::string::npos);
  manifest.replace(consumer, environment.size(), "aws://111122223333/us-east-1");
  std::ofstream(copy / "manifest.json") << manifest;

  run::RunOptions options;
  options.paths = {copy.string()};
  auto prepared = run::prepare(options);
  REQUIRE(prepared);
  std::vector<run::LoadedSource> inputs;
  for (const run::Source& source : prepared.value().discovery.sources) {
    run::Loaded loaded = run::load(prepared.value(), source);
    REQUIRE(loaded.input);
    CHECK(loaded.input->input.graph.region == *source.region);
    inputs.push_back({&source, std::move(*loaded.input)});
  }
  const auto groups = run::account_groups(prepared.value(), inputs);
  REQUIRE(groups.size() == 1);
  const run::AccountGraph account =
      run::join_account(run::take_graphs(inputs, groups.front()), groups.front().account);
  const auto policy = std::find_if(account.graph.policies.begin(), account.graph.policies.end(),
                                   [](const model::IdentityPolicy& p) {
                                     return p.source.file.ends_with("Consumer.template.json");
                                   });
  REQUIRE(policy != account.graph.policies.end());
  const nlohmann::json& statements = policy->document.document.at("Statement");
  const auto imported =
      std::find_if(statements.begin(), statements.end(),
                   [](const nlohmann::json& s) { return s.value("Sid", "") == "AppKeyData"; });
  REQUIRE(imported != statements.end());
  CHECK(model::has_symbols(imported->at("Resource").get<std::string>()));
  fs::remove_all(copy);
}

} // namespace
