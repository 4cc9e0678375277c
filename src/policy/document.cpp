#include "policy/document.hpp"

#include "model/text.hpp"
#include "policy/match.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace tfkms::policy {

namespace {

// Room for a statement's label but its Sid: "statement ", the index, ` (Sid "` and `")`.
constexpr std::size_t k_label_room = 40;

// Service principals are DNS-like names under the partition's service domain:
// "logs.amazonaws.com", "logs.us-east-1.amazonaws.com", "...amazonaws.com.cn" (kms-reference §3.5).
bool is_service_principal_form(std::string_view name) {
  constexpr std::array<std::string_view, 4> k_domains{".amazonaws.com", ".amazonaws.com.cn",
                                                      ".c2s.ic.gov", ".sc2s.sgov.gov"};
  if (name.empty() || name.front() == '.')
    return false;
  const bool dns_like = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
  return dns_like && std::any_of(k_domains.begin(), k_domains.end(), [&](std::string_view domain) {
           return name.size() > domain.size() && name.ends_with(domain);
         });
}

struct OperatorName {
  std::string_view name;
  ConditionOperator op;
};

constexpr std::array<OperatorName, 27> k_operators{{
    {"StringEquals", ConditionOperator::string_equals},
    {"StringNotEquals", ConditionOperator::string_not_equals},
    {"StringEqualsIgnoreCase", ConditionOperator::string_equals_ignore_case},
    {"StringNotEqualsIgnoreCase", ConditionOperator::string_not_equals_ignore_case},
    {"StringLike", ConditionOperator::string_like},
    {"StringNotLike", ConditionOperator::string_not_like},
    {"NumericEquals", ConditionOperator::numeric_equals},
    {"NumericNotEquals", ConditionOperator::numeric_not_equals},
    {"NumericLessThan", ConditionOperator::numeric_less_than},
    {"NumericLessThanEquals", ConditionOperator::numeric_less_than_equals},
    {"NumericGreaterThan", ConditionOperator::numeric_greater_than},
    {"NumericGreaterThanEquals", ConditionOperator::numeric_greater_than_equals},
    {"DateEquals", ConditionOperator::date_equals},
    {"DateNotEquals", ConditionOperator::date_not_equals},
    {"DateLessThan", ConditionOperator::date_less_than},
    {"DateLessThanEquals", ConditionOperator::date_less_than_equals},
    {"DateGreaterThan", ConditionOperator::date_greater_than},
    {"DateGreaterThanEquals", ConditionOperator::date_greater_than_equals},
    {"Bool", ConditionOperator::boolean},
    {"BinaryEquals", ConditionOperator::binary_equals},
    {"IpAddress", ConditionOperator::ip_address},
    {"NotIpAddress", ConditionOperator::not_ip_address},
    {"ArnEquals", ConditionOperator::arn_equals},
    {"ArnLike", ConditionOperator::arn_like},
    {"ArnNotEquals", ConditionOperator::arn_not_equals},
    {"ArnNotLike", ConditionOperator::arn_not_like},
    {"Null", ConditionOperator::null},
}};

// A JSON value for a message: scalars as written (cut short), containers by their type. Never
// dump() a container: a hostile policy can nest one deep enough to exhaust the stack of the
// recursive dump.
std::string shown(const nlohmann::json& value) {
  if (value.is_structured())
    return std::string("a JSON ") + value.type_name();
  constexpr std::size_t k_max_shown = 80;
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > k_max_shown)
    text = text.substr(0, k_max_shown) + "...";
  return text;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

// JSON Pointer reference token (RFC 6901), appended to `out`: most names need no escape and go in
// whole, not character by character.
void put_pointer_token(std::string& out, std::string_view token) {
  std::size_t plain = 0; // where the run of characters that need no escape starts
  for (std::size_t at = 0; at < token.size(); ++at) {
    if (token[at] != '~' && token[at] != '/')
      continue;
    out.append(token.substr(plain, at - plain)).append(token[at] == '~' ? "~0" : "~1");
    plain = at + 1;
  }
  out.append(token.substr(plain));
}

// Where a value sits in the policy, as a JSON Pointer and as a path for messages
// (Statement[1].Condition.StringEquals). Both are written out only when asked: most locations are
// passed down and never kept nor reported, and the path only goes into messages.
class Location {
public:
  Location() = default;

  /// The location of member `key`, a view of the JSON's name or of a literal. The child refers to
  /// this location: it lives within the call that made it, as the parser's locations do.
  [[nodiscard]] Location child(std::string_view key) const { return Location(this, key, 0, false); }
  [[nodiscard]] Location item(std::size_t index) const { return Location(this, {}, index, true); }

  /// Written once, on first use: the items of an element share their parent's.
  [[nodiscard]] const std::string& pointer() const {
    if (!m_pointer) {
      std::string out;
      if (m_parent != nullptr) {
        const std::string& parent = m_parent->pointer();
        out.reserve(parent.size() + 1 + (m_is_item ? k_index_room : m_key.size()));
        out.append(parent).push_back('/');
        if (m_is_item)
          write_index(out);
        else
          put_pointer_token(out, m_key);
      }
      m_pointer = std::move(out);
    }
    return *m_pointer;
  }
  [[nodiscard]] std::string path() const {
    std::string out;
    write_path(out);
    return out;
  }

private:
  Location(const Location* parent, std::string_view key, std::size_t index, bool is_item)
      : m_parent(parent), m_key(key), m_index(index), m_is_item(is_item) {}

  static constexpr std::size_t k_index_room = 20;

  void write_index(std::string& out) const { model::append_decimal(out, m_index); }
  void write_path(std::string& out) const {
    if (m_parent == nullptr)
      return;
    m_parent->write_path(out);
    if (m_is_item) {
      out += '[';
      write_index(out);
      out += ']';
      return;
    }
    if (!out.empty())
      out += '.';
    out += m_key;
  }

  const Location* m_parent = nullptr; ///< none for the policy itself
  std::string_view m_key;             ///< a member's name
  std::size_t m_index = 0;            ///< an item's position
  bool m_is_item = false;
  mutable std::optional<std::string> m_pointer;
};

class Parser {
public:
  Parser(PolicyKind kind, const model::SymbolResolver& symbols, const ParseOptions& options)
      : m_symbols(symbols), m_options(options) {
    m_document.kind = kind;
  }

  Document run(const nlohmann::json& json) {
    if (!json.is_object()) {
      fail_document({}, "policy is not a JSON object");
      return std::move(m_document);
    }
    const Location root;
    for (const auto& [name, value] : json.items()) {
      if (name == "Version")
        read_version(value, root.child(name));
      else if (name == "Id")
        m_document.id = read_scalar(value, root.child(name), nullptr);
      else if (name == "Statement")
        read_statements(value, root.child(name));
      else
        warn(root.child(name), "unknown policy element \"" + name + "\" (ignored)", nullptr);
    }
    if (!json.contains("Statement"))
      fail_document({}, "policy has no Statement");
    return std::move(m_document);
  }

  Document fail_text(const std::string& message) {
    fail_document({}, message);
    return std::move(m_document);
  }

private:
  const model::SymbolResolver& m_symbols;
  const ParseOptions& m_options;
  Document m_document;

  void report(model::DiagnosticLevel level, const Location& at, const std::string& message,
              const Statement* statement) {
    model::Diagnostic diagnostic;
    diagnostic.level = level;
    diagnostic.file = m_options.file;
    diagnostic.pointer = m_options.base_pointer + at.pointer();
    const std::string path = at.path();
    diagnostic.message = (path.empty() ? std::string("policy") : path) + ": " + message;
    const model::SourceRef& where = statement ? statement->where : m_options.where;
    if (!where.file.empty())
      diagnostic.file = where.file;
    diagnostic.line = where.line;
    diagnostic.column = where.column;
    m_document.diagnostics.push_back(std::move(diagnostic));
  }
  // Every text read through the graph's symbols passes here: names_references tells whether they
  // decided anything.
  model::Value resolve(const std::string& text) {
    if (model::has_symbols(text))
      m_document.names_references = true;
    return model::resolve_value(text, m_symbols);
  }

  void warn(const Location& at, const std::string& message, const Statement* statement) {
    report(model::DiagnosticLevel::warning, at, message, statement);
  }
  void fail_document(const Location& at, const std::string& message) {
    report(model::DiagnosticLevel::error, at, message, nullptr);
    m_document.unreadable = true;
  }
  void fail_statement(Statement& statement, const Location& at, const std::string& message) {
    report(model::DiagnosticLevel::error, at, message, &statement);
    statement.readable = false;
  }

  void read_version(const nlohmann::json& value, const Location& at) {
    if (value == "2012-10-17")
      m_document.version = PolicyVersion::v2012_10_17;
    else if (value == "2008-10-17")
      m_document.version = PolicyVersion::v2008_10_17;
    else
      report(model::DiagnosticLevel::error, at,
             "unknown Version " + shown(value) + " (expected \"2012-10-17\")", nullptr);
  }

  // A string leaf; numbers and booleans are read as their JSON text ("Quotation marks are optional
  // for numeric and Boolean values" [IAM-GRAMMAR]). Nothing (and a diagnostic) for other types.
  std::optional<model::Value> read_scalar(const nlohmann::json& value, const Location& at,
                                          Statement* statement) {
    if (value.is_string())
      return resolve(value.get_ref<const std::string&>());
    if (value.is_number() || value.is_boolean())
      return model::Value{value.dump(), model::ValueKind::literal, {}};
    if (statement)
      fail_statement(*statement, at, "expected a string, found " + std::string(value.type_name()));
    else
      report(model::DiagnosticLevel::error, at,
             "expected a string, found " + std::string(value.type_name()), nullptr);
    return std::nullopt;
  }

  void read_statements(const nlohmann::json& value, const Location& at) {
    if (value.is_object()) {
      read_statement(value, 0, at);
    } else if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i)
        read_statement(value[i], i, at.item(i));
    } else {
      fail_document(at, "Statement must be an object or an array of objects");
    }
  }

  void read_statement(const nlohmann::json& json, std::size_t index, const Location& at) {
    Statement statement;
    statement.index = index;
    statement.pointer = at.pointer();
    statement.path = at.path();
    statement.where = index < m_options.statement_locations.size()
                          ? m_options.statement_locations[index]
                          : m_options.where;
    if (!json.is_object()) {
      statement.effect_known = false;
      fail_statement(statement, at, "statement is not a JSON object");
      m_document.statements.push_back(std::move(statement));
      return;
    }
    statement.effect_known = false;
    bool has_action = false;
    for (const auto& [member, value] : json.items()) {
      // A view compares with each element name inline, a string calls compare(const char*).
      const std::string_view name = member;
      const Location here = at.child(name);
      if (name == "Sid") {
        if (value.is_string())
          statement.sid = value.get<std::string>();
        else
          fail_statement(statement, here, "Sid must be a string");
      } else if (name == "Effect") {
        read_effect(statement, value, here);
      } else if (name == "Principal" || name == "NotPrincipal") {
        if (statement.principal)
          fail_statement(statement, here, "statement has both Principal and NotPrincipal");
        else
          statement.principal = read_principal(statement, value, here, name == "NotPrincipal");
      } else if (name == "Action" || name == "NotAction") {
        if (has_action)
          fail_statement(statement, here, "statement has both Action and NotAction");
        has_action = true;
        statement.actions = read_patterns(statement, value, here, name == "NotAction");
      } else if (name == "Resource" || name == "NotResource") {
        if (statement.resources)
          fail_statement(statement, here, "statement has both Resource and NotResource");
        else
          statement.resources = read_patterns(statement, value, here, name == "NotResource");
      } else if (name == "Condition") {
        read_conditions(statement, value, here);
      } else {
        fail_statement(statement, here, "unknown statement element \"" + member + "\"");
      }
    }
    check_required(statement, json, at, has_action);
    m_document.statements.push_back(std::move(statement));
  }

  void read_effect(Statement& statement, const nlohmann::json& value, const Location& at) {
    // Effect values are case-sensitive in the policy grammar [IAM-GRAMMAR].
    if (value == "Allow") {
      statement.effect = Effect::allow;
      statement.effect_known = true;
    } else if (value == "Deny") {
      statement.effect = Effect::deny;
      statement.effect_known = true;
    } else {
      fail_statement(statement, at, "Effect must be \"Allow\" or \"Deny\", found " + shown(value));
    }
  }

  void check_required(Statement& statement, const nlohmann::json& json, const Location& at,
                      bool has_action) {
    if (!json.contains("Effect"))
      fail_statement(statement, at, "statement has no Effect");
    if (!has_action)
      fail_statement(statement, at, "statement has no Action or NotAction");
    const PolicyKind kind = m_document.kind;
    const bool needs_principal =
        kind != PolicyKind::identity_policy && kind != PolicyKind::service_control_policy;
    if (needs_principal && !statement.principal) {
      // "Each statement in the key policy must contain one or more principals" [BOTO-KMS].
      fail_statement(statement, at, "statement has no Principal");
    } else if (!needs_principal && statement.principal) {
      fail_statement(
          statement, at.child(statement.principal->negated ? "NotPrincipal" : "Principal"),
          std::string(kind == PolicyKind::identity_policy ? "an identity" : "a service control") +
              " policy cannot name a Principal");
    } else if (kind == PolicyKind::resource_control_policy) {
      check_control_policy_principal(statement, *statement.principal, at);
    }
    if (kind == PolicyKind::resource_control_policy)
      check_control_policy_effect(statement, json, at);
    if (statement.principal && statement.principal->negated && statement.effect_known &&
        statement.effect == Effect::allow) {
      // NotPrincipal "must be used with "Effect":"Deny"" [IAM-NOTPRINCIPAL], kms-reference §3.6.
      fail_statement(statement, at.child("NotPrincipal"),
                     "NotPrincipal is only accepted with Effect \"Deny\"");
    }
    if (!statement.resources && !m_options.resource_implied) {
      // Requests without a Resource element are rejected since 2025-08-18 [AWS-NOTICE-2025]; IAM
      // has always refused them.
      fail_statement(statement, at, "statement has no Resource or NotResource");
    } else if (m_document.kind == PolicyKind::key_policy) {
      check_key_policy_resource(statement, *statement.resources, at);
    }
  }

  // An RCP names its principals only as `"Principal": "*"` and narrows them with conditions;
  // NotPrincipal is not supported in SCPs or RCPs [ORG-RCP], kms-reference §3.6.
  void check_control_policy_principal(Statement& statement, const PrincipalElement& principal,
                                      const Location& at) {
    if (principal.negated) {
      fail_statement(statement, at.child("NotPrincipal"),
                     "a resource control policy cannot use NotPrincipal");
      return;
    }
    for (const PrincipalEntry& entry : principal.entries) {
      if (entry.form != PrincipalForm::any && entry.form != PrincipalForm::unknown) {
        fail_statement(statement, at.child("Principal"),
                       "a resource control policy accepts only \"Principal\": \"*\"");
        return;
      }
    }
  }

  // "The effect of Allow is only supported for the RCPFullAWSAccess policy", which AWS attaches
  // itself, and an RCP's Action names a service: "*" alone is refused [ORG-RCP] (RCP syntax).
  void check_control_policy_effect(Statement& statement, const nlohmann::json& json,
                                   const Location& at) {
    if (statement.effect_known && statement.effect == Effect::allow)
      fail_statement(statement, at.child("Effect"),
                     "a resource control policy accepts only Effect \"Deny\"");
    for (const PatternEntry& entry : statement.actions.entries) {
      if (entry.value.known() && entry.value.text == "*") {
        fail_statement(statement, at.child(json.contains("NotAction") ? "NotAction" : "Action"),
                       "a resource control policy cannot use \"*\" as an action");
        return;
      }
    }
  }

  // KMS accepts only `"Resource": "*"` (this key) in a key policy [AWS-NOTICE-2025], kms-reference
  // §3.6-§3.7; a value unknown before apply is left to the evaluation.
  void check_key_policy_resource(Statement& statement, const PatternElement& resources,
                                 const Location& at) {
    if (resources.negated) {
      fail_statement(statement, at.child("NotResource"),
                     "a key policy accepts only \"Resource\": \"*\"");
      return;
    }
    for (const PatternEntry& entry : resources.entries) {
      if (entry.value.known() && entry.value.text != "*") {
        fail_statement(statement, at.child("Resource"),
                       "a key policy accepts only \"Resource\": \"*\", found \"" +
                           entry.value.text + "\"");
        return;
      }
    }
  }

  std::optional<PrincipalElement> read_principal(Statement& statement, const nlohmann::json& value,
                                                 const Location& at, bool negated) {
    PrincipalElement element;
    element.negated = negated;
    element.pointer = at.pointer();
    if (value.is_string()) {
      // "*" is the only valid bare string [IAM-PRINCIPAL]; anything else is read as an AWS
      // principal.
      const PrincipalSection section = value == "*" ? PrincipalSection::any : PrincipalSection::aws;
      if (section == PrincipalSection::aws)
        warn(at, "a principal other than \"*\" must be inside {\"AWS\": ...}", &statement);
      add_principal(statement, element, section, value, at);
      return element;
    }
    if (!value.is_object() || value.empty()) {
      fail_statement(statement, at, "principal must be \"*\" or a non-empty object");
      return element;
    }
    for (const auto& [name, entries] : value.items()) {
      const Location here = at.child(name);
      PrincipalSection section = PrincipalSection::aws;
      if (name == "AWS")
        section = PrincipalSection::aws;
      else if (name == "Service")
        section = PrincipalSection::service;
      else if (name == "Federated")
        section = PrincipalSection::federated;
      else if (name == "CanonicalUser")
        section = PrincipalSection::canonical_user;
      else {
        fail_statement(statement, here, "unknown principal type \"" + name + "\"");
        continue;
      }
      if (entries.is_array()) {
        if (entries.empty())
          fail_statement(statement, here, "principal list is empty");
        for (std::size_t i = 0; i < entries.size(); ++i)
          add_principal(statement, element, section, entries[i], here.item(i));
      } else {
        add_principal(statement, element, section, entries, here);
      }
    }
    return element;
  }

  void add_principal(Statement& statement, PrincipalElement& element, PrincipalSection section,
                     const nlohmann::json& value, const Location& at) {
    auto text = read_scalar(value, at, &statement);
    if (!text)
      return;
    PrincipalEntry entry;
    entry.section = section;
    const ClassifiedPrincipal classified = classify_principal(section, *text);
    entry.form = classified.form;
    entry.account = classified.account;
    entry.value = std::move(*text);
    entry.pointer = at.pointer();
    if (entry.form == PrincipalForm::other && section == PrincipalSection::aws) {
      const std::string what =
          "\"" + entry.value.text + "\" is not an account, user, role or session principal";
      // KMS refuses "a statement with one or more invalid principals" [BOTO-KMS], kms-reference
      // §3.5; other resource policies accept more forms (CloudFront origin access identities, ...).
      if (m_document.kind == PolicyKind::key_policy)
        fail_statement(statement, at, what + ", which KMS refuses");
      else
        warn(at, what, &statement);
    }
    if (section == PrincipalSection::service && entry.value.known() &&
        !is_service_principal_form(entry.value.text) && m_document.kind == PolicyKind::key_policy) {
      fail_statement(
          statement, at,
          "\"" + entry.value.text +
              "\" is not a service principal (<service>.amazonaws.com), which KMS refuses");
    }
    element.entries.push_back(std::move(entry));
  }

  PatternElement read_patterns(Statement& statement, const nlohmann::json& value,
                               const Location& at, bool negated) {
    PatternElement element;
    element.negated = negated;
    element.pointer = at.pointer();
    const auto add = [&](const nlohmann::json& item, const Location& here) {
      if (!item.is_string()) {
        fail_statement(statement, here,
                       "expected a string, found " + std::string(item.type_name()));
        return;
      }
      element.entries.push_back({resolve(item.get_ref<const std::string&>()), here.pointer()});
    };
    if (value.is_array()) {
      if (value.empty())
        fail_statement(statement, at, "list is empty");
      for (std::size_t i = 0; i < value.size(); ++i)
        add(value[i], at.item(i));
    } else {
      add(value, at);
    }
    return element;
  }

  void read_conditions(Statement& statement, const nlohmann::json& value, const Location& at) {
    if (!value.is_object()) {
      fail_statement(statement, at, "Condition must be an object");
      return;
    }
    for (const auto& [operator_text, block] : value.items()) {
      const Location here = at.child(operator_text);
      ConditionClause prototype;
      if (!parse_operator(operator_text, prototype)) {
        fail_statement(statement, here, "unknown condition operator");
        continue;
      }
      if (!block.is_object() || block.empty()) {
        fail_statement(statement, here, "condition operator needs an object of condition keys");
        continue;
      }
      for (const auto& [key, values] : block.items()) {
        ConditionClause clause = prototype;
        clause.key = key;
        clause.key_lower = to_lower(key);
        const Location key_at = here.child(key);
        clause.pointer = key_at.pointer();
        if (values.is_array()) {
          if (values.empty())
            fail_statement(statement, key_at, "condition value list is empty");
          for (std::size_t i = 0; i < values.size(); ++i) {
            if (auto v = read_scalar(values[i], key_at.item(i), &statement))
              clause.values.push_back(std::move(*v));
          }
        } else if (auto v = read_scalar(values, key_at, &statement)) {
          clause.values.push_back(std::move(*v));
        }
        statement.conditions.push_back(std::move(clause));
      }
    }
  }

  // "[ForAnyValue:|ForAllValues:]<Operator>[IfExists]"; operator names are matched ignoring case,
  // as AWS accepts them.
  static bool parse_operator(std::string_view text, ConditionClause& clause) {
    clause.operator_text = std::string(text);
    std::string_view rest = text;
    if (istarts_with(rest, "ForAnyValue:")) {
      clause.qualifier = SetQualifier::for_any_value;
      rest.remove_prefix(12);
    } else if (istarts_with(rest, "ForAllValues:")) {
      clause.qualifier = SetQualifier::for_all_values;
      rest.remove_prefix(13);
    }
    constexpr std::string_view if_exists = "IfExists";
    if (rest.size() > if_exists.size() &&
        iequals(rest.substr(rest.size() - if_exists.size()), if_exists)) {
      clause.if_exists = true;
      rest.remove_suffix(if_exists.size());
    }
    for (const auto& entry : k_operators) {
      if (!iequals(entry.name, rest))
        continue;
      clause.op = entry.op;
      // Null tests presence itself: neither IfExists nor a set qualifier applies [IAM-CONDOPS].
      return !(entry.op == ConditionOperator::null &&
               (clause.if_exists || clause.qualifier != SetQualifier::none));
    }
    return false;
  }
};

} // namespace

ConditionFamily family(ConditionOperator op) {
  switch (op) {
  case ConditionOperator::string_equals:
  case ConditionOperator::string_not_equals:
  case ConditionOperator::string_equals_ignore_case:
  case ConditionOperator::string_not_equals_ignore_case:
  case ConditionOperator::string_like:
  case ConditionOperator::string_not_like:
    return ConditionFamily::string;
  case ConditionOperator::numeric_equals:
  case ConditionOperator::numeric_not_equals:
  case ConditionOperator::numeric_less_than:
  case ConditionOperator::numeric_less_than_equals:
  case ConditionOperator::numeric_greater_than:
  case ConditionOperator::numeric_greater_than_equals:
    return ConditionFamily::numeric;
  case ConditionOperator::date_equals:
  case ConditionOperator::date_not_equals:
  case ConditionOperator::date_less_than:
  case ConditionOperator::date_less_than_equals:
  case ConditionOperator::date_greater_than:
  case ConditionOperator::date_greater_than_equals:
    return ConditionFamily::date;
  case ConditionOperator::boolean:
    return ConditionFamily::boolean;
  case ConditionOperator::binary_equals:
    return ConditionFamily::binary;
  case ConditionOperator::ip_address:
  case ConditionOperator::not_ip_address:
    return ConditionFamily::ip_address;
  case ConditionOperator::arn_equals:
  case ConditionOperator::arn_like:
  case ConditionOperator::arn_not_equals:
  case ConditionOperator::arn_not_like:
    return ConditionFamily::arn;
  case ConditionOperator::null:
    return ConditionFamily::null;
  }
  return ConditionFamily::string;
}

bool is_negated(ConditionOperator op) {
  switch (op) {
  case ConditionOperator::string_not_equals:
  case ConditionOperator::string_not_equals_ignore_case:
  case ConditionOperator::string_not_like:
  case ConditionOperator::numeric_not_equals:
  case ConditionOperator::date_not_equals:
  case ConditionOperator::not_ip_address:
  case ConditionOperator::arn_not_equals:
  case ConditionOperator::arn_not_like:
    return true;
  default:
    return false;
  }
}

void append_statement_label(std::string& out, const Statement& statement) {
  // Sized once: every ground of an access and many findings name a statement.
  out.reserve(out.size() + k_label_room + (statement.sid ? statement.sid->size() : 0));
  out += "statement ";
  model::append_decimal(out, statement.index);
  if (statement.sid && !statement.sid->empty()) {
    out += " (Sid \"";
    out += *statement.sid;
    out += "\")";
  }
}

std::string statement_label(const Statement& statement) {
  std::string out;
  append_statement_label(out, statement);
  return out;
}

std::string statement_content(const Statement& statement) {
  const auto values = [](const auto& entries) {
    std::string out;
    for (const auto& entry : entries)
      out += (out.empty() ? "" : ", ") + entry.value.text;
    return out;
  };
  std::string out = statement.effect == Effect::allow ? "Allow " : "Deny ";
  out += (statement.actions.negated ? "all but " : "") + values(statement.actions.entries);
  if (statement.principal) {
    out += statement.principal->negated ? " to all but " : " to ";
    out += values(statement.principal->entries);
  }
  if (statement.resources && statement.resources->negated)
    out += " on all but " + values(statement.resources->entries);
  for (std::size_t i = 0; i < statement.conditions.size(); ++i) {
    const ConditionClause& clause = statement.conditions[i];
    std::string listed;
    for (const model::Value& value : clause.values)
      listed += (listed.empty() ? "" : ", ") + value.text;
    out += (i == 0 ? " when " : " and ") + clause.operator_text + " " + clause.key + " " + listed;
  }
  return out;
}

std::string_view to_string(ConditionOperator op) {
  for (const auto& entry : k_operators) {
    if (entry.op == op)
      return entry.name;
  }
  return "?";
}

ClassifiedPrincipal classify_principal(PrincipalSection section, const model::Value& value) {
  if (!value.known())
    return {PrincipalForm::unknown, {}};
  const std::string& text = value.text;
  switch (section) {
  case PrincipalSection::service:
    return {PrincipalForm::service, {}};
  case PrincipalSection::federated:
  case PrincipalSection::canonical_user:
    return {PrincipalForm::other, {}};
  case PrincipalSection::any:
  case PrincipalSection::aws:
    break;
  }
  if (text == "*")
    return {PrincipalForm::any, {}};
  // "The account ARN and the shortened account ID behave the same way" [IAM-PRINCIPAL].
  if (is_account_id(text))
    return {PrincipalForm::account, text};
  const auto arn = split_arn(text);
  if (!arn || !is_account_id(arn->account))
    return {PrincipalForm::other, {}};
  const std::string account(arn->account);
  const std::string_view resource = arn->resource;
  if (arn->service == "iam") {
    if (resource == "root")
      return {PrincipalForm::account, account};
    if (resource.starts_with("user/"))
      return {PrincipalForm::user, account};
    if (resource.starts_with("role/"))
      return {PrincipalForm::role, account};
  } else if (arn->service == "sts") {
    if (resource.starts_with("assumed-role/"))
      return {PrincipalForm::assumed_role, account};
    if (resource.starts_with("federated-user/"))
      return {PrincipalForm::federated_user, account};
  }
  return {PrincipalForm::other, {}};
}

const model::Diagnostic* Document::first_error() const {
  for (const model::Diagnostic& diagnostic : diagnostics) {
    if (diagnostic.level == model::DiagnosticLevel::error)
      return &diagnostic;
  }
  return nullptr;
}

Document parse_document(const nlohmann::json& json, PolicyKind kind,
                        const model::SymbolResolver& symbols, const ParseOptions& options) {
  return Parser(kind, symbols, options).run(json);
}

Document parse_document_text(std::string_view text, PolicyKind kind,
                             const model::SymbolResolver& symbols, const ParseOptions& options) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded())
    return Parser(kind, symbols, options).fail_text("policy is not valid JSON");
  return parse_document(json, kind, symbols, options);
}

} // namespace tfkms::policy
