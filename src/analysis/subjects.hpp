#pragma once
// The classes of callers the access analysis evaluates: the graph's principals, the principals and
// accounts the key policy, its conditions and the grants name, the key account's other principals
// and root user, and "any other account" (kms-reference §3.5).
#include "analysis/access.hpp"
#include "policy/document.hpp"

#include <string>
#include <vector>

namespace tfkms::analysis {

struct SubjectInputs {
  const detail::Shared* shared = nullptr; ///< the graph's principals, compiled and classified
  std::string key_account;
  std::string partition;
  const policy::Document* key_policy = nullptr; ///< nullptr when unknown
  const std::vector<policy::CompiledGrant>* grants = nullptr;
  /// The organisation policies that may apply: the principals and accounts their conditions name
  /// are subjects too, as those of the key policy.
  std::vector<const policy::Document*> organization;
};

/// Graph principals first (roles and users, in graph order; one subject per class of principals
/// that decide alike), then named principals, the key account's root user, account principals (the
/// key account first), services and any account.
[[nodiscard]] std::vector<Subject> collect_subjects(const SubjectInputs& inputs);

/// The resolved ARN of graph principal `id`, or one built from its account and name when unknown.
[[nodiscard]] std::string principal_arn(const model::Graph& graph, model::PrincipalId id);

} // namespace tfkms::analysis
