#include "analysis/subjects.hpp"

#include "analysis/analysis_detail.hpp"
#include "model/text.hpp"
#include "policy/match.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>

namespace tfkms::analysis {

namespace {

constexpr std::string_view k_stand_in_name = "tfkms-any-principal";

std::string account_principal_arn(const std::string& partition, const std::string& account) {
  return model::joined({"arn:", partition, ":iam::", account, ":role/", k_stand_in_name});
}

class Collector {
public:
  explicit Collector(const SubjectInputs& inputs) : m_in(inputs), m_shared(*inputs.shared) {}

  // The graph principals' accounts come first, in the order the principals appear.
  void principal_accounts() {
    for (const std::string& id : m_shared.distinct_accounts)
      account(id);
  }

  // Roles and users in graph order of their first principal. Those the key policy or a grant names,
  // or that the policies tell apart, are subjects of their own; the others join the subject of
  // their class. Works from the classes GraphAccess found, so that a key costs what it names, not
  // what the graph holds.
  void graph_principals() {
    std::sort(m_mentioned.begin(), m_mentioned.end());
    m_mentioned.erase(std::unique(m_mentioned.begin(), m_mentioned.end()), m_mentioned.end());
    const model::Graph& graph = *m_shared.graph;
    std::vector<Members> subjects;
    if (m_callers_told_apart) {
      for (std::size_t i = 0; i < graph.principals.size(); ++i) {
        const auto id = static_cast<model::PrincipalId>(i);
        if (graph.principals[i].kind != model::PrincipalKind::group)
          subjects.emplace_back(std::vector{id});
      }
    } else {
      for (const model::PrincipalId id : m_shared.own_class_callers)
        subjects.emplace_back(std::vector{id});
      std::vector<bool> class_named(m_shared.class_members.size(), false);
      for (const model::PrincipalId id : m_mentioned) {
        const std::size_t principal_class = m_shared.classes[static_cast<std::size_t>(id)];
        if (principal_class == detail::k_own_class)
          continue;
        subjects.emplace_back(std::vector{id});
        class_named[principal_class] = true;
      }
      for (std::size_t c = 0; c < m_shared.class_members.size(); ++c) {
        const Members& members = m_shared.class_members[c];
        // A class the key names none of is shared as it is; only a named one is copied, without
        // them.
        if (!class_named[c]) {
          subjects.push_back(members);
          continue;
        }
        // Both lists are sorted and a key names few principals of a class that may hold
        // thousands: the runs between the named ones are copied whole, not member by member.
        std::vector<model::PrincipalId> unnamed;
        unnamed.reserve(members.size());
        auto from = members.begin();
        for (const model::PrincipalId id : m_mentioned) {
          const auto at = std::lower_bound(from, members.end(), id);
          unnamed.insert(unnamed.end(), from, at);
          from = at != members.end() && *at == id ? at + 1 : at;
        }
        unnamed.insert(unnamed.end(), from, members.end());
        if (!unnamed.empty())
          subjects.emplace_back(std::move(unnamed));
      }
      std::sort(subjects.begin(), subjects.end(),
                [](const Members& a, const Members& b) { return a.front() < b.front(); });
    }
    for (Members& members : subjects) {
      const auto i = static_cast<std::size_t>(members.front());
      Subject subject;
      subject.kind = SubjectKind::graph_principal;
      subject.principal = members.front();
      subject.arn = m_shared.arns[i];
      subject.account = m_shared.accounts[i];
      const std::size_t others = members.size() - 1;
      subject.label = others == 0
                          ? m_shared.labels[i]
                          : model::joined({m_shared.labels[i], " and ", std::to_string(others),
                                           others == 1 ? " other principal" : " other principals",
                                           " with the same identity policies"});
      subject.members = std::move(members);
      m_principals.push_back(std::move(subject));
    }
  }

  // A caller the policies or grants name by ARN. `classified`: the account of the ARN, when the
  // caller has classified it already; else it is classified here, if the caller is new.
  void named(const std::string& arn, std::string label, const std::string* classified = nullptr) {
    if (const auto found = m_shared.by_arn.find(arn); found != m_shared.by_arn.end()) {
      m_mentioned.push_back(found->second);
      return;
    }
    const auto known = [&](const Subject& s) { return s.arn == arn; };
    if (std::any_of(m_named.begin(), m_named.end(), known))
      return;
    Subject subject;
    subject.kind = SubjectKind::named_principal;
    subject.arn = arn;
    subject.account =
        classified != nullptr
            ? *classified
            : policy::classify_principal(policy::PrincipalSection::aws,
                                         model::Value{arn, model::ValueKind::literal, {}})
                  .account;
    subject.label = std::move(label);
    account(subject.account);
    m_named.push_back(std::move(subject));
  }

  void account(const std::string& id) {
    if (id.empty() || std::find(m_accounts.begin(), m_accounts.end(), id) != m_accounts.end())
      return;
    m_accounts.push_back(id);
  }

  void service(const std::string& name) {
    if (std::find(m_services.begin(), m_services.end(), name) == m_services.end())
      m_services.push_back(name);
  }

  void principal_text(policy::PrincipalSection section, const model::Value& value) {
    if (!value.known()) {
      m_callers_told_apart = true; // it may name any of them
      return;
    }
    principal(policy::classify_principal(section, value), value);
  }

  // A principal entry of a policy, classified when it was read: as principal_text() of its value.
  void principal_entry(const policy::PrincipalEntry& entry) {
    if (!entry.value.known()) {
      m_callers_told_apart = true; // it may name any of them
      return;
    }
    principal(policy::ClassifiedPrincipal{entry.form, entry.account}, entry.value);
  }

  // A principal `value`, known, of form and account `classified`.
  void principal(const policy::ClassifiedPrincipal& classified, const model::Value& value) {
    switch (classified.form) {
    case policy::PrincipalForm::account:
      account(classified.account);
      break;
    // An ARN of these forms classifies alike in every section that allows it: as named() would.
    case policy::PrincipalForm::user:
    case policy::PrincipalForm::role:
      named(value.text, value.text, &classified.account);
      break;
    case policy::PrincipalForm::assumed_role:
    case policy::PrincipalForm::federated_user:
      m_callers_told_apart = true; // a session of one role: tell the roles apart
      named(value.text, value.text, &classified.account);
      break;
    case policy::PrincipalForm::service:
      service(value.text);
      break;
    case policy::PrincipalForm::any:
    case policy::PrincipalForm::other:
    case policy::PrincipalForm::unknown:
      break;
    }
  }

  void key_policy(const policy::Document& document) {
    if (detail::tells_callers_apart(document))
      m_callers_told_apart = true;
    for (const policy::Statement& statement : document.statements) {
      if (statement.principal) {
        for (const policy::PrincipalEntry& entry : statement.principal->entries)
          principal_entry(entry);
      }
      for (const policy::ConditionClause& clause : statement.conditions)
        condition(clause);
    }
  }

  // An SCP or RCP names no principal but "*"; its conditions may name callers and accounts. A
  // boundary is the principal's own and tells apart only through its class (graph_access.cpp).
  void chain_policy(const policy::Document& document) {
    // An aws:PrincipalArn value without wildcards names its caller, who becomes a subject of its
    // own (condition()); the rest of a class still decides alike. Anything else that tests the
    // caller's name may tell any two principals apart.
    if (detail::tells_callers_apart_beyond_names(document))
      m_callers_told_apart = true;
    for (const policy::Statement& statement : document.statements) {
      for (const policy::ConditionClause& clause : statement.conditions)
        condition(clause);
    }
  }

  void condition(const policy::ConditionClause& clause) {
    const bool arn = clause.key_lower == "aws:principalarn";
    const bool account_key =
        clause.key_lower == "kms:calleraccount" || clause.key_lower == "aws:principalaccount";
    const bool service_key = clause.key_lower == "aws:principalservicename";
    if (!arn && !account_key && !service_key)
      return;
    for (const model::Value& value : clause.values) {
      if (!value.known() || value.text.empty())
        continue;
      if (account_key && policy::is_account_id(value.text))
        account(value.text);
      if (service_key && value.text.find('*') == std::string::npos)
        service(value.text);
      if (!arn)
        continue;
      if (value.text.find_first_of("*?") == std::string::npos) {
        principal_text(policy::PrincipalSection::aws, value);
        continue;
      }
      // A pattern: one caller it matches stands for all of them.
      std::string sample;
      for (const char c : value.text) {
        if (c == '?')
          sample += 'x';
        else if (c == '*')
          sample += "tfkms";
        else
          sample += c;
      }
      named(sample, "principals matching " + value.text);
    }
  }

  void grants(const std::vector<policy::CompiledGrant>& compiled) {
    for (const policy::CompiledGrant& grant : compiled) {
      if (grant.spec.unknown_fields)
        m_callers_told_apart = true;
      principal_text(policy::PrincipalSection::aws, grant.spec.grantee);
      if (grant.spec.retiring_principal)
        principal_text(policy::PrincipalSection::aws, *grant.spec.retiring_principal);
    }
  }

  std::vector<Subject> finish() {
    // Sized once for every subject below: the root, each account's principals (the key's own and
    // the others named), the services, and any other account.
    const std::size_t room =
        m_principals.size() + m_named.size() + m_accounts.size() + m_services.size() + 3;
    std::vector<Subject> out = std::move(m_principals);
    out.reserve(room);
    out.insert(out.end(), std::make_move_iterator(m_named.begin()),
               std::make_move_iterator(m_named.end()));
    for (Subject& subject : out)
      subject.key_account = subject.account == m_in.key_account;

    Subject root;
    root.kind = SubjectKind::account_root;
    root.account = m_in.key_account;
    root.arn = model::joined({"arn:", m_in.partition, ":iam::", m_in.key_account, ":root"});
    root.key_account = true;
    root.label = model::joined({"the root user of account ", m_in.key_account});
    out.push_back(std::move(root));

    std::vector<std::string> accounts{m_in.key_account};
    for (const std::string& id : m_accounts) {
      if (id != m_in.key_account)
        accounts.push_back(id);
    }
    for (const std::string& id : accounts) {
      Subject subject;
      subject.kind = SubjectKind::account_principals;
      subject.account = id;
      subject.arn = account_principal_arn(m_in.partition, id);
      subject.key_account = id == m_in.key_account;
      subject.label = model::joined({"any principal of account ", id});
      out.push_back(std::move(subject));
    }
    for (const std::string& name : m_services) {
      Subject subject;
      subject.kind = SubjectKind::service;
      subject.arn = name;
      subject.label = "service " + name;
      out.push_back(std::move(subject));
    }
    // An account id nothing names, standing for every other account.
    std::string other = "000000000000";
    while (std::find(accounts.begin(), accounts.end(), other) != accounts.end())
      other.back()++;
    Subject any;
    any.kind = SubjectKind::any_account;
    any.account = other;
    any.arn = account_principal_arn(m_in.partition, other);
    any.label = "any principal of any other account";
    out.push_back(std::move(any));
    return out;
  }

private:
  const SubjectInputs& m_in;
  const detail::Shared& m_shared;
  std::vector<Subject> m_principals; ///< graph principals
  std::vector<Subject> m_named; ///< principals the policies and grants name that the graph lacks
  std::vector<model::PrincipalId> m_mentioned; ///< graph principals they name
  bool m_callers_told_apart =
      false; ///< the key policy or a grant may decide differently for any two callers
  std::vector<std::string> m_accounts;
  std::vector<std::string> m_services;
};

} // namespace

std::string principal_arn(const model::Graph& graph, model::PrincipalId id) {
  const model::Principal& principal = graph.principal(id);
  model::Value arn = model::resolve_value(principal.arn, graph);
  if (arn.known() && !arn.text.empty())
    return std::move(arn.text);
  const std::string_view kind = principal.kind == model::PrincipalKind::user ? "user/" : "role/";
  return "arn:" + graph.partition +
         ":iam::" + model::resolve_value(graph.account_of(principal), graph).text + ":" +
         std::string(kind) + principal.name;
}

std::vector<Subject> collect_subjects(const SubjectInputs& inputs) {
  Collector collector(inputs);
  collector.principal_accounts();
  if (inputs.key_policy)
    collector.key_policy(*inputs.key_policy);
  if (inputs.grants)
    collector.grants(*inputs.grants);
  for (const policy::Document* document : inputs.organization)
    collector.chain_policy(*document);
  collector.graph_principals();
  return collector.finish();
}

} // namespace tfkms::analysis
