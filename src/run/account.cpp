#include "run/account.hpp"

#include "policy/match.hpp"
#include "rules/support.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

namespace tfkms::run {

namespace {

constexpr std::size_t k_account_id_length = 12;

// An account id alone ("444455556666") or as an ARN's account field. A shorter text holds neither:
// most texts of a policy ("Allow", "kms:Decrypt", "*") are not looked at further.
void collect_text(std::string_view text, std::set<std::string>& accounts) {
  if (text.size() < k_account_id_length)
    return;
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
  rules::Finding& finding;    ///< in its possibility's findings, moved out once at the end
  std::vector<bool> found;    ///< by possibility
  std::vector<bool> possible; ///< by possibility: the resource can exist there
};

// What matches a finding across possibilities: rule, resource, place and message (with the
// possibility's own account written as the unnamed one's), and which of the findings alike in one
// possibility it is. Views into the findings and the rewritten messages, which outlive the
// matching.
struct Match {
  std::string_view rule_id;
  std::string_view resource;
  std::string_view file;
  std::uint32_t line = 0;
  std::string_view message;
  std::size_t occurrence = 0;

  friend bool operator==(const Match&, const Match&) = default;
};

struct MatchHash {
  std::size_t operator()(const Match& match) const {
    // The file is one for most findings of an input: it tells none apart.
    const std::hash<std::string_view> text;
    std::size_t hash = text(match.message);
    for (const std::size_t part :
         {text(match.resource), text(match.rule_id), std::size_t{match.line}, match.occurrence})
      hash = hash * 31 + part;
    return hash;
  }
};

Match match_of(const rules::Finding& finding, std::string_view message) {
  return Match{finding.rule_id,          finding.resource, finding.file,
               finding.line.value_or(0), message,          0};
}

// A finding of the first possibility it was seen in (by position), and in which it was found.
struct Matched {
  std::size_t possibility = 0;
  std::size_t index = 0;
  std::vector<bool> found;
  std::vector<bool> possible;
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

// Each finding of every possibility matched with those alike in the others, in order of first
// sight. Compared in place: a large plan gives thousands of findings, whose texts share long
// prefixes and would cost more to copy into keys than to compare.
std::vector<Matched> match_findings(const std::vector<Possibility>& possibilities,
                                    const std::string& own_account) {
  std::vector<Matched> matched;
  std::unordered_map<Match, std::size_t, MatchHash> by_key;
  std::deque<std::string> rewritten; // messages with the own account replaced; stable addresses
  for (std::size_t p = 0; p < possibilities.size(); ++p) {
    // The same finding twice in one possibility stays twice.
    std::unordered_map<Match, std::size_t, MatchHash> seen;
    const std::optional<std::string>& account = possibilities[p].account;
    const std::vector<rules::Finding>& findings = possibilities[p].findings;
    for (std::size_t i = 0; i < findings.size(); ++i) {
      const rules::Finding& finding = findings[i];
      const Match as_written = match_of(finding, finding.message);
      Match key = as_written;
      if (account && finding.message.find(*account) != std::string::npos) {
        std::string& message = rewritten.emplace_back(finding.message);
        replace_all(message, *account, own_account);
        key = match_of(finding, message);
        // A message naming the account for its own sake (a principal's ARN) reads the same in
        // every possibility: as written, it is the same finding.
        Match written_before = as_written;
        written_before.occurrence = seen[as_written];
        if (by_key.contains(written_before))
          key = as_written;
      }
      key.occurrence = seen[key]++;
      const auto [entry, fresh] = by_key.try_emplace(key, matched.size());
      if (fresh) {
        matched.push_back(Matched{p, i, std::vector<bool>(possibilities.size(), false),
                                  where_possible(possibilities, finding)});
      }
      matched[entry->second].found[p] = true;
    }
  }
  return matched;
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
  std::vector<Matched> matched = match_findings(possibilities, own_account);
  std::vector<Merged> merged;
  merged.reserve(matched.size());
  for (Matched& entry : matched) {
    merged.push_back(Merged{possibilities[entry.possibility].findings[entry.index],
                            std::move(entry.found), std::move(entry.possible)});
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
