// The decision tables of the access analysis: one policy::decide() per (variant, action, cell), and
// the accesses built back from them.
#include "analysis/analysis_detail.hpp"
#include "analysis/request_space.hpp"
#include "model/text.hpp"

#include <algorithm>

namespace tfkms::analysis::detail {

namespace {

// `what` followed by the label of the statement of `document` that `reason` names, written in one
// text: every ground of every access names a statement.
std::string labelled_statement(std::string what, const policy::Document& document,
                               const policy::Reason& reason) {
  if (reason.statement >= document.statements.size())
    return what + "statement " + std::to_string(reason.statement);
  policy::append_statement_label(what, document.statements[reason.statement]);
  return what;
}

bool allowing(policy::ReasonKind kind) {
  return kind == policy::ReasonKind::allows || kind == policy::ReasonKind::delegates ||
         kind == policy::ReasonKind::grant_allows || kind == policy::ReasonKind::retire_allowed;
}

bool explains_unknown(policy::ReasonKind kind) {
  return kind == policy::ReasonKind::depends_on_unknown ||
         kind == policy::ReasonKind::unreadable_policy;
}

bool from_chain(policy::ReasonSource source) {
  return source == policy::ReasonSource::scp || source == policy::ReasonSource::rcp ||
         source == policy::ReasonSource::permission_boundary ||
         source == policy::ReasonSource::session_policy;
}

bool chain_refuses(policy::ReasonKind kind) {
  return kind == policy::ReasonKind::denies || kind == policy::ReasonKind::not_allowed_by;
}

void merge(std::vector<policy::Reason>& into, const std::vector<policy::Reason>& reasons,
           bool (*keep)(policy::ReasonKind)) {
  // A delegating statement is evidence only together with the identity policy that uses it.
  const bool identity_allows =
      std::any_of(reasons.begin(), reasons.end(), [](const policy::Reason& r) {
        return r.source == policy::ReasonSource::identity_policy &&
               r.kind == policy::ReasonKind::allows;
      });
  for (const policy::Reason& reason : reasons) {
    if (!keep(reason.kind) || (reason.kind == policy::ReasonKind::delegates && !identity_allows))
      continue;
    first_sight(into, reason);
  }
}

std::string join_actions(const Analysis& analysis, ActionClass action_class,
                         const std::vector<std::string_view>& actions) {
  if (actions.size() > 1 && actions.size() == actions_of(action_class).size()) {
    return "every " + std::string(to_string(action_class)) + " action";
  }
  std::string out;
  for (const std::string_view action : actions) {
    if (!out.empty())
      out += ", ";
    out += action;
  }
  (void)analysis;
  return out;
}

// What the chain took away in this cell: its refusing reasons, when the request is allowed without
// it.
void note_removed(const policy::PreparedRequest& request, const policy::CompiledPolicy& key_policy,
                  const Analysis& analysis, const Variant& variant,
                  const policy::Decision& decision, policy::Decision& without_chain,
                  std::vector<policy::Reason>& removed) {
  const auto refusing = [](const policy::Reason& reason) {
    return from_chain(reason.source) && chain_refuses(reason.kind);
  };
  if (std::none_of(decision.reasons.begin(), decision.reasons.end(), refusing))
    return;
  without_chain.clear();
  policy::decide(request, &key_policy, variant.policies, analysis.grants, without_chain);
  if (without_chain.outcome != policy::Outcome::allowed)
    return;
  for (const policy::Reason& reason : decision.reasons) {
    if (refusing(reason))
      first_sight(removed, reason);
  }
}

} // namespace

Tables evaluate(const Analysis& analysis, const policy::CompiledPolicy& key_policy,
                const std::vector<Variant>& variants, Reuse reuse) {
  Tables tables;
  const std::size_t actions = analysis.actions.size();
  tables.actions = actions;
  tables.slot_of.resize(variants.size() * actions);
  for (std::size_t v = 0; v < variants.size(); ++v) {
    for (std::size_t act = 0; act < actions; ++act) {
      tables.slot_of[v * actions + act] =
          v * actions + analysis.row(variants[v].subject, act).leader;
    }
  }
  tables.outcomes.resize(variants.size() * actions);
  tables.allowing.resize(variants.size() * actions);
  tables.unknown.resize(variants.size() * actions);
  tables.removed.resize(variants.size() * actions);

  // The variants of one subject ask the same questions: one prepared request serves them all.
  std::vector<std::vector<std::size_t>> by_subject(analysis.subjects.size());
  for (std::size_t v = 0; v < variants.size(); ++v)
    by_subject[variants[v].subject].push_back(v);

  policy::Decision decision, without_chain;
  CellIndex index;
  for (std::size_t s = 0; s < by_subject.size(); ++s) {
    const std::vector<std::size_t>& subject_variants = by_subject[s];
    if (subject_variants.empty())
      continue;
    PreparedRequests& prepared_requests = analysis.prepared_requests(s);
    for (std::size_t act = 0; act < actions; ++act) {
      const Row& row = analysis.row(s, act);
      if (row.leader != act)
        continue;
      if (reuse.tables != nullptr && !row.key_statements.at(reuse.statement)) {
        for (const std::size_t v : subject_variants) {
          const std::size_t slot = v * actions + act;
          tables.outcomes[slot] = reuse.tables->outcomes[slot];
          tables.allowing[slot] = reuse.tables->allowing[slot];
          tables.unknown[slot] = reuse.tables->unknown[slot];
          tables.removed[slot] = reuse.tables->removed[slot];
        }
        continue;
      }
      for (const std::size_t v : subject_variants) {
        tables.outcomes[v * actions + act].assign(row.space.size(), policy::Outcome::unknown);
      }
      policy::PreparedRequest* prepared =
          prepared_requests.get(analysis.actions[act], analysis.action_indexes[act]);
      if (prepared == nullptr)
        continue; // a caller prepare() rejects: every outcome stays unknown
      CellContext cell_context(prepared->context, row.space.dimensions());
      for (std::size_t cell = 0; cell < row.space.size(); ++cell) {
        row.space.decode(cell, index);
        cell_context.apply(index);
        for (const std::size_t v : subject_variants) {
          const Variant& variant = variants[v];
          const policy::Chain* chain = variant.chain ? &variant.chain->chain : nullptr;
          decision.clear();
          policy::decide(*prepared, &key_policy, variant.policies, analysis.grants, decision,
                         chain);
          policy::Outcome outcome = decision.outcome;
          if (outcome == policy::Outcome::unknown && decision.never_allowed)
            outcome = policy::Outcome::implicitly_denied;
          const std::size_t slot = v * actions + act;
          tables.outcomes[slot][cell] = outcome;
          if (outcome == policy::Outcome::allowed)
            merge(tables.allowing[slot], decision.reasons, allowing);
          if (outcome == policy::Outcome::unknown)
            merge(tables.unknown[slot], decision.reasons, explains_unknown);
          if (outcome != policy::Outcome::allowed && chain != nullptr)
            note_removed(*prepared, key_policy, analysis, variant, decision, without_chain,
                         tables.removed[slot]);
        }
      }
    }
  }
  return tables;
}

policy::PreparedRequest* PreparedRequests::get(std::string_view action, policy::ActionIndex index) {
  for (policy::PreparedRequest& prepared : m_prepared) {
    if (!policy::same_derived_context(prepared.action, index))
      continue;
    prepared.action = index;
    return &prepared;
  }
  m_request.action = std::string(action);
  auto prepared = policy::prepare(m_request);
  if (!prepared)
    return nullptr;
  m_prepared.push_back(std::move(prepared.value()));
  return &m_prepared.back();
}

PreparedRequests& Analysis::prepared_requests(std::size_t subject) const {
  if (prepared.size() != subjects.size())
    prepared.resize(subjects.size());
  std::optional<PreparedRequests>& cached = prepared[subject];
  if (!cached) {
    policy::Request request;
    request.principal = subjects[subject].arn;
    request.resource = key_arn;
    request.context = fixed_context;
    cached.emplace(std::move(request));
  }
  return *cached;
}

const std::vector<std::size_t>& variants_of(const Analysis& analysis, std::size_t subject) {
  return analysis.subject_variants[subject];
}

std::optional<std::size_t> variant_for(const Analysis& analysis, std::size_t subject,
                                       bool with_identity) {
  std::optional<std::size_t> out;
  for (const std::size_t v : variants_of(analysis, subject)) {
    if ((analysis.variants[v].identity == Identity::allows_all) == with_identity)
      out = v;
  }
  return out;
}

bool Membership::empty() const {
  const auto none = [](const std::vector<std::vector<bool>>& rows) {
    return std::all_of(rows.begin(), rows.end(),
                       [](const std::vector<bool>& cells) { return cells.empty(); });
  };
  return none(plain) && none(with_identity);
}

Membership membership(const Analysis& analysis, const CellPredicate& member) {
  Membership out;
  out.plain.resize(analysis.core->rows.size());
  out.with_identity.resize(analysis.core->rows.size());
  std::vector<bool> p, w; // reused: most rows have no member, and then nothing is kept
  for (std::size_t r = 0; r < analysis.core->rows.size(); ++r) {
    const Row& row = analysis.core->rows[r];
    const auto plain_variant = variant_for(analysis, row.subject, false);
    const auto identity_variant = variant_for(analysis, row.subject, true);
    const std::size_t cells = row.space.size();
    p.assign(cells, false);
    w.assign(cells, false);
    bool any_p = false, any_w = false;
    for (std::size_t c = 0; c < cells; ++c) {
      p[c] = plain_variant && member(*plain_variant, row.leader, c);
      w[c] = identity_variant && member(*identity_variant, row.leader, c);
      any_p = any_p || p[c];
      any_w = any_w || (w[c] && !p[c]);
    }
    if (any_p)
      out.plain[r] = p;
    if (any_w)
      out.with_identity[r] = w;
  }
  return out;
}

bool first_sight(std::vector<policy::Reason>& seen, const policy::Reason& reason) {
  const bool seen_before = std::any_of(seen.begin(), seen.end(), [&](const policy::Reason& other) {
    return other.kind == reason.kind && other.source == reason.source &&
           other.policy == reason.policy && other.statement == reason.statement;
  });
  if (!seen_before)
    seen.push_back(reason);
  return !seen_before;
}

Ground ground_of(const Analysis& analysis, const Variant& variant, const policy::Reason& reason) {
  const model::Graph& graph = *analysis.graph;
  Ground ground;
  ground.source = reason.source;
  ground.kind = reason.kind;
  ground.statement = reason.statement;
  // The statement's Sid and pointer, and where it stands: where its reading placed it, else where
  // its policy does. The place, a few strings, is copied once.
  const auto from_statement = [&](const policy::Document& document,
                                  const model::SourceRef& policy_place) {
    if (reason.statement >= document.statements.size()) {
      ground.where = policy_place;
      return;
    }
    const policy::Statement& statement = document.statements[reason.statement];
    ground.sid = statement.sid;
    ground.pointer = statement.pointer;
    const bool placed = !statement.where.file.empty() || !statement.where.address.empty();
    ground.where = placed ? statement.where : policy_place;
  };
  switch (reason.source) {
  case policy::ReasonSource::key_policy: {
    const model::Key& key = graph.key(analysis.key);
    from_statement(analysis.key_policy.document(),
                   key.policy.where.address.empty() ? key.source : key.policy.where);
    ground.text = labelled_statement("key policy ", analysis.key_policy.document(), reason);
    break;
  }
  case policy::ReasonSource::identity_policy: {
    const auto id = reason.policy < variant.policy_ids.size() ? variant.policy_ids[reason.policy]
                                                              : std::nullopt;
    if (!id) {
      ground.text = "an identity policy of the caller that allows it";
      break;
    }
    ground.policy = id;
    const model::IdentityPolicy& policy = graph.policy(*id);
    const policy::Document& document = variant.policies[reason.policy]->document();
    from_statement(document, policy.source);
    const std::string name = policy.name.empty() ? policy.source.name() : policy.name;
    ground.text =
        labelled_statement(model::joined({"identity policy ", name, " "}), document, reason);
    break;
  }
  case policy::ReasonSource::grant: {
    if (reason.policy >= analysis.grant_index.size())
      break;
    ground.grant = analysis.grant_index[reason.policy];
    const model::Grant& grant = graph.grants[*ground.grant];
    ground.where = grant.source;
    ground.text = "grant " + (grant.source.name().empty() ? grant.name : grant.source.name());
    break;
  }
  case policy::ReasonSource::request:
    ground.text = "the request";
    break;
  case policy::ReasonSource::scp:
  case policy::ReasonSource::rcp:
  case policy::ReasonSource::permission_boundary:
  case policy::ReasonSource::session_policy:
    ground.text = variant.chain ? OrganizationChains::describe(reason, *variant.chain)
                                : policy::describe(reason, nullptr, {});
    break;
  }
  return ground;
}

std::vector<Access> build_accesses(const Analysis& analysis, const Tables& tables,
                                   const Membership& membership, policy::Outcome outcome,
                                   std::optional<std::size_t> only_subject) {
  std::vector<Access> out;
  const std::vector<policy::Reason> no_reasons;
  const std::vector<std::vector<std::size_t>>& class_actions = analysed_actions().by_class;
  const std::size_t first = only_subject.value_or(0);
  const std::size_t end = only_subject ? first + 1 : analysis.subjects.size();
  for (std::size_t s = first; s < end; ++s) {
    for (std::size_t class_position = 0; class_position < std::size(k_action_classes);
         ++class_position) {
      const ActionClass action_class = k_action_classes[class_position];
      for (const bool needs_identity : {false, true}) {
        const auto& rows = needs_identity ? membership.with_identity : membership.plain;
        // The variant whose reasons explain this kind of access.
        const std::optional<std::size_t> variant = variant_for(analysis, s, needs_identity);
        if (!variant)
          continue;
        // Actions of the class with the same cells share one access.
        struct Building {
          std::size_t row = 0; ///< the row of its first action: its dimensions and cells
          Access access;
          std::vector<policy::Reason> seen; ///< reasons already turned into grounds
        };
        std::vector<Building> building;
        for (const std::size_t a : class_actions[class_position]) {
          const std::size_t row_index = analysis.row_index(s, a);
          if (rows[row_index].empty())
            continue;
          const std::string_view action = analysis.actions[a];
          const Row& row = analysis.core->rows[row_index];
          auto entry = std::find_if(building.begin(), building.end(), [&](const Building& other) {
            return other.row == row_index || (analysis.core->rows[other.row].dims == row.dims &&
                                              rows[other.row] == rows[row_index]);
          });
          const bool fresh = entry == building.end();
          if (fresh)
            entry = building.insert(building.end(), Building{row_index, {}, {}});
          Access& access = entry->access;
          if (fresh) {
            access.subject = s;
            access.action_class = action_class;
            access.outcome = outcome;
            access.needs_identity_policy = needs_identity;
            access.when = row.space.describe(rows[row_index]);
          }
          access.actions.push_back(action);
          const Variant& v = analysis.variants[*variant];
          for (const policy::Reason& reason :
               outcome == policy::Outcome::unknown ? no_reasons : tables.allowing_of(*variant, a)) {
            // The actions of one access share most reasons; one seen before gives a ground already
            // there.
            if (!first_sight(entry->seen, reason))
              continue;
            Ground ground = ground_of(analysis, v, reason);
            if (std::find(access.grounds.begin(), access.grounds.end(), ground) ==
                access.grounds.end()) {
              access.grounds.push_back(std::move(ground));
            }
          }
          if (outcome == policy::Outcome::unknown) {
            std::vector<std::string> texts;
            if (!analysis.key_policy_known)
              texts.push_back(analysis.key_policy_problem);
            for (const policy::Reason& reason : tables.unknown_of(*variant, a)) {
              texts.push_back(from_chain(reason.source) && v.chain
                                  ? OrganizationChains::describe(reason, *v.chain)
                                  : policy::describe(reason, &analysis.key_policy, v.policies));
            }
            for (std::string& text : texts) {
              if (std::find(access.unknowns.begin(), access.unknowns.end(), text) ==
                  access.unknowns.end()) {
                access.unknowns.push_back(std::move(text));
              }
            }
          }
        }
        for (Building& built : building)
          out.push_back(std::move(built.access));
      }
    }
  }
  return out;
}

std::string describe_access(const Analysis& analysis, const Access& access) {
  const Subject& subject = analysis.subjects[access.subject];
  std::string out = subject.label;
  if (access.needs_identity_policy)
    out += " whose identity policy allows it";
  out += access.outcome == policy::Outcome::unknown ? " may be able to " : " can ";
  out += join_actions(analysis, access.action_class, access.actions);
  if (!access.unconditional())
    out += " when " + text(access.when);
  if (!access.grounds.empty()) {
    out += " (";
    for (std::size_t i = 0; i < access.grounds.size(); ++i) {
      if (i > 0)
        out += "; ";
      out += access.grounds[i].text;
    }
    out += ")";
  }
  if (!access.unknowns.empty()) {
    out += ": unknown because ";
    for (std::size_t i = 0; i < access.unknowns.size(); ++i) {
      if (i > 0)
        out += "; ";
      out += access.unknowns[i];
    }
  }
  return out;
}

} // namespace tfkms::analysis::detail

namespace tfkms::analysis {

std::vector<Removal> KeyAccess::removals() const {
  const detail::Analysis& a = detail();
  std::vector<Removal> out;
  const auto& by_class = detail::analysed_actions().by_class;
  for (std::size_t s = 0; s < a.subjects.size(); ++s) {
    for (const bool needs_identity : {false, true}) {
      const auto v = detail::variant_for(a, s, needs_identity);
      if (!v || a.variants[*v].chain == nullptr)
        continue;
      const NamedChain& chain = *a.variants[*v].chain;
      for (std::size_t position = 0; position < std::size(k_action_classes); ++position) {
        const std::size_t first = out.size();
        for (const std::size_t act : by_class[position]) {
          std::vector<Removal::Cause> by;
          for (const policy::Reason& reason : a.tables().removed_of(*v, act))
            by.push_back({reason.source, OrganizationChains::describe(reason, chain)});
          if (by.empty())
            continue;
          // Actions removed by the same policies share one entry.
          const auto same =
              std::find_if(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                           [&](const Removal& removal) { return removal.by == by; });
          if (same != out.end()) {
            same->actions.push_back(a.actions[act]);
            continue;
          }
          out.push_back(Removal{
              s, k_action_classes[position], {a.actions[act]}, needs_identity, std::move(by)});
        }
      }
    }
  }
  return out;
}

} // namespace tfkms::analysis
