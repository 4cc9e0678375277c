// TFKMS011: a key, identity, resource or organisation policy, or a grant, that the AWS API refuses:
// the plan passes and the apply fails. Other rules read such a policy as unknown
// (policy::Document:: rejected()), never as the policy minus the offending statement. See
// rules/TFKMS011.md and kms-reference §3.5-§3.7, §5.
#include "model/data_store_types.hpp"
#include "policy/evaluate.hpp"
#include "policy/json_size.hpp"
#include "policy/policy_source.hpp"
#include "rules/fix_edits.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

#include <optional>
#include <string>

namespace tfkms::rules {
namespace {

// "Policy documents ... The maximum length is 32768 characters" [KMS-QUOTAS], kms-reference §6.
constexpr std::size_t k_key_policy_max_bytes = 32768;
// AWS Organizations quotas: an SCP or RCP document holds at most 5,120 characters [ORG-QUOTAS].
constexpr std::size_t k_organization_policy_max_bytes = 5120;

// The size limit the API holds `kind` to; 0 when tfkms does not check one (see check_policy).
std::size_t size_limit(policy::PolicyKind kind) {
  switch (kind) {
  case policy::PolicyKind::key_policy:
    return k_key_policy_max_bytes;
  case policy::PolicyKind::service_control_policy:
  case policy::PolicyKind::resource_control_policy:
    return k_organization_policy_max_bytes;
  default:
    return 0;
  }
}

class PolicyAwsWouldReject final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check(const RuleContext& context, FindingSink& out) const override {
    const model::Graph& graph = context.graph;
    // The analyses of a graph with keys or grants read every identity policy once, with the same
    // graph (parse_policy()): their reading serves here too.
    const bool analysed = !graph.keys.empty() || !graph.grants.empty();
    for (std::size_t id = 0; id < graph.policies.size(); ++id) {
      const model::IdentityPolicy& identity = graph.policies[id];
      if (identity.aws_managed)
        continue;
      const policy::CompiledPolicy* read =
          analysed ? context.graph_access().identity_policy(static_cast<model::PolicyId>(id))
                   : nullptr;
      check_policy(graph, identity.document, policy::PolicyKind::identity_policy,
                   "Identity policy " + identity.source.name(), identity.source, out, false,
                   read != nullptr ? &read->document() : nullptr);
    }
    for (const model::DataStore& store : graph.data_stores) {
      check_policy(graph, store.resource_policy, policy::PolicyKind::resource_policy,
                   "Resource policy of " + store.source.name(), store.source, out,
                   !model::data_store_type(store.kind).policy_names_resource);
    }
    for (const model::OrganizationPolicy& organization : graph.organization_policies) {
      const bool scp = organization.type == model::OrganizationPolicyType::service_control;
      check_policy(graph, organization.document,
                   scp ? policy::PolicyKind::service_control_policy
                       : policy::PolicyKind::resource_control_policy,
                   std::string(scp ? "SCP " : "RCP ") + organization.name, organization.source, out,
                   false);
    }
    for (const model::Grant& grant : graph.grants)
      check_grant(graph, grant, out);
  }

  // Key policies key by key, after the rules that analyse the key: the analysis read the policy
  // already (parse_policy() with the same graph), and its reading serves here.
  void check_key(const RuleContext& context, model::KeyId id, FindingSink& out) const override {
    const model::Key& key = context.graph.key(id);
    if (key.kind == model::KeyKind::aws_managed)
      return; // AWS writes those policies itself
    const analysis::KeyAccess* access = context.access_if_made(id);
    check_policy(context.graph, key.policy, policy::PolicyKind::key_policy,
                 "Key policy of " + key.source.name(), key.source, out, false,
                 access != nullptr ? &access->key_policy().document() : nullptr);
  }

private:
  // `read`: the document as parse_policy() reads `source`, when that is already at hand.
  static void check_policy(const model::Graph& graph, const model::PolicySource& source,
                           policy::PolicyKind kind, const std::string& subject,
                           const model::SourceRef& owner, FindingSink& out, bool resource_implied,
                           const policy::Document* read = nullptr) {
    if (source.state != model::PolicySource::State::document)
      return; // TFKMS010 reports what cannot be read
    std::optional<policy::Document> parsed;
    const policy::Document& document =
        read != nullptr
            ? *read
            : parsed.emplace(policy::parse_policy(source, kind, graph, resource_implied));
    Finding finding = new_finding(k_info);
    for (const model::Diagnostic& diagnostic : document.diagnostics) {
      if (diagnostic.level != model::DiagnosticLevel::error)
        continue;
      finding.evidence.push_back(evidence_of(diagnostic));
    }
    // Only key and organisation policies are measured, and counted rather than written out: writing
    // every policy to measure it was a tenth of `check` on a large plan. Measured without white
    // space: never more than AWS counts.
    const std::size_t limit = size_limit(kind);
    const std::size_t size = limit > 0 ? policy::compact_json_size(source.document) : 0;
    const bool too_large = size > limit;
    if (too_large) {
      finding.evidence.push_back(
          evidence_at(source.where, "the policy has " + std::to_string(size) +
                                        " bytes without white space, more than the " +
                                        std::to_string(limit) + " AWS accepts"));
    }
    if (finding.evidence.empty())
      return;
    finding.message =
        subject +
        " is one AWS refuses (MalformedPolicyDocument): " + finding.evidence.front().text +
        ". The plan passes and the apply fails; tfkms does not reason from this policy.";
    // What the author meant by an element AWS refuses is theirs to say: no edit is guessed.
    std::vector<std::string> options =
        too_large && finding.evidence.size() == 1
            ? std::vector<std::string>{"Shorten the policy below the limit in the evidence: fewer "
                                       "statements, or wildcards.",
                                       "Give some of the access through grants instead."}
            : std::vector<std::string>{
                  "Correct the element named in the evidence to the form AWS accepts, as its "
                  "author meant it: every statement must follow the policy grammar and the "
                  "service's own rules.",
                  "Remove the statement that holds it, if the access it meant to give is not "
                  "needed."};
    set_design_choice(finding, std::move(options));
    out.report(std::move(finding), owner);
  }

  // CreateGrant accepts only GrantOperation values: any other name and the grant never exists.
  static void check_grant(const model::Graph& graph, const model::Grant& grant, FindingSink& out) {
    policy::GrantSpec spec = policy::grant_spec(grant, graph);
    // Most grants exist: only a refused one is compiled, for the operations it names.
    if (policy::grant_exists(spec))
      return;
    const policy::CompiledGrant compiled = policy::compile(std::move(spec));
    Finding finding = new_finding(k_info);
    for (const std::string& operation : compiled.invalid_operations) {
      finding.evidence.push_back(evidence_at(
          grant.source, operation.empty() ? "operations is empty"
                                          : "\"" + operation + "\" is not a grant operation"));
    }
    finding.message = "Grant " + grant.source.name() +
                      " asks for operations CreateGrant refuses (" + finding.evidence.front().text +
                      "), so the apply fails with ValidationException and the "
                      "grant never exists.";
    std::vector<std::string> options = {
        "Spell each operation as a GrantOperation name: Decrypt, Encrypt, GenerateDataKey*, "
        "ReEncryptFrom, ReEncryptTo, Sign, Verify, GetPublicKey, GenerateMac, VerifyMac, "
        "DeriveSharedSecret, DescribeKey, CreateGrant, RetireGrant.",
        "Drop the operations no grant can carry: key management (PutKeyPolicy, "
        "ScheduleKeyDeletion, ...) is given in the key policy, not by a grant."};
    set_design_choice(finding, std::move(options));
    out.report(std::move(finding), grant.source);
  }

  static constexpr RuleInfo k_info{"TFKMS011",
                                   "PolicyAwsWouldReject",
                                   "Policy AWS would reject",
                                   Severity::high,
                                   doc_for("TFKMS011"),
                                   /*weighs_each_account=*/false,
                                   /*depends_on_account=*/false};
};

} // namespace

std::unique_ptr<Rule> make_tfkms011_policy_aws_would_reject() {
  return std::make_unique<PolicyAwsWouldReject>();
}

} // namespace tfkms::rules
