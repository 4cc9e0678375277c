#include "run/account_inputs.hpp"

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
  // A repository may hold hundreds of an account's inputs: the note names a few, the report's
  // `accounts` lists every input with its account.
  constexpr std::size_t k_named = 10;
  std::string listed;
  for (std::size_t i = 0; i < group.members.size() && i < k_named; ++i)
    listed += (listed.empty() ? "" : ", ") + inputs.at(group.members[i]).source->path;
  if (group.members.size() > k_named)
    listed += " and " + std::to_string(group.members.size() - k_named) + " more";
  model::Diagnostic note;
  note.level = model::DiagnosticLevel::note;
  note.message = std::to_string(group.members.size()) + " inputs deploy to account " +
                 group.account +
                 " and are analysed as one graph (--separately analyses each alone): " + listed;
  return note;
}

void HeldBackInputs::add(const Run& run, const Source& source, const LoadedInput& input) {
  const std::optional<std::string>& account = input.deployment.account;
  if (run.separately || !account)
    return;
  ++m_inputs_per_account[*account];
  const std::vector<std::string>& open = input.input.graph.undecided_conditions;
  if (!open.empty())
    m_held_back.push_back(HeldBack{source.path, *account, open});
}

std::vector<model::Diagnostic> HeldBackInputs::warnings() const {
  std::vector<model::Diagnostic> warnings;
  for (const HeldBack& input : m_held_back) {
    const std::size_t others = m_inputs_per_account.at(input.account) - 1;
    if (others == 0)
      continue;
    std::string conditions;
    for (const std::string& condition : input.conditions)
      conditions += (conditions.empty() ? "" : ", ") + condition;
    model::Diagnostic warning;
    warning.level = model::DiagnosticLevel::warning;
    warning.file = input.path;
    warning.message =
        "deploys to account " + input.account + " but leaves CloudFormation conditions open (" +
        conditions +
        "): it is analysed alone, once for each way they can go, not as one graph with the " +
        std::to_string(others) + " other input" + (others == 1 ? "" : "s") +
        " of that account, so neither side sees the other's principals; decide them with " +
        "--condition NAME=true|false to join it";
    warnings.push_back(std::move(warning));
  }
  return warnings;
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
