#include "analysis/request_space.hpp"

#include "policy/match.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace tfkms::analysis {

namespace {

constexpr std::string_view k_context_prefix = "kms:encryptioncontext:";
constexpr std::string_view k_other_key_name = "tfkms-other-key";

// Keys that describe the caller: prepare() derives them from the principal (evaluate.hpp).
constexpr std::array<std::string_view, 9> k_caller_keys = {"aws:principalarn",
                                                           "aws:principalaccount",
                                                           "kms:calleraccount",
                                                           "aws:principaltype",
                                                           "aws:username",
                                                           "aws:userid",
                                                           "aws:principalisawsservice",
                                                           "aws:principalservicename",
                                                           "aws:principalservicenameslist"};

bool starts_with_lower(std::string_view text, std::string_view prefix_lower) {
  return text.size() >= prefix_lower.size() &&
         policy::to_lower(text.substr(0, prefix_lower.size())) == prefix_lower;
}

bool has_wildcard(std::string_view text) {
  return text.find_first_of("*?") != std::string_view::npos;
}

// A request value a pattern matches: `*` matches the empty run, `?` any one character.
std::string sample_of(std::string_view pattern) {
  std::string out;
  for (const char c : pattern) {
    if (c == '?')
      out += 'x';
    else if (c != '*')
      out += c;
  }
  return out;
}

// True when `name` is one of the space-separated words of `list`.
bool listed(std::string_view list, std::string_view name) {
  std::size_t pos = 0;
  while (pos < list.size()) {
    const std::size_t end = std::min(list.find(' ', pos), list.size());
    if (list.substr(pos, end - pos) == name)
      return true;
    pos = end + 1;
  }
  return false;
}

bool is_pattern_operator(policy::ConditionOperator op) {
  using Op = policy::ConditionOperator;
  return op == Op::string_like || op == Op::string_not_like || op == Op::arn_like ||
         op == Op::arn_not_like || op == Op::arn_equals || op == Op::arn_not_equals;
}

class Builder {
public:
  void add_value(std::string_view key, std::string_view key_lower, std::string value,
                 std::string probe) {
    Dimension& dim = dimension(key, key_lower);
    if (std::find(dim.values.begin(), dim.values.end(), value) != dim.values.end())
      return;
    dim.values.push_back(std::move(value));
    dim.probes.push_back(std::move(probe));
  }
  void add_key(std::string_view key, std::string_view key_lower) {
    (void)dimension(key, key_lower);
  }
  void mark_boolean(std::string_view key_lower) { m_boolean.emplace_back(key_lower); }

  void add_context_value(std::string_view context_key, std::optional<std::string> value) {
    const std::string key = "kms:EncryptionContext:" + std::string(context_key);
    const std::string key_lower = policy::to_lower(key);
    if (!value)
      return add_key(key, key_lower);
    std::string probe = *value;
    add_value(key, key_lower, std::move(*value), std::move(probe));
  }

  std::vector<Dimension> finish() {
    bool any_context = false;
    for (std::size_t i = 0; i < m_dims.size(); ++i) {
      Dimension& dim = m_dims[i];
      const std::string& key_lower = m_lower[i];
      any_context = any_context || key_lower.starts_with(k_context_prefix);
      if (std::find(m_boolean.begin(), m_boolean.end(), key_lower) != m_boolean.end()) {
        for (const char* value : {"true", "false"}) {
          if (std::find(dim.values.begin(), dim.values.end(), value) == dim.values.end()) {
            dim.values.emplace_back(value);
            dim.probes.emplace_back(value);
          }
        }
        continue;
      }
      dim.other = other_value(dim, key_lower);
    }
    if (any_context) {
      Dimension other;
      other.key = std::string(k_other_context_key);
      other.other = std::string(k_other_key_name);
      m_dims.push_back(std::move(other));
    }
    return std::move(m_dims);
  }

private:
  Dimension& dimension(std::string_view key, std::string_view key_lower) {
    for (std::size_t i = 0; i < m_dims.size(); ++i) {
      if (m_lower[i] == key_lower)
        return m_dims[i];
    }
    m_lower.emplace_back(key_lower);
    Dimension dim;
    dim.key = std::string(key);
    m_dims.push_back(std::move(dim));
    return m_dims.back();
  }

  // A value no named value or pattern matches (ignoring case, to be safe with IgnoreCase
  // operators); nothing when a pattern such as "*" matches every candidate.
  static std::optional<std::string> other_value(const Dimension& dim, std::string_view key_lower) {
    const bool arn_like = key_lower.ends_with("arn") || key_lower == "aws:sourcearn";
    const std::array<std::string, 3> candidates = {
        arn_like ? "arn:aws:iam::000000000000:user/tfkms-other" : "tfkms-other-value", "0", "x"};
    for (const std::string& candidate : candidates) {
      const bool matched =
          std::any_of(dim.values.begin(), dim.values.end(), [&](const std::string& value) {
            return policy::wildcard_match(policy::encode_wildcards(value), candidate,
                                          policy::Case::insensitive);
          });
      if (!matched)
        return candidate;
    }
    return std::nullopt;
  }

  std::vector<Dimension> m_dims;
  std::vector<std::string> m_lower;
  std::vector<std::string> m_boolean;
};

void add_numeric_neighbours(Builder& builder, const policy::ConditionClause& clause,
                            std::string_view text) {
  long long number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc{} || end != text.data() + text.size())
    return;
  for (const long long neighbour : {number - 1, number + 1}) {
    builder.add_value(clause.key, clause.key_lower, std::to_string(neighbour),
                      std::to_string(neighbour));
  }
}

void add_clause(Builder& builder, const policy::ConditionClause& clause) {
  if (is_caller_key(clause.key_lower))
    return;
  const policy::ConditionFamily family = policy::family(clause.op);
  if (clause.key_lower.starts_with(k_context_prefix)) {
    const std::string_view context_key =
        std::string_view(clause.key).substr(k_context_prefix.size());
    builder.add_context_value(context_key, std::nullopt);
    if (family == policy::ConditionFamily::null)
      return;
    for (const model::Value& value : clause.values) {
      if (!value.known())
        continue;
      builder.add_context_value(context_key, value.text);
    }
    return;
  }
  if (clause.key_lower == "kms:encryptioncontextkeys") {
    // Context key names: each becomes a context dimension, so kms:EncryptionContextKeys follows
    // from the context a cell carries.
    for (const model::Value& value : clause.values) {
      if (value.known() && family != policy::ConditionFamily::null)
        builder.add_context_value(sample_of(value.text), std::nullopt);
    }
    return;
  }
  builder.add_key(clause.key, clause.key_lower);
  if (family == policy::ConditionFamily::null)
    return;
  if (family == policy::ConditionFamily::boolean)
    return builder.mark_boolean(clause.key_lower);
  for (const model::Value& value : clause.values) {
    if (!value.known())
      continue;
    std::string probe = is_pattern_operator(clause.op) && has_wildcard(value.text)
                            ? sample_of(value.text)
                            : value.text;
    if (family == policy::ConditionFamily::ip_address)
      probe = value.text.substr(0, value.text.find('/'));
    builder.add_value(clause.key, clause.key_lower, value.text, std::move(probe));
    if (family == policy::ConditionFamily::numeric)
      add_numeric_neighbours(builder, clause, value.text);
  }
}

} // namespace

bool is_caller_key(std::string_view key_lower) {
  return std::find(k_caller_keys.begin(), k_caller_keys.end(), key_lower) != k_caller_keys.end();
}

std::vector<Dimension> build_dimensions(const std::vector<const policy::Document*>& documents,
                                        const std::vector<policy::CompiledGrant>& grants) {
  Builder builder;
  for (const policy::Document* document : documents) {
    for (const policy::Statement& statement : document->statements) {
      for (const policy::ConditionClause& clause : statement.conditions)
        add_clause(builder, clause);
    }
  }
  // Grant constraints test the encryption context too (kms-reference §5.2).
  for (const policy::CompiledGrant& grant : grants) {
    for (const auto* constraint :
         {&grant.spec.encryption_context_equals, &grant.spec.encryption_context_subset}) {
      if (!*constraint)
        continue;
      for (const auto& [key, value] : **constraint)
        builder.add_context_value(key, value);
    }
  }
  return builder.finish();
}

bool key_applies(std::string_view key, std::string_view action) {
  // Condition keys that only some KMS actions carry (kms-reference §1.1 "Action-specific condition
  // keys", §2.1); every other key (kms:ViaService, aws:SourceVpce, ...) can be on any request.
  struct Specific {
    std::string_view key_prefix; ///< lower-case; a prefix so the context family is one entry
    std::string_view actions;    ///< space-separated action names
  };
  static constexpr std::string_view k_context_actions =
      " Decrypt Encrypt GenerateDataKey GenerateDataKeyWithoutPlaintext GenerateDataKeyPair "
      "GenerateDataKeyPairWithoutPlaintext ReEncryptFrom ReEncryptTo CreateGrant RetireGrant ";
  static constexpr std::array<Specific, 14> k_specific = {{
      {"kms:encryptioncontext", k_context_actions},
      {"kms:grantisforawsresource", " CreateGrant ListGrants RevokeGrant "},
      {"kms:grantoperations", " CreateGrant "},
      {"kms:granteeprincipal", " CreateGrant "},
      {"kms:granteeserviceprincipal", " CreateGrant "},
      {"kms:retiringprincipal", " CreateGrant "},
      {"kms:retiringserviceprincipal", " CreateGrant "},
      {"kms:grantconstraint", " CreateGrant RetireGrant "},
      {"kms:bypasspolicylockoutsafetycheck", " PutKeyPolicy "},
      {"kms:reencryptonsamekey", " ReEncryptFrom ReEncryptTo "},
      {"kms:encryptionalgorithm",
       " Decrypt Encrypt GenerateDataKey GenerateDataKeyWithoutPlaintext GenerateDataKeyPair "
       "GenerateDataKeyPairWithoutPlaintext ReEncryptFrom ReEncryptTo "},
      {"kms:schedulekeydeletionpendingwindowindays", " ScheduleKeyDeletion "},
      {"kms:rotationperiodindays", " EnableKeyRotation "},
      {"aws:requesttag/", " TagResource "},
  }};
  const std::string key_lower = policy::to_lower(key);
  const std::string_view name = action.substr(action.find(':') + 1);
  if (key == k_other_context_key)
    return listed(k_context_actions, name);
  for (const Specific& specific : k_specific) {
    if (key_lower.starts_with(specific.key_prefix))
      return listed(specific.actions, name);
  }
  if (key_lower == "aws:tagkeys")
    return name == "TagResource" || name == "UntagResource";
  return true;
}

CellContext::CellContext(std::vector<policy::ContextEntry>& context,
                         const std::vector<Dimension>& dimensions)
    : m_context(context), m_dimensions(dimensions), m_in(dimensions.size() + 1, false) {
  m_pool.reserve(dimensions.size() + 1);
  for (const Dimension& dim : dimensions) {
    const bool other_key = dim.key == k_other_context_key;
    const bool context_key = other_key || starts_with_lower(dim.key, k_context_prefix);
    m_context_key.push_back(context_key);
    m_context_names.push_back(!context_key ? std::string()
                              : other_key  ? std::string(k_other_key_name)
                                           : dim.key.substr(k_context_prefix.size()));
    const std::string key = other_key
                                ? std::string(k_context_prefix) + std::string(k_other_key_name)
                                : policy::to_lower(dim.key);
    m_keys.push_back(key);
    m_pool.push_back({key, {std::string()}});
  }
  m_keys.emplace_back("kms:encryptioncontextkeys");
  m_pool.push_back({m_keys.back(), {}});
}

void CellContext::take_out() {
  for (std::size_t slot = 0; slot < m_pool.size(); ++slot) {
    if (!m_in[slot])
      continue;
    // The pool slot is moved-from while its entry is in the context: search by the kept key.
    const auto it = std::lower_bound(
        m_context.begin(), m_context.end(), m_keys[slot],
        [](const policy::ContextEntry& e, const std::string& key) { return e.key < key; });
    m_pool[slot] = std::move(*it);
    m_context.erase(it);
    m_in[slot] = false;
  }
}

void CellContext::put_in(std::size_t slot) {
  const auto it = std::lower_bound(
      m_context.begin(), m_context.end(), m_keys[slot],
      [](const policy::ContextEntry& e, const std::string& key) { return e.key < key; });
  m_context.insert(it, std::move(m_pool[slot]));
  m_in[slot] = true;
}

void CellContext::apply(const CellIndex& index) {
  take_out();
  policy::ContextEntry& keys = m_pool.back();
  keys.values.clear();
  for (std::size_t d = 0; d < m_dimensions.size(); ++d) {
    const Dimension& dim = m_dimensions[d];
    if (dim.is_absent(index[d]))
      continue;
    if (m_context_key[d])
      keys.values.push_back(m_context_names[d]);
    const bool other_key = dim.key == k_other_context_key;
    m_pool[d].values.front() = other_key                ? "tfkms-other-value"
                               : dim.is_other(index[d]) ? *dim.other
                                                        : dim.probes[index[d]];
    put_in(d);
  }
  if (!keys.values.empty())
    put_in(m_pool.size() - 1);
}

namespace {

std::optional<std::size_t> find_dimension(const std::vector<Dimension>& dimensions,
                                          std::string_view key_lower) {
  for (std::size_t d = 0; d < dimensions.size(); ++d) {
    if (policy::to_lower(dimensions[d].key) == key_lower)
      return d;
  }
  return std::nullopt;
}

void add_context(std::vector<std::size_t>& out, const std::vector<Dimension>& dimensions,
                 std::string_view context_key) {
  for (const std::string& key : {std::string(k_context_prefix) + policy::to_lower(context_key),
                                 policy::to_lower(k_other_context_key)}) {
    const auto d = find_dimension(dimensions, key);
    if (d && std::find(out.begin(), out.end(), *d) == out.end())
      out.push_back(*d);
  }
}

} // namespace

std::vector<std::size_t> dimensions_of(const policy::ConditionClause& clause,
                                       const std::vector<Dimension>& dimensions) {
  std::vector<std::size_t> out;
  if (is_caller_key(clause.key_lower))
    return out;
  if (clause.key_lower.starts_with(k_context_prefix)) {
    add_context(out, dimensions,
                std::string_view(clause.key_lower).substr(k_context_prefix.size()));
  } else if (clause.key_lower == "kms:encryptioncontextkeys") {
    for (const model::Value& value : clause.values) {
      if (value.known())
        add_context(out, dimensions, sample_of(value.text));
    }
    add_context(out, dimensions, k_other_key_name);
  } else if (const auto d = find_dimension(dimensions, clause.key_lower)) {
    out.push_back(*d);
  }
  return out;
}

std::vector<std::size_t> dimensions_of(const policy::CompiledGrant& grant,
                                       const std::vector<Dimension>& dimensions) {
  std::vector<std::size_t> out;
  for (const auto* constraint :
       {&grant.spec.encryption_context_equals, &grant.spec.encryption_context_subset}) {
    if (!*constraint)
      continue;
    for (const auto& pair : **constraint)
      add_context(out, dimensions, pair.first);
    add_context(out, dimensions, k_other_key_name);
  }
  return out;
}

} // namespace tfkms::analysis
