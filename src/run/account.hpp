#pragma once
// The deployment account of an input, and what to report when the input does not tell it.
//
// A CloudFormation template or a CDK stack without an environment deploys to whichever account runs
// it. Rules whose verdict depends on that account ("is 444455556666 another account?") are then
// decided for each possibility: the input deployed to each account it names, and to an account it
// does not name. A finding that holds in every case is reported as it is; one that holds in some
// says in which ("unless this input is deployed to 444455556666").
#include "model/graph.hpp"
#include "rules/finding.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tfkms::run {

/// The account an input deploys to, as far as the run can tell, and where that came from.
struct Deployment {
  std::optional<std::string> account; ///< nullopt: unknown
  std::string source;                 ///< "--account-id", "the cloud assembly's environment", ...
  /// With the account unknown: the accounts the input names, each analysed as the deployment
  /// account (besides an account it does not name).
  std::vector<std::string> possibilities;
};

/// Account ids (12 digits) that `graph` names in its policies, grants and ARNs, sorted, other than
/// its own account.
[[nodiscard]] std::vector<std::string> named_accounts(const model::Graph& graph);

/// The findings of one possibility: the input deployed to `account`, or (nullopt) to an account the
/// input does not name.
struct Possibility {
  std::optional<std::string> account;
  std::vector<rules::Finding> findings;
  /// Keys that cannot be created in this account (rules::PossibleFindings::keys_refused): a finding
  /// about one of them neither holds nor fails to hold here.
  std::set<std::string> keys_refused;
};

/// Merges the findings of every possibility (the first is the unnamed account's). A finding is
/// matched across possibilities by rule, resource, place and message, with each possibility's own
/// account written as `own_account` (the unnamed possibility's rendering of it); one found in only
/// some of them says when it holds (of the accounts where its resource can exist), and the findings
/// of one rule on one resource that together hold in every case say so.
[[nodiscard]] std::vector<rules::Finding>
merge_possibilities(std::vector<Possibility> possibilities, const std::string& own_account);

/// "unless this input is deployed to 111122223333 or 444455556666" and the like, for messages.
[[nodiscard]] std::string accounts_text(const std::vector<std::string>& accounts);

} // namespace tfkms::run
