// Parsing policies into the typed model: elements, pointers, and diagnostics with JSON paths.
#include "support.hpp"

#include <algorithm>

using namespace tfkms::policy;
using nlohmann::json;

namespace {

Document parse(const std::string& text, PolicyKind kind = PolicyKind::key_policy) {
  ParseOptions options;
  options.file = "plan.json";
  options.base_pointer = "/x/policy";
  return parse_document_text(text, kind, tfkms::model::NoSymbols{}, options);
}

bool has_message(const Document& document, const std::string& message) {
  return std::any_of(document.diagnostics.begin(), document.diagnostics.end(),
                     [&](const tfkms::model::Diagnostic& d) { return d.message == message; });
}

} // namespace

TEST_CASE("statements keep index, Sid, pointers and typed elements", "[policy][document]") {
  const Document document = parse(R"({"Version":"2012-10-17","Id":"k","Statement":[
    {"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"},
    {"Effect":"Deny","NotPrincipal":{"AWS":["111111111111","arn:aws:sts::111111111111:assumed-role/R/s"],
     "Service":"logs.amazonaws.com"},"NotAction":["kms:Decrypt"],"Resource":["*"],
     "Condition":{"ForAnyValue:StringLikeIfExists":{"kms:EncryptionContextKeys":["a*",1,true]}}}]})");
  REQUIRE_FALSE(document.unreadable);
  CHECK(document.diagnostics.empty());
  CHECK(document.variables_enabled());
  REQUIRE(document.statements.size() == 2);
  const Statement& root = document.statements[0];
  CHECK(root.sid == "Root");
  CHECK(root.pointer == "/Statement/0");
  CHECK(root.principal->entries.at(0).form == PrincipalForm::account);
  CHECK(root.principal->entries.at(0).account == "111111111111");
  const Statement& deny = document.statements[1];
  CHECK(deny.effect == Effect::deny);
  CHECK(deny.principal->negated);
  CHECK(deny.actions.negated);
  REQUIRE(deny.principal->entries.size() == 3);
  CHECK(deny.principal->entries[0].pointer == "/Statement/1/NotPrincipal/AWS/0");
  CHECK(deny.principal->entries[1].form == PrincipalForm::assumed_role);
  CHECK(deny.principal->entries[2].form == PrincipalForm::service);
  REQUIRE(deny.conditions.size() == 1);
  const ConditionClause& clause = deny.conditions[0];
  CHECK(clause.op == ConditionOperator::string_like);
  CHECK(clause.if_exists);
  CHECK(clause.qualifier == SetQualifier::for_any_value);
  CHECK(clause.key_lower == "kms:encryptioncontextkeys");
  REQUIRE(clause.values.size() == 3);
  CHECK(clause.values[1].text == "1");
  CHECK(clause.values[2].text == "true");
  CHECK(clause.pointer ==
        "/Statement/1/Condition/ForAnyValue:StringLikeIfExists/kms:EncryptionContextKeys");
}

TEST_CASE("pointers escape ~ and / in the names they pass (RFC 6901)", "[policy][document]") {
  const Document document = parse(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{
     "StringEquals":{"aws:PrincipalTag/a~b/c":"x"},"StringLike":{"/~x/":"y"}}}]})",
                                  PolicyKind::identity_policy);
  REQUIRE(document.statements.size() == 1);
  const std::vector<ConditionClause>& clauses = document.statements[0].conditions;
  REQUIRE(clauses.size() == 2);
  CHECK(clauses[0].pointer == "/Statement/0/Condition/StringEquals/aws:PrincipalTag~1a~0b~1c");
  CHECK(clauses[1].pointer == "/Statement/0/Condition/StringLike/~1~0x~1");
}

TEST_CASE("a single statement object is read as statement 0", "[policy][document]") {
  const Document document = parse(R"({"Version":"2012-10-17","Statement":
    {"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}})",
                                  PolicyKind::identity_policy);
  REQUIRE(document.statements.size() == 1);
  CHECK(document.statements[0].pointer == "/Statement");
  CHECK(document.diagnostics.empty());
}

TEST_CASE("diagnostics carry the JSON path and pointer of the problem", "[policy][document]") {
  const Document document = parse(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},
    {"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},
    {"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEqulas":{"a":"b"}}}]})");
  CHECK_FALSE(document.unreadable);
  REQUIRE(has_message(document, "Statement[2].Condition.StringEqulas: unknown condition operator"));
  const auto& diagnostic = document.diagnostics.front();
  CHECK(diagnostic.file == "plan.json");
  CHECK(diagnostic.pointer == "/x/policy/Statement/2/Condition/StringEqulas");
  CHECK_FALSE(document.statements[2].readable);
  CHECK(document.statements[1].readable);
}

TEST_CASE("element errors mark the statement unreadable", "[policy][document]") {
  const Document document = parse(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"allow","Principal":"*","Action":"kms:*","Resource":"*"},
    {"Effect":"Allow","Action":"kms:*","Resource":"*"},
    {"Effect":"Allow","Principal":{"Group":"x"},"Action":"kms:*","Resource":"*"},
    {"Effect":"Allow","Principal":"*","Action":"kms:*","NotAction":"kms:Decrypt","Resource":"*"},
    {"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"NullIfExists":{"a":"true"}}},
    {"Effect":"Deny","Principal":"*","Action":[],"Resource":"*","Condition":{"StringEquals":{"a":[]}}},
    {"Effect":"Allow","Principal":"*","Action":"kms:*"}]})");
  CHECK(has_message(document,
                    "Statement[0].Effect: Effect must be \"Allow\" or \"Deny\", found \"allow\""));
  CHECK(has_message(document, "Statement[1]: statement has no Principal"));
  CHECK(has_message(document, "Statement[2].Principal.Group: unknown principal type \"Group\""));
  CHECK(has_message(document, "Statement[3].NotAction: statement has both Action and NotAction"));
  CHECK(has_message(document, "Statement[4].Condition.NullIfExists: unknown condition operator"));
  CHECK(has_message(document, "Statement[5].Action: list is empty"));
  CHECK(has_message(document,
                    "Statement[5].Condition.StringEquals.a: condition value list is empty"));
  // Refused since 2025-08-18 [AWS-NOTICE-2025].
  CHECK(has_message(document, "Statement[6]: statement has no Resource or NotResource"));
  for (std::size_t i = 0; i < 7; ++i)
    CHECK_FALSE(document.statements[i].readable);
  CHECK(document.rejected());
  CHECK_FALSE(document.statements[0].effect_known);
}

TEST_CASE("documents that cannot be evaluated are unreadable", "[policy][document]") {
  CHECK(parse("{not json").unreadable);
  CHECK(parse("[1,2]").unreadable);
  CHECK(parse(R"({"Version":"2012-10-17"})").unreadable);
  const Document bad_statements = parse(R"({"Version":"2012-10-17","Statement":"x"})");
  CHECK(bad_statements.unreadable);
  CHECK(
      has_message(bad_statements, "Statement: Statement must be an object or an array of objects"));
}

TEST_CASE("identity policies must not name a Principal", "[policy][document]") {
  const Document document = parse(R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]})",
                                  PolicyKind::identity_policy);
  CHECK(
      has_message(document, "Statement[0].Principal: an identity policy cannot name a Principal"));
}

TEST_CASE("principal forms", "[policy][document]") {
  using tfkms::model::Value;
  const auto form = [](PrincipalSection section, const std::string& text) {
    return classify_principal(section, Value{text, tfkms::model::ValueKind::literal, {}}).form;
  };
  CHECK(form(PrincipalSection::aws, "*") == PrincipalForm::any);
  CHECK(form(PrincipalSection::aws, "111122223333") == PrincipalForm::account);
  CHECK(form(PrincipalSection::aws, "arn:aws-cn:iam::111122223333:root") == PrincipalForm::account);
  CHECK(form(PrincipalSection::aws, "arn:aws:iam::111122223333:user/a/b") == PrincipalForm::user);
  CHECK(form(PrincipalSection::aws, "arn:aws:iam::111122223333:role/a/b") == PrincipalForm::role);
  CHECK(form(PrincipalSection::aws, "arn:aws:sts::111122223333:assumed-role/r/s") ==
        PrincipalForm::assumed_role);
  CHECK(form(PrincipalSection::aws, "arn:aws:sts::111122223333:federated-user/n") ==
        PrincipalForm::federated_user);
  CHECK(form(PrincipalSection::aws, "arn:aws:iam::111122223333:group/g") == PrincipalForm::other);
  CHECK(form(PrincipalSection::service, "logs.amazonaws.com") == PrincipalForm::service);
  CHECK(form(PrincipalSection::federated, "cognito-identity.amazonaws.com") ==
        PrincipalForm::other);
  CHECK(classify_principal(PrincipalSection::aws,
                           Value{"${x}", tfkms::model::ValueKind::unknown, {"x"}})
            .form == PrincipalForm::unknown);
}

TEST_CASE("symbol markers resolve through the caller's resolver", "[policy][document]") {
  tfkms::model::Graph graph;
  graph.account = "111111111111";
  const json document = {
      {"Version", "2012-10-17"},
      {"Statement",
       {{{"Effect", "Allow"},
         {"Principal", {{"AWS", "arn:aws:iam::" + tfkms::model::symbol("account") + ":root"}}},
         {"Action", "kms:*"},
         {"Resource", "*"}}}}};
  const Document parsed = parse_document(document, PolicyKind::key_policy, graph);
  const PrincipalEntry& entry = parsed.statements.at(0).principal->entries.at(0);
  CHECK(entry.value.text == "arn:aws:iam::111111111111:root");
  CHECK(entry.value.kind == tfkms::model::ValueKind::symbolic);
  CHECK(entry.form == PrincipalForm::account);
}

TEST_CASE("a document names references when a text it resolves holds one", "[policy][document]") {
  tfkms::model::Graph graph;
  const std::string marker = tfkms::model::symbol("var.x");
  const auto statement_with = [&](const std::string& principal, const std::string& action,
                                  const std::string& resource, const std::string& condition) {
    return json{{"Version", "2012-10-17"},
                {"Id", "k"},
                {"Statement",
                 {{{"Sid", "s"},
                   {"Effect", "Allow"},
                   {"Principal", {{"AWS", principal}}},
                   {"Action", action},
                   {"Resource", resource},
                   {"Condition", {{"StringEquals", {{"aws:SourceAccount", condition}}}}}}}}};
  };
  const auto names = [&](const json& document) {
    return parse_document(document, PolicyKind::key_policy, graph).names_references;
  };
  CHECK_FALSE(names(statement_with("arn:aws:iam::111111111111:root", "kms:*", "*", "1")));
  CHECK(names(statement_with(marker, "kms:*", "*", "1")));
  CHECK(names(statement_with("*", "kms:" + marker, "*", "1")));
  CHECK(names(statement_with("*", "kms:*", marker, "1")));
  CHECK(names(statement_with("*", "kms:*", "*", marker)));
}
