#include "run/account.hpp"

#include "policy/match.hpp"
#include "rules/support.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

namespace tfkms::run {

namespace {

// An account id alone ("444455556666") or as an ARN's account field.
void collect_text(std::string_view text, std::set<std::string>& accounts) {
  if (auto account = rules::account_of(text); account && policy::is_account_id(*account))
    accounts.insert(*account);
}

void collect_json(const nlohmann::json& document, std::set<std::string>& accounts) {
  // Iterative: policies are held to a nesting limit, but this runs before anyone checked.
  std::vector<const nlohmann::json*> pending{&document};
  while (!pending.empty()) {
    const nlohmann::json* value = pending.back();
    pending.pop_back();
    if (value->is_string()) {
      collect_text(value->get_ref<const std::string&>(), accounts);
    } else if (value->is_structured()) {
      for (const auto& item : *value)
        pending.push_back(&item);
    }
  }
}

void collect_policy(const model::PolicySource& policy, std::set<std::string>& accounts) {
  if (policy.state == model::PolicySource::State::document)
    collect_json(policy.document, accounts);
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string place_of(const rules::Finding& finding) {
  return finding.rule_id + '\n' + finding.resource + '\n' + finding.file + '\n' +
         std::to_string(finding.line.value_or(0));
}

struct Merged {
  rules::Finding finding;
  std::vector<bool> found;    ///< by possibility
  std::vector<bool> possible; ///< by possibility: the resource can exist there
};

std::vector<bool> where_possible(const std::vector<Possibility>& possibilities,
                                 const rules::Finding& finding) {
  std::vector<bool> possible;
  for (const Possibility& possibility : possibilities)
    possible.push_back(!possibility.keys_refused.contains(finding.resource));
  return possible;
}

std::vector<std::string> accounts_where(const std::vector<Possibility>& possibilities,
                                        const Merged& merged, bool found) {
  std::vector<std::string> accounts;
  for (std::size_t p = 0; p < possibilities.size(); ++p) {
    if (merged.possible[p] && merged.found[p] == found && possibilities[p].account)
      accounts.push_back(*possibilities[p].account);
  }
  return accounts;
}

// Why some accounts are left out of when a finding holds: its key cannot be created there.
void say_where_refused(Merged& merged, const std::vector<Possibility>& possibilities) {
  std::vector<std::string> refused;
  std::vector<std::string> created;
  for (std::size_t p = 0; p < possibilities.size(); ++p) {
    if (possibilities[p].account)
      (merged.possible[p] ? created : refused).push_back(*possibilities[p].account);
  }
  const bool unnamed_refused = !merged.possible.front() && !possibilities.front().account;
  if (!unnamed_refused && refused.empty())
    return;
  const std::string why = "KMS's policy lockout safety check refuses the key policy where no "
                          "principal of the account may call kms:PutKeyPolicy";
  rules::Evidence evidence;
  evidence.text =
      unnamed_refused
          ? "the key can only be created in account " + accounts_text(created) + ": " + why
          : "the key is never created in account " + accounts_text(refused) + ": " + why;
  evidence.file = merged.finding.file;
  evidence.line = merged.finding.line;
  merged.finding.evidence.push_back(std::move(evidence));
}

// One finding's own words on when it holds, appended to its message.
void say_when(Merged& merged, const std::vector<Possibility>& possibilities) {
  bool everywhere = true;
  for (std::size_t p = 0; p < possibilities.size(); ++p)
    everywhere = everywhere && (merged.found[p] || !merged.possible[p]);
  if (everywhere)
    return;
  std::string& message = merged.finding.message;
  if (!message.empty() && message.back() == '.')
    message.pop_back();
  const bool when_unnamed =
      merged.found.front() && merged.possible.front() && !possibilities.front().account;
  if (when_unnamed) {
    message += " — unless this input is deployed to " +
               accounts_text(accounts_where(possibilities, merged, false));
  } else {
    message += " — if this input is deployed to " +
               accounts_text(accounts_where(possibilities, merged, true));
  }
  message += "; its account is unknown, --account-id decides.";
}

} // namespace

std::string accounts_text(const std::vector<std::string>& accounts) {
  std::string text;
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    if (i > 0)
      text += i + 1 == accounts.size() ? " or " : ", ";
    text += accounts[i];
  }
  return text;
}

std::vector<std::string> named_accounts(const model::Graph& graph) {
  std::set<std::string> accounts;
  for (const model::Key& key : graph.keys) {
    if (key.kind == model::KeyKind::aws_managed)
      continue; // AWS's own policy names no account of the input
    collect_text(key.arn, accounts);
    collect_policy(key.policy, accounts);
  }
  for (const model::Grant& grant : graph.grants) {
    collect_text(grant.grantee, accounts);
    if (grant.retiring_principal)
      collect_text(*grant.retiring_principal, accounts);
  }
  for (const model::Principal& principal : graph.principals) {
    collect_text(principal.arn, accounts);
    collect_policy(principal.trust_policy, accounts);
  }
  for (const model::IdentityPolicy& policy : graph.policies) {
    if (!policy.aws_managed)
      collect_policy(policy.document, accounts);
  }
  for (const model::DataStore& store : graph.data_stores)
    collect_policy(store.resource_policy, accounts);
  accounts.erase(graph.account);
  accounts.erase(std::string(model::k_this_account));
  return {accounts.begin(), accounts.end()};
}

std::vector<rules::Finding> merge_possibilities(std::vector<Possibility> possibilities,
                                                const std::string& own_account) {
  std::vector<Merged> merged;
  // Hashed: a large plan gives thousands of findings, whose keys share long prefixes.
  std::unordered_map<std::string, std::size_t> by_key;
  for (std::size_t p = 0; p < possibilities.size(); ++p) {
    std::unordered_map<std::string, std::size_t>
        seen; // the same finding twice in one possibility stays twice
    const std::optional<std::string>& account = possibilities[p].account;
    for (rules::Finding& finding : possibilities[p].findings) {
      const std::string as_written = place_of(finding) + '\n' + finding.message;
      std::string key = as_written;
      if (account && finding.message.find(*account) != std::string::npos) {
        std::string message = finding.message;
        replace_all(message, *account, own_account);
        key = place_of(finding) + '\n' + message;
        // A message naming the account for its own sake (a principal's ARN) reads the same in
        // every possibility: as written, it is the same finding.
        if (by_key.contains(as_written + '\n' + std::to_string(seen[as_written])))
          key = as_written;
      }
      key += '\n' + std::to_string(seen[key]++);
      const auto [entry, fresh] = by_key.try_emplace(std::move(key), merged.size());
      if (fresh) {
        std::vector<bool> possible = where_possible(possibilities, finding);
        merged.push_back(Merged{std::move(finding), std::vector<bool>(possibilities.size(), false),
                                std::move(possible)});
      }
      merged[entry->second].found[p] = true;
    }
  }

  for (Merged& entry : merged)
    say_where_refused(entry, possibilities);

  // Findings of one rule on one resource that each hold in some cases may together hold in all (a
  // key policy naming two accounts' roots: one of them is outside whichever deploys).
  std::map<std::string, std::vector<std::size_t>> partial_by_place;
  const auto holds_in = [&](std::size_t m, std::size_t p) {
    return merged[m].found[p] || !merged[m].possible[p];
  };
  for (std::size_t m = 0; m < merged.size(); ++m) {
    for (std::size_t p = 0; p < possibilities.size(); ++p) {
      if (!holds_in(m, p)) {
        partial_by_place[place_of(merged[m].finding)].push_back(m);
        break;
      }
    }
  }
  for (const auto& [place, members] : partial_by_place) {
    if (members.size() < 2)
      continue;
    bool always = true;
    for (std::size_t p = 0; p < possibilities.size() && always; ++p) {
      always = std::any_of(members.begin(), members.end(),
                           [&](std::size_t m) { return holds_in(m, p); });
    }
    if (!always)
      continue;
    for (const std::size_t m : members) {
      rules::Evidence evidence;
      evidence.text = "whichever account this input is deployed to, one of these " +
                      std::to_string(members.size()) + " " + merged[m].finding.rule_id +
                      " findings on " + merged[m].finding.resource + " holds";
      evidence.file = merged[m].finding.file;
      evidence.line = merged[m].finding.line;
      merged[m].finding.evidence.push_back(std::move(evidence));
    }
  }

  std::vector<rules::Finding> findings;
  findings.reserve(merged.size());
  for (Merged& entry : merged) {
    say_when(entry, possibilities);
    findings.push_back(std::move(entry.finding));
  }
  return findings;
}

} // namespace tfkms::run
