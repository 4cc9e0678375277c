// TFKMS010: something that decides access to a key could not be read, so tfkms could not check it.
// tfkms never treats what it could not read as safe (style.md §5). See rules/TFKMS010.md.
#include "policy/actions.hpp"
#include "policy/policy_source.hpp"
#include "rules/fix_edits.hpp"
#include "rules/rule.hpp"
#include "rules/rule_doc.hpp"
#include "rules/rules.hpp"
#include "rules/support.hpp"

#include <algorithm>
#include <optional>

namespace tfkms::rules {
namespace {

// "unknown:ImportValue shared" names what could not be known; the prefix only marks it as such.
std::string readable_ref(std::string_view ref) {
  return std::string(ref.starts_with("unknown:") ? ref.substr(8) : ref);
}

std::string waits_on_text(const std::vector<std::string>& waits_on) {
  if (waits_on.empty())
    return "";
  std::vector<std::string> names;
  for (const std::string& ref : waits_on)
    names.push_back(readable_ref(ref));
  return " (it waits on " + join_words(names) + ")";
}

// Values inside a parsed policy that stay unknown before apply: "Statement[1].Principal:
// ${aws_iam_role.x.arn}".
std::vector<std::string> unknown_values(const policy::Document& document) {
  std::vector<std::string> found;
  const auto note = [&](const policy::Statement& statement, std::string_view element,
                        const model::Value& value) {
    if (!value.known())
      found.push_back(statement.path + "." + std::string(element) + " = " + value.text);
  };
  for (const policy::Statement& statement : document.statements) {
    if (statement.principal) {
      for (const auto& entry : statement.principal->entries)
        note(statement, "Principal", entry.value);
    }
    for (const auto& entry : statement.actions.entries)
      note(statement, "Action", entry.value);
    if (statement.resources) {
      for (const auto& entry : statement.resources->entries)
        note(statement, "Resource", entry.value);
    }
    for (const auto& clause : statement.conditions) {
      for (const auto& value : clause.values)
        note(statement, "Condition." + clause.operator_text + "." + clause.key, value);
    }
  }
  return found;
}

// An identity policy statement matters to KMS when its actions may include a KMS action.
bool may_touch_kms(const policy::Statement& statement) {
  if (statement.actions.negated)
    return true;
  for (const auto& entry : statement.actions.entries) {
    if (!entry.value.known() || policy::match_actions(entry.value.text) != 0)
      return true;
  }
  return false;
}

class CannotEvaluate final : public Rule {
public:
  const RuleInfo& info() const override { return k_info; }

  void check(const RuleContext& context, FindingSink& out) const override {
    const model::Graph& graph = context.graph;
    const bool has_keys =
        !graph.grants.empty() || std::any_of(graph.keys.begin(), graph.keys.end(), checked);
    if (has_keys) {
      for (const model::Principal& principal : graph.principals) {
        for (const model::PolicyId id : principal.policies) {
          const model::IdentityPolicy& identity = graph.policy(id);
          // The analyses read every identity policy once: their reading serves here too.
          const policy::CompiledPolicy* read = context.graph_access().identity_policy(id);
          check_policy(graph, identity.document, policy::PolicyKind::identity_policy,
                       "Identity policy " + identity.source.name() + " of " +
                           principal.source.name(),
                       "the KMS access it gives is not checked", identity.source, out,
                       read != nullptr ? &read->document() : nullptr);
        }
      }
    }
    for (const model::Grant& grant : graph.grants) {
      if (grant.unknown_fields) {
        Finding finding = new_finding(k_info);
        finding.message = "Grant " + grant.source.name() + " has values " + later(graph) +
                          waits_on_text(grant.waits_on) + ", so what it allows is not checked.";
        for (const std::string& ref : grant.waits_on)
          finding.evidence.push_back(evidence_at(grant.source, "waits on " + readable_ref(ref)));
        set_unknown_fix(finding);
        out.report(std::move(finding), grant.source);
      }
      check_key_ref(graph, grant.key, "Grant", grant.source, out);
    }
    for (const model::DataStore& store : graph.data_stores) {
      // Which key a store uses matters when its resource policy may share it (TFKMS002).
      if (store.resource_policy.state != model::PolicySource::State::absent) {
        // Defined elsewhere, and no resource of the input says which key encrypts it.
        const bool key_unsaid =
            store.key.kind == model::KeyRef::Kind::unknown && store.key.text.empty();
        if (store.outside_input && key_unsaid)
          check_store_outside(store, out);
        else
          check_key_ref(graph, store.key, "Resource", store.source, out);
      }
      // A store on an AWS managed key is checked for cross-account sharing (TFKMS002) through its
      // resource policy, so that policy must be readable.
      if (store.key.kind == model::KeyRef::Kind::node && store.key.key &&
          graph.key(*store.key.key).kind == model::KeyKind::aws_managed) {
        check_policy(graph, store.resource_policy, policy::PolicyKind::resource_policy,
                     "Resource policy of " + store.source.name(),
                     "whether it shares data encrypted with an AWS managed key is not checked",
                     store.source, out);
      }
    }
    // Aliases are not checked: an alias gives nobody access, and whatever uses one through an
    // unknown key (a grant, a store) is reported above.
  }

  // Key policies key by key, after the rules that analyse the key: the analysis read the policy
  // already (parse_policy() with the same graph), and its reading serves here.
  void check_key(const RuleContext& context, model::KeyId id, FindingSink& out) const override {
    const model::Key& key = context.graph.key(id);
    if (!checked(key))
      return;
    const analysis::KeyAccess* access = context.access_if_made(id);
    const bool analysed =
        access != nullptr && key.policy.state == model::PolicySource::State::document;
    check_policy(context.graph, key.policy, policy::PolicyKind::key_policy,
                 "Key policy of " + key.source.name(),
                 "who can use or manage the key is not checked", key.source, out,
                 analysed ? &access->key_policy().document() : nullptr);
  }

private:
  static bool checked(const model::Key& key) {
    return key.kind != model::KeyKind::aws_managed && !is_going_away(key);
  }

  // Whether a value is known only after apply is the configuration's choice, not an edit tfkms can
  // make: the fix names the two ways out.
  static void set_unknown_fix(Finding& finding) {
    std::vector<std::string> options = {
        "Make the value known at plan time: a literal, or a resource or data source in the same "
        "configuration.",
        "Review it by hand and suppress this finding with a reason."};
    set_design_choice(finding, std::move(options));
  }

  // A policy for a store the input does not define: nothing in the input says which key encrypts
  // it.
  static void check_store_outside(const model::DataStore& store, FindingSink& out) {
    const std::string name = display_text(store.name);
    Finding finding = new_finding(k_info);
    finding.message =
        store.source.name() + " sets the policy of " + name +
        ", which tfkms does not find in the input, so which KMS key encrypts it, and whether the "
        "policy shares data that key cannot serve to the principals it lets in, is not checked.";
    finding.evidence.push_back(evidence_at(store.source, "policy of " + name));
    finding.fix = "Check " + name +
                  " where it is defined: if it uses an AWS managed key (alias/aws/...), principals "
                  "of other accounts this policy lets in cannot read its data. Then suppress this "
                  "finding with a reason.";
    out.report(std::move(finding), store.source);
  }

  static std::string later(const model::Graph& graph) {
    return std::string(model::known_only_later(graph.format));
  }

  static void check_key_ref(const model::Graph& graph, const model::KeyRef& ref,
                            std::string_view what, const model::SourceRef& where,
                            FindingSink& out) {
    if (ref.kind != model::KeyRef::Kind::unknown)
      return;
    Finding finding = new_finding(k_info);
    finding.message = std::string(what) + " " + where.name() + " uses a KMS key " + later(graph) +
                      " (" + display_text(ref.text) +
                      "), so which key it uses and who can read it is not checked.";
    finding.evidence.push_back(evidence_at(where, "key reference " + display_text(ref.text)));
    set_unknown_fix(finding);
    out.report(std::move(finding), where);
  }

  // "${unknown:ImportValue shared}" reads as "ImportValue shared"; an empty reference as what it
  // is.
  static std::string display_text(const std::string& raw) {
    if (raw.empty())
      return "a value not known before deployment";
    std::string text;
    for (const std::string& ref : model::symbol_refs(raw))
      text += (text.empty() ? "" : ", ") + readable_ref(ref);
    return text.empty() ? model::display(raw) : text;
  }

  // `read`: the document as parse_policy() reads `source`, when that is already at hand.
  static void check_policy(const model::Graph& graph, const model::PolicySource& source,
                           policy::PolicyKind kind, const std::string& subject,
                           std::string_view consequence, const model::SourceRef& owner,
                           FindingSink& out, const policy::Document* read = nullptr) {
    using State = model::PolicySource::State;
    Finding finding = new_finding(k_info);
    if (source.state == State::unknown) {
      finding.message = subject + " is " + later(graph) + waits_on_text(source.waits_on) + ", so " +
                        std::string(consequence) + ".";
      for (const std::string& ref : source.waits_on)
        finding.evidence.push_back(evidence_at(source.where, "waits on " + readable_ref(ref)));
      if (finding.evidence.empty())
        finding.evidence.push_back(evidence_at(source.where, "value unknown in the plan"));
      set_unknown_fix(finding);
    } else if (source.state == State::unreadable) {
      finding.message =
          subject + " cannot be read (" + source.error + "), so " + std::string(consequence) + ".";
      finding.evidence.push_back(evidence_at(source.where, source.error));
      finding.fix = "Make it a valid JSON policy document with Version and Statement.";
    } else if (source.state == State::document) {
      std::optional<policy::Document> parsed;
      const policy::Document& document =
          read != nullptr ? *read : parsed.emplace(policy::parse_policy(source, kind, graph));
      std::vector<std::string> problems;
      for (const model::Diagnostic& diagnostic : document.diagnostics) {
        // What AWS would refuse is TFKMS011's; here only what the reading itself could not do.
        if (diagnostic.level != model::DiagnosticLevel::error || document.rejected())
          continue;
        finding.evidence.push_back(evidence_of(diagnostic));
        problems.push_back(diagnostic.message);
      }
      const bool relevant = kind != policy::PolicyKind::identity_policy || document.unreadable ||
                            std::any_of(document.statements.begin(), document.statements.end(),
                                        [](const policy::Statement& st) {
                                          return !st.readable && may_touch_kms(st);
                                        });
      const std::vector<std::string> unknown = unknown_values(document);
      for (const std::string& value : unknown)
        finding.evidence.push_back(evidence_at(source.where, value + " is " + later(graph)));
      if ((problems.empty() || !relevant) && unknown.empty())
        return;
      if (!problems.empty() && relevant) {
        finding.message = subject + " has parts tfkms cannot read (" + problems.front() + "), so " +
                          std::string(consequence) + " for them.";
        finding.fix = "Correct the policy element named in the evidence.";
      } else {
        finding.message = subject + " contains values " + later(graph) + " (" + unknown.front() +
                          "), so " + std::string(consequence) + " where they matter.";
        set_unknown_fix(finding);
      }
    } else {
      return;
    }
    out.report(std::move(finding), owner);
  }

  static constexpr RuleInfo k_info{"TFKMS010",
                                   "CannotEvaluate",
                                   "Key access cannot be evaluated",
                                   Severity::medium,
                                   doc_for("TFKMS010"),
                                   /*weighs_each_account=*/false,
                                   /*depends_on_account=*/false};
};

} // namespace

std::unique_ptr<Rule> make_tfkms010_cannot_evaluate() { return std::make_unique<CannotEvaluate>(); }

} // namespace tfkms::rules
