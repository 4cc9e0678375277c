// Evidence that tells the whole truth: over every rule fixture, a finding that shows a key-policy
// statement allowing some access also shows every Deny statement that takes part of that access
// away, as the access analysis computes it, in the key policy and in the caller's identity
// policies alike (an explicit deny in any policy overrides every allow, kms-reference §3.1). A
// finding that left the Deny out would ask for an Allow that changes nothing, or report access
// wider than it is without saying what narrows it.
#include "analysis/access.hpp"
#include "fixture_inputs.hpp"
#include "rules/access_support.hpp"
#include "rules/engine.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace tfkms;

namespace {

bool shows(const rules::Finding& finding, const std::string& pointer, const std::string& file) {
  return std::any_of(
      finding.evidence.begin(), finding.evidence.end(),
      [&](const rules::Evidence& e) { return e.pointer == pointer && e.file == file; });
}

// The finding's whole text: its message and every line of evidence.
std::string text_of(const rules::Finding& finding) {
  std::string text = finding.message;
  for (const rules::Evidence& evidence : finding.evidence)
    text += "\n" + evidence.text;
  return text;
}

// Whether `finding` speaks about `access`: it shows a key-policy statement allowing it, names the
// subject (or one of the principals the subject stands for) and names one of its actions.
bool speaks_about(const rules::Finding& finding, const analysis::KeyAccess& analysis,
                  const analysis::Access& access) {
  const bool shows_ground =
      std::any_of(access.grounds.begin(), access.grounds.end(), [&](const analysis::Ground& g) {
        return g.source == policy::ReasonSource::key_policy &&
               shows(finding, g.pointer, g.where.file);
      });
  if (!shows_ground)
    return false;
  const std::string text = text_of(finding);
  const analysis::Subject& subject = analysis.subjects().at(access.subject);
  std::vector<std::string> names = {subject.label, subject.arn};
  for (const model::PrincipalId member : subject.members)
    names.push_back(analysis::member_label(analysis.graph(), member));
  const auto in_text = [&](std::string_view name) {
    return !name.empty() && text.find(name) != std::string::npos;
  };
  return std::any_of(names.begin(), names.end(), in_text) &&
         std::any_of(access.actions.begin(), access.actions.end(), in_text);
}

// How many deciding Deny statements were looked for in the findings' evidence, by kind of policy.
struct Checked {
  std::size_t key_policy = 0;
  std::size_t identity_policy = 0;
};

// Checks the findings of every rule on fixture `input`, adding to `checked`.
void check_fixture(const test::fs::path& input, Checked& checked) {
  const test::LoadedFixture fixture = test::load_fixture(input);
  const auto findings = rules::run_rules(fixture.graph, fixture.config, {});
  const analysis::GraphAccess graph_access(fixture.graph);
  for (std::size_t k = 0; k < fixture.graph.keys.size(); ++k) {
    const model::Key& key = fixture.graph.keys[k];
    std::vector<const rules::Finding*> on_key;
    for (const rules::Finding& finding : findings) {
      if (finding.resource == key.source.name())
        on_key.push_back(&finding);
    }
    if (on_key.empty())
      continue;
    const analysis::KeyAccess analysis = graph_access.analyze(static_cast<model::KeyId>(k));
    for (const analysis::Access& access : analysis.accesses()) {
      for (const rules::Finding* finding : on_key) {
        if (!speaks_about(*finding, analysis, access))
          continue;
        for (const rules::DecidingDeny& deny :
             rules::deciding_denies(analysis, access.subject, access.action_class)) {
          ++checked.key_policy;
          INFO(finding->rule_id << " on " << finding->resource << ": " << finding->message
                                << "\nreports " << analysis.text(access) << "\nwithout "
                                << deny.statement->pointer << ", which denies "
                                << analysis.text(deny.taken));
          const std::string& file = deny.statement->where.file.empty() ? key.policy.where.file
                                                                       : deny.statement->where.file;
          CHECK(shows(*finding, deny.statement->pointer, file));
        }
        for (const rules::DecidingIdentityDeny& deny :
             rules::deciding_identity_denies(analysis, access.subject, access.action_class)) {
          ++checked.identity_policy;
          INFO(finding->rule_id << " on " << finding->resource << ": " << finding->message
                                << "\nreports " << analysis.text(access) << "\nwithout "
                                << deny.statement.text << ", which denies "
                                << analysis.text(deny.taken));
          CHECK(shows(*finding, deny.statement.pointer, deny.statement.where.file));
        }
      }
    }
  }
}

} // namespace

TEST_CASE("findings show every Deny that decides the access they report", "[rules][evidence]") {
  Checked checked;
  for (const auto& rule_dir : test::fs::directory_iterator(test::k_fixtures)) {
    const std::string rule = rule_dir.path().filename().string();
    if (!rule_dir.is_directory() || !rule.starts_with("TFKMS") || rules::is_change_rule(rule))
      continue;
    for (const char* kind : {"positive", "negative"}) {
      for (const test::fs::path& input : test::inputs_in(rule_dir.path() / kind)) {
        INFO(rule << "/" << kind << "/" << input.filename().string());
        check_fixture(input, checked);
      }
    }
  }
  // The fixtures hold keys whose Deny statements, of either kind, narrow a reported access.
  CHECK(checked.key_policy > 0);
  CHECK(checked.identity_policy > 0);
}
