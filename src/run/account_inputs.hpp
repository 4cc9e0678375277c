#pragma once
// Which loaded inputs of a run are analysed together as one account's graph
// (run/account_graph.hpp), for `check`, `access` and `diff` alike.
#include "run/account_graph.hpp"
#include "run/run.hpp"

#include <map>
#include <string>
#include <vector>

namespace tfkms::run {

/// An input loaded, with the source it was read from.
struct LoadedSource {
  const Source* source = nullptr;
  LoadedInput input;
};

/// The inputs of one account that are analysed as one graph.
struct AccountGroup {
  std::string account;
  std::vector<std::size_t> members; ///< indexes into the inputs given to account_groups, in order
};

/// False when `input` joins no account graph: with run.separately, when its account is unknown, and
/// when it leaves CloudFormation conditions open (it is analysed once per way they can go, alone).
[[nodiscard]] bool may_join(const Run& run, const LoadedInput& input);

/// The account graphs of `inputs`: one per account that two or more of them that may_join() deploy
/// to.
[[nodiscard]] std::vector<AccountGroup> account_groups(const Run& run,
                                                       const std::vector<LoadedSource>& inputs);

/// True for each of `inputs` that some group joins.
[[nodiscard]] std::vector<bool> joined_inputs(const std::vector<AccountGroup>& groups,
                                              std::size_t inputs);

/// The note that says which inputs `group` joins, for the report.
[[nodiscard]] model::Diagnostic joined_note(const AccountGroup& group,
                                            const std::vector<LoadedSource>& inputs);

/// Remembers, while a run loads its inputs, which account each deploys to and which of them leave
/// CloudFormation conditions open, so that the run can say which inputs of an account were kept out
/// of its graph: their principals are not seen from the other inputs' keys, nor theirs from its
/// keys.
class HeldBackInputs {
public:
  void add(const Run& run, const Source& source, const LoadedInput& input);

  /// A warning for each input held back for its open conditions whose account has other inputs.
  [[nodiscard]] std::vector<model::Diagnostic> warnings() const;

private:
  struct HeldBack {
    std::string path;
    std::string account;
    std::vector<std::string> conditions;
  };
  std::map<std::string, std::size_t> m_inputs_per_account;
  std::vector<HeldBack> m_held_back;
};

/// The graphs of the members of `group`, moved out of `inputs`, ready for join_account().
[[nodiscard]] std::vector<GraphPart> take_graphs(std::vector<LoadedSource>& inputs,
                                                 const AccountGroup& group);

/// The members of `group`, in order.
[[nodiscard]] std::vector<const LoadedSource*> members_of(const std::vector<LoadedSource>& inputs,
                                                          const AccountGroup& group);

} // namespace tfkms::run
