#include "run/run.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

namespace {

using namespace tfkms;

const std::string k_fixtures = std::string(TFKMS_SOURCE_DIR) + "/fixtures/";

struct Outcome {
  std::vector<rules::Finding> findings;
  std::vector<run::Deployment> deployments;
  std::size_t skipped = 0;
  std::vector<model::Diagnostic> errors;
};

// A whole run, as every command makes it, without the command line.
Outcome run_over(run::RunOptions options) {
  auto prepared = run::prepare(options);
  REQUIRE(prepared);
  Outcome outcome;
  std::vector<model::Diagnostic> notes;
  std::vector<std::size_t> inputs_per_root(options.paths.size(), 0);
  for (const run::Source& source : prepared.value().discovery.sources) {
    run::Loaded loaded = run::load(prepared.value(), source);
    if (loaded.skipped_because)
      ++outcome.skipped;
    if (loaded.error)
      outcome.errors.push_back(*loaded.error);
    if (!loaded.input)
      continue;
    ++inputs_per_root[source.root];
    outcome.deployments.push_back(loaded.input->deployment);
    for (auto& finding : run::findings_of(prepared.value(), source, *loaded.input, notes)) {
      outcome.findings.push_back(std::move(finding));
    }
  }
  for (auto& error : run::roots_without_inputs(prepared.value(), inputs_per_root))
    outcome.errors.push_back(error);
  return outcome;
}

std::size_t count(const Outcome& outcome, std::string_view rule, std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(outcome.findings.begin(), outcome.findings.end(), [&](const auto& f) {
        return f.rule_id == rule && f.message.find(text) != std::string::npos;
      }));
}

TEST_CASE("a run over an environment-agnostic assembly decides each account", "[run]") {
  run::RunOptions options;
  options.paths = {k_fixtures + "cdk/account-unknown.out"};
  const Outcome unknown = run_over(options);
  CHECK(unknown.errors.empty());
  CHECK(std::all_of(unknown.deployments.begin(), unknown.deployments.end(),
                    [](const run::Deployment& d) { return !d.account; }));
  CHECK(count(unknown, "TFKMS002", "unless this input is deployed to 444455556666") == 3);

  options.account_id = "111122223333";
  const Outcome known = run_over(options);
  CHECK(count(known, "TFKMS002", "shares it with account 444455556666") == 3);
  CHECK(count(known, "TFKMS002", "unless") == 0);
  CHECK(known.deployments.front().source == "--account-id");

  options.account_id = "444455556666";
  CHECK(count(run_over(options), "TFKMS002", "") == 0);
}

TEST_CASE("a run over a repository skips what is not infrastructure and selects rules", "[run]") {
  run::RunOptions options;
  options.paths = {k_fixtures + "repo/ordinary"};
  const Outcome all = run_over(options);
  CHECK(all.errors.empty());
  CHECK(all.skipped >= 15);
  CHECK(count(all, "TFKMS002", "") == 1);
  options.selection.skip = {"TFKMS002"};
  options.excludes = {"cdk.out"};
  const Outcome some = run_over(options);
  CHECK(count(some, "TFKMS002", "") == 0);
  CHECK(std::none_of(some.findings.begin(), some.findings.end(),
                     [](const auto& f) { return f.file.find("cdk.out") != std::string::npos; }));
}

TEST_CASE("a run refuses an unknown rule and reports a directory without inputs", "[run]") {
  run::RunOptions options;
  options.paths = {k_fixtures + "repo/teach/tf-module"};
  options.selection.only = {"TFKMS999"};
  CHECK_FALSE(run::prepare(options));
  options.selection.only.clear();
  const Outcome outcome = run_over(options);
  REQUIRE(outcome.errors.size() == 1);
  CHECK(outcome.errors[0].message.find("terraform show -json") != std::string::npos);
}

} // namespace
