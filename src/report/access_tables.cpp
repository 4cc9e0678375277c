#include "report/access_tables.hpp"

#include "report/escape.hpp"
#include "report/formats.hpp"
#include "report/json_printer.hpp"

#include <algorithm>

namespace tfkms::report {

namespace {

using analysis::AccessChange;
using analysis::AccessEntry;
using analysis::ChangeKind;

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

// Every object of the access JSON prints its members in name order: the order the nlohmann
// objects it was first printed from kept, which its readers may have come to rely on.
void print_entry(JsonPrinter& out, const AccessEntry& entry,
                 const std::optional<analysis::ClassAccess>& principals) {
  out.begin_object();
  out.key("account");
  out.string(entry.account);
  out.key("actions");
  print_strings(out, entry.actions);
  out.key("class");
  out.string(analysis::to_string(entry.action_class));
  out.key("conditions");
  out.string(entry.conditions);
  out.key("grounds");
  print_strings(out, entry.grounds);
  out.key("needs_identity_policy");
  out.boolean(entry.needs_identity_policy);
  out.key("outcome");
  out.string(entry.unknown ? "unknown" : "allowed");
  if (principals) {
    out.key("principals");
    out.begin_object();
    out.key("class");
    out.number(principals->principal_class + 1);
    out.key("except");
    print_strings(out, principals->except);
    out.key("own_policy_grounds");
    out.begin_array();
    for (const analysis::OwnPolicyGround& ground : principals->own_policy_grounds) {
      out.begin_object();
      out.key("policy");
      out.number(ground.policy);
      out.key("statement");
      out.string(ground.statement);
      out.end_object();
    }
    out.end_array();
    out.end_object();
  }
  out.key("reach");
  out.string(analysis::to_string(entry.reach));
  out.key("subject");
  out.string(entry.subject);
  out.key("through_delegation");
  out.boolean(entry.through_delegation);
  out.key("unknowns");
  print_strings(out, entry.unknowns);
  out.end_object();
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

void print_key(JsonPrinter& out, const analysis::KeyAccessMap& key,
               const std::vector<std::optional<analysis::ClassAccess>>& principals) {
  out.begin_object();
  out.key("access");
  out.begin_array();
  for (std::size_t e = 0; e < key.entries.size(); ++e)
    print_entry(out, key.entries[e], principals[e]);
  out.end_array();
  out.key("account");
  out.string(key.account);
  out.key("administrators");
  print_strings(out, key.administrators);
  out.key("can_destroy_data");
  print_strings(out, key.can_destroy);
  out.key("data_stores");
  print_strings(out, key.data_stores);
  out.key("file");
  out.string(key.where.file);
  out.key("key");
  out.string(key.name);
  out.key("notes");
  print_strings(out, key.notes);
  out.key("planned_action");
  out.string(key.planned_action);
  out.key("policy_known");
  out.boolean(key.policy_known);
  out.key("removed");
  print_strings(out, key.removed);
  out.end_object();
}

void print_store(JsonPrinter& out, const analysis::DataStoreAccess& store) {
  out.begin_object();
  out.key("data_store");
  out.string(store.name);
  out.key("key");
  out.string(store.key);
  out.key("key_text");
  out.string(store.key_text);
  out.key("kind");
  out.string(store.kind);
  out.end_object();
}

void print_class(JsonPrinter& out, const analysis::PrincipalClass& principal_class,
                 std::size_t id) {
  out.begin_object();
  out.key("id");
  out.number(id);
  out.key("members");
  out.begin_array();
  for (const auto& member : principal_class.members) {
    out.begin_object();
    out.key("identity_policies");
    print_strings(out, member.identity_policies);
    out.key("principal");
    out.string(member.principal);
    out.end_object();
  }
  out.end_array();
  out.end_object();
}

void print_classes(JsonPrinter& out, const std::vector<analysis::PrincipalClass>& classes) {
  out.begin_array();
  for (std::size_t c = 0; c < classes.size(); ++c)
    print_class(out, classes[c], c + 1);
  out.end_array();
}

} // namespace

// The document's skeleton, {"format_version", "inputs": [...], "version"}, is written here; each
// input, {"classes", "data_stores", "input", "keys"}, by one printer.
void AccessJsonWriter::add(const analysis::ClassAccessMap& classed, const std::string& path) {
  const analysis::AccessMap& map = classed.map;
  if (!m_any_input)
    m_out << "{\n  \"format_version\": " << k_access_format_version << ",\n  \"inputs\": [";
  m_out << (m_any_input ? ",\n    " : "\n    ");
  m_any_input = true;
  JsonPrinter out(m_out, 2);
  out.begin_object();
  out.key("classes");
  print_classes(out, classed.classes);
  out.key("data_stores");
  out.begin_array();
  for (const analysis::DataStoreAccess& store : map.data_stores)
    print_store(out, store);
  out.end_array();
  out.key("input");
  out.string(path);
  out.key("keys");
  out.begin_array();
  for (std::size_t i = 0; i < map.keys.size(); ++i)
    print_key(out, map.keys[i], classed.principals[i]);
  out.end_array();
  out.end_object();
}

void AccessJsonWriter::finish(const std::string& version) {
  if (!m_any_input)
    m_out << "{\n  \"format_version\": " << k_access_format_version << ",\n  \"inputs\": [";
  m_out << (m_any_input ? "\n  ],\n  \"version\": " : "],\n  \"version\": ");
  JsonPrinter(m_out, 1).string(version);
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

// One element of "changes", its members in name order as the nlohmann object it once was printed:
// a large diff has hundreds of thousands, and a tree per change cost more than the diff itself.
void print_change(JsonPrinter& out, const AccessChange& change) {
  out.begin_object();
  out.key("account");
  out.string(change.account);
  out.key("actions");
  print_strings(out, change.actions);
  out.key("causes");
  print_strings(out, change.causes);
  out.key("change");
  out.string(analysis::to_string(change.kind));
  out.key("class");
  out.string(analysis::to_string(change.action_class));
  out.key("conditions");
  out.string(change.conditions);
  out.key("conditions_before");
  out.string(change.conditions_before);
  out.key("data_stores");
  print_strings(out, change.data_stores);
  out.key("file");
  out.string(change.where.file);
  out.key("key");
  out.string(change.key);
  out.key("needs_identity_policy");
  out.boolean(change.needs_identity_policy);
  out.key("outcome");
  out.string(change.unknown ? "unknown" : "allowed");
  if (change.principals) {
    out.key("principals");
    out.begin_object();
    out.key("class");
    out.number(change.principals->principal_class + 1);
    out.key("except");
    print_strings(out, change.principals->except);
    out.end_object();
  }
  out.key("reach");
  out.string(analysis::to_string(change.reach));
  out.key("subject");
  out.string(change.subject);
  out.key("through_delegation");
  out.boolean(change.through_delegation);
  out.key("widens");
  out.boolean(change.widens());
  out.end_object();
}

void print_comparison(JsonPrinter& out, const analysis::AccessDiff& diff) {
  out.begin_object();
  out.key("classes");
  print_classes(out, diff.classes);
  out.key("data_store_changes");
  out.begin_array();
  for (const analysis::DataStoreChange& store : diff.data_store_changes) {
    out.begin_object();
    out.key("data_store");
    out.string(store.data_store);
    out.key("file");
    out.string(store.where.file);
    out.key("key_after");
    out.string(store.key_after);
    out.key("key_before");
    out.string(store.key_before);
    out.key("kind");
    out.string(store.kind);
    out.end_object();
  }
  out.end_array();
  out.key("data_stores");
  out.number(diff.data_stores_compared);
  out.key("keys");
  out.number(diff.keys_compared);
  out.key("keys_created");
  print_strings(out, diff.keys_created);
  out.key("keys_destroyed");
  print_strings(out, diff.keys_destroyed);
  out.end_object();
}

} // namespace tfkms::report
