#include "analysis/access_map.hpp"

#include "analysis/analysis_detail.hpp"
#include "analysis/key_inputs.hpp"
#include "analysis/key_roles.hpp"
#include "analysis/principal_classes.hpp"

#include <algorithm>
#include <span>
#include <unordered_map>

namespace tfkms::analysis {

namespace {

void sort_unique(std::vector<std::string>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

using PlacedGrounds = std::vector<std::pair<std::string, model::SourceRef>>;

// Makes `grounds` (text and place) the entry's, sorted and unique by text.
void set_grounds(AccessEntry& entry, PlacedGrounds grounds) {
  std::stable_sort(grounds.begin(), grounds.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  entry.grounds.clear();
  entry.ground_places.clear();
  for (auto& [text, place] : grounds) {
    if (!entry.grounds.empty() && entry.grounds.back() == text)
      continue;
    entry.grounds.push_back(std::move(text));
    entry.ground_places.push_back(std::move(place));
  }
}

Reach reach_of(const Subject& subject) {
  switch (subject.kind) {
  case SubjectKind::service:
    return Reach::service;
  case SubjectKind::any_account:
    return Reach::any_principal;
  default:
    return subject.key_account ? Reach::key_account : Reach::other_account;
  }
}

// Adds `ground` to the grounds in each member's own identity policy when it is one; false
// otherwise.
bool add_own_policy_ground(const KeyAccess& analysis, std::size_t subject, const Ground& ground,
                           ClassAccess& principals) {
  std::optional<OwnPolicyGround> own = own_policy_ground(analysis, subject, ground);
  if (!own)
    return false;
  principals.own_policy_grounds.push_back(std::move(*own));
  return true;
}

// Joins the accesses of one subject and class, as they apply to `member` when the subject is a
// class of principals (each member is listed: diffs compare principals by name). Accesses of a
// class can differ in their conditions per action; the merged text then names the actions of each
// alternative. With `principals`, the entry is the whole class's: the grounds in each member's own
// identity policy go there instead of into its grounds.
AccessEntry merge(const KeyAccess& analysis, std::span<const Access* const> accesses,
                  std::optional<model::PrincipalId> member, ClassAccess* principals = nullptr) {
  const Access& first = *accesses.front();
  const Subject& subject = analysis.subjects().at(first.subject);
  AccessEntry entry;
  entry.action_class = first.action_class;
  entry.subject = member ? member_label(analysis.graph(), *member) : subject.label;
  entry.kind = subject.kind;
  entry.reach = reach_of(subject);
  if (entry.reach == Reach::key_account || entry.reach == Reach::other_account)
    entry.account = subject.account;
  std::vector<std::pair<std::string, std::vector<std::string>>> by_condition;
  PlacedGrounds grounds;
  for (const Access* access : accesses) {
    std::vector<std::string> actions(access->actions.begin(), access->actions.end());
    entry.actions.insert(entry.actions.end(), actions.begin(), actions.end());
    const std::string when = text(access->when);
    auto same = std::find_if(by_condition.begin(), by_condition.end(),
                             [&](const auto& group) { return group.first == when; });
    if (same == by_condition.end())
      by_condition.emplace_back(when, std::move(actions));
    else
      same->second.insert(same->second.end(), actions.begin(), actions.end());
    entry.needs_identity_policy = entry.needs_identity_policy || access->needs_identity_policy;
    entry.unknown = entry.unknown || access->outcome == policy::Outcome::unknown;
    for (const Ground& ground : access->grounds) {
      if (!principals || !add_own_policy_ground(analysis, first.subject, ground, *principals)) {
        if (member) {
          Ground own = member_ground(analysis, first.subject, ground, *member);
          grounds.emplace_back(std::move(own.text), own.place());
        } else {
          grounds.emplace_back(ground.text, ground.place());
        }
      }
      if (ground.kind == policy::ReasonKind::delegates)
        entry.through_delegation = true;
    }
    entry.unknowns.insert(entry.unknowns.end(), access->unknowns.begin(), access->unknowns.end());
  }
  sort_unique(entry.actions);
  set_grounds(entry, std::move(grounds));
  if (principals) {
    auto& own = principals->own_policy_grounds;
    std::sort(own.begin(), own.end());
    own.erase(std::unique(own.begin(), own.end()), own.end());
  }
  sort_unique(entry.unknowns);
  if (by_condition.size() == 1) {
    entry.conditions = by_condition.front().first;
  } else {
    for (auto& [when, actions] : by_condition) {
      sort_unique(actions);
      std::string names;
      for (const std::string& action : actions)
        names += (names.empty() ? "" : ", ") + action;
      entry.conditions += (entry.conditions.empty() ? "" : "; ") + names + ": " + when;
    }
  }
  return entry;
}

// Only subjects with administration access can hold either role: the rest are not asked.
void add_roles(const KeyAccess& analysis, KeyAccessMap& map) {
  std::vector<std::size_t> subjects;
  for (const Access* access : analysis.of(ActionClass::administration)) {
    if (std::find(subjects.begin(), subjects.end(), access->subject) == subjects.end()) {
      subjects.push_back(access->subject);
    }
  }
  for (const std::size_t subject : subjects) {
    const std::string& label = analysis.subjects().at(subject).label;
    if (administers(analysis, subject).held())
      map.administrators.push_back(label);
    if (destroys(analysis, subject).held())
      map.can_destroy.push_back(label);
  }
}

} // namespace

const KeyAccessMap* AccessMap::find_key(std::string_view name) const {
  auto found = std::find_if(keys.begin(), keys.end(),
                            [&](const KeyAccessMap& key) { return key.name == name; });
  return found == keys.end() ? nullptr : &*found;
}

namespace {

// How the map names a node: its address (else `fallback`), and in an account graph its input too,
// so that aws_kms_key.this of two workspaces stays two keys.
std::string map_name(const model::Graph& graph, const model::SourceRef& where,
                     const std::string& fallback) {
  return node_label(graph, where.name().empty() ? fallback : where.name(), where);
}

// Where summarise_key() keeps classes of principals whole.
struct ClassSink {
  ClassTable& table;
  std::vector<PrincipalClass>& classes;
  std::vector<std::optional<ClassAccess>>& principals; ///< by entry of the key
};

// summarise(), with each class of principals in one entry when `sink` is given.
KeyAccessMap summarise_key(const KeyAccess& analysis, const ClassSink* sink) {
  const model::Key& key = analysis.graph().key(analysis.key());
  KeyAccessMap map;
  map.where = key.source;
  map.name = map_name(analysis.graph(), key.source, key.arn);
  map.account = analysis.key_account();
  map.planned_action = key.planned_action;
  map.policy_known = analysis.key_policy_known();
  map.aws_managed = key.kind == model::KeyKind::aws_managed;
  map.notes = analysis.notes();
  for (const Removal& removal : analysis.removals()) {
    // policy_change is reported within administration, like the accesses.
    if (std::find(std::begin(k_reported_classes), std::end(k_reported_classes),
                  removal.action_class) == std::end(k_reported_classes)) {
      continue;
    }
    std::string line = analysis.subjects().at(removal.subject).label;
    if (removal.needs_identity_policy)
      line += " whose identity policy allows it";
    line += ": ";
    for (std::size_t i = 0; i < removal.actions.size(); ++i)
      line += (i > 0 ? ", " : "") + std::string(removal.actions[i]);
    line += ": ";
    for (std::size_t i = 0; i < removal.by.size(); ++i)
      line += (i > 0 ? "; " : "") + removal.by[i].text;
    map.removed.push_back(std::move(line));
  }
  if (map.policy_known) {
    for (const policy::Statement& statement : analysis.key_policy().document().statements) {
      if (!statement.effect_known || statement.effect != policy::Effect::deny)
        continue;
      const policy::Reason reason{policy::ReasonKind::denies, policy::ReasonSource::key_policy, 0,
                                  static_cast<std::uint16_t>(statement.index), 0};
      Ground ground = detail::ground_of(analysis.detail(), detail::Variant{}, reason);
      map.denies.push_back(
          {std::move(ground.text), policy::statement_content(statement), ground.place()});
    }
  }
  for (const ActionClass action_class : k_reported_classes) {
    // of() lists accesses in subject order, so one subject's accesses are adjacent.
    const std::vector<const Access*> accesses = analysis.of(action_class);
    for (std::size_t begin = 0; begin < accesses.size();) {
      std::size_t end = begin;
      while (end < accesses.size() && accesses[end]->subject == accesses[begin]->subject)
        ++end;
      const auto group = std::span(accesses).subspan(begin, end - begin);
      const Subject& subject = analysis.subjects().at(accesses[begin]->subject);
      auto principals = sink ? sink->table.refer(analysis, accesses[begin]->subject, sink->classes)
                             : std::nullopt;
      if (principals) {
        map.entries.push_back(merge(analysis, group, std::nullopt, &*principals));
        sink->principals.push_back(std::move(principals));
      } else if (subject.members.size() <= 1) {
        map.entries.push_back(merge(analysis, group, std::nullopt));
        if (sink)
          sink->principals.emplace_back();
      } else {
        for (const model::PrincipalId member : subject.members) {
          map.entries.push_back(merge(analysis, group, member));
          if (sink)
            sink->principals.emplace_back();
        }
      }
      begin = end;
    }
  }
  add_roles(analysis, map);
  return map;
}

} // namespace

KeyAccessMap summarise(const KeyAccess& analysis) { return summarise_key(analysis, nullptr); }

namespace {

// The data stores of `graph`, each linked to the key (already in `map`) that encrypts it.
void add_data_stores(const model::Graph& graph, AccessMap& map) {
  for (const model::DataStore& store : graph.data_stores) {
    DataStoreAccess access;
    access.where = store.source;
    access.name = map_name(graph, store.source, store.name);
    access.kind = std::string(to_string(store.kind));
    if (store.key.kind == model::KeyRef::Kind::node && store.key.key) {
      KeyAccessMap& key = map.keys.at(static_cast<std::size_t>(*store.key.key));
      access.key = key.name;
      key.data_stores.push_back(access.name);
    } else {
      // Resolved, with a reference unknown before apply shown as ${REF}, never as the graph's
      // marker.
      access.key_text = store.key.kind == model::KeyRef::Kind::none
                            ? "not encrypted with KMS"
                            : model::resolve_value(store.key.text, graph).text;
    }
    map.data_stores.push_back(std::move(access));
  }
}

} // namespace

namespace {

enum class Principals { each, as_classes };

// The access map of `graph`, its classes of principals kept whole or not, added to `table`.
ClassAccessMap map_graph(const model::Graph& graph, Principals principals, ClassTable& table) {
  ClassAccessMap result;
  const GraphAccess graph_access(graph);
  for (std::size_t index = 0; index < graph.keys.size(); ++index) {
    const ClassSink sink{table, result.classes, result.principals.emplace_back()};
    const KeyAccess analysis = graph_access.analyze(static_cast<model::KeyId>(index));
    result.map.keys.push_back(
        summarise_key(analysis, principals == Principals::as_classes ? &sink : nullptr));
  }
  add_data_stores(graph, result.map);
  return result;
}

ClassAccessPair map_pair(const model::Graph& before, const model::Graph& after,
                         Principals principals) {
  ClassAccessPair pair;
  ClassTable table;
  pair.after = map_graph(after, principals, table);
  const bool same_principals = shared_inputs(before) == shared_inputs(after);
  std::unordered_map<std::string_view, std::size_t> after_keys;
  for (std::size_t index = 0; index < pair.after.map.keys.size(); ++index)
    after_keys.emplace(pair.after.map.keys[index].name, index);
  // With the same principals, both graphs have the same classes: the before snapshot continues the
  // after one's table, so a summary taken from the after key refers to the right class.
  ClassAccessMap& earlier = pair.before;
  if (same_principals)
    earlier.classes = pair.after.classes;
  ClassTable before_table = same_principals ? table : ClassTable{};
  std::optional<GraphAccess> before_access;
  for (std::size_t index = 0; index < before.keys.size(); ++index) {
    const auto id = static_cast<model::KeyId>(index);
    const model::Key& key = before.key(id);
    const auto same = after_keys.find(map_name(before, key.source, key.arn));
    const bool reuse =
        same_principals && same != after_keys.end() &&
        key_inputs(before, id) == key_inputs(after, static_cast<model::KeyId>(same->second));
    pair.reused.push_back(reuse);
    if (reuse) {
      KeyAccessMap copy = pair.after.map.keys[same->second];
      copy.where = key.source;
      copy.planned_action = key.planned_action;
      copy.data_stores.clear();
      earlier.map.keys.push_back(std::move(copy));
      earlier.principals.push_back(pair.after.principals[same->second]);
      ++pair.keys_reused;
      continue;
    }
    if (!before_access)
      before_access.emplace(before);
    const ClassSink sink{before_table, earlier.classes, earlier.principals.emplace_back()};
    earlier.map.keys.push_back(summarise_key(
        before_access->analyze(id), principals == Principals::as_classes ? &sink : nullptr));
  }
  add_data_stores(before, earlier.map);
  return pair;
}

} // namespace

AccessMap map_access(const model::Graph& graph) {
  ClassTable table;
  return map_graph(graph, Principals::each, table).map;
}

ClassAccessMap map_access_by_class(const model::Graph& graph) {
  ClassTable table;
  return map_graph(graph, Principals::as_classes, table);
}

std::vector<AccessEntry> expand(const AccessEntry& entry, const ClassAccess& principals,
                                const std::vector<PrincipalClass>& classes) {
  std::vector<AccessEntry> out;
  // Each member's grounds are the entry's and its own, set below: copied once, not per member.
  AccessEntry without_grounds = entry;
  without_grounds.grounds.clear();
  without_grounds.ground_places.clear();
  for (const PrincipalClass::Member& member : classes.at(principals.principal_class).members) {
    // `except` is short: the principals one key names.
    if (std::find(principals.except.begin(), principals.except.end(), member.principal) !=
        principals.except.end())
      continue;
    AccessEntry& one = out.emplace_back(without_grounds);
    one.subject = member.principal;
    PlacedGrounds grounds;
    for (std::size_t g = 0; g < entry.grounds.size(); ++g)
      grounds.emplace_back(entry.grounds[g], entry.ground_place(g));
    for (const OwnPolicyGround& ground : principals.own_policy_grounds) {
      grounds.emplace_back(ground_text(member, ground),
                           member.identity_policy_places.at(ground.policy));
    }
    set_grounds(one, std::move(grounds));
  }
  return out;
}

KeyAccessMap expand(const KeyAccessMap& key,
                    const std::vector<std::optional<ClassAccess>>& principals,
                    const std::vector<PrincipalClass>& classes) {
  KeyAccessMap out = key;
  out.entries.clear();
  for (std::size_t e = 0; e < key.entries.size(); ++e) {
    if (e < principals.size() && principals[e]) {
      for (AccessEntry& one : expand(key.entries[e], *principals[e], classes))
        out.entries.push_back(std::move(one));
    } else {
      out.entries.push_back(key.entries[e]);
    }
  }
  return out;
}

ClassAccessPair map_access_pair_by_class(const model::Graph& before, const model::Graph& after) {
  return map_pair(before, after, Principals::as_classes);
}

AccessPair map_access_pair(const model::Graph& before, const model::Graph& after) {
  ClassAccessPair maps = map_pair(before, after, Principals::each);
  return AccessPair{std::move(maps.before.map), std::move(maps.after.map), maps.keys_reused};
}

std::string_view to_string(Reach reach) {
  switch (reach) {
  case Reach::service:
    return "service";
  case Reach::key_account:
    return "key account";
  case Reach::other_account:
    return "other account";
  case Reach::any_principal:
    return "any principal";
  }
  return "key account";
}

std::string_view to_string(model::DataStoreKind kind) { return model::data_store_type(kind).label; }

} // namespace tfkms::analysis
