#pragma once
// The interface every rule implements, and what a rule sees while it runs.
#include "analysis/access.hpp"
#include "model/graph.hpp"
#include "rules/config.hpp"
#include "rules/finding.hpp"
#include "rules/rule_info.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::rules {

/// A finding as a rule reports it, with the address it is about (used to match suppressions, which
/// name Terraform addresses or CloudFormation logical ids even when `finding.resource` shows a CDK
/// path).
struct ReportedFinding {
  Finding finding;
  std::string address;
};

/// A finding of rule `info` at its default severity, to fill in.
[[nodiscard]] inline Finding new_finding(const RuleInfo& info) {
  Finding finding;
  finding.rule_id = std::string(info.id);
  finding.severity = info.severity;
  return finding;
}

/// Collects the findings of one rule.
class FindingSink {
public:
  /// Adds `finding` about the resource at `where` (sets resource, file, line and column from it).
  /// Taken by reference and moved once, into its place: a finding is large.
  void report(Finding&& finding, const model::SourceRef& where);

  [[nodiscard]] std::vector<ReportedFinding>& findings() { return m_findings; }

private:
  std::vector<ReportedFinding> m_findings;
};

/// What a rule reads: the graph of one input, the configuration, and the access analysis of each
/// key (computed on first use, shared by the rules, and released key by key: see Rule::check_key).
class RuleContext {
public:
  RuleContext(const model::Graph& graph_, const Config& config_) : graph(graph_), config(config_) {}
  /// The context of `origin`'s graph as if deployed to `account` (a possibility of an input whose
  /// own account is unknown): its analyses are `origin`'s access_if_deployed_to(), made once for
  /// both.
  RuleContext(const RuleContext& origin, const std::string& account, const Config& config_);

  const model::Graph& graph;
  const Config& config;

  /// What the analyses of this graph's keys share, made on first use: the identity policies
  /// compiled.
  [[nodiscard]] const analysis::GraphAccess& graph_access() const;
  /// The access analysis of key `key`, computed once until release_access().
  [[nodiscard]] const analysis::KeyAccess& access(model::KeyId key) const;
  /// The access analysis of key `key` if a rule has asked for it since release_access(), else null:
  /// for a rule that can do without one and need not pay for it.
  [[nodiscard]] const analysis::KeyAccess* access_if_made(model::KeyId key) const;
  /// Drops the analyses computed so far: a plan with thousands of keys cannot hold them all.
  void release_access() const;
  /// With the own account unknown, the accounts key `key`'s analysis names by id: a template
  /// written for one account ("arn:aws:iam::111122223333:root") may well be deployed to it, which a
  /// claim about the key must survive. Empty when the own account is known.
  [[nodiscard]] std::vector<std::string>
  possible_own_accounts(const analysis::KeyAccess& access) const;
  /// The access analysis of key `key` as if the input, whose own account is unknown, were deployed
  /// to `account`: its keys and principals of "this account" belong to `account`. The rewritten
  /// graph is made once per account; the analysis is kept until release_access().
  [[nodiscard]] const analysis::KeyAccess& access_if_deployed_to(model::KeyId key,
                                                                 const std::string& account) const;

  /// The account that owns the resources of the input: the graph's, else the configured one, else
  /// model::k_this_account.
  [[nodiscard]] std::string own_account() const;
  /// True for the own account and configured trusted accounts.
  [[nodiscard]] bool is_internal(std::string_view account) const;
  /// True when `account` is certainly another account: the own account is known (from the input or
  /// account_id) and `account` is neither it nor trusted. With the own account unknown, a literal
  /// account id may well be the deployment account: it is another one only when the run takes the
  /// own account to be none of those the input names (Config::own_account_unnamed).
  [[nodiscard]] bool is_external(std::string_view account) const;

private:
  struct Deployed {
    model::Graph graph;
    std::optional<analysis::GraphAccess> access;
  };
  /// This graph deployed to `account`, made on first use and kept.
  [[nodiscard]] Deployed& deployed(const std::string& account) const;

  const RuleContext* m_origin = nullptr; ///< set for a context made as deployed to m_account
  std::string m_account;
  mutable std::optional<analysis::GraphAccess> m_graph_access;
  mutable std::map<model::KeyId, analysis::KeyAccess> m_access;
  mutable std::map<std::string, std::unique_ptr<Deployed>, std::less<>> m_deployed;
  mutable std::map<std::pair<std::string, model::KeyId>, analysis::KeyAccess> m_deployed_access;
};

struct DiffContext; // rules/diff_context.hpp

class Rule {
public:
  virtual ~Rule() = default;
  [[nodiscard]] virtual const RuleInfo& info() const = 0;
  /// Rules about the input as a whole.
  virtual void check(const RuleContext& /*context*/, FindingSink& /*out*/) const {}
  /// Rules about one key's access analysis: the engine calls every rule for one key, then releases
  /// that key's analysis, so only one is held at a time.
  virtual void check_key(const RuleContext& /*context*/, model::KeyId /*key*/,
                         FindingSink& /*out*/) const {}
  /// Rules about a change (tfkms diff, tfkms check --diff) look at both snapshots here; the others
  /// have nothing to say about a change as such.
  virtual void check_diff(const DiffContext& /*context*/, FindingSink& /*out*/) const {}
  /// True for rules that report only through check_diff, i.e. only when a change is compared.
  [[nodiscard]] virtual bool about_changes() const { return false; }
};

} // namespace tfkms::rules
