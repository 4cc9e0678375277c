// TFKMS002: data encrypted with an AWS managed key is shared with another account, whose reads will
// fail. See rules/TFKMS002.md and kms-reference §4.1 (every crypto permission of an AWS managed key
// requires kms:CallerAccount = the owning account) and §4.3 (the configurations that break).
#include "analysis/access.hpp"
#include "policy/evaluate.hpp"
#include "policy/match.hpp"
#include "policy/policy_source.hpp"
#include "rules/fix_edits.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

namespace tfkms::rules {
namespace {

// Stand-in for "a principal of some other account" when a policy names no account (Principal "*"
// limited to an organisation): any 12-digit id other than the key's account behaves the same.
constexpr std::string_view k_other_account = "999999999999";

/// Someone a resource policy lets in, or a principal of another account in the input whose IAM
/// policy uses the store, who cannot use the AWS managed key.
struct Sharing {
  std::string who; ///< "account 222222222222", "any principal of organisation o-abc", "service
                   ///< sns.amazonaws.com"
  std::string principal; ///< the caller to evaluate: ARN, account id or service principal
  std::string
      key_policy_principal; ///< for the fix: the Principal value to name in a customer key policy
  std::string
      org_condition; ///< for the fix: aws:PrincipalOrgID value, when shared with an organisation
  Evidence evidence;
  bool consumer = false; ///< found through the principal's identity policy, not the resource policy
  /// For the fix: the conditions of the sharing statement that limit who may call or on whose
  /// behalf ({"StringEquals": {"aws:SourceAccount": ["111122223333"]}}), carried over to the key.
  nlohmann::json limits = nlohmann::json::object();
  bool limits_unknown = false; ///< a limit's value is known only at deployment: no mechanical fix
  /// Deny statements of the store's policy that take part of the sharing away, under their
  /// conditions: what is shared is what they leave.
  std::vector<Evidence> narrowed_by = {};
};

// Condition keys that say who calls or on whose behalf (kms-reference §2.3): a key-policy
// statement that replaces a sharing keeps each of them, so it is never wider than the sharing.
constexpr std::string_view k_limit_keys[] = {
    "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
    "aws:sourceaccount",  "aws:sourcearn",         "aws:sourceorgid",      "kms:calleraccount"};

bool limits_callers(const policy::ConditionClause& clause) {
  return std::find(std::begin(k_limit_keys), std::end(k_limit_keys), clause.key_lower) !=
         std::end(k_limit_keys);
}

// "aws:PrincipalAccount and aws:SourceArn": the limits a sharing statement sets, for messages.
std::string limit_keys_text(const policy::Statement& statement) {
  std::vector<std::string> keys;
  for (const policy::ConditionClause& clause : statement.conditions) {
    if (limits_callers(clause) && std::find(keys.begin(), keys.end(), clause.key) == keys.end()) {
      keys.push_back(clause.key);
    }
  }
  return join_words(keys);
}

void carry_limits(const policy::Statement& statement, Sharing& sharing) {
  for (const policy::ConditionClause& clause : statement.conditions) {
    if (!limits_callers(clause))
      continue;
    nlohmann::json values = nlohmann::json::array();
    for (const model::Value& value : clause.values) {
      if (!value.known())
        sharing.limits_unknown = true;
      values.push_back(value.text);
    }
    sharing.limits[clause.operator_text][clause.key] = std::move(values);
  }
}

/// A request that uses the store's data: the service action and the resource it names.
struct Use {
  std::string_view action;
  std::string resource;
};

// What reading and writing the store look like to IAM (the data-store table). Stores another
// account cannot reach by IAM or a resource policy (volumes, databases, ...) are shared in other
// ways (snapshots, AMIs) that the graph does not model.
std::vector<Use> uses_of(const model::DataStore& store, const std::string& arn) {
  const model::DataStoreType& type = model::data_store_type(store.kind);
  std::vector<Use> uses;
  if (!type.other_accounts_use)
    return uses;
  for (const model::ServiceUse& use : {type.reader, type.writer}) {
    if (!use.action.empty())
      uses.push_back({use.action, arn + std::string(use.resource_suffix)});
  }
  return uses;
}

const policy::ConditionClause* find_clause(const policy::Statement& statement,
                                           std::string_view key_lower) {
  for (const auto& clause : statement.conditions) {
    if (clause.key_lower == key_lower && !policy::is_negated(clause.op))
      return &clause;
  }
  return nullptr;
}

// Reading needs the reader's KMS action; stores that services write to (queues, topics) are used by
// their senders, with the writer's.
std::string_view needed_action(const model::DataStore& store) {
  const model::DataStoreType& type = model::data_store_type(store.kind);
  const bool by_writers = type.services_write || type.reader.action.empty();
  return by_writers ? type.writer.kms_action : type.reader.kms_action;
}

// The use the sharing is about: the one whose KMS action needed_action() names.
std::optional<Use> needed_use(const model::DataStore& store, const model::Graph& graph) {
  const model::DataStoreType& type = model::data_store_type(store.kind);
  const model::Value arn = model::resolve_value(store.arn, graph);
  const bool by_writers = type.services_write || type.reader.action.empty();
  const model::ServiceUse& use = by_writers ? type.writer : type.reader;
  if (!arn.known() || use.action.empty())
    return std::nullopt;
  return Use{use.action, arn.text + std::string(use.resource_suffix)};
}

// `StringNotEquals aws:PrincipalOrgID "o-abc"`, for messages.
std::string conditions_text(const policy::Statement& statement) {
  std::vector<std::string> parts;
  for (const policy::ConditionClause& clause : statement.conditions) {
    std::string values;
    for (const model::Value& value : clause.values)
      values += (values.empty() ? "\"" : ", \"") + value.text + "\"";
    parts.push_back(clause.operator_text + " " + clause.key + " " + values);
  }
  return join_words(parts);
}

std::string store_policy_name(const model::DataStore& store) {
  return std::string(model::data_store_type(store.kind).policy_label);
}

// An Allow that names this store (not only "*"): a policy written for it, not an administrator's
// access to everything, which says nothing about who consumes the data.
bool names_store(const policy::Statement& statement, const Use& use) {
  return statement.resources && !statement.resources->negated &&
         std::any_of(statement.resources->entries.begin(), statement.resources->entries.end(),
                     [&](const policy::PatternEntry& entry) {
                       return entry.value.known() && entry.value.text != "*" &&
                              policy::resource_match(policy::encode_wildcards(entry.value.text),
                                                     use.resource);
                     });
}

/// The identity policy and statement that let a principal use the store.
struct Allowing {
  std::size_t policy = 0;
  const policy::Statement* statement = nullptr;
};

// Asks the evaluator whether `caller`'s identity policies allow `use` (IAM alone decides a store's
// own service actions [IAM-EVAL]), and returns an allowing statement written for this store.
std::optional<Allowing> allowing_statement(const std::vector<policy::CompiledPolicy>& policies,
                                           const std::string& caller, const Use& use) {
  const auto prepared = policy::prepare({.principal = caller,
                                         .principal_type = std::nullopt,
                                         .action = std::string(use.action),
                                         .resource = use.resource,
                                         .context = {}});
  if (!prepared)
    return std::nullopt;
  const policy::Decision decision = policy::decide(prepared.value(), nullptr, policies, {});
  if (decision.outcome != policy::Outcome::allowed)
    return std::nullopt; // denied, or depends on a value unknown before apply: claim nothing
  for (const policy::Reason& reason : decision.reasons) {
    if (reason.kind != policy::ReasonKind::allows ||
        reason.source != policy::ReasonSource::identity_policy)
      continue;
    const policy::Statement& statement =
        policies[reason.policy].document().statements[reason.statement];
    if (names_store(statement, use))
      return Allowing{reason.policy, &statement};
  }
  return std::nullopt;
}

class AwsManagedKeyShared final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check(const RuleContext& context, FindingSink& out) const override {
    const model::Graph& graph = context.graph;
    // The strongest identity policy an outsider could hold: only the key policy can then refuse.
    const std::vector<policy::CompiledPolicy> allow_all{policy::compile(policy::parse_document(
        nlohmann::json::parse(
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"),
        policy::PolicyKind::identity_policy, graph))};
    // The same for every store: which of the input's roles and users belong to another account, and
    // the policy of each AWS managed key (a plan has hundreds of stores and a few such keys).
    std::vector<const model::Principal*> outsiders;
    for (const model::Principal& principal : graph.principals) {
      const bool outside = principal.kind != model::PrincipalKind::group &&
                           context.is_external(graph.account_of(principal));
      if (outside)
        outsiders.push_back(&principal);
    }
    std::map<model::KeyId, policy::CompiledPolicy> key_policies;
    for (const model::DataStore& store : graph.data_stores) {
      if (store.key.kind != model::KeyRef::Kind::node || !store.key.key)
        continue;
      const model::Key& key = graph.key(*store.key.key);
      if (key.kind != model::KeyKind::aws_managed)
        continue;
      // An unknown resource policy is TFKMS010's; the input's principals still count.
      const bool policy_shares =
          model::data_store_type(store.kind).other_accounts_use &&
          store.resource_policy.state == model::PolicySource::State::document;
      const std::optional<policy::Document> store_policy =
          store.resource_policy.state == model::PolicySource::State::document
              ? std::optional(policy::parse_policy(
                    store.resource_policy, policy::PolicyKind::resource_policy, graph,
                    !model::data_store_type(store.kind).policy_names_resource))
              : std::nullopt;
      std::vector<Sharing> shared =
          policy_shares ? sharing(context, store, *store_policy) : std::vector<Sharing>{};
      std::vector<Sharing> users = consumers(graph, outsiders, store);
      shared.insert(shared.end(), std::make_move_iterator(users.begin()),
                    std::make_move_iterator(users.end()));
      // Its Denies bind those it shares with and the outsiders whose IAM uses it alike.
      const std::optional<Use> use = needed_use(store, graph);
      if (store_policy && use)
        apply_denies(*store_policy, store, *use, shared);
      auto compiled = key_policies.find(*store.key.key);
      if (compiled == key_policies.end()) {
        policy::Document document =
            policy::parse_policy(key.policy, policy::PolicyKind::key_policy, graph);
        compiled = key_policies.emplace(*store.key.key, policy::compile(std::move(document))).first;
      }
      const policy::CompiledPolicy& key_policy = compiled->second;
      std::erase_if(shared, [&](const Sharing& item) {
        return can_use(context, key, key_policy, allow_all, store, item);
      });
      if (!shared.empty())
        out.report(describe(context, store, key, shared), store.source);
    }
    for (const model::Grant& grant : graph.grants) {
      if (grant.key.kind != model::KeyRef::Kind::node || !grant.key.key)
        continue;
      const model::Key& key = graph.key(*grant.key.key);
      if (key.kind != model::KeyKind::aws_managed ||
          account_can_create_grant(context.access(*grant.key.key)))
        continue;
      out.report(describe(context, grant, key), grant.source);
    }
  }

private:
  static std::vector<Sharing> sharing(const RuleContext& context, const model::DataStore& store,
                                      const policy::Document& document) {
    std::vector<Sharing> found;
    const bool service_senders = model::data_store_type(store.kind).services_write;
    for (const policy::Statement& statement : document.statements) {
      if (statement.effect != policy::Effect::allow || !statement.readable || !statement.principal)
        continue;
      const auto add = [&](std::string who, std::string principal, std::string named,
                           std::string org) {
        found.push_back(
            {who, std::move(principal), std::move(named), std::move(org),
             statement_evidence(statement, store.resource_policy, "lets " + who + " in")});
        carry_limits(statement, found.back());
      };
      if (statement.principal->negated) {
        add("every principal except those listed in NotPrincipal", std::string(k_other_account),
            "*", "");
        continue;
      }
      for (const policy::PrincipalEntry& entry : statement.principal->entries) {
        switch (entry.form) {
        case policy::PrincipalForm::account:
        case policy::PrincipalForm::user:
        case policy::PrincipalForm::role:
        case policy::PrincipalForm::assumed_role:
        case policy::PrincipalForm::federated_user:
          if (!context.is_external(entry.account))
            break;
          // The key policy names whom the store does, never more: a role or user shared with
          // stays that role or user, an account its root (TFKMS004 weighs either).
          if (entry.form == policy::PrincipalForm::account) {
            add("account " + entry.account, entry.value.text,
                "arn:" + context.graph.partition + ":iam::" + entry.account + ":root", "");
          } else {
            add(entry.value.text + " (account " + entry.account + ")", entry.value.text,
                entry.value.text, "");
          }
          break;
        case policy::PrincipalForm::any:
          if (const auto* org = find_clause(statement, "aws:principalorgid");
              org && !org->values.empty()) {
            add("any principal of organisation " + org->values.front().text,
                std::string(k_other_account), "*", org->values.front().text);
          } else if (!limited_to_internal(context, statement)) {
            const std::string limits = limit_keys_text(statement);
            add(limits.empty()
                    ? "any principal of any account"
                    : "principals of other accounts that its " + limits + " condition admits",
                std::string(k_other_account), "*", "");
          }
          break;
        case policy::PrincipalForm::service:
          // Services that send to encrypted queues and topics need the key policy to name them
          // (kms-reference §4.3 rows 3-4), which an AWS managed key's policy never does.
          if (service_senders)
            add("service " + entry.value.text, entry.value.text, "", "");
          break;
        default:
          break;
        }
      }
    }
    return found;
  }

  // The store policy's Deny statements decide what its Allows share (an explicit deny overrides
  // every allow, [IAM-EVAL], kms-reference §3.1): one that applies to a sharing's use with no
  // condition ends that sharing; one with conditions is named, since the sharing holds only where
  // they do not.
  static void apply_denies(const policy::Document& document, const model::DataStore& store,
                           const Use& use, std::vector<Sharing>& found) {
    for (const policy::Statement& statement : document.statements) {
      if (!statement.effect_known || statement.effect != policy::Effect::deny)
        continue;
      std::vector<Sharing> kept;
      for (Sharing& item : found) {
        policy::Tri applies = deny_applies(statement, item.principal, use, Conditions::aside);
        // Conditions on who calls decide alike for every request of a named caller (not a
        // stand-in for many accounts): the evaluator answers them for it.
        if (applies != policy::Tri::no && !statement.conditions.empty() &&
            item.principal != k_other_account &&
            tests_only_the_caller(statement, whole_account(item.principal))) {
          applies = deny_applies(statement, item.principal, use, Conditions::on_the_caller);
          if (applies == policy::Tri::yes)
            continue;
        }
        if (applies == policy::Tri::yes && statement.conditions.empty())
          continue;
        if (applies != policy::Tri::no) {
          item.narrowed_by.push_back(statement_evidence(
              statement, store.resource_policy,
              "denies " + item.who + " " + std::string(use.action) +
                  (statement.conditions.empty() ? std::string()
                                                : " when " + conditions_text(statement)) +
                  ", which overrides the statement sharing it"));
        }
        kept.push_back(std::move(item));
      }
      found = std::move(kept);
    }
  }

  enum class Conditions { aside, on_the_caller };

  // An account (its id or root ARN) stands for every principal of it.
  static bool whole_account(std::string_view principal) {
    return account_of(principal) && (principal.size() == 12 || principal.ends_with(":root"));
  }

  // Whether every condition of `statement` tests a key each request carries from its caller alone
  // (policy::prepare derives them, kms-reference §2.3), so that the evaluator decides it for one
  // caller as for all its requests. For a whole account, only the keys that name the account.
  static bool tests_only_the_caller(const policy::Statement& statement, bool whole_account) {
    constexpr std::string_view k_account_keys[] = {"aws:principalaccount", "kms:calleraccount"};
    constexpr std::string_view k_caller_keys[] = {
        "aws:principalaccount", "aws:principalarn",          "aws:principaltype",
        "kms:calleraccount",    "aws:principalisawsservice", "aws:principalservicename"};
    const auto tests_a = [&](const auto& keys, const policy::ConditionClause& clause) {
      return std::find(std::begin(keys), std::end(keys), clause.key_lower) != std::end(keys);
    };
    return std::all_of(statement.conditions.begin(), statement.conditions.end(),
                       [&](const policy::ConditionClause& clause) {
                         return whole_account ? tests_a(k_account_keys, clause)
                                              : tests_a(k_caller_keys, clause);
                       });
  }

  // Whether resource-policy Deny `statement` applies to `caller`'s `use`, as the evaluator decides
  // it: its conditions aside, or with them decided for the caller (tests_only_the_caller()). The
  // evaluator reads a Principal element in key policies only, and a key policy only for KMS
  // actions, so it is asked twice: whether the statement names the caller (its Principal, and
  // conditions, on a KMS request for any key), and whether it covers the use (its Action and
  // Resource, as a statement of the caller's own).
  static policy::Tri deny_applies(const policy::Statement& statement, const std::string& caller,
                                  const Use& use, Conditions conditions) {
    static const policy::Document probe = policy::parse_document(
        nlohmann::json::parse(
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]})"),
        policy::PolicyKind::key_policy, model::NoSymbols{});
    policy::Statement alone = statement;
    alone.index = 0;
    alone.conditions.clear();
    policy::Document names = probe;
    names.statements.front().principal = alone.principal;
    if (conditions == Conditions::on_the_caller)
      names.statements.front().conditions = statement.conditions;
    policy::Document covers = probe;
    covers.kind = policy::PolicyKind::identity_policy;
    covers.statements = {alone};
    covers.statements.front().principal.reset();
    const auto named = policy::prepare({.principal = caller,
                                        .principal_type = std::nullopt,
                                        .action = "kms:Decrypt",
                                        .resource = "*",
                                        .context = {}});
    const auto used = policy::prepare({.principal = caller,
                                       .principal_type = std::nullopt,
                                       .action = std::string(use.action),
                                       .resource = use.resource,
                                       .context = {}});
    if (!named || !used)
      return policy::Tri::maybe;
    const policy::CompiledPolicy naming = policy::compile(std::move(names));
    const policy::CompiledPolicy covering = policy::compile(std::move(covers));
    const auto denied = [](const policy::Decision& decision) {
      switch (decision.outcome) {
      case policy::Outcome::explicitly_denied:
        return policy::Tri::yes;
      case policy::Outcome::unknown:
        return policy::Tri::maybe;
      default:
        return policy::Tri::no;
      }
    };
    return policy::tri_and(denied(policy::decide(named.value(), &naming, {}, {})),
                           denied(policy::decide(used.value(), nullptr, {covering}, {})));
  }

  // Roles and users of the input that belong to another account (`outsiders`) and whose own IAM
  // policies let them use the store (kms-reference §4.3 row 11: consumers in another account). A
  // role of the key's account that another account assumes is not one: its calls come from the
  // key's account.
  static std::vector<Sharing> consumers(const model::Graph& graph,
                                        const std::vector<const model::Principal*>& outsiders,
                                        const model::DataStore& store) {
    std::vector<Sharing> found;
    const model::Value arn = model::resolve_value(store.arn, graph);
    if (!arn.known())
      return found;
    const std::vector<Use> uses = uses_of(store, arn.text);
    if (uses.empty())
      return found;
    for (const model::Principal* outsider : outsiders) {
      const model::Principal& principal = *outsider;
      const model::Value caller = model::resolve_value(principal.arn, graph);
      if (!caller.known())
        continue;
      std::vector<const model::IdentityPolicy*> sources;
      for (const model::PolicyId id : principal.policies)
        sources.push_back(&graph.policy(id));
      for (const model::PrincipalId group : principal.groups) {
        for (const model::PolicyId id : graph.principal(group).policies)
          sources.push_back(&graph.policy(id));
      }
      std::vector<policy::CompiledPolicy> policies;
      for (const model::IdentityPolicy* source : sources) {
        policies.push_back(policy::compile(
            policy::parse_policy(source->document, policy::PolicyKind::identity_policy, graph)));
      }
      for (const Use& use : uses) {
        const auto allowing = allowing_statement(policies, caller.text, use);
        if (!allowing)
          continue;
        const model::IdentityPolicy& source = *sources[allowing->policy];
        const std::string who =
            principal.source.name() + " (account " + graph.account_of(principal) + ")";
        found.push_back({who, caller.text, caller.text, "",
                         statement_evidence(*allowing->statement, source.document,
                                            "of " + source.name + " lets " + who + " " +
                                                std::string(use.action)),
                         true});
        break; // one use is enough to name the principal
      }
    }
    return found;
  }

  // Principal "*" limited to our own (or trusted) accounts by an account condition.
  static bool limited_to_internal(const RuleContext& context, const policy::Statement& statement) {
    for (const std::string_view key :
         {"aws:principalaccount", "kms:calleraccount", "aws:sourceaccount"}) {
      const auto* clause = find_clause(statement, key);
      if (clause && !clause->values.empty() &&
          std::all_of(clause->values.begin(), clause->values.end(), [&](const model::Value& value) {
            return value.known() && context.is_internal(value.text);
          })) {
        return true;
      }
    }
    return false;
  }

  // Confirms with the evaluator that the outsider cannot use the key even with an identity policy
  // that allows everything, through the store's own service (kms:ViaService), as the store would.
  static bool can_use(const RuleContext& context, const model::Key& key,
                      const policy::CompiledPolicy& key_policy,
                      const std::vector<policy::CompiledPolicy>& allow_all,
                      const model::DataStore& store, const Sharing& item) {
    const std::string region =
        context.graph.region.empty() ? std::string(model::k_this_region) : context.graph.region;
    policy::Request request;
    request.principal = item.principal;
    request.action = std::string(needed_action(store));
    request.resource = shown(context.graph, key.arn);
    const std::string via(model::via_service_of_managed_key(key.managed_service));
    request.context.push_back({"kms:ViaService", {via + "." + region + ".amazonaws.com"}});
    const auto prepared = policy::prepare(request);
    if (!prepared)
      return false; // the AWS rule (§4.1) stands on its own when the request cannot be built
    const policy::Decision decision = policy::decide(prepared.value(), &key_policy, allow_all, {});
    return decision.outcome == policy::Outcome::allowed;
  }

  // Whether a principal of the key's own account, with an identity policy that allows everything,
  // can call CreateGrant directly, as aws_kms_grant does: not through a service (no
  // kms:ViaService). The fixed policy of an AWS managed key allows CreateGrant only through its
  // service (kms-reference §4.1).
  static bool account_can_create_grant(const analysis::KeyAccess& access) {
    for (const analysis::Subject& subject : access.subjects()) {
      const bool own_account =
          subject.key_account && (subject.kind == analysis::SubjectKind::account_root ||
                                  subject.kind == analysis::SubjectKind::account_principals);
      if (!own_account)
        continue;
      const analysis::Answer answer =
          analysis::can(access, {std::nullopt, subject.arn, true}, "kms:CreateGrant",
                        {{"kms:GrantIsForAWSResource", {"false"}}});
      if (answer.outcome != policy::Outcome::implicitly_denied &&
          answer.outcome != policy::Outcome::explicitly_denied) {
        return true; // allowed, or unknown: claim nothing
      }
    }
    return false;
  }

  static Finding describe(const RuleContext& context, const model::Grant& grant,
                          const model::Key& key) {
    Finding finding = new_finding(k_info);
    const std::string alias = "alias/aws/" + key.managed_service;
    const model::Value grantee = model::resolve_value(grant.grantee, context.graph);
    const std::optional<std::string> grantee_account =
        grantee.known() ? account_of(grantee.text) : std::nullopt;
    const bool other_account = grantee_account && context.is_external(*grantee_account);
    finding.message = "Grant " + grant.source.name() + " is on the AWS managed key " + alias +
                      ", whose fixed policy lets no principal call CreateGrant directly, as this "
                      "resource does (the key "
                      "is used only through " +
                      key.managed_service + ", kms:ViaService): the apply will fail" +
                      (other_account ? ", and no grant or policy can let account " +
                                           *grantee_account + " use an AWS managed key."
                                     : ".");
    finding.evidence.push_back(evidence_at(grant.source, "grant on " + alias));
    if (grantee.known())
      finding.evidence.push_back(evidence_at(grant.source, "grantee_principal = " + grantee.text));
    finding.fix = "Create the grant on a customer managed key (aws_kms_key) whose key policy lets "
                  "the deploying "
                  "principal create it; an AWS managed key serves only its service, on its own "
                  "account's behalf.";
    return finding;
  }

  static Finding describe(const RuleContext& context, const model::DataStore& store,
                          const model::Key& key, const std::vector<Sharing>& shared) {
    Finding finding = new_finding(k_info);
    const std::string alias = "alias/aws/" + key.managed_service;
    std::vector<std::string> shared_with;
    std::vector<std::string> used_by;
    for (const Sharing& item : shared)
      (item.consumer ? used_by : shared_with).push_back(item.who);
    std::vector<std::string> how;
    if (!shared_with.empty())
      how.push_back("its " + store_policy_name(store) + " shares it with " +
                    join_words(shared_with));
    if (!used_by.empty())
      how.push_back(join_words(used_by) + (used_by.size() == 1 ? " uses" : " use") +
                    " it through IAM");
    const std::string uses = needed_action(store) == "kms:Decrypt" ? "reads" : "writes";
    finding.message =
        store.source.name() + " is encrypted with the AWS managed key " + alias +
        (store.key.service_default ? " (the service default, as no key is set)" : "") + ", but " +
        join_words(how) +
        (used_by.empty() ? ", whose " + uses : "; " + uses + " from another account") +
        " will fail: an AWS managed key only works for its own account.";
    finding.evidence.push_back(evidence_at(store.source, "encrypted with " + alias));
    for (const Sharing& item : shared)
      finding.evidence.push_back(item.evidence);
    for (const Sharing& item : shared) {
      for (const Evidence& deny : item.narrowed_by)
        finding.evidence.push_back(deny);
    }

    set_fix(context, finding, store, key, shared, !used_by.empty() && shared_with.empty());
    return finding;
  }

  // The statement a customer managed key's policy needs instead, as data the user can paste: the
  // principals the sharing names, with every limit it had (organisation, accounts, source
  // conditions), used only through the store's service (kms:ViaService) as the data is. Sharing
  // with every account, or with a limit known only at deployment, is the owner's choice to make.
  static void set_fix(const RuleContext& context, Finding& finding, const model::DataStore& store,
                      const model::Key& key, const std::vector<Sharing>& shared,
                      bool needs_store_policy) {
    nlohmann::json aws = nlohmann::json::array();
    nlohmann::json services = nlohmann::json::array();
    nlohmann::json condition = nlohmann::json::object();
    bool unlimited_any = false;
    bool limits_unknown = false;
    for (const Sharing& item : shared) {
      const std::string& principal = item.key_policy_principal;
      const bool service = principal.empty();
      nlohmann::json& list = service ? services : aws;
      const std::string name = service ? item.principal : principal;
      if (std::find(list.begin(), list.end(), name) == list.end())
        list.push_back(name);
      if (!item.org_condition.empty()) {
        condition["StringEquals"]["aws:PrincipalOrgID"] = item.org_condition;
      }
      for (const auto& [op, clauses] : item.limits.items()) {
        for (const auto& [limit_key, values] : clauses.items())
          condition[op][limit_key] = values;
      }
      unlimited_any =
          unlimited_any || (principal == "*" && item.org_condition.empty() && item.limits.empty());
      limits_unknown = limits_unknown || item.limits_unknown;
    }
    const std::string name = store.source.name();
    const std::string other_policy =
        needs_store_policy && !model::data_store_type(store.kind).terraform_policy.type.empty()
            ? " The other account's principals also need the " + store_policy_name(store) +
                  " to let them in."
            : "";
    if (unlimited_any || limits_unknown) {
      const std::string why =
          unlimited_any ? "The data is shared with every AWS account, and a key policy that "
                          "does the same opens the key to all of them."
                        : "A limit of the sharing is known only at deployment.";
      finding.fix_edit = choice_fix(
          {"Limit the " + store_policy_name(store) + " to the accounts or organisation that need " +
               name +
               ", then encrypt it with a customer managed key whose policy names exactly those.",
           "Encrypt " + name +
               " with a customer managed key whose policy copies the sharing's limits "
               "and adds kms:ViaService for " +
               key.managed_service + "."});
      finding.fix = why + " " + options_text(finding.fix_edit.options);
      return;
    }
    // Services call KMS themselves; principals of other accounts call it through the store's
    // service.
    if (services.empty()) {
      // A region the input does not say stays a placeholder the user fills in.
      const std::string region =
          context.graph.region.empty() || context.graph.region == model::k_this_region
              ? std::string("<region>")
              : context.graph.region;
      const std::string via(model::via_service_of_managed_key(key.managed_service));
      condition["StringEquals"]["kms:ViaService"] = via + "." + region + ".amazonaws.com";
    }
    nlohmann::json principal = nlohmann::json::object();
    if (!aws.empty())
      principal["AWS"] = aws.size() == 1 ? aws[0] : aws;
    if (!services.empty())
      principal["Service"] = services.size() == 1 ? services[0] : services;
    nlohmann::json statement = {
        {"Sid", "AllowSharedAccountsToUseKey"},
        {"Effect", "Allow"},
        {"Principal", principal},
        {"Action", {"kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"}},
        {"Resource", "*"}};
    if (!condition.empty())
      statement["Condition"] = condition;
    finding.fix = "Encrypt " + name +
                  " with a customer managed key (aws_kms_key / AWS::KMS::Key) and add to "
                  "its key policy: " +
                  statement.dump() + other_policy;
    finding.fix_edit = FixEdit{.kind = FixKind::new_key_statement,
                               .policy = {},
                               .statement = std::nullopt,
                               .json = statement.dump(),
                               .options = {},
                               .property = {}};
  }

  static constexpr RuleInfo k_info{"TFKMS002", "AwsManagedKeySharedCrossAccount",
                                   "AWS managed key on data shared with another account",
                                   Severity::high, doc_for("TFKMS002")};
};

} // namespace

std::unique_ptr<Rule> make_tfkms002_aws_managed_key_shared() {
  return std::make_unique<AwsManagedKeyShared>();
}

} // namespace tfkms::rules
