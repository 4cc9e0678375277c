// TFKMS002: data encrypted with an AWS managed key is shared with another account, whose reads will
// fail. See rules/TFKMS002.md and kms-reference §4.1 (every crypto permission of an AWS managed key
// requires kms:CallerAccount = the owning account) and §4.3 (the configurations that break).
#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "analysis/access.hpp"
#include "policy/evaluate.hpp"
#include "policy/match.hpp"
#include "policy/policy_source.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

namespace tfkms::rules {
namespace {

// Stand-in for "a principal of some other account" when a policy names no account (Principal "*"
// limited to an organisation): any 12-digit id other than the key's account behaves the same.
constexpr std::string_view k_other_account = "999999999999";

/// Someone a resource policy lets in, or a principal of another account in the input whose IAM policy
/// uses the store, who cannot use the AWS managed key.
struct Sharing {
  std::string who;       ///< "account 222222222222", "any principal of organisation o-abc", "service sns.amazonaws.com"
  std::string principal; ///< the caller to evaluate: ARN, account id or service principal
  std::string key_policy_principal; ///< for the fix: the Principal value to name in a customer key policy
  std::string org_condition;        ///< for the fix: aws:PrincipalOrgID value, when shared with an organisation
  Evidence evidence;
  bool consumer = false; ///< found through the principal's identity policy, not the resource policy
};

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
  if (!type.other_accounts_use) return uses;
  for (const model::ServiceUse& use : {type.reader, type.writer}) {
    if (!use.action.empty()) uses.push_back({use.action, arn + std::string(use.resource_suffix)});
  }
  return uses;
}

const policy::ConditionClause* find_clause(const policy::Statement& statement, std::string_view key_lower) {
  for (const auto& clause : statement.conditions) {
    if (clause.key_lower == key_lower && !policy::is_negated(clause.op)) return &clause;
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

std::string store_policy_name(const model::DataStore& store) {
  return std::string(model::data_store_type(store.kind).policy_label);
}

bool pattern_matches(const policy::PatternElement& element, std::string_view text, bool resource) {
  const bool any = std::any_of(element.entries.begin(), element.entries.end(), [&](const policy::PatternEntry& entry) {
    if (!entry.value.known()) return false; // unknown before apply: never assumed to match
    const std::string pattern = policy::encode_wildcards(entry.value.text);
    return resource ? policy::resource_match(pattern, text) : policy::wildcard_match(pattern, text, policy::Case::insensitive);
  });
  return element.negated ? !any : any;
}

bool statement_matches(const policy::Statement& statement, const Use& use) {
  return statement.readable && statement.resources && pattern_matches(statement.actions, use.action, false) &&
         pattern_matches(*statement.resources, use.resource, true);
}

// An Allow that names this store (not only "*"): a policy written for it, not an administrator's
// access to everything, which says nothing about who consumes the data.
bool names_store(const policy::Statement& statement, const Use& use) {
  return !statement.resources->negated &&
         std::any_of(statement.resources->entries.begin(), statement.resources->entries.end(),
                     [&](const policy::PatternEntry& entry) {
                       return entry.value.known() && entry.value.text != "*" &&
                              policy::resource_match(policy::encode_wildcards(entry.value.text), use.resource);
                     });
}

// The statement of `documents` that allows `use`, unless an unconditional Deny refuses it. The policy
// evaluator decides KMS actions only; for the store's own service action this is IAM's rule without
// conditions, which can only keep an Allow from counting, never invent one [IAM-EVAL].
std::optional<std::pair<std::size_t, const policy::Statement*>> allowing_statement(
    const std::vector<policy::Document>& documents, const Use& use) {
  std::optional<std::pair<std::size_t, const policy::Statement*>> allowed;
  for (std::size_t index = 0; index < documents.size(); ++index) {
    for (const policy::Statement& statement : documents[index].statements) {
      if (!statement_matches(statement, use)) continue;
      if (statement.effect == policy::Effect::deny && statement.conditions.empty()) return std::nullopt;
      if (statement.effect == policy::Effect::allow && statement.conditions.empty() && !allowed &&
          names_store(statement, use)) {
        allowed.emplace(index, &statement);
      }
    }
  }
  return allowed;
}

class AwsManagedKeyShared final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check(const RuleContext& context, FindingSink& out) const override {
    const model::Graph& graph = context.graph;
    // The strongest identity policy an outsider could hold: only the key policy can then refuse.
    const std::vector<policy::CompiledPolicy> allow_all{policy::compile(policy::parse_document(
        nlohmann::json::parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"),
        policy::PolicyKind::identity_policy, graph))};
    // The same for every store: which of the input's roles and users belong to another account, and
    // the policy of each AWS managed key (a plan has hundreds of stores and a few such keys).
    std::vector<const model::Principal*> outsiders;
    for (const model::Principal& principal : graph.principals) {
      const bool outside = principal.kind != model::PrincipalKind::group && context.is_external(principal.account);
      if (outside) outsiders.push_back(&principal);
    }
    std::map<model::KeyId, policy::CompiledPolicy> key_policies;
    for (const model::DataStore& store : graph.data_stores) {
      if (store.key.kind != model::KeyRef::Kind::node || !store.key.key) continue;
      const model::Key& key = graph.key(*store.key.key);
      if (key.kind != model::KeyKind::aws_managed) continue;
      // An unknown resource policy is TFKMS010's; the input's principals still count.
      const bool policy_shares =
          model::data_store_type(store.kind).other_accounts_use &&
          store.resource_policy.state == model::PolicySource::State::document;
      std::vector<Sharing> shared =
          policy_shares ? sharing(context, store) : std::vector<Sharing>{};
      std::vector<Sharing> users = consumers(graph, outsiders, store);
      shared.insert(shared.end(), std::make_move_iterator(users.begin()), std::make_move_iterator(users.end()));
      auto compiled = key_policies.find(*store.key.key);
      if (compiled == key_policies.end()) {
        policy::Document document = policy::parse_policy(key.policy, policy::PolicyKind::key_policy, graph);
        compiled = key_policies.emplace(*store.key.key, policy::compile(std::move(document))).first;
      }
      const policy::CompiledPolicy& key_policy = compiled->second;
      std::erase_if(shared,
                    [&](const Sharing& item) { return can_use(context, key, key_policy, allow_all, store, item); });
      if (!shared.empty()) out.report(describe(store, key, shared), store.source);
    }
    for (const model::Grant& grant : graph.grants) {
      if (grant.key.kind != model::KeyRef::Kind::node || !grant.key.key) continue;
      const model::Key& key = graph.key(*grant.key.key);
      if (key.kind != model::KeyKind::aws_managed || account_can_create_grant(context.access(*grant.key.key))) continue;
      out.report(describe(context, grant, key), grant.source);
    }
  }

private:
  static std::vector<Sharing> sharing(const RuleContext& context, const model::DataStore& store) {
    std::vector<Sharing> found;
    const policy::Document document =
        policy::parse_policy(store.resource_policy, policy::PolicyKind::resource_policy, context.graph);
    const bool service_senders = model::data_store_type(store.kind).services_write;
    for (const policy::Statement& statement : document.statements) {
      if (statement.effect != policy::Effect::allow || !statement.readable || !statement.principal) continue;
      const auto add = [&](std::string who, std::string principal, std::string named, std::string org) {
        found.push_back({who, std::move(principal), std::move(named), std::move(org),
                         statement_evidence(statement, store.resource_policy, "lets " + who + " in")});
      };
      if (statement.principal->negated) {
        add("every principal except those listed in NotPrincipal", std::string(k_other_account), "*", "");
        continue;
      }
      for (const policy::PrincipalEntry& entry : statement.principal->entries) {
        switch (entry.form) {
        case policy::PrincipalForm::account:
        case policy::PrincipalForm::user:
        case policy::PrincipalForm::role:
        case policy::PrincipalForm::assumed_role:
        case policy::PrincipalForm::federated_user:
          if (!context.is_external(entry.account)) break;
          add(entry.form == policy::PrincipalForm::account ? "account " + entry.account
                                                           : entry.value.text + " (account " + entry.account + ")",
              entry.value.text, "arn:" + context.graph.partition + ":iam::" + entry.account + ":root", "");
          break;
        case policy::PrincipalForm::any:
          if (const auto* org = find_clause(statement, "aws:principalorgid"); org && !org->values.empty()) {
            add("any principal of organisation " + org->values.front().text, std::string(k_other_account), "*",
                org->values.front().text);
          } else if (!limited_to_internal(context, statement)) {
            add("any principal of any account", std::string(k_other_account), "*", "");
          }
          break;
        case policy::PrincipalForm::service:
          // Services that send to encrypted queues and topics need the key policy to name them
          // (kms-reference §4.3 rows 3-4), which an AWS managed key's policy never does.
          if (service_senders) add("service " + entry.value.text, entry.value.text, "", "");
          break;
        default: break;
        }
      }
    }
    return found;
  }

  // Roles and users of the input that belong to another account (`outsiders`) and whose own IAM
  // policies let them use the store (kms-reference §4.3 row 11: consumers in another account). A role
  // of the key's account that another account assumes is not one: its calls come from the key's account.
  static std::vector<Sharing> consumers(const model::Graph& graph, const std::vector<const model::Principal*>& outsiders,
                                        const model::DataStore& store) {
    std::vector<Sharing> found;
    const model::Value arn = model::resolve_value(store.arn, graph);
    if (!arn.known()) return found;
    const std::vector<Use> uses = uses_of(store, arn.text);
    if (uses.empty()) return found;
    for (const model::Principal* outsider : outsiders) {
      const model::Principal& principal = *outsider;
      const model::Value caller = model::resolve_value(principal.arn, graph);
      if (!caller.known()) continue;
      std::vector<const model::IdentityPolicy*> sources;
      for (const model::PolicyId id : principal.policies) sources.push_back(&graph.policy(id));
      for (const model::PrincipalId group : principal.groups) {
        for (const model::PolicyId id : graph.principal(group).policies) sources.push_back(&graph.policy(id));
      }
      std::vector<policy::Document> documents;
      for (const model::IdentityPolicy* source : sources) {
        documents.push_back(policy::parse_policy(source->document, policy::PolicyKind::identity_policy, graph));
      }
      for (const Use& use : uses) {
        const auto allowing = allowing_statement(documents, use);
        if (!allowing) continue;
        const auto [policy_index, statement] = *allowing;
        const std::string who = principal.source.name() + " (account " + principal.account + ")";
        found.push_back({who, caller.text, caller.text, "",
                         statement_evidence(*statement, sources[policy_index]->document,
                                            "of " + sources[policy_index]->name + " lets " + who + " " +
                                                std::string(use.action)),
                         true});
        break; // one use is enough to name the principal
      }
    }
    return found;
  }

  // Principal "*" limited to our own (or trusted) accounts by an account condition.
  static bool limited_to_internal(const RuleContext& context, const policy::Statement& statement) {
    for (const std::string_view key : {"aws:principalaccount", "kms:calleraccount", "aws:sourceaccount"}) {
      const auto* clause = find_clause(statement, key);
      if (clause && !clause->values.empty() &&
          std::all_of(clause->values.begin(), clause->values.end(),
                      [&](const model::Value& value) { return value.known() && context.is_internal(value.text); })) {
        return true;
      }
    }
    return false;
  }

  // Confirms with the evaluator that the outsider cannot use the key even with an identity policy
  // that allows everything, through the store's own service (kms:ViaService), as the store would.
  static bool can_use(const RuleContext& context, const model::Key& key, const policy::CompiledPolicy& key_policy,
                      const std::vector<policy::CompiledPolicy>& allow_all, const model::DataStore& store,
                      const Sharing& item) {
    const std::string region = context.graph.region.empty() ? std::string(model::k_this_region) : context.graph.region;
    policy::Request request;
    request.principal = item.principal;
    request.action = std::string(needed_action(store));
    request.resource = shown(context.graph, key.arn);
    const std::string via(model::via_service_of_managed_key(key.managed_service));
    request.context.push_back({"kms:ViaService", {via + "." + region + ".amazonaws.com"}});
    const auto prepared = policy::prepare(request);
    if (!prepared) return false; // the AWS rule (§4.1) stands on its own when the request cannot be built
    const policy::Decision decision = policy::decide(prepared.value(), &key_policy, allow_all, {});
    return decision.outcome == policy::Outcome::allowed;
  }

  // Whether a principal of the key's own account, with an identity policy that allows everything, can
  // call CreateGrant directly, as aws_kms_grant does: not through a service (no kms:ViaService). The
  // fixed policy of an AWS managed key allows CreateGrant only through its service (kms-reference §4.1).
  static bool account_can_create_grant(const analysis::KeyAccess& access) {
    for (const analysis::Subject& subject : access.subjects()) {
      const bool own_account = subject.key_account && (subject.kind == analysis::SubjectKind::account_root ||
                                                       subject.kind == analysis::SubjectKind::account_principals);
      if (!own_account) continue;
      const analysis::Answer answer = analysis::can(access, {std::nullopt, subject.arn, true}, "kms:CreateGrant",
                                                    {{"kms:GrantIsForAWSResource", {"false"}}});
      if (answer.outcome != policy::Outcome::implicitly_denied && answer.outcome != policy::Outcome::explicitly_denied) {
        return true; // allowed, or unknown: claim nothing
      }
    }
    return false;
  }

  static Finding describe(const RuleContext& context, const model::Grant& grant, const model::Key& key) {
    Finding finding = new_finding(k_info);
    const std::string alias = "alias/aws/" + key.managed_service;
    const model::Value grantee = model::resolve_value(grant.grantee, context.graph);
    const std::optional<std::string> grantee_account = grantee.known() ? account_of(grantee.text) : std::nullopt;
    const bool other_account = grantee_account && context.is_external(*grantee_account);
    finding.message = "Grant " + grant.source.name() + " is on the AWS managed key " + alias +
                      ", whose fixed policy lets no principal call CreateGrant directly, as this resource does (the key "
                      "is used only through " + key.managed_service + ", kms:ViaService): the apply will fail" +
                      (other_account ? ", and no grant or policy can let account " + *grantee_account + " use an AWS managed key."
                                     : ".");
    finding.evidence.push_back(evidence_at(grant.source, "grant on " + alias));
    if (grantee.known()) finding.evidence.push_back(evidence_at(grant.source, "grantee_principal = " + grantee.text));
    finding.fix = "Create the grant on a customer managed key (aws_kms_key) whose key policy lets the deploying "
                  "principal create it; an AWS managed key serves only its service, on its own account's behalf.";
    return finding;
  }

  static Finding describe(const model::DataStore& store, const model::Key& key,
                          const std::vector<Sharing>& shared) {
    Finding finding = new_finding(k_info);
    const std::string alias = "alias/aws/" + key.managed_service;
    std::vector<std::string> shared_with;
    std::vector<std::string> used_by;
    for (const Sharing& item : shared) (item.consumer ? used_by : shared_with).push_back(item.who);
    std::vector<std::string> how;
    if (!shared_with.empty()) how.push_back("its " + store_policy_name(store) + " shares it with " + join_words(shared_with));
    if (!used_by.empty()) how.push_back(join_words(used_by) + (used_by.size() == 1 ? " uses" : " use") + " it through IAM");
    const std::string uses = needed_action(store) == "kms:Decrypt" ? "reads" : "writes";
    finding.message = store.source.name() + " is encrypted with the AWS managed key " + alias +
                      (store.key.service_default ? " (the service default, as no key is set)" : "") + ", but " +
                      join_words(how) + (used_by.empty() ? ", whose " + uses : "; " + uses + " from another account") +
                      " will fail: an AWS managed key only works for its own account.";
    finding.evidence.push_back(evidence_at(store.source, "encrypted with " + alias));
    for (const Sharing& item : shared) finding.evidence.push_back(item.evidence);

    // The statement to add to a customer managed key's policy, as JSON the user can paste.
    nlohmann::json principals = nlohmann::json::array();
    std::string org;
    for (const Sharing& item : shared) {
      if (!item.key_policy_principal.empty() &&
          std::find(principals.begin(), principals.end(), item.key_policy_principal) == principals.end()) {
        principals.push_back(item.key_policy_principal);
      }
      if (!item.org_condition.empty()) org = item.org_condition;
    }
    nlohmann::json statement = {{"Sid", "AllowSharedAccountsToUseKey"},
                                {"Effect", "Allow"},
                                {"Principal", {{"AWS", principals.size() == 1 ? principals[0] : principals}}},
                                {"Action", {"kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"}},
                                {"Resource", "*"}};
    if (!org.empty()) statement["Condition"] = {{"StringEquals", {{"aws:PrincipalOrgID", org}}}};
    finding.fix = "Encrypt " + store.source.name() + " with a customer managed key (aws_kms_key / AWS::KMS::Key)";
    finding.fix += principals.empty() ? std::string(" whose key policy allows the service principal to use it.")
                                      : " and add to its key policy: " + statement.dump();
    const bool has_policy = !model::data_store_type(store.kind).terraform_policy.type.empty();
    if (!used_by.empty() && shared_with.empty() && has_policy) {
      finding.fix += " The other account's principals also need the " + store_policy_name(store) + " to let them in.";
    }
    return finding;
  }

  static constexpr RuleInfo k_info{"TFKMS002", "AwsManagedKeySharedCrossAccount",
                                   "AWS managed key on data shared with another account", Severity::high,
                                   doc_for("TFKMS002")};
};

} // namespace

std::unique_ptr<Rule> make_tfkms002_aws_managed_key_shared() { return std::make_unique<AwsManagedKeyShared>(); }

} // namespace tfkms::rules
