#pragma once
// Pieces of hand-built graphs shared by the analysis tests.
#include "model/graph.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace tfkms::test {

/// Adds role `name` (aws_iam_role.<name>) of `account` with the identity `policies`.
inline model::PrincipalId add_role(model::Graph& graph, const std::string& name,
                                   const std::string& account,
                                   std::vector<model::PolicyId> policies) {
  model::Principal role;
  role.kind = model::PrincipalKind::role;
  role.name = name;
  role.account = account;
  role.arn = "arn:aws:iam::" + account + ":role/" + name;
  role.source.address = "aws_iam_role." + name;
  role.policies = std::move(policies);
  return graph.add(std::move(role));
}

/// Adds an inline identity policy `name` (aws_iam_role_policy.<name>) with `statements`.
inline model::PolicyId add_inline_policy(model::Graph& graph, const std::string& name,
                                         nlohmann::json statements) {
  model::IdentityPolicy policy;
  policy.name = name;
  policy.inline_policy = true;
  policy.source.address = "aws_iam_role_policy." + name;
  policy.document.state = model::PolicySource::State::document;
  policy.document.document =
      nlohmann::json{{"Version", "2012-10-17"}, {"Statement", std::move(statements)}};
  return graph.add(std::move(policy));
}

} // namespace tfkms::test
