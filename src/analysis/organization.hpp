#pragma once
// The rest of the evaluation chain as the access analysis applies it to a graph: the SCPs of the
// caller's account, the RCPs of the key's account (from the inputs and the configuration) and each
// principal's permissions boundary (docs/evaluation-chain.md, "The chain from the inputs").
#include "model/graph.hpp"
#include "policy/evaluate.hpp"

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace tfkms::analysis {

/// A policy::Chain with the names its reasons are told by.
struct NamedChain {
  policy::Chain chain;
  std::vector<std::vector<std::string>> scp_names, rcp_names; ///< by level, by document
  std::string boundary_name;
  std::size_t id = 0; ///< position among the graph's chains: equal ids, equal chains
};

/// The chains of one graph's callers, built on first use. Not thread-safe.
class OrganizationChains {
public:
  explicit OrganizationChains(const model::Graph& graph);

  /// The chain of a caller of `caller_account` (empty for a service principal) with permissions
  /// boundary `boundary` (compiled, named `boundary_name`) on a key of `key_account` (empty: a key
  /// no RCP applies to); null when nothing of the chain applies.
  [[nodiscard]] const NamedChain* chain(const std::string& caller_account,
                                        const std::string& key_account,
                                        const policy::CompiledPolicy* boundary,
                                        std::string_view boundary_name) const;

  /// The documents of every policy that may apply, for the request space and the subjects.
  [[nodiscard]] std::vector<const policy::Document*> documents() const;

  /// Organisation policies that were not applied to `account` because the input does not show
  /// where they apply (an OU, a target known only after apply) or AWS would refuse them.
  [[nodiscard]] std::vector<std::string> unresolved(const std::string& account) const;

  /// "why a reason's chain element decided": "SCP deny-decrypt-outside-app statement 0 (Sid
  /// \"X\")".
  [[nodiscard]] static std::string describe(const policy::Reason& reason, const NamedChain& chain);

private:
  struct Level {
    std::vector<std::size_t> policies; ///< indexes into m_compiled
  };
  /// The levels of `type` that apply to `account`: the configuration's, then one of the inputs'.
  [[nodiscard]] std::vector<Level> levels(model::OrganizationPolicyType type,
                                          const std::string& account) const;
  /// Whether input policy `index` applies to `account`: yes, no, or nullopt when unresolved.
  [[nodiscard]] std::optional<bool> applies(std::size_t index, const std::string& account) const;

  const model::Graph* m_graph;
  std::string m_account;                          ///< the analysed account, resolved
  std::vector<policy::CompiledPolicy> m_compiled; ///< by index into Graph::organization_policies
  std::vector<bool> m_refused;                    ///< AWS would refuse it: never in place
  policy::CompiledPolicy m_full_access;           ///< FullAWSAccess, implied at the inputs' level
  mutable std::deque<NamedChain> m_chains;
  /// Looked up by views: every variant of every key asks, and most find their chain made.
  mutable std::map<std::tuple<std::string, std::string, const policy::CompiledPolicy*>,
                   const NamedChain*, std::less<>>
      m_by_key;
};

} // namespace tfkms::analysis
