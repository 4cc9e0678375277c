#include "run/account_inputs.hpp"

#include <map>

namespace tfkms::run {

bool may_join(const Run& run, const LoadedInput& input) {
  return !run.separately && input.deployment.account &&
         input.input.graph.undecided_conditions.empty();
}

std::vector<AccountGroup> account_groups(const Run& run, const std::vector<LoadedSource>& inputs) {
  std::map<std::string, std::vector<std::size_t>> by_account;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (may_join(run, inputs[i].input))
      by_account[*inputs[i].input.deployment.account].push_back(i);
  }
  std::vector<AccountGroup> groups;
  for (auto& [account, members] : by_account) {
    if (members.size() > 1)
      groups.push_back(AccountGroup{account, std::move(members)});
  }
  return groups;
}

std::vector<bool> joined_inputs(const std::vector<AccountGroup>& groups, std::size_t inputs) {
  std::vector<bool> joined(inputs, false);
  for (const AccountGroup& group : groups) {
    for (const std::size_t member : group.members)
      joined.at(member) = true;
  }
  return joined;
}

model::Diagnostic joined_note(const AccountGroup& group, const std::vector<LoadedSource>& inputs) {
  std::string listed;
  for (const std::size_t member : group.members) {
    listed += (listed.empty() ? "" : ", ") + inputs.at(member).source->path;
  }
  model::Diagnostic note;
  note.level = model::DiagnosticLevel::note;
  note.message = std::to_string(group.members.size()) + " inputs deploy to account " +
                 group.account +
                 " and are analysed as one graph (--separately analyses each alone): " + listed;
  return note;
}

std::vector<GraphPart> take_graphs(std::vector<LoadedSource>& inputs, const AccountGroup& group) {
  std::vector<GraphPart> parts;
  parts.reserve(group.members.size());
  for (const std::size_t member : group.members) {
    LoadedSource& input = inputs.at(member);
    parts.push_back(
        GraphPart{input.source->path, std::move(input.input.input.graph), input.source->stack});
  }
  return parts;
}

std::vector<const LoadedSource*> members_of(const std::vector<LoadedSource>& inputs,
                                            const AccountGroup& group) {
  std::vector<const LoadedSource*> members;
  for (const std::size_t member : group.members)
    members.push_back(&inputs.at(member));
  return members;
}

} // namespace tfkms::run
