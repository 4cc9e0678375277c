#include "analysis/access_map.hpp"

#include <algorithm>
#include <span>
#include <unordered_map>

#include "analysis/key_inputs.hpp"

namespace tfkms::analysis {

namespace {

void sort_unique(std::vector<std::string>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

Reach reach_of(const Subject& subject) {
  switch (subject.kind) {
  case SubjectKind::service: return Reach::service;
  case SubjectKind::any_account: return Reach::any_principal;
  default: return subject.key_account ? Reach::key_account : Reach::other_account;
  }
}

// Joins the accesses of one subject and class, as they apply to `member` when the subject is a class
// of principals (each member is listed: diffs compare principals by name). Accesses of a class can
// differ in their conditions per action; the merged text then names the actions of each alternative.
AccessEntry merge(const KeyAccess& analysis, std::span<const Access* const> accesses,
                  std::optional<model::PrincipalId> member) {
  const Access& first = *accesses.front();
  const Subject& subject = analysis.subjects().at(first.subject);
  AccessEntry entry;
  entry.action_class = first.action_class;
  entry.subject = member ? member_label(analysis.graph(), *member) : subject.label;
  entry.kind = subject.kind;
  entry.reach = reach_of(subject);
  if (entry.reach == Reach::key_account || entry.reach == Reach::other_account) entry.account = subject.account;
  std::vector<std::pair<std::string, std::vector<std::string>>> by_condition;
  for (const Access* access : accesses) {
    std::vector<std::string> actions(access->actions.begin(), access->actions.end());
    entry.actions.insert(entry.actions.end(), actions.begin(), actions.end());
    const std::string when = text(access->when);
    auto same = std::find_if(by_condition.begin(), by_condition.end(), [&](const auto& group) { return group.first == when; });
    if (same == by_condition.end()) by_condition.emplace_back(when, std::move(actions));
    else same->second.insert(same->second.end(), actions.begin(), actions.end());
    entry.needs_identity_policy = entry.needs_identity_policy || access->needs_identity_policy;
    entry.unknown = entry.unknown || access->outcome == policy::Outcome::unknown;
    for (const Ground& ground : access->grounds) {
      entry.grounds.push_back(member ? member_ground(analysis, first.subject, ground, *member).text : ground.text);
      if (ground.kind == policy::ReasonKind::delegates) entry.through_delegation = true;
    }
    entry.unknowns.insert(entry.unknowns.end(), access->unknowns.begin(), access->unknowns.end());
  }
  sort_unique(entry.actions);
  sort_unique(entry.grounds);
  sort_unique(entry.unknowns);
  if (by_condition.size() == 1) {
    entry.conditions = by_condition.front().first;
  } else {
    for (auto& [when, actions] : by_condition) {
      sort_unique(actions);
      std::string names;
      for (const std::string& action : actions) names += (names.empty() ? "" : ", ") + action;
      entry.conditions += (entry.conditions.empty() ? "" : "; ") + names + ": " + when;
    }
  }
  return entry;
}

} // namespace

const KeyAccessMap* AccessMap::find_key(std::string_view name) const {
  auto found = std::find_if(keys.begin(), keys.end(), [&](const KeyAccessMap& key) { return key.name == name; });
  return found == keys.end() ? nullptr : &*found;
}

namespace {

// How the map names a node: its address (else `fallback`), and in an account graph its input too,
// so that aws_kms_key.this of two workspaces stays two keys.
std::string map_name(const model::Graph& graph, const model::SourceRef& where,
                     const std::string& fallback) {
  std::string name = where.name().empty() ? fallback : where.name();
  if (graph.inputs.size() > 1 && !where.file.empty()) name += " in " + where.file;
  return name;
}

} // namespace

KeyAccessMap summarise(const KeyAccess& analysis) {
  const model::Key& key = analysis.graph().key(analysis.key());
  KeyAccessMap map;
  map.where = key.source;
  map.name = map_name(analysis.graph(), key.source, key.arn);
  map.account = analysis.key_account();
  map.planned_action = key.planned_action;
  map.policy_known = analysis.key_policy_known();
  map.aws_managed = key.kind == model::KeyKind::aws_managed;
  map.notes = analysis.notes();
  for (const ActionClass action_class : k_reported_classes) {
    // of() lists accesses in subject order, so one subject's accesses are adjacent.
    const std::vector<const Access*> accesses = analysis.of(action_class);
    for (std::size_t begin = 0; begin < accesses.size();) {
      std::size_t end = begin;
      while (end < accesses.size() && accesses[end]->subject == accesses[begin]->subject) ++end;
      const auto group = std::span(accesses).subspan(begin, end - begin);
      const Subject& subject = analysis.subjects().at(accesses[begin]->subject);
      if (subject.members.size() <= 1) {
        map.entries.push_back(merge(analysis, group, std::nullopt));
      } else {
        for (const model::PrincipalId member : subject.members) map.entries.push_back(merge(analysis, group, member));
      }
      begin = end;
    }
  }
  return map;
}

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
      // Resolved, with a reference unknown before apply shown as ${REF}, never as the graph's marker.
      access.key_text = store.key.kind == model::KeyRef::Kind::none ? "not encrypted with KMS"
                                                                     : model::resolve_value(store.key.text, graph).text;
    }
    map.data_stores.push_back(std::move(access));
  }
}

} // namespace

AccessMap map_access(const model::Graph& graph) {
  AccessMap result;
  const GraphAccess graph_access(graph);
  for (std::size_t index = 0; index < graph.keys.size(); ++index) {
    result.keys.push_back(summarise(graph_access.analyze(static_cast<model::KeyId>(index))));
  }
  add_data_stores(graph, result);
  return result;
}

AccessPair map_access_pair(const model::Graph& before, const model::Graph& after) {
  AccessPair pair;
  pair.after = map_access(after);
  const bool same_principals = shared_inputs(before) == shared_inputs(after);
  std::optional<GraphAccess> before_access;
  std::unordered_map<std::string_view, std::size_t> after_keys;
  for (std::size_t index = 0; index < pair.after.keys.size(); ++index) after_keys.emplace(pair.after.keys[index].name, index);
  for (std::size_t index = 0; index < before.keys.size(); ++index) {
    const auto id = static_cast<model::KeyId>(index);
    const model::Key& key = before.key(id);
    const auto same = after_keys.find(map_name(before, key.source, key.arn));
    if (same_principals && same != after_keys.end() &&
        key_inputs(before, id) == key_inputs(after, static_cast<model::KeyId>(same->second))) {
      KeyAccessMap copy = pair.after.keys[same->second];
      copy.where = key.source;
      copy.planned_action = key.planned_action;
      copy.data_stores.clear();
      pair.before.keys.push_back(std::move(copy));
      ++pair.keys_reused;
      continue;
    }
    if (!before_access) before_access.emplace(before);
    pair.before.keys.push_back(summarise(before_access->analyze(id)));
  }
  add_data_stores(before, pair.before);
  return pair;
}

std::string_view to_string(Reach reach) {
  switch (reach) {
  case Reach::service: return "service";
  case Reach::key_account: return "key account";
  case Reach::other_account: return "other account";
  case Reach::any_principal: return "any principal";
  }
  return "key account";
}

std::string_view to_string(model::DataStoreKind kind) {
  using K = model::DataStoreKind;
  switch (kind) {
  case K::s3_bucket: return "s3 bucket";
  case K::sqs_queue: return "sqs queue";
  case K::sns_topic: return "sns topic";
  case K::secret: return "secret";
  case K::ssm_parameter: return "ssm parameter";
  case K::ebs_volume: return "ebs volume";
  case K::rds_instance: return "rds instance";
  case K::rds_cluster: return "rds cluster";
  case K::dynamodb_table: return "dynamodb table";
  case K::lambda_function: return "lambda function";
  case K::log_group: return "log group";
  case K::other: return "data store";
  }
  return "data store";
}

} // namespace tfkms::analysis
