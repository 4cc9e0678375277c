// The worked decisions of kms-reference §7 (account 111111111111 owns the key, 222222222222 is
// external).
#include "policy/compiled.hpp"
#include "support.hpp"

using namespace tfkms::policy;
using namespace tfkms::policy::testing;
using nlohmann::json;

namespace {

const std::string k_app = session(k_key_account, "App");
const std::string k_partner = session(k_other_account, "Partner");

json root_delegation(const std::string& account = k_key_account) {
  return key_statement("Allow", aws(root(account)), "kms:*");
}

CompiledPolicy allow_decrypt_on_key() {
  return identity_policy(policy(
      json::array({{{"Effect", "Allow"}, {"Action", "kms:Decrypt"}, {"Resource", k_key_arn}}})));
}

CompiledPolicy allow_everything(const char* action = "kms:*") {
  return identity_policy(
      policy(json::array({{{"Effect", "Allow"}, {"Action", action}, {"Resource", "*"}}})));
}

std::vector<ContextEntry>
encryption_context(std::vector<std::pair<std::string, std::string>> pairs) {
  std::vector<ContextEntry> context;
  std::vector<std::string> keys;
  for (auto& [key, value] : pairs) {
    context.push_back({"kms:EncryptionContext:" + key, {value}});
    keys.push_back(key);
  }
  context.push_back({"kms:EncryptionContextKeys", keys});
  return context;
}

} // namespace

TEST_CASE("§7.1-2 root delegation needs an identity-policy allow", "[policy][worked]") {
  const auto key = key_policy(policy(json::array({root_delegation()})));
  CHECK(outcome({k_app}, &key) == Outcome::implicitly_denied);
  CHECK(outcome({k_app}, &key, {allow_decrypt_on_key()}) == Outcome::allowed);
}

TEST_CASE(
    "§7.3-5 a principal named in the key policy needs nothing else; others get nothing from IAM",
    "[policy][worked]") {
  const auto key = key_policy(policy(
      json::array({key_statement("Allow", aws(role(k_key_account, "App")), "kms:Decrypt")})));
  CHECK(outcome({k_app}, &key) == Outcome::allowed);
  CHECK(outcome({role(k_key_account, "App")}, &key) == Outcome::allowed);
  const auto deny_all = identity_policy(
      policy(json::array({{{"Effect", "Deny"}, {"Action", "kms:*"}, {"Resource", "*"}}})));
  CHECK(outcome({k_app}, &key, {deny_all}) == Outcome::explicitly_denied);
  CHECK(outcome({session(k_key_account, "Other")}, &key, {allow_everything("kms:Decrypt")}) ==
        Outcome::implicitly_denied);
}

TEST_CASE("§7.6 Principal * limited by kms:CallerAccount lets every identity of the account in",
          "[policy][worked]") {
  const auto key = key_policy(policy(json::array({key_statement(
      "Allow", "*", "kms:Decrypt", {{"StringEquals", {{"kms:CallerAccount", k_key_account}}}})})));
  CHECK(outcome({"arn:aws:iam::111111111111:user/alice"}, &key) == Outcome::allowed);
  CHECK(outcome({k_partner}, &key, {allow_everything()}) == Outcome::implicitly_denied);
}

TEST_CASE("§7.7-9 cross-account needs both sides and a cross-account-capable action",
          "[policy][worked]") {
  const json external =
      key_statement("Allow", aws(root(k_other_account)),
                    {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                     "kms:DescribeKey", "kms:ScheduleKeyDeletion"});
  const auto key = key_policy(policy(json::array({root_delegation(), external})));
  CHECK(outcome({k_partner}, &key, {allow_decrypt_on_key()}) == Outcome::allowed);
  CHECK(outcome({k_partner}, &key) == Outcome::implicitly_denied);
  const Decision deletion =
      decide_case({k_partner, "kms:ScheduleKeyDeletion"}, &key, {allow_everything()});
  CHECK(deletion.outcome == Outcome::implicitly_denied);
  REQUIRE_FALSE(deletion.reasons.empty());
  CHECK(deletion.reasons.back().kind == ReasonKind::not_cross_account);
}

TEST_CASE("§7.10 the delegating statement's conditions apply to IAM-granted use",
          "[policy][worked]") {
  const auto key = key_policy(policy(json::array(
      {key_statement("Allow", aws(root(k_key_account)), "kms:*",
                     {{"StringEquals", {{"kms:ViaService", "ec2.us-east-1.amazonaws.com"}}}})})));
  CHECK(outcome({k_app}, &key, {allow_everything()}) == Outcome::implicitly_denied);
  CHECK(outcome({k_app, "kms:Decrypt", {{"kms:ViaService", {"ec2.us-east-1.amazonaws.com"}}}}, &key,
                {allow_everything()}) == Outcome::allowed);
}

TEST_CASE("§7.11 the aws/s3 managed key policy refuses another account", "[policy][worked]") {
  const json via_s3 = key_statement(
      "Allow", aws("*"),
      {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
      {{"StringEquals",
        {{"kms:CallerAccount", k_key_account}, {"kms:ViaService", "s3.us-east-1.amazonaws.com"}}}});
  const json metadata =
      key_statement("Allow", aws(root(k_key_account)), {"kms:Describe*", "kms:Get*", "kms:List*"});
  const auto key = key_policy(policy(json::array({via_s3, metadata})));
  const std::vector<ContextEntry> through_s3 = {{"kms:ViaService", {"s3.us-east-1.amazonaws.com"}}};
  CHECK(outcome({k_partner, "kms:Decrypt", through_s3}, &key, {allow_decrypt_on_key()}) ==
        Outcome::implicitly_denied);
  CHECK(outcome({k_app, "kms:Decrypt", through_s3}, &key) == Outcome::allowed);
}

TEST_CASE(
    "§7.12-13 a grant allows its operation when the constraint matches, and never beats a deny",
    "[policy][worked]") {
  const std::string worker = session(k_key_account, "Worker");
  GrantSpec spec;
  spec.grantee = {role(k_key_account, "Worker"), tfkms::model::ValueKind::literal, {}};
  spec.operations = {"Decrypt"};
  spec.encryption_context_equals = std::map<std::string, std::string>{{"dept", "it"}};
  const std::vector<CompiledGrant> grants = {compile(spec)};
  const auto key = key_policy(policy(json::array({root_delegation()})));
  CHECK(outcome({worker, "kms:Decrypt", encryption_context({{"dept", "it"}})}, &key, {}, grants) ==
        Outcome::allowed);
  CHECK(outcome({worker, "kms:Decrypt", encryption_context({{"dept", "it"}, {"x", "y"}})}, &key, {},
                grants) == Outcome::implicitly_denied);
  CHECK(outcome({worker, "kms:Decrypt"}, &key, {}, grants) == Outcome::implicitly_denied);
  CHECK(outcome({worker, "kms:Decrypt", encryption_context({{"DEPT", "it"}})}, &key, {}, grants) ==
        Outcome::allowed);
  CHECK(outcome({worker, "kms:Decrypt", encryption_context({{"dept", "IT"}})}, &key, {}, grants) ==
        Outcome::implicitly_denied);

  const auto denying = key_policy(policy(
      json::array({root_delegation(),
                   key_statement("Deny", aws(role(k_key_account, "Worker")), "kms:Decrypt")})));
  CHECK(outcome({worker, "kms:Decrypt", encryption_context({{"dept", "it"}})}, &denying, {},
                grants) == Outcome::explicitly_denied);
}

TEST_CASE("§7.14 a key administrator can grant itself Decrypt", "[policy][worked]") {
  const json admin = key_statement(
      "Allow", aws(role(k_key_account, "Admin")),
      {"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
       "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
       "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"});
  const auto key = key_policy(policy(json::array({admin})));
  const std::string caller = session(k_key_account, "Admin");
  CHECK(outcome({caller, "kms:CreateGrant"}, &key) == Outcome::allowed);
  CHECK(outcome({caller, "kms:Decrypt"}, &key) == Outcome::implicitly_denied);
  GrantSpec spec;
  spec.grantee = {role(k_key_account, "Admin"), tfkms::model::ValueKind::literal, {}};
  spec.operations = {"Decrypt"};
  CHECK(outcome({caller, "kms:Decrypt"}, &key, {}, {compile(spec)}) == Outcome::allowed);
}

TEST_CASE("§7.15 Allow with NotAction grants everything else, PutKeyPolicy included",
          "[policy][worked]") {
  json statement = {{"Effect", "Allow"},
                    {"Principal", "*"},
                    {"NotAction", "kms:ScheduleKeyDeletion"},
                    {"Resource", "*"},
                    {"Condition", {{"StringEquals", {{"kms:CallerAccount", k_key_account}}}}}};
  const auto key = key_policy(policy(json::array({statement})));
  CHECK(outcome({k_app, "kms:PutKeyPolicy"}, &key) == Outcome::allowed);
  CHECK(outcome({k_app, "kms:ScheduleKeyDeletion"}, &key) == Outcome::implicitly_denied);
}

TEST_CASE("§7.16 ForAllValues in an Allow is bypassed by a request without encryption context",
          "[policy][worked]") {
  const auto key = key_policy(policy(json::array(
      {key_statement("Allow", "*", "kms:Decrypt",
                     {{"ForAllValues:StringEquals", {{"kms:EncryptionContextKeys", {"app"}}}}})})));
  CHECK(outcome({k_partner}, &key, {allow_decrypt_on_key()}) == Outcome::allowed);
  CHECK(outcome({k_partner, "kms:Decrypt", encryption_context({{"other", "x"}})}, &key,
                {allow_decrypt_on_key()}) == Outcome::implicitly_denied);
}

TEST_CASE("values unknown before apply give unknown, never a guess", "[policy]") {
  tfkms::model::Graph graph; // resolves nothing beyond pseudo references
  const json statement =
      key_statement("Allow", aws(tfkms::model::symbol("aws_iam_role.app.arn")), "kms:Decrypt");
  const auto key =
      compile(parse_document(policy(json::array({statement})), PolicyKind::key_policy, graph));
  const Decision decision = decide_case({k_app}, &key);
  CHECK(decision.outcome == Outcome::unknown);
  CHECK_FALSE(decision.never_allowed);

  const json deny =
      key_statement("Deny", aws(tfkms::model::symbol("aws_iam_role.app.arn")), "kms:Decrypt");
  const auto denying =
      compile(parse_document(policy(json::array({deny})), PolicyKind::key_policy, graph));
  const Decision denied = decide_case({k_app}, &denying);
  CHECK(denied.outcome == Outcome::unknown);
  CHECK(denied.never_allowed);
}

TEST_CASE("an unreadable key policy is unknown, not 'no access'", "[policy]") {
  const auto key =
      compile(parse_document_text("{not json", PolicyKind::key_policy, tfkms::model::NoSymbols{}));
  CHECK(decide_case({k_app}, &key).outcome == Outcome::unknown);
}

TEST_CASE("a request prepared for one action serves another that derives the same keys",
          "[policy]") {
  const auto request_for = [](const char* action) {
    auto prepared = prepare({.principal = k_app,
                             .principal_type = {},
                             .action = action,
                             .resource = k_key_arn,
                             .context = {}});
    REQUIRE(prepared);
    return prepared.value();
  };
  const PreparedRequest decrypt = request_for("kms:Decrypt");
  const PreparedRequest synchronize = request_for("kms:SynchronizeMultiRegionKey");
  // kms:CallerAccount comes with Decrypt, not with SynchronizeMultiRegionKey [SAR-KMS].
  CHECK(decrypt.find("kms:calleraccount") != nullptr);
  CHECK(synchronize.find("kms:calleraccount") == nullptr);
  CHECK_FALSE(same_derived_context(decrypt.action, synchronize.action));

  PreparedRequest retargeted = decrypt;
  retargeted.action = request_for("kms:Encrypt").action;
  REQUIRE(same_derived_context(decrypt.action, retargeted.action));
  const auto key = key_policy(policy(json::array(
      {key_statement("Allow", "*", json::array({"kms:Encrypt", "kms:SynchronizeMultiRegionKey"}),
                     {{"StringEquals", {{"kms:CallerAccount", k_key_account}}}})})));
  CHECK(decide(retargeted, &key, {}, {}).outcome == Outcome::allowed);
  CHECK(decide(decrypt, &key, {}, {}).outcome == Outcome::implicitly_denied);
  // Without the derived key, the same condition cannot match: the request must be prepared anew.
  CHECK(decide(synchronize, &key, {}, {}).outcome == Outcome::implicitly_denied);
}

TEST_CASE("a policy without one statement decides like the edited document compiled anew",
          "[policy]") {
  const json statements =
      json::array({root_delegation(),
                   key_statement("Allow", aws(role(k_key_account, "App")),
                                 json::array({"kms:Decrypt", "kms:Encrypt"})),
                   key_statement("Deny", "*", "kms:Encrypt",
                                 {{"StringNotEquals", {{"kms:CallerAccount", k_key_account}}}})});
  const CompiledPolicy whole = key_policy(policy(statements));
  for (std::size_t masked = 0; masked < statements.size(); ++masked) {
    Document edited = whole.document();
    edited.statements[masked].actions = PatternElement{};
    const CompiledPolicy expected = compile(std::move(edited));
    const CompiledPolicy cheap = without_statement(whole, masked);
    for (std::size_t i = 0; i < statements.size(); ++i) {
      CHECK(cheap.actions_of_statement(i) == expected.actions_of_statement(i));
      CHECK(&cheap.compiled().statements[i].source->effect ==
            &cheap.document().statements[i].effect);
    }
    CHECK(cheap.actions_of_statement(masked) == 0);
    for (const char* action : {"kms:Decrypt", "kms:Encrypt"}) {
      for (const std::string& caller : {k_app, k_partner}) {
        CHECK(outcome({caller, action}, &cheap, {allow_everything()}) ==
              outcome({caller, action}, &expected, {allow_everything()}));
      }
    }
  }
  // The original is untouched.
  CHECK(whole.actions_of_statement(1) != 0);
}

TEST_CASE("a store's own action: IAM alone decides, on the store's resource", "[policy]") {
  const std::string bucket_object = "arn:aws:s3:::reports/tfkms-example-object";
  const std::string queue = "arn:aws:sqs:us-east-1:222222222222:jobs";
  const Case read{.principal = role(k_other_account, "Reader"),
                  .action = "s3:GetObject",
                  .resource = bucket_object};
  const auto allows = [](json resource, json condition = nullptr) {
    json statement = {{"Effect", "Allow"}, {"Action", "s3:Get*"}, {"Resource", resource}};
    if (!condition.is_null())
      statement["Condition"] = std::move(condition);
    return identity_policy(policy({statement}));
  };
  // An S3 ARN names no account: its resource patterns still match it.
  CHECK(outcome(read, nullptr, {allows("arn:aws:s3:::reports/*")}) == Outcome::allowed);
  CHECK(outcome(read, nullptr, {allows("arn:aws:s3:::other/*")}) == Outcome::implicitly_denied);
  CHECK(outcome(read, nullptr, {allows("*")}) == Outcome::allowed);
  // Conditions are evaluated on the request's keys.
  const json own_account{{"StringEquals", {{"aws:PrincipalAccount", k_other_account}}}};
  const json key_account{{"StringEquals", {{"aws:PrincipalAccount", k_key_account}}}};
  CHECK(outcome(read, nullptr, {allows("*", own_account)}) == Outcome::allowed);
  CHECK(outcome(read, nullptr, {allows("*", key_account)}) == Outcome::implicitly_denied);
  // A Deny anywhere wins; a key policy plays no part.
  const CompiledPolicy deny =
      identity_policy(policy({{{"Effect", "Deny"}, {"Action", "s3:*"}, {"Resource", "*"}}}));
  CHECK(outcome(read, nullptr, {allows("*"), deny}) == Outcome::explicitly_denied);
  const CompiledPolicy key = key_policy(policy({root_delegation()}));
  CHECK(outcome(read, &key, {}) == Outcome::implicitly_denied);
  // NotAction kms:* covers the store's actions; kms:* does not.
  const CompiledPolicy not_kms =
      identity_policy(policy({{{"Effect", "Allow"}, {"NotAction", "kms:*"}, {"Resource", queue}}}));
  const Case send{
      .principal = role(k_other_account, "Sender"), .action = "sqs:SendMessage", .resource = queue};
  CHECK(outcome(send, nullptr, {not_kms}) == Outcome::allowed);
  const CompiledPolicy kms_only =
      identity_policy(policy({{{"Effect", "Allow"}, {"Action", "kms:*"}, {"Resource", "*"}}}));
  CHECK(outcome(send, nullptr, {kms_only}) == Outcome::implicitly_denied);
}
