#pragma once
// Runs the rules over one loaded input and turns their reports into the final, ordered findings.
#include "analysis/access_diff.hpp"
#include "model/graph.hpp"
#include "rules/config.hpp"
#include "rules/finding.hpp"
#include "rules/registry.hpp"

#include <set>
#include <string>
#include <vector>

namespace tfkms::rules {

/// --only / --skip from the command line (rule ids; check them with is_rule_id first).
struct Selection {
  std::vector<std::string> only;
  std::vector<std::string> skip;
};

/// Runs every selected rule on `graph`: a rule runs when `selection.only` is empty or names it, and
/// `selection.skip` does not name it, and the config does not disable it (naming it in `only` wins
/// over the config). Then applies the config's severity overrides, assigns fingerprints, applies
/// suppressions and sorts by file, line, resource and rule.
///
/// Suppressions come from the input (graph.suppressions: CloudFormation Metadata, Terraform
/// comments) and from the config's ignore entries. A suppressed finding is still returned, with
/// `suppressed = true` and the reason. A suppression from the input that gives no reason is not
/// honoured: the finding stays active and says so in its evidence, so a silent opt-out cannot hide
/// a problem.
[[nodiscard]] std::vector<Finding> run_rules(const model::Graph& graph, const Config& config,
                                             const Selection& selection);

/// The findings of run_rules for each account `graph`, whose own account is unknown, may deploy to:
/// first an account the input does not name (Config::own_account_unnamed), then each of `accounts`.
/// Rules decided once (decided_once(): they weigh each account themselves, or no verdict of theirs
/// depends on it) run in the first only; the others skip a key in the possibilities where it cannot
/// be created (PossibleFindings::keys_refused).
/// The analyses of the graph deployed to an account are made once, for those rules and the
/// possibility.
/// The findings of one possibility of run_rules_for_each_account.
struct PossibleFindings {
  std::vector<Finding> findings;
  /// Keys (by resource name) that cannot exist in this possibility: KMS's policy lockout safety
  /// check refuses their policy there, since it lets no principal of the account change it, while
  /// another possibility accepts it. Rules that weigh each account skip them here.
  std::set<std::string> keys_refused;
};

[[nodiscard]] std::vector<PossibleFindings>
run_rules_for_each_account(const model::Graph& graph, const Config& config,
                           const Selection& selection, const std::vector<std::string>& accounts);
/// True when rule `id` runs under `config` and `selection`, as run_rules decides.
[[nodiscard]] bool is_selected(std::string_view id, const Config& config,
                               const Selection& selection);

/// True when rule `id` reports only about a change (run_diff_rules), like TFKMS020.
[[nodiscard]] bool is_change_rule(std::string_view id);

/// Whether `a` comes before `b` in report order: by file, line, resource, rule, message.
[[nodiscard]] bool in_report_order(const Finding& a, const Finding& b);
/// Puts findings in report order (in_report_order).
void sort_findings(std::vector<Finding>& findings);

/// Runs the rules about a change (Rule::check_diff: TFKMS020, TFKMS021) on what `diff` does to
/// access, `after` being the input after the change (suppressions and accounts come from it).
/// Selection, severity overrides, fingerprints, suppressions and order as run_rules.
[[nodiscard]] std::vector<Finding> run_diff_rules(const model::Graph& after,
                                                  const analysis::AccessDiff& diff,
                                                  const Config& config, const Selection& selection);

} // namespace tfkms::rules
