#include "run/condition_branches.hpp"

#include <algorithm>
#include <deque>
#include <map>

namespace tfkms::run {

namespace {

// Each undecided condition doubles the loads; four of them give 16 branches.
constexpr std::size_t k_max_branches = 16;

using Decisions = std::map<std::string, bool>;

struct Branch {
  Decisions decided;
  std::vector<rules::Finding> findings;
};

std::string describe(const Decisions& decided) {
  std::string out;
  for (const auto& [name, value] : decided) {
    out +=
        (out.empty() ? "" : " and ") + ("condition " + name + " is " + (value ? "true" : "false"));
  }
  return out;
}

// The decisions every branch in `found` shares, when exactly the branches with them are `found`
// ("condition IsProd is false"); else each branch's decisions in turn.
std::string when_found(const std::vector<Branch>& branches, const std::vector<std::size_t>& found) {
  Decisions shared = branches[found.front()].decided;
  for (const std::size_t b : found) {
    std::erase_if(shared, [&](const auto& decision) {
      const auto other = branches[b].decided.find(decision.first);
      return other == branches[b].decided.end() || other->second != decision.second;
    });
  }
  const auto has_shared = [&](const Branch& branch) {
    return std::all_of(shared.begin(), shared.end(), [&](const auto& decision) {
      const auto own = branch.decided.find(decision.first);
      return own != branch.decided.end() && own->second == decision.second;
    });
  };
  const auto matching =
      static_cast<std::size_t>(std::count_if(branches.begin(), branches.end(), has_shared));
  if (!shared.empty() && matching == found.size())
    return describe(shared);
  std::string when;
  for (const std::size_t b : found)
    when += (when.empty() ? "" : "; or when ") + describe(branches[b].decided);
  return when;
}

model::Diagnostic note(const std::string& path, std::string message) {
  model::Diagnostic diagnostic;
  diagnostic.level = model::DiagnosticLevel::note;
  diagnostic.file = path;
  diagnostic.message = std::move(message);
  return diagnostic;
}

} // namespace

std::vector<rules::Finding> findings_of_every_branch(
    const std::string& path, const loaders::Input& input, const loaders::LoadOptions& options,
    const std::function<std::vector<rules::Finding>(const model::Graph&)>& check,
    std::vector<model::Diagnostic>& notes) {
  std::vector<Branch> branches;
  std::deque<Decisions> pending{Decisions{}};
  std::vector<std::string> left_open;
  while (!pending.empty()) {
    Decisions decided = std::move(pending.front());
    pending.pop_front();
    std::optional<loaders::Input> reloaded;
    if (!decided.empty()) {
      loaders::LoadOptions decided_options = options;
      for (const auto& [name, value] : decided)
        decided_options.conditions[name] = value;
      auto loaded = loaders::load_file(path, decided_options);
      if (!loaded) {
        notes.push_back(loaded.error());
        continue;
      }
      reloaded = std::move(loaded.value());
    }
    const model::Graph& graph = reloaded ? reloaded->graph : input.graph;
    const std::vector<std::string>& open = graph.undecided_conditions;
    if (!open.empty() && branches.size() + pending.size() + 2 <= k_max_branches) {
      for (const bool value : {true, false}) {
        Decisions next = decided;
        next[open.front()] = value;
        pending.push_back(std::move(next));
      }
      continue;
    }
    for (const std::string& name : open) {
      if (std::find(left_open.begin(), left_open.end(), name) == left_open.end())
        left_open.push_back(name);
    }
    branches.push_back(Branch{std::move(decided), check(graph)});
  }

  std::string decided_names;
  for (const auto& [name, value] : branches.front().decided)
    decided_names += (decided_names.empty() ? "" : ", ") + name;
  notes.push_back(
      note(path, "conditions " + decided_names + " depend on deploy-time values: each of the " +
                     std::to_string(branches.size()) + " ways they can go was analysed"));
  if (!left_open.empty()) {
    std::string names;
    for (const std::string& name : left_open)
      names += (names.empty() ? "" : ", ") + name;
    notes.push_back(
        note(path, "more than " + std::to_string(k_max_branches) + " ways the conditions can go: " +
                       names + " took the true branch (--condition NAME=true|false decides one)"));
  }

  // One finding per fingerprint, with the branches it was found in.
  std::vector<rules::Finding> merged;
  std::vector<std::vector<std::size_t>> found_in;
  std::map<std::string, std::size_t> by_fingerprint;
  for (std::size_t b = 0; b < branches.size(); ++b) {
    for (rules::Finding& finding : branches[b].findings) {
      const auto [entry, fresh] = by_fingerprint.try_emplace(finding.fingerprint, merged.size());
      if (fresh) {
        merged.push_back(std::move(finding));
        found_in.emplace_back();
      }
      found_in[entry->second].push_back(b);
    }
  }
  for (std::size_t i = 0; i < merged.size(); ++i) {
    if (found_in[i].size() == branches.size())
      continue;
    rules::Evidence evidence;
    evidence.text = "only when " + when_found(branches, found_in[i]);
    evidence.file = merged[i].file;
    evidence.line = merged[i].line;
    merged[i].evidence.push_back(std::move(evidence));
  }
  rules::sort_findings(merged);
  return merged;
}

} // namespace tfkms::run
