#include "report/access_tables.hpp"

#include "report/escape.hpp"
#include "report/json_stream.hpp"

#include <algorithm>

namespace tfkms::report {

namespace {

using analysis::AccessChange;
using analysis::AccessEntry;
using analysis::ChangeKind;
using Json = nlohmann::json;

std::string joined(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty())
      out += separator;
    out += item;
  }
  return out;
}

// Every action of the class reads as "all N actions of the class"; a partial list is spelled out.
std::string actions_text(const std::vector<std::string>& actions,
                         analysis::ActionClass action_class) {
  const auto all = analysis::actions_of(action_class);
  if (actions.size() > 1 && actions.size() == all.size())
    return "all " + std::to_string(all.size()) + " actions";
  return joined(actions);
}

// "any principal of account 111122223333, if its own IAM policy allows it" / "may" for unknowns.
std::string who(const AccessEntry& entry) {
  std::string text = entry.subject;
  if (entry.needs_identity_policy)
    text += " (if its own IAM policy allows it)";
  if (entry.unknown)
    text += " (unknown before apply)";
  return text;
}

// "the 285 principals of class 1 (all but aws_iam_role.ops)": the members of a class an entry or
// change stands for.
std::string class_text(const analysis::ClassAccess& principals,
                       const std::vector<analysis::PrincipalClass>& classes) {
  const std::size_t size =
      classes.at(principals.principal_class).members.size() - principals.except.size();
  std::string text = "the " + std::to_string(size) + " principals of class " +
                     std::to_string(principals.principal_class + 1);
  if (!principals.except.empty())
    text += " (all but " + joined(principals.except) + ")";
  return text;
}

std::string who(const AccessEntry& entry, const analysis::ClassAccess& principals,
                const std::vector<analysis::PrincipalClass>& classes) {
  std::string text = class_text(principals, classes);
  if (entry.needs_identity_policy)
    text += " (if their own IAM policies allow it)";
  if (entry.unknown)
    text += " (unknown before apply)";
  return text;
}

// The grounds of an entry; those in each member's own identity policy as "its own identity policy 1
// statement 0" (the class lists the members' policies in that order).
std::vector<std::string> grounds(const AccessEntry& entry,
                                 const std::optional<analysis::ClassAccess>& principals) {
  std::vector<std::string> all = entry.grounds;
  if (!principals)
    return all;
  for (const analysis::OwnPolicyGround& ground : principals->own_policy_grounds) {
    all.push_back("its own identity policy " + std::to_string(ground.policy + 1) + " " +
                  ground.statement);
  }
  return all;
}

std::string who(const AccessChange& change, const std::vector<analysis::PrincipalClass>& classes) {
  std::string text = change.principals ? class_text(*change.principals, classes) : change.subject;
  if (change.needs_identity_policy)
    text += " (if its own IAM policy allows it)";
  if (change.unknown)
    text += " (unknown before apply)";
  return text;
}

std::string conditions(const AccessChange& change) {
  if (change.kind != ChangeKind::condition)
    return change.conditions;
  std::string before = change.conditions_before;
  if (change.needed_identity_policy_before)
    before += ", only with its own IAM policy";
  return change.conditions + " (was: " + before + ")";
}

char sign(ChangeKind kind) {
  switch (kind) {
  case ChangeKind::gain:
    return '+';
  case ChangeKind::loss:
    return '-';
  case ChangeKind::condition:
    return '~';
  }
  return '~';
}

std::string key_heading(const analysis::KeyAccessMap& key) {
  std::string text = key.name + " (account " + key.account;
  if (!key.planned_action.empty())
    text += ", " + key.planned_action;
  text += ")";
  return text;
}

Json entry_json(const AccessEntry& entry, const std::optional<analysis::ClassAccess>& principals) {
  Json own = Json::array();
  if (principals) {
    for (const analysis::OwnPolicyGround& ground : principals->own_policy_grounds) {
      own.push_back(Json{{"policy", ground.policy}, {"statement", ground.statement}});
    }
  }
  Json json{{"class", analysis::to_string(entry.action_class)},
            {"subject", entry.subject},
            {"reach", analysis::to_string(entry.reach)},
            {"account", entry.account},
            {"actions", entry.actions},
            {"conditions", entry.conditions},
            {"needs_identity_policy", entry.needs_identity_policy},
            {"through_delegation", entry.through_delegation},
            {"outcome", entry.unknown ? "unknown" : "allowed"},
            {"unknowns", entry.unknowns},
            {"grounds", entry.grounds}};
  if (principals) {
    json["principals"] = Json{{"class", principals->principal_class + 1},
                              {"except", principals->except},
                              {"own_policy_grounds", std::move(own)}};
  }
  return json;
}

// The keys of a diff in order of first appearance, with their changes.
std::vector<std::pair<std::string, std::vector<const AccessChange*>>>
by_key(const analysis::AccessDiff& diff) {
  std::vector<std::pair<std::string, std::vector<const AccessChange*>>> keys;
  for (const AccessChange& change : diff.changes) {
    if (keys.empty() || keys.back().first != change.key)
      keys.emplace_back(change.key, std::vector<const AccessChange*>{});
    keys.back().second.push_back(&change);
  }
  return keys;
}

std::string key_note(const analysis::AccessDiff& diff, const std::string& key) {
  const auto has = [&](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), key) != list.end();
  };
  if (has(diff.keys_created))
    return " (created)";
  if (has(diff.keys_destroyed))
    return " (destroyed)";
  return {};
}

constexpr std::size_t k_markdown_note_bytes = 200; // room for the "N more not shown" note
constexpr std::size_t k_markdown_cell_bytes =
    4'000; // one long cause must not crowd out the other rows

std::string markdown_cell(std::string_view text) {
  return markdown_inline(truncate_utf8(text, k_markdown_cell_bytes));
}

std::string plural(std::size_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

// "3 keys and 2 data stores": what the diff looked at, so "no changes" is not mistaken for "nothing
// read".
std::string compared(const analysis::AccessDiff& diff) {
  return plural(diff.keys_compared, "key", "keys") + " and " +
         plural(diff.data_stores_compared, "data store", "data stores");
}

} // namespace

namespace {

// Each class with its members, one a line: what "the 286 principals of class 2" refers to.
void write_classes_text(const std::vector<analysis::PrincipalClass>& classes, std::ostream& out) {
  if (classes.empty())
    return;
  out << "principal classes (principals with the same identity policies, which no policy tells "
         "apart)\n";
  for (std::size_t c = 0; c < classes.size(); ++c) {
    const auto& members = classes[c].members;
    out << "  class " << c + 1 << ", " << members.size() << " principals";
    if (!members.empty()) {
      out << " (the first's identity policies: "
          << terminal_safe(joined(members.front().identity_policies)) << ")";
    }
    out << ":\n";
    for (const auto& member : members)
      out << "    " << terminal_safe(member.principal) << '\n';
  }
}

} // namespace

void write_access_text(const analysis::ClassAccessMap& classed, std::ostream& out) {
  const analysis::AccessMap& map = classed.map;
  for (std::size_t k = 0; k < map.keys.size(); ++k) {
    const analysis::KeyAccessMap& key = map.keys[k];
    out << "key " << terminal_safe(key_heading(key)) << '\n';
    if (!key.data_stores.empty())
      out << "  encrypts: " << terminal_safe(joined(key.data_stores)) << '\n';
    if (!key.administrators.empty()) {
      out << "  key administrators: " << terminal_safe(joined(key.administrators, "; ")) << '\n';
    }
    if (!key.can_destroy.empty()) {
      out << "  can destroy its data: " << terminal_safe(joined(key.can_destroy, "; ")) << '\n';
    }
    if (!key.policy_known)
      out << "  the key policy is not known before apply: every access below is unknown\n";
    for (const std::string& note : key.notes)
      out << "  note: " << terminal_safe(note) << '\n';
    for (const std::string& removed : key.removed)
      out << "  removed: " << terminal_safe(removed) << '\n';
    for (const analysis::ActionClass action_class : analysis::k_reported_classes) {
      out << "  " << analysis::to_string(action_class) << ":\n";
      bool any = false;
      for (std::size_t e = 0; e < key.entries.size(); ++e) {
        const AccessEntry& entry = key.entries[e];
        if (entry.action_class != action_class)
          continue;
        any = true;
        const auto& principals = classed.principals[k][e];
        out << "    "
            << terminal_safe(principals ? who(entry, *principals, classed.classes) : who(entry))
            << ": " << terminal_safe(actions_text(entry.actions, entry.action_class)) << ' '
            << terminal_safe(entry.conditions) << '\n';
        if (const auto all = grounds(entry, principals); !all.empty()) {
          out << "      allowed by " << terminal_safe(joined(all, "; ")) << '\n';
        }
        if (!entry.unknowns.empty())
          out << "      unknown: " << terminal_safe(joined(entry.unknowns, "; ")) << '\n';
      }
      if (!any)
        out << "    nobody\n";
    }
    out << '\n';
  }
  if (!map.data_stores.empty()) {
    out << "data stores\n";
    for (const analysis::DataStoreAccess& store : map.data_stores) {
      out << "  " << terminal_safe(store.name) << " (" << store.kind << "): ";
      if (store.key.empty())
        out << "key " << terminal_safe(store.key_text.empty() ? "unknown" : store.key_text)
            << " (not analysed)\n";
      else
        out << "read, write and administration as key " << terminal_safe(store.key) << '\n';
    }
  }
  write_classes_text(classed.classes, out);
}

void write_access_markdown(const analysis::ClassAccessMap& classed, std::ostream& out) {
  const analysis::AccessMap& map = classed.map;
  out << "## tfkms: who can use each key\n\n";
  for (std::size_t k = 0; k < map.keys.size(); ++k) {
    const analysis::KeyAccessMap& key = map.keys[k];
    out << "### " << markdown_inline(key_heading(key)) << "\n\n";
    if (!key.data_stores.empty())
      out << "Encrypts " << markdown_inline(joined(key.data_stores)) << ".\n\n";
    if (!key.policy_known)
      out << "> The key policy is not known before apply: every access is unknown.\n\n";
    out << "| Class | Who | Actions | Conditions | Allowed by |\n| --- | --- | --- | --- | --- |\n";
    for (std::size_t e = 0; e < key.entries.size(); ++e) {
      const AccessEntry& entry = key.entries[e];
      const auto& principals = classed.principals[k][e];
      out << "| " << analysis::to_string(entry.action_class) << " | "
          << markdown_inline(principals ? who(entry, *principals, classed.classes) : who(entry))
          << " | " << markdown_inline(actions_text(entry.actions, entry.action_class)) << " | "
          << markdown_inline(entry.conditions) << " | "
          << markdown_inline(joined(grounds(entry, principals), "; ")) << " |\n";
    }
    out << '\n';
    // What the SCPs, RCPs and boundaries took away, and the organisation policies not applied.
    if (!key.removed.empty()) {
      out << "Removed by SCPs, RCPs and permissions boundaries:\n\n";
      for (const std::string& removed : key.removed)
        out << "- " << markdown_inline(removed) << '\n';
      out << '\n';
    }
    for (const std::string& note : key.notes)
      out << "> Note: " << markdown_inline(note) << "\n\n";
  }
  if (!map.data_stores.empty()) {
    out << "### Data stores\n\n| Data store | Kind | Key |\n| --- | --- | --- |\n";
    for (const analysis::DataStoreAccess& store : map.data_stores) {
      out << "| " << markdown_inline(store.name) << " | " << store.kind << " | "
          << markdown_inline(store.key.empty() ? store.key_text + " (not analysed)" : store.key)
          << " |\n";
    }
    out << '\n';
  }
  if (classed.classes.empty())
    return;
  out << "### Principal classes\n\nPrincipals with the same identity policies, which no policy "
         "tells apart.\n\n";
  for (std::size_t c = 0; c < classed.classes.size(); ++c) {
    const auto& members = classed.classes[c].members;
    out << "**Class " << c + 1 << "** (" << members.size() << " principals): ";
    for (std::size_t m = 0; m < members.size(); ++m)
      out << (m == 0 ? "" : ", ") << markdown_inline(members[m].principal);
    out << "\n\n";
  }
}

namespace {

Json key_json(const analysis::KeyAccessMap& key,
              const std::vector<std::optional<analysis::ClassAccess>>& principals) {
  Json entries = Json::array();
  for (std::size_t e = 0; e < key.entries.size(); ++e)
    entries.push_back(entry_json(key.entries[e], principals[e]));
  return Json{{"key", key.name},
              {"file", key.where.file},
              {"account", key.account},
              {"planned_action", key.planned_action},
              {"policy_known", key.policy_known},
              {"notes", key.notes},
              {"removed", key.removed},
              {"data_stores", key.data_stores},
              {"administrators", key.administrators},
              {"can_destroy_data", key.can_destroy},
              {"access", std::move(entries)}};
}

Json stores_json(const analysis::AccessMap& map) {
  Json stores = Json::array();
  for (const analysis::DataStoreAccess& store : map.data_stores) {
    stores.push_back(Json{{"data_store", store.name},
                          {"kind", store.kind},
                          {"key", store.key},
                          {"key_text", store.key_text}});
  }
  return stores;
}

Json class_json(const analysis::PrincipalClass& principal_class, std::size_t id) {
  Json members = Json::array();
  for (const auto& member : principal_class.members) {
    members.push_back(
        Json{{"principal", member.principal}, {"identity_policies", member.identity_policies}});
  }
  return Json{{"id", id}, {"members", std::move(members)}};
}

} // namespace

// The document's skeleton, with members in the order Json sorts them: {"format_version", "inputs":
// [{"classes": [...], "data_stores", "input", "keys": [...]}, ...], "version"}; an empty array
// prints as [].
void AccessJsonWriter::add(const analysis::ClassAccessMap& classed, const std::string& path) {
  const analysis::AccessMap& map = classed.map;
  if (!m_any_input)
    m_out << "{\n  \"format_version\": " << k_access_format_version << ",\n  \"inputs\": [";
  m_out << (m_any_input ? ",\n    {\n      \"classes\": [" : "\n    {\n      \"classes\": [");
  m_any_input = true;
  for (std::size_t c = 0; c < classed.classes.size(); ++c) {
    m_out << (c == 0 ? "\n        " : ",\n        ");
    dump_at(m_out, class_json(classed.classes[c], c + 1), 4);
  }
  m_out << (classed.classes.empty() ? "],\n      \"data_stores\": "
                                    : "\n      ],\n      \"data_stores\": ");
  dump_at(m_out, stores_json(map), 3);
  m_out << ",\n      \"input\": ";
  dump_at(m_out, Json(path), 3);
  m_out << ",\n      \"keys\": [";
  for (std::size_t i = 0; i < map.keys.size(); ++i) {
    m_out << (i == 0 ? "\n        " : ",\n        ");
    dump_at(m_out, key_json(map.keys[i], classed.principals[i]), 4);
  }
  m_out << (map.keys.empty() ? "]\n    }" : "\n      ]\n    }");
}

void AccessJsonWriter::finish(const std::string& version) {
  if (!m_any_input)
    m_out << "{\n  \"format_version\": " << k_access_format_version << ",\n  \"inputs\": [";
  m_out << (m_any_input ? "\n  ],\n  \"version\": " : "],\n  \"version\": ");
  dump_at(m_out, Json(version), 1);
  m_out << "\n}\n";
}

void write_changes_text(const analysis::AccessDiff& diff, std::ostream& out) {
  out << "access changes: " << (diff.empty() ? "none; compared " : "compared ") << compared(diff)
      << '\n';
  for (const auto& [key, changes] : by_key(diff)) {
    out << "access changes of " << terminal_safe(key) << key_note(diff, key) << '\n';
    for (const AccessChange* change : changes) {
      out << "  " << sign(change->kind) << ' ' << analysis::to_string(change->action_class) << ": "
          << terminal_safe(who(*change, diff.classes)) << ": "
          << terminal_safe(actions_text(change->actions, change->action_class)) << ' '
          << terminal_safe(conditions(*change)) << '\n';
      if (!change->causes.empty())
        out << "      cause: " << terminal_safe(joined(change->causes, "; ")) << '\n';
    }
  }
  if (!diff.data_store_changes.empty())
    out << "data stores whose key changed\n";
  for (const analysis::DataStoreChange& store : diff.data_store_changes) {
    out << "  ~ " << terminal_safe(store.data_store) << " (" << store.kind
        << "): " << terminal_safe(store.key_before) << " -> " << terminal_safe(store.key_after)
        << '\n';
  }
  write_classes_text(diff.classes, out);
}

std::size_t write_changes_markdown(const analysis::AccessDiff& diff, std::size_t max_bytes,
                                   std::ostream& out) {
  std::size_t written = 0;
  const auto write = [&](const std::string& text) {
    out << text;
    written += text.size();
  };
  write("### Access changes\n\nCompared " + compared(diff) + ".");
  if (diff.empty()) {
    write(" No key gains or loses access.\n\n");
    return written;
  }
  write("\n\n");
  // Rows that would pass max_bytes are counted instead (a step summary over 1 MiB is lost whole).
  // Once one row does not fit, the rest are counted too, so no table skips a row in its middle.
  const std::size_t budget =
      max_bytes > k_markdown_note_bytes ? max_bytes - k_markdown_note_bytes : 0;
  std::size_t left_out = 0;
  const auto put = [&](const std::string& text) {
    if (left_out > 0 || written + text.size() > budget)
      return false;
    write(text);
    return true;
  };
  for (const auto& [key, changes] : by_key(diff)) {
    if (!put("**" + markdown_cell(key) + "**" + key_note(diff, key) +
             "\n\n| | Class | Who | Actions | Conditions | Cause |\n| --- | --- | --- | --- | --- "
             "| --- |\n")) {
      left_out += changes.size();
      continue;
    }
    for (const AccessChange* change : changes) {
      const bool shown = put(std::string("| ") +
                             (change->kind == ChangeKind::gain   ? "gain"
                              : change->kind == ChangeKind::loss ? "loss"
                                                                 : "changed") +
                             " | " + std::string(analysis::to_string(change->action_class)) +
                             " | " + markdown_cell(who(*change, diff.classes)) + " | " +
                             markdown_cell(actions_text(change->actions, change->action_class)) +
                             " | " + markdown_cell(conditions(*change)) + " | " +
                             markdown_cell(joined(change->causes, "; ")) + " |\n");
      if (!shown)
        ++left_out;
    }
    if (left_out == 0)
      write("\n");
  }
  if (!diff.data_store_changes.empty() &&
      !put("**Data stores whose key changed**\n\n| Data store | Kind | Key before | Key after |\n| "
           "--- | --- | --- | --- |\n")) {
    left_out += diff.data_store_changes.size();
  } else {
    for (const analysis::DataStoreChange& store : diff.data_store_changes) {
      if (!put("| " + markdown_cell(store.data_store) + " | " + store.kind + " | " +
               markdown_cell(store.key_before) + " | " + markdown_cell(store.key_after) + " |\n")) {
        ++left_out;
      }
    }
  }
  if (!diff.classes.empty())
    put("\n**Principal classes**\n\n");
  for (std::size_t c = 0; c < diff.classes.size(); ++c) {
    std::string line = "Class " + std::to_string(c + 1) + " (" +
                       std::to_string(diff.classes[c].members.size()) + " principals): ";
    for (std::size_t m = 0; m < diff.classes[c].members.size(); ++m) {
      line += (m == 0 ? "" : ", ") + markdown_cell(diff.classes[c].members[m].principal);
    }
    if (!put(line + "\n\n"))
      ++left_out;
  }
  if (left_out > 0) {
    write("\n> " + std::to_string(left_out) +
          " more access changes are not shown: a step summary is limited to 1 MiB. The JSON and "
          "SARIF reports list every change.\n");
  }
  write("\n");
  return written;
}

Json change_json(const AccessChange& change) {
  Json json{{"key", change.key},
            {"file", change.where.file},
            {"class", analysis::to_string(change.action_class)},
            {"change", analysis::to_string(change.kind)},
            {"widens", change.widens()},
            {"subject", change.subject},
            {"reach", analysis::to_string(change.reach)},
            {"account", change.account},
            {"actions", change.actions},
            {"conditions", change.conditions},
            {"conditions_before", change.conditions_before},
            {"needs_identity_policy", change.needs_identity_policy},
            {"through_delegation", change.through_delegation},
            {"outcome", change.unknown ? "unknown" : "allowed"},
            {"causes", change.causes},
            {"data_stores", change.data_stores}};
  if (change.principals) {
    json["principals"] = Json{{"class", change.principals->principal_class + 1},
                              {"except", change.principals->except}};
  }
  return json;
}

Json comparison_json(const analysis::AccessDiff& diff) {
  Json stores = Json::array();
  for (const analysis::DataStoreChange& store : diff.data_store_changes) {
    stores.push_back(Json{{"data_store", store.data_store},
                          {"file", store.where.file},
                          {"kind", store.kind},
                          {"key_before", store.key_before},
                          {"key_after", store.key_after}});
  }
  Json classes = Json::array();
  for (std::size_t c = 0; c < diff.classes.size(); ++c)
    classes.push_back(class_json(diff.classes[c], c + 1));
  return Json{{"keys", diff.keys_compared},
              {"classes", std::move(classes)},
              {"data_stores", diff.data_stores_compared},
              {"keys_created", diff.keys_created},
              {"keys_destroyed", diff.keys_destroyed},
              {"data_store_changes", std::move(stores)}};
}

} // namespace tfkms::report
