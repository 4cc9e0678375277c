#include "rules/engine.hpp"

#include "analysis/key_roles.hpp"
#include "rules/diff_context.hpp"
#include "rules/glob.hpp"
#include "rules/rule.hpp"
#include "rules/suppressions.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace tfkms::rules {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

// The input's own suppressions first (they sit next to the resource), then the config's entries.
void apply_suppressions(ReportedFinding& reported, const model::Graph& graph,
                        const Config& config) {
  Finding& finding = reported.finding;
  for (const model::Suppression& suppression : graph.suppressions) {
    if (suppression.address != reported.address)
      continue;
    // An account graph joins inputs that may reuse an address (aws_kms_key.this in two workspaces):
    // a suppression covers the resource written beside it, in its own file.
    if (graph.inputs.size() > 1 && suppression.where.file != finding.file)
      continue;
    if (!suppression_covers(suppression.rule, finding.rule_id))
      continue;
    if (suppression.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
      Evidence note;
      note.text = "the suppression of " + suppression.rule + " on " + suppression.address +
                  " gives no reason, so it is not applied; add a reason to suppress this finding";
      note.pointer = suppression.where.pointer;
      note.file = suppression.where.file;
      note.line = suppression.where.line;
      finding.evidence.push_back(std::move(note));
      continue;
    }
    finding.suppressed = true;
    finding.suppression_reason = suppression.reason;
    finding.suppressed_at = suppression_site(suppression);
    return;
  }
  for (const IgnoreEntry& entry : config.ignore) {
    if (entry.rule != "*" && entry.rule != finding.rule_id)
      continue;
    if (!glob_match(entry.resource, reported.address) &&
        !glob_match(entry.resource, finding.resource))
      continue;
    finding.suppressed = true;
    finding.suppression_reason = entry.reason;
    finding.suppression_kind = SuppressionKind::external;
    finding.suppressed_at = suppression_site(entry, config);
    return;
  }
}

// Severity overrides, fingerprints and suppressions, the same for every rule's findings.
void finish(const RuleInfo& info, FindingSink& sink, const model::Graph& graph,
            const Config& config, std::vector<Finding>& findings) {
  const auto settings = config.rules.find(info.id);
  std::vector<Finding*> found;
  found.reserve(sink.findings().size());
  for (ReportedFinding& reported : sink.findings()) {
    Finding& finding = reported.finding;
    finding.rule_id = std::string(info.id);
    if (settings != config.rules.end() && settings->second.severity)
      finding.severity = *settings->second.severity;
    found.push_back(&finding);
  }
  // The fingerprint covers what the rule found, not how it was suppressed.
  assign_fingerprints(std::move(found));
  for (ReportedFinding& reported : sink.findings()) {
    apply_suppressions(reported, graph, config);
    findings.push_back(std::move(reported.finding));
  }
}

} // namespace

bool is_selected(std::string_view id, const Config& config, const Selection& selection) {
  if (contains(selection.skip, id))
    return false;
  if (!selection.only.empty())
    return contains(selection.only, id);
  const auto settings = config.rules.find(id);
  return settings == config.rules.end() || settings->second.enabled.value_or(true);
}

bool is_change_rule(std::string_view id) {
  const auto rules = make_all_rules();
  return std::any_of(rules.begin(), rules.end(), [&](const auto& rule) {
    return rule->info().id == id && rule->about_changes();
  });
}

bool in_report_order(const Finding& a, const Finding& b) {
  return std::tie(a.file, a.line, a.resource, a.rule_id, a.message, a.fingerprint) <
         std::tie(b.file, b.line, b.resource, b.rule_id, b.message, b.fingerprint);
}

void sort_findings(std::vector<Finding>& findings) {
  // A finding is large (texts, evidence): sorting their positions and moving each finding once
  // costs a fraction of swapping them through the sort.
  std::vector<std::size_t> order(findings.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return in_report_order(findings[a], findings[b]);
  });
  std::vector<Finding> sorted;
  sorted.reserve(findings.size());
  for (const std::size_t position : order)
    sorted.push_back(std::move(findings[position]));
  findings = std::move(sorted);
}

std::vector<Finding> run_rules(const model::Graph& graph, const Config& config,
                               const Selection& selection) {
  return std::move(run_rules_for_each_account(graph, config, selection, {}).front().findings);
}

namespace {

// Whether KMS's lockout safety check (kms-reference §6) refuses key `key`'s policy in the account
// of `context`: no principal there may call kms:PutKeyPolicy and the check is not bypassed.
bool refused_by_lockout_check(const RuleContext& context, model::KeyId key) {
  const model::Key& definition = context.graph.key(key);
  if (definition.kind == model::KeyKind::aws_managed ||
      definition.bypass_policy_lockout_safety_check ||
      definition.policy.state != model::PolicySource::State::document)
    return false;
  const analysis::KeyAccess& access = context.access(key);
  return access.key_policy_known() && !analysis::policy_changeable(access);
}

} // namespace

std::vector<PossibleFindings> run_rules_for_each_account(const model::Graph& graph,
                                                         const Config& config,
                                                         const Selection& selection,
                                                         const std::vector<std::string>& accounts) {
  Config unnamed = config;
  unnamed.own_account_unnamed = !accounts.empty() || config.own_account_unnamed;
  const RuleContext origin{graph, accounts.empty() ? config : unnamed};
  // One context per possibility: the first is the graph as it is, the others it deployed to each
  // account.
  std::vector<std::unique_ptr<const RuleContext>> deployed;
  for (const std::string& account : accounts)
    deployed.push_back(std::make_unique<RuleContext>(origin, account, config));
  const auto context = [&](std::size_t possibility) -> const RuleContext& {
    return possibility == 0 ? origin : *deployed[possibility - 1];
  };
  const std::size_t possibilities = accounts.size() + 1;

  std::vector<std::unique_ptr<Rule>> rules = make_all_rules();
  std::erase_if(rules,
                [&](const auto& rule) { return !is_selected(rule->info().id, config, selection); });
  const auto runs_in = [&](const Rule& rule, std::size_t possibility) {
    return possibility == 0 || !decided_once(rule.info());
  };
  std::vector<std::vector<FindingSink>> sinks(possibilities,
                                              std::vector<FindingSink>(rules.size()));
  for (std::size_t p = 0; p < possibilities; ++p) {
    for (std::size_t r = 0; r < rules.size(); ++r) {
      if (runs_in(*rules[r], p))
        rules[r]->check(context(p), sinks[p][r]);
    }
  }
  std::vector<PossibleFindings> findings(possibilities);
  std::vector<bool> refused(possibilities, false);
  for (std::size_t index = 0; index < graph.keys.size(); ++index) {
    const auto key = static_cast<model::KeyId>(index);
    // A key KMS would refuse in some of the accounts but not in all can only exist in the others:
    // what holds of it in the refusing ones describes a deployment that cannot happen.
    if (possibilities > 1) {
      for (std::size_t p = 0; p < possibilities; ++p)
        refused[p] = refused_by_lockout_check(context(p), key);
      if (std::all_of(refused.begin(), refused.end(), [](bool r) { return r; }))
        std::fill(refused.begin(), refused.end(), false);
    }
    for (std::size_t p = 0; p < possibilities; ++p) {
      if (refused[p])
        findings[p].keys_refused.insert(graph.key(key).source.name());
      for (std::size_t r = 0; r < rules.size(); ++r) {
        const bool skipped = refused[p] && !decided_once(rules[r]->info());
        if (runs_in(*rules[r], p) && !skipped)
          rules[r]->check_key(context(p), key, sinks[p][r]);
      }
    }
    origin.release_access();
  }
  for (std::size_t p = 0; p < possibilities; ++p) {
    // Sized once for every rule's findings: a finding is large, and each growth moves them all.
    std::size_t found = 0;
    for (FindingSink& sink : sinks[p])
      found += sink.findings().size();
    findings[p].findings.reserve(found);
    for (std::size_t r = 0; r < rules.size(); ++r) {
      finish(rules[r]->info(), sinks[p][r], context(p).graph, config, findings[p].findings);
    }
    sort_findings(findings[p].findings);
  }
  return findings;
}

std::vector<Finding> run_diff_rules(const model::Graph& after, const analysis::AccessDiff& diff,
                                    const Config& config, const Selection& selection) {
  const RuleContext context{after, config};
  const DiffContext diff_context{context, diff};
  std::vector<Finding> findings;
  for (const auto& rule : make_all_rules()) {
    const RuleInfo& info = rule->info();
    if (!is_selected(info.id, config, selection))
      continue;
    FindingSink sink;
    rule->check_diff(diff_context, sink);
    finish(info, sink, after, config, findings);
  }
  sort_findings(findings);
  return findings;
}

} // namespace tfkms::rules
