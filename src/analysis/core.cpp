// The core of an analysis (request space, rows, decision tables, memberships) and the fingerprint
// that lets keys of the same shape share one. A plan that instantiates one module per team has as
// many keys as teams, each with a policy naming its own team's roles: evaluation compares those
// names with the caller's for equality only, so the keys decide alike, subject by subject.
#include "analysis/analysis_detail.hpp"
#include "policy/match.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace tfkms::analysis::detail {

namespace {

constexpr std::size_t k_fingerprint_room = 2048;
constexpr std::size_t k_shape_room = 512; // an identity policy of a statement or two

// The text of a fingerprint, written through a cursor into room made ahead. Every key of a plan is
// fingerprinted, field by field: std::string's appends would check capacity, and call out, at each
// of hundreds of fields of a few characters. Its writes are inlined where they are made for that
// reason too.
class Fingerprint {
public:
  /// `head`: the text it starts with; `room`: the size it is expected to reach.
  Fingerprint(std::string_view head, std::size_t room) : m_text(head), m_size(head.size()) {
    m_text.resize(std::max(room, head.size()));
  }

  /// A field: its length first, so that no text can run into the next field.
  [[gnu::always_inline]] void put(std::string_view text) {
    char* at = room(k_most_digits + 1 + text.size());
    at = put_digits(at, text.size());
    *at++ = ':';
    std::memcpy(at, text.data(), text.size());
    m_size = static_cast<std::size_t>(at + text.size() - m_text.data());
  }

  [[gnu::always_inline]] void put(std::size_t number) {
    char* at = put_digits(room(k_most_digits + 1), number);
    *at++ = ';';
    m_size = static_cast<std::size_t>(at - m_text.data());
  }

  [[gnu::always_inline]] Fingerprint& operator+=(char mark) {
    *room(1) = mark;
    ++m_size;
    return *this;
  }

  [[nodiscard]] std::string take() && {
    m_text.resize(m_size);
    return std::move(m_text);
  }

private:
  static constexpr std::size_t k_most_digits = 20; // 2^64 has 20 digits

  // Where `size` more characters go, the text grown if they do not fit.
  [[gnu::always_inline]] char* room(std::size_t size) {
    if (m_size + size > m_text.size())
      m_text.resize(std::max(2 * m_text.size(), m_size + size));
    return m_text.data() + m_size;
  }

  // Most fields are kinds, counts and indexes of one digit, most lengths of two: written in place,
  // where the longer numbers' conversion would cost a call.
  [[gnu::always_inline]] static char* put_digits(char* at, std::size_t number) {
    if (number < 10) {
      *at = static_cast<char>('0' + number);
      return at + 1;
    }
    if (number < 100) {
      at[0] = static_cast<char>('0' + number / 10);
      at[1] = static_cast<char>('0' + number % 10);
      return at + 2;
    }
    return std::to_chars(at, at + k_most_digits, number).ptr;
  }

  std::string m_text; // its first m_size characters written
  std::size_t m_size = 0;
};

void put(Fingerprint& out, std::string_view text) { out.put(text); }

void put(Fingerprint& out, std::size_t number) { out.put(number); }

/// Writes principal texts: the ARN of a subject that is a role or user, when renaming is safe, as
/// its kind and account with "#<subject>" for the name (arn:aws:iam::111122223333:role/#2); any
/// other text as it is.
class Names {
public:
  /// `rename`: renaming_is_safe(), which leaves the subjects to this: a session subject (an sts
  /// ARN) makes renaming unsafe too. Each subject's ARN is split once for both questions.
  Names(const Analysis& analysis, bool rename) {
    if (!rename)
      return;
    m_subject_of.reserve(analysis.subjects.size());
    for (std::size_t s = 0; s < analysis.subjects.size(); ++s) {
      const std::string& arn = analysis.subjects[s].arn;
      const auto parts = policy::split_arn(arn);
      if (parts && parts->service == "sts") {
        m_subject_of.clear();
        return;
      }
      if (parts && parts->service == "iam" &&
          (parts->resource.starts_with("role/") || parts->resource.starts_with("user/")))
        m_subject_of.emplace_back(arn, s);
    }
    // By ARN, then subject: of subjects with the same ARN, the first is found.
    std::sort(m_subject_of.begin(), m_subject_of.end());
  }

  void put_name(Fingerprint& out, std::string_view text) const {
    const auto found = std::lower_bound(
        m_subject_of.begin(), m_subject_of.end(), text,
        [](const auto& subject, std::string_view arn) { return subject.first < arn; });
    if (found != m_subject_of.end() && found->first == text) {
      put(out, text.substr(0, text.find('/') + 1));
      out += '#';
      put(out, found->second);
    } else {
      put(out, text);
    }
  }

private:
  // IAM role and user ARNs, the callers whose names evaluation compares for equality only, sorted.
  // Views of the subjects' ARNs, which outlive the fingerprint: no copy of each per key. A key has
  // a few subjects: a sorted list is searched in fewer instructions than a text is hashed.
  std::vector<std::pair<std::string_view, std::size_t>> m_subject_of;
};

void put_value(Fingerprint& out, const model::Value& value, const Names* names = nullptr) {
  put(out, static_cast<std::size_t>(value.kind));
  if (names != nullptr)
    names->put_name(out, value.text);
  else
    put(out, value.text);
}

// A statement's Action is no optional: read in place, not copied into one.
void put_patterns(Fingerprint& out, const policy::PatternElement& element) {
  put(out, element.negated ? 1 : 0);
  put(out, element.entries.size());
  for (const policy::PatternEntry& entry : element.entries)
    put_value(out, entry.value);
}

void put_patterns(Fingerprint& out, const std::optional<policy::PatternElement>& element) {
  if (!element) {
    out += '-';
    return;
  }
  put_patterns(out, *element);
}

// Everything of a document that compile() and decide() read; not its Sids, pointers or locations,
// which only name things in accesses.
void put_document(Fingerprint& out, const policy::Document& document, const Names* names,
                  const Names* condition_names = nullptr) {
  put(out, static_cast<std::size_t>(document.kind));
  put(out, static_cast<std::size_t>(document.version));
  put(out, document.unreadable ? 1 : 0);
  if (document.id)
    put_value(out, *document.id);
  put(out, document.statements.size());
  for (const policy::Statement& statement : document.statements) {
    put(out, statement.index);
    put(out, static_cast<std::size_t>(statement.effect));
    put(out, (statement.effect_known ? 1 : 0) + (statement.readable ? 2 : 0));
    if (statement.principal) {
      put(out, statement.principal->negated ? 1 : 0);
      put(out, statement.principal->entries.size());
      for (const policy::PrincipalEntry& entry : statement.principal->entries) {
        put(out, static_cast<std::size_t>(entry.section));
        put(out, static_cast<std::size_t>(entry.form));
        put(out, entry.account);
        put_value(out, entry.value, names);
      }
    } else {
      out += '-';
    }
    put_patterns(out, statement.actions);
    put_patterns(out, statement.resources);
    put(out, statement.conditions.size());
    for (const policy::ConditionClause& clause : statement.conditions) {
      put(out, clause.operator_text);
      put(out, clause.key);
      put(out, clause.values.size());
      for (const model::Value& value : clause.values)
        put_value(out, value, condition_names);
    }
  }
}

bool is_session(policy::PrincipalForm form) {
  return form == policy::PrincipalForm::assumed_role ||
         form == policy::PrincipalForm::federated_user;
}

bool names_sessions(const policy::Document& document) {
  return std::any_of(document.statements.begin(), document.statements.end(),
                     [](const policy::Statement& statement) {
                       return statement.principal &&
                              std::any_of(statement.principal->entries.begin(),
                                          statement.principal->entries.end(),
                                          [](const auto& entry) { return is_session(entry.form); });
                     });
}

// Renaming role and user names is safe when evaluation compares them with the caller's for equality
// and nothing else: no policy tests the caller's name, id or tags or substitutes variables, and no
// session principal appears (a role entry matches its sessions by the role's name). The subjects
// are left to Names, which splits their ARNs anyway.
bool renaming_is_safe(const Analysis& a) {
  if (!a.key_policy_known || tells_callers_apart(a.key_policy.document()) ||
      names_sessions(a.key_policy.document())) {
    return false;
  }
  for (const Variant& variant : a.variants) {
    for (const auto& id : variant.policy_ids) {
      if (id && a.shared->policy_tells_apart[static_cast<std::size_t>(*id)])
        return false;
    }
    const auto& boundary = variant.chain ? variant.chain->chain.permission_boundary : std::nullopt;
    if (boundary && tells_callers_apart(boundary->document()))
      return false;
  }
  // Their whole-ARN conditions enter the fingerprint renamed (core_fingerprint).
  for (const policy::Document* document : a.shared->organization->documents()) {
    if (tells_callers_apart_beyond_names(*document))
      return false;
  }
  return std::none_of(a.grants.begin(), a.grants.end(), [](const policy::CompiledGrant& grant) {
    return is_session(grant.grantee.form) || (grant.retiring && is_session(grant.retiring->form));
  });
}

// The key's ARN as requests carry it: only its partition, region and account matter when every
// policy the analysis evaluates names the resource "*".
std::string key_arn_shape(const Analysis& a) {
  bool any_resource = only_any_resource(a.key_policy.document());
  for (const Variant& variant : a.variants) {
    // Identity policies were looked at once per graph; allows_all (no id) names "*" alone, which
    // every caller outside the graph is evaluated with: not looked at again for each.
    for (std::size_t p = 0; p < variant.policies.size() && any_resource; ++p) {
      const auto& id = variant.policy_ids[p];
      any_resource = !id || a.shared->policy_any_resource[static_cast<std::size_t>(*id)];
    }
    const auto& boundary = variant.chain ? variant.chain->chain.permission_boundary : std::nullopt;
    if (boundary)
      any_resource = any_resource && only_any_resource(boundary->document());
  }
  for (const policy::Document* document : a.shared->organization->documents()) {
    any_resource = any_resource && only_any_resource(*document);
  }
  const auto arn = policy::split_arn(a.key_arn);
  if (!any_resource || !arn)
    return a.key_arn;
  std::string shape;
  shape.reserve(a.key_arn.size() + 4);
  for (const std::string_view part :
       {std::string_view("arn:"), arn->partition, std::string_view(":"), arn->service,
        std::string_view(":"), arn->region, std::string_view(":"), arn->account,
        std::string_view(":key/*")}) {
    shape += part;
  }
  return shape;
}

void remember(const Shared& shared, std::string fingerprint, std::shared_ptr<const Core> core) {
  CoreCache& cache = shared.cores;
  if (cache.order.size() == CoreCache::k_capacity) {
    cache.by_fingerprint.erase(cache.order.front());
    cache.order.pop_front();
  }
  cache.order.push_back(fingerprint);
  cache.by_fingerprint.emplace(std::move(fingerprint), std::move(core));
}

bool allowed_in(const Tables& tables, std::size_t v, std::size_t act, std::size_t c) {
  return tables.at(v, act, c) == policy::Outcome::allowed;
}

} // namespace

bool only_any_resource(const policy::Document& document) {
  return std::all_of(document.statements.begin(), document.statements.end(),
                     [](const policy::Statement& statement) {
                       return statement.resources && !statement.resources->negated &&
                              std::all_of(statement.resources->entries.begin(),
                                          statement.resources->entries.end(),
                                          [](const policy::PatternEntry& entry) {
                                            return entry.value.known() && entry.value.text == "*";
                                          });
                     });
}

std::string policy_shape(const policy::Document& document) {
  Fingerprint out("", k_shape_room);
  put_document(out, document, nullptr);
  return std::move(out).take();
}

std::string core_fingerprint(const Analysis& a) {
  const Names names(a, renaming_is_safe(a));
  // Room for a key policy of a few statements and its subjects (about 1 KB) at once, rather than
  // the text copied as it grows.
  Fingerprint out("core1|", k_fingerprint_room);
  put(out, key_arn_shape(a));
  for (const policy::ContextEntry& entry : a.fixed_context) {
    put(out, entry.key);
    for (const std::string& value : entry.values)
      put(out, value);
  }
  put(out, a.key_policy_known ? 1 : 0);
  put_document(out, a.key_policy.document(), &names);
  put(out, a.grants.size());
  for (const policy::CompiledGrant& grant : a.grants) {
    const policy::GrantSpec& spec = grant.spec;
    put_value(out, spec.grantee, &names);
    put(out, spec.operations.size());
    for (const std::string& operation : spec.operations)
      put(out, operation);
    for (const auto* constraint :
         {&spec.encryption_context_equals, &spec.encryption_context_subset}) {
      if (!*constraint) {
        out += '-';
        continue;
      }
      put(out, (*constraint)->size());
      for (const auto& [key, value] : **constraint) {
        put(out, key);
        put(out, value);
      }
    }
    if (spec.retiring_principal)
      put_value(out, *spec.retiring_principal, &names);
    else
      out += '-';
    put(out, spec.unknown_fields ? 1 : 0);
  }
  put(out, a.subjects.size());
  for (const Subject& subject : a.subjects) {
    put(out, static_cast<std::size_t>(subject.kind));
    names.put_name(out, subject.arn);
    put(out, subject.account);
    put(out, subject.key_account ? 1 : 0);
  }
  // The organisation policies, with the callers their conditions name written as subjects: two keys
  // share a core only when those policies name the same subjects.
  for (const policy::Document* document : a.shared->organization->documents())
    put_document(out, *document, &names, &names);
  put(out, a.variants.size());
  for (const Variant& variant : a.variants) {
    put(out, variant.subject);
    put(out, static_cast<std::size_t>(variant.identity));
    put(out, variant.policy_ids.size());
    for (const auto& id : variant.policy_ids) {
      if (id)
        put(out, a.shared->policy_shapes[static_cast<std::size_t>(*id)]);
      else
        out += '*'; // allows_all
    }
    // Chains are made once per graph, and the cache is the graph's: equal ids, equal chains.
    if (variant.chain)
      put(out, variant.chain->id);
    else
      out += '-';
  }
  return std::move(out).take();
}

std::shared_ptr<const Core> core_for(Analysis& a) {
  std::string fingerprint = core_fingerprint(a);
  if (const auto found = a.shared->cores.by_fingerprint.find(fingerprint);
      found != a.shared->cores.by_fingerprint.end()) {
    return found->second;
  }
  auto core = std::make_shared<Core>();
  build_rows(a, *core);
  a.core = core; // evaluate() reads the rows through the analysis
  core->tables = evaluate(a, a.key_policy, a.variants);
  const Tables& t = core->tables;
  core->allowed = membership(
      a, [&](std::size_t v, std::size_t act, std::size_t c) { return allowed_in(t, v, act, c); });
  core->unknown = membership(a, [&](std::size_t v, std::size_t act, std::size_t c) {
    return t.at(v, act, c) == policy::Outcome::unknown;
  });
  remember(*a.shared, std::move(fingerprint), core);
  return core;
}

const Core::Masked& masked(const Analysis& a, std::size_t statement) {
  const Core& core = *a.core;
  if (const auto found = core.masked.find(statement); found != core.masked.end())
    return found->second;
  Core::Masked out;
  // The statement is still there (indexes unchanged) but can no longer apply.
  out.without = evaluate(a, policy::without_statement(a.key_policy, statement), a.variants,
                         {&core.tables, statement});
  const Tables& with = core.tables;
  const Tables& without = out.without;
  out.adds = membership(a, [&](std::size_t v, std::size_t act, std::size_t c) {
    return allowed_in(with, v, act, c) && !allowed_in(without, v, act, c);
  });
  out.removes = membership(a, [&](std::size_t v, std::size_t act, std::size_t c) {
    return allowed_in(without, v, act, c) && !allowed_in(with, v, act, c);
  });
  return core.masked.emplace(statement, std::move(out)).first->second;
}

const Tables& without_identity(const Analysis& a) {
  const Core& core = *a.core;
  if (!core.without_identity) {
    std::vector<Variant> bare;
    for (const Variant& variant : a.variants) {
      if (variant.identity == Identity::graph)
        bare.push_back(Variant{variant.subject, Identity::none, {}, {}, variant.chain});
    }
    core.without_identity = evaluate(a, a.key_policy, bare);
  }
  return *core.without_identity;
}

} // namespace tfkms::analysis::detail
