#include "loaders/cloudformation.hpp"
#include "model/value.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace tfkms;
using State = model::PolicySource::State;

namespace {

const std::string k_fixtures = std::string(TFKMS_SOURCE_DIR) + "/fixtures/loaders/cloudformation/";

model::Result<loaders::Input>
load_text(std::string_view text, const loaders::LoadOptions& options = {},
          loaders::InputKind kind = loaders::InputKind::cloudformation_yaml) {
  return loaders::load_cloudformation(text, "template.yaml", kind, options);
}

loaders::Input load_yaml(std::string_view text, const loaders::LoadOptions& options = {}) {
  auto result = load_text(text, options);
  if (!result)
    FAIL(result.error().to_string());
  return std::move(result.value());
}

loaders::Input load_fixture(const std::string& name, const loaders::LoadOptions& options = {}) {
  std::ifstream in(k_fixtures + name, std::ios::binary);
  REQUIRE(in);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const auto kind = name.ends_with(".json") ? loaders::InputKind::cloudformation_json
                                            : loaders::InputKind::cloudformation_yaml;
  auto result = loaders::load_cloudformation(buffer.str(), name, kind, options);
  if (!result)
    FAIL(result.error().to_string());
  return std::move(result.value());
}

loaders::LoadOptions with_account(std::string account) {
  loaders::LoadOptions options;
  options.account_id = std::move(account);
  return options;
}

std::string resolved(const model::Graph& graph, const std::string& raw) {
  return model::resolve_value(raw, graph).text;
}

const model::Key* find_key(const model::Graph& graph, std::string_view address) {
  const auto it = std::find_if(graph.keys.begin(), graph.keys.end(), [&](const model::Key& key) {
    return key.source.address == address;
  });
  return it == graph.keys.end() ? nullptr : &*it;
}

const model::DataStore* find_store(const model::Graph& graph, std::string_view address) {
  const auto it =
      std::find_if(graph.data_stores.begin(), graph.data_stores.end(),
                   [&](const model::DataStore& store) { return store.source.address == address; });
  return it == graph.data_stores.end() ? nullptr : &*it;
}

const model::Principal* find_principal(const model::Graph& graph, std::string_view address) {
  const auto it = std::find_if(
      graph.principals.begin(), graph.principals.end(),
      [&](const model::Principal& principal) { return principal.source.address == address; });
  return it == graph.principals.end() ? nullptr : &*it;
}

} // namespace

TEST_CASE("a key whose policy names the account and its own ARN through !Sub",
          "[loaders][cloudformation]") {
  const auto input = load_yaml(R"(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Sid: Root
            Effect: Allow
            Principal:
              AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
            Action: "kms:*"
            Resource: "*"
          - Sid: Self
            Effect: Allow
            Principal: {AWS: "*"}
            Action: kms:Decrypt
            Resource: !Sub "${DataKey.Arn}"
)",
                               with_account("111122223333"));
  const model::Graph& graph = input.graph;
  CHECK(graph.account == "111122223333");
  REQUIRE(graph.keys.size() == 1);
  const model::Key& key = graph.keys[0];
  CHECK(key.source.address == "DataKey");
  CHECK(key.source.line == 3);
  CHECK(key.source.column == 3);
  CHECK(key.account == "111122223333");
  CHECK(key.rotation_enabled == true);
  CHECK(resolved(graph, key.arn) == "arn:aws:kms:this-region:111122223333:key/DataKey");
  REQUIRE(key.policy.state == State::document);
  const auto& statements = key.policy.document["Statement"];
  REQUIRE(statements.size() == 2);
  CHECK(resolved(graph, statements[0]["Principal"]["AWS"].get<std::string>()) ==
        "arn:aws:iam::111122223333:root");
  CHECK(resolved(graph, statements[1]["Resource"].get<std::string>()) == resolved(graph, key.arn));
  CHECK(key.policy.where.line == 7);
  CHECK(key.policy.where.pointer == "/Resources/DataKey/Properties/KeyPolicy");
  REQUIRE(key.policy.statement_locations.size() == 2);
  CHECK(key.policy.statement_locations[0].line == 10);
  CHECK(key.policy.statement_locations[1].line == 16);
  CHECK(key.policy.statement_locations[1].pointer ==
        "/Resources/DataKey/Properties/KeyPolicy/Statement/1");
  CHECK(graph.diagnostics.empty());
}

TEST_CASE("JSON templates give lines for resources and statements", "[loaders][cloudformation]") {
  const auto input = load_fixture("key_policy_lines.json");
  const model::Graph& graph = input.graph;
  const model::Key* key = find_key(graph, "AppKey");
  REQUIRE(key);
  CHECK(key->source.line == 4);
  CHECK(key->source.file == "key_policy_lines.json");
  CHECK(key->rotation_enabled == true); // the string "true"
  CHECK(key->deletion_window_days == 7);
  REQUIRE(key->policy.statement_locations.size() == 2);
  CHECK(key->policy.statement_locations[0].line == 12);
  CHECK(key->policy.statement_locations[1].line == 19);
  const auto& statements = key->policy.document["Statement"];
  CHECK(resolved(graph, statements[0]["Principal"]["AWS"].get<std::string>()) ==
        "arn:aws:iam::this-account:root");
  CHECK(resolved(graph, statements[1]["Principal"]["AWS"].get<std::string>()) ==
        "arn:aws:iam::this-account:role/app");
  // The trust policy is a JSON string.
  const model::Principal* role = find_principal(graph, "AppRole");
  REQUIRE(role);
  CHECK(resolved(graph, role->arn) == "arn:aws:iam::this-account:role/app");
  REQUIRE(role->trust_policy.state == State::document);
  CHECK(role->trust_policy.document["Statement"][0]["Principal"]["Service"] ==
        "lambda.amazonaws.com");
}

TEST_CASE("key properties and policies as absent, string and unreadable",
          "[loaders][cloudformation]") {
  const auto input = load_yaml(R"(Resources:
  DefaultKey:
    Type: AWS::KMS::Key
  SigningKey:
    Type: AWS::KMS::Key
    Properties:
      KeySpec: ECC_NIST_P256
      KeyUsage: SIGN_VERIFY
      MultiRegion: true
      Enabled: false
      BypassPolicyLockoutSafetyCheck: true
      Origin: EXTERNAL
      KeyPolicy: !Sub '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${AWS::AccountId}:root"},"Action":"kms:*","Resource":"*"}]}'
  BrokenKey:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy: '{"Statement": ['
  ImportedPolicyKey:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy: !ImportValue shared-key-policy
)");
  const model::Graph& graph = input.graph;
  const model::Key* plain = find_key(graph, "DefaultKey");
  REQUIRE(plain);
  CHECK(plain->policy.state == State::absent); // AWS applies the default key policy
  CHECK(plain->rotation_enabled == false);
  CHECK(plain->key_spec == "SYMMETRIC_DEFAULT");

  const model::Key* signing = find_key(graph, "SigningKey");
  REQUIRE(signing);
  CHECK(signing->key_spec == "ECC_NIST_P256");
  CHECK(signing->key_usage == "SIGN_VERIFY");
  CHECK(signing->multi_region);
  CHECK_FALSE(signing->enabled);
  CHECK(signing->bypass_policy_lockout_safety_check);
  CHECK(signing->origin == "EXTERNAL");
  CHECK(resolved(graph, signing->arn) == "arn:aws:kms:this-region:this-account:key/mrk-SigningKey");
  REQUIRE(signing->policy.state == State::document);
  CHECK(resolved(graph,
                 signing->policy.document["Statement"][0]["Principal"]["AWS"].get<std::string>()) ==
        "arn:aws:iam::this-account:root");

  const model::Key* broken = find_key(graph, "BrokenKey");
  REQUIRE(broken);
  CHECK(broken->policy.state == State::unreadable);
  CHECK_FALSE(broken->policy.error.empty());

  const model::Key* imported = find_key(graph, "ImportedPolicyKey");
  REQUIRE(imported);
  CHECK(imported->policy.state == State::unknown);
  CHECK(imported->policy.waits_on ==
        std::vector<std::string>{"unknown:ImportValue shared-key-policy"});
}

TEST_CASE("S3, SQS, SNS and Secrets Manager fall back to their AWS managed keys",
          "[loaders][cloudformation]") {
  auto input = load_fixture("managed_key_defaults.yaml");
  const model::Graph& graph = input.graph;
  const auto managed_service = [&](std::string_view address) -> std::string {
    const model::DataStore* store = find_store(graph, address);
    REQUIRE(store);
    REQUIRE(store->key.kind == model::KeyRef::Kind::node);
    const model::Key& key = graph.key(*store->key.key);
    CHECK(key.kind == model::KeyKind::aws_managed);
    return key.managed_service;
  };
  CHECK(managed_service("Bucket") == "s3");
  CHECK(find_store(graph, "Bucket")->key.service_default);
  CHECK(managed_service("Queue") == "sqs");
  CHECK_FALSE(find_store(graph, "Queue")->key.service_default); // named explicitly
  CHECK(managed_service("Topic") == "sns");
  CHECK(managed_service("Secret") == "secretsmanager");
  CHECK(find_store(graph, "Secret")->key.service_default);
  CHECK(find_store(graph, "PlainBucket")->key.kind == model::KeyRef::Kind::none);
  CHECK(find_store(graph, "SsesQueue")->key.kind ==
        model::KeyRef::Kind::none); // SQS-owned keys, not KMS
  CHECK(graph.diagnostics.empty());
}

TEST_CASE("data stores find customer keys by id, ARN and alias", "[loaders][cloudformation]") {
  const auto input = load_yaml(R"(Resources:
  Key:
    Type: AWS::KMS::Key
  KeyAlias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: alias/app
      TargetKeyId: !Ref Key
  ById:
    Type: AWS::SQS::Queue
    Properties: {KmsMasterKeyId: !Ref Key}
  ByArn:
    Type: AWS::SNS::Topic
    Properties: {KmsMasterKeyId: !GetAtt Key.Arn}
  ByAlias:
    Type: AWS::SecretsManager::Secret
    Properties: {KmsKeyId: alias/app}
  ByAliasRef:
    Type: AWS::Logs::LogGroup
    Properties: {KmsKeyId: !Sub "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:${KeyAlias}"}
  Outside:
    Type: AWS::DynamoDB::Table
    Properties:
      SSESpecification: {SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: "arn:aws:kms:us-east-1:999999999999:key/abc"}
  Volume:
    Type: AWS::EC2::Volume
    Properties: {Encrypted: true, Size: 8, AvailabilityZone: !Select [0, !GetAZs ""]}
  Database:
    Type: AWS::RDS::DBInstance
    Properties: {StorageEncrypted: "true", KmsKeyId: !Ref Unknown}
  Unknown:
    Type: AWS::CloudFormation::WaitConditionHandle
)");
  const model::Graph& graph = input.graph;
  REQUIRE(graph.aliases.size() == 1);
  CHECK(graph.aliases[0].target.kind == model::KeyRef::Kind::node);
  for (const char* address : {"ById", "ByArn", "ByAlias", "ByAliasRef"}) {
    INFO(address);
    const model::DataStore* store = find_store(graph, address);
    REQUIRE(store);
    REQUIRE(store->key.kind == model::KeyRef::Kind::node);
    CHECK(graph.key(*store->key.key).source.address == "Key");
  }
  CHECK(find_store(graph, "Outside")->key.kind == model::KeyRef::Kind::outside);
  const model::DataStore* volume = find_store(graph, "Volume");
  REQUIRE(volume->key.kind == model::KeyRef::Kind::node);
  CHECK(graph.key(*volume->key.key).managed_service == "ebs");
  CHECK(find_store(graph, "Database")->key.kind == model::KeyRef::Kind::unknown);
}

TEST_CASE("IAM roles, users, groups and their policies", "[loaders][cloudformation]") {
  const auto input = load_yaml(R"(Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]
      Path: /app/
      Policies:
        - PolicyName: decrypt
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: kms:Decrypt, Resource: "*"}
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess
        - !Ref Managed
        - arn:aws:iam::123456789012:policy/elsewhere
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{Effect: Allow, Action: "kms:*", Resource: "*"}]
      Groups: [!Ref Group]
  Extra:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      PolicyDocument: {Statement: [{Effect: Deny, Action: "kms:ScheduleKeyDeletion", Resource: "*"}]}
      Roles: [!Ref Role]
      Users: [alice]
  User:
    Type: AWS::IAM::User
    Properties:
      UserName: alice
      Groups: [!Ref Group]
  Group:
    Type: AWS::IAM::Group
  Membership:
    Type: AWS::IAM::UserToGroupAddition
    Properties: {GroupName: !Ref Other, Users: [alice]}
  Other:
    Type: AWS::IAM::Group
    Properties: {GroupName: others}
  OwnPolicy:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: !Ref Role
      PolicyName: own
      PolicyDocument: {Statement: [{Effect: Allow, Action: kms:Encrypt, Resource: "*"}]}
)");
  const model::Graph& graph = input.graph;
  const model::Principal* role = find_principal(graph, "Role");
  REQUIRE(role);
  CHECK(resolved(graph, role->arn) == "arn:aws:iam::this-account:role/app/Role");
  CHECK(role->trust_policy.state == State::document);
  std::vector<std::string> names;
  for (const model::PolicyId id : role->policies)
    names.push_back(graph.policy(id).name);
  CHECK(names == std::vector<std::string>{"decrypt", "AdministratorAccess", "Managed", "elsewhere",
                                          "extra", "own"});
  CHECK(graph.policy(role->policies[0]).inline_policy);
  CHECK(graph.policy(role->policies[0]).source.pointer == "/Resources/Role/Properties/Policies/0");
  CHECK(graph.policy(role->policies[1]).aws_managed);
  CHECK(graph.policy(role->policies[3]).document.state == State::unknown);
  const model::Principal* user = find_principal(graph, "User");
  REQUIRE(user);
  REQUIRE(user->policies.size() == 1);
  CHECK(graph.policy(user->policies[0]).name == "extra");
  REQUIRE(user->groups.size() == 2);
  CHECK(graph.principal(user->groups[0]).source.address == "Group");
  CHECK(graph.principal(user->groups[1]).name == "others");
  const model::Principal* group = find_principal(graph, "Group");
  REQUIRE(group->policies.size() == 1);
  CHECK(graph.policy(group->policies[0]).name == "Managed");
}

TEST_CASE("IAM attachments to principals outside the template give them a node",
          "[loaders][cloudformation]") {
  const auto input = load_yaml(R"(Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      ManagedPolicyArns:
        - arn:aws:iam::123456789012:policy/shared
        - arn:aws:iam::123456789012:policy/shared
        - !ImportValue SharedPolicyArn
  Other:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      ManagedPolicyArns: [arn:aws:iam::123456789012:policy/shared, !ImportValue SharedPolicyArn]
  Attach:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: attach
      PolicyDocument: {Statement: [{Effect: Allow, Action: kms:Decrypt, Resource: "*"}]}
      Roles: [legacy-role, !Ref Role, !Ref Role]
      Groups: [arn:aws:iam::111122223333:group/ops/legacy-group]
  LegacyInline:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: legacy-role
      PolicyName: inline
      PolicyDocument: {Statement: [{Effect: Allow, Action: kms:Encrypt, Resource: "*"}]}
  Join:
    Type: AWS::IAM::UserToGroupAddition
    Properties: {GroupName: legacy-group, Users: [bob, bob]}
)");
  const model::Graph& graph = input.graph;
  const auto named = [&](model::PrincipalKind kind,
                         std::string_view name) -> const model::Principal* {
    const auto it =
        std::find_if(graph.principals.begin(), graph.principals.end(),
                     [&](const model::Principal& p) { return p.kind == kind && p.name == name; });
    return it == graph.principals.end() ? nullptr : &*it;
  };
  REQUIRE(graph.principals.size() == 5); // Role, Other, legacy-role, legacy-group, bob

  const model::Principal* legacy = named(model::PrincipalKind::role, "legacy-role");
  REQUIRE(legacy);
  CHECK(legacy->source.address == "Attach"); // where the template first names it
  CHECK(resolved(graph, legacy->arn) == "arn:aws:iam::this-account:role/legacy-role");
  REQUIRE(legacy->policies.size() == 2);
  CHECK(graph.policy(legacy->policies[0]).name == "attach");
  CHECK(graph.policy(legacy->policies[1]).name == "inline");

  const model::Principal* group = named(model::PrincipalKind::group, "legacy-group");
  REQUIRE(group);
  CHECK(group->arn == "arn:aws:iam::111122223333:group/ops/legacy-group");
  CHECK(group->policies.size() == 1);
  const model::Principal* bob = named(model::PrincipalKind::user, "bob");
  REQUIRE(bob);
  REQUIRE(bob->groups.size() == 1); // written twice, a member once
  CHECK(&graph.principal(bob->groups[0]) == group);

  // A policy attached twice counts once; one outside ARN is one node, shared by the roles naming
  // it; an ARN known only at deploy time may name any policy, so each attachment has its own.
  const model::Principal* role = find_principal(graph, "Role");
  const model::Principal* other = find_principal(graph, "Other");
  REQUIRE(role);
  REQUIRE(other);
  REQUIRE(role->policies.size() == 3); // shared, the import, attach
  REQUIRE(other->policies.size() == 2);
  CHECK(role->policies[0] == other->policies[0]);
  CHECK(graph.policy(role->policies[0]).name == "shared");
  CHECK(graph.policy(role->policies[0]).document.state == State::unknown);
  CHECK(role->policies[1] != other->policies[1]);
  CHECK(graph.policy(role->policies[1]).document.state == State::unknown);
  CHECK(graph.policy(role->policies[2]).name == "attach");
}

TEST_CASE("resource policies attach to their bucket, queue, topic and secret",
          "[loaders][cloudformation]") {
  const auto input = load_yaml(R"(Resources:
  Bucket: {Type: "AWS::S3::Bucket"}
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument: {Statement: [{Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: !Sub "${Bucket.Arn}/*"}]}
  Queue: {Type: "AWS::SQS::Queue"}
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: sns.amazonaws.com}, Action: sqs:SendMessage, Resource: !GetAtt Queue.Arn}]}
  Topic: {Type: "AWS::SNS::Topic"}
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument: {Statement: [{Effect: Allow, Principal: {AWS: "*"}, Action: sns:Publish, Resource: !Ref Topic}]}
  Secret: {Type: "AWS::SecretsManager::Secret"}
  SecretPolicy:
    Type: AWS::SecretsManager::ResourcePolicy
    Properties:
      SecretId: !Ref Secret
      ResourcePolicy: {Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::222222222222:root"}, Action: secretsmanager:GetSecretValue, Resource: "*"}]}
  ForeignPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: someone-elses-bucket
      PolicyDocument: {Statement: [{Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: "*"}]}
)");
  const model::Graph& graph = input.graph;
  for (const auto& [store, policy] :
       {std::pair{"Bucket", "BucketPolicy"}, std::pair{"Queue", "QueuePolicy"},
        std::pair{"Topic", "TopicPolicy"}, std::pair{"Secret", "SecretPolicy"}}) {
    INFO(store);
    const model::DataStore* found = find_store(graph, store);
    REQUIRE(found);
    CHECK(found->resource_policy.state == State::document);
    CHECK(found->resource_policy_address == policy);
  }
  CHECK(resolved(graph, find_store(graph, "Bucket")
                            ->resource_policy.document["Statement"][0]["Resource"]
                            .get<std::string>()) == "arn:aws:s3:::Bucket/*");
  const model::DataStore* foreign = find_store(graph, "ForeignPolicy");
  REQUIRE(foreign);
  CHECK(foreign->name == "someone-elses-bucket");
  CHECK(foreign->key.kind == model::KeyRef::Kind::unknown);
}

TEST_CASE("conditions decide resources and statements; parameters override defaults",
          "[loaders][cloudformation]") {
  SECTION("defaults: dev") {
    const auto input = load_fixture("conditions.yaml");
    const model::Graph& graph = input.graph;
    CHECK_FALSE(find_key(graph, "ProdKey"));
    REQUIRE(find_key(graph, "RegionalKey")); // undecided: analysed as created, with a note
    const model::Key* shared = find_key(graph, "SharedKey");
    REQUIRE(shared);
    CHECK(shared->rotation_enabled == false);
    const auto& statements = shared->policy.document["Statement"];
    REQUIRE(statements.size() == 2); // Partner removed; Regional kept as the assumed branch
    CHECK(statements[1]["Sid"] == "Regional");
    CHECK(shared->policy.statement_locations[1].line == 41);
    CHECK(shared->policy.origin.find("InUsEast1") != std::string::npos);
    CHECK(model::symbol_refs(statements[1]["Principal"]["AWS"].get<std::string>()) ==
          std::vector<std::string>{"unknown:ImportValue regional-reader-arn"});
    const auto mentions = [&](std::string_view text, model::DiagnosticLevel level) {
      return std::any_of(graph.diagnostics.begin(), graph.diagnostics.end(),
                         [&](const model::Diagnostic& d) {
                           return d.level == level && d.message.find(text) != std::string::npos;
                         });
    };
    CHECK(mentions("InUsEast1", model::DiagnosticLevel::note));
    CHECK(mentions("InUsEast1", model::DiagnosticLevel::warning));
  }
  SECTION("--parameter Stage=prod") {
    loaders::LoadOptions options;
    options.parameters["Stage"] = "prod";
    options.parameters["TrustedAccount"] = "222222222222";
    const auto input = load_fixture("conditions.yaml", options);
    const model::Graph& graph = input.graph;
    CHECK(find_key(graph, "ProdKey"));
    const model::Key* shared = find_key(graph, "SharedKey");
    REQUIRE(shared);
    CHECK(shared->rotation_enabled == true);
    const auto& statements = shared->policy.document["Statement"];
    REQUIRE(statements.size() == 3);
    CHECK(statements[1]["Principal"]["AWS"] == "arn:aws:iam::222222222222:root");
    CHECK(shared->policy.statement_locations[1].line == 33);
  }
  SECTION("a parameter without value stays unknown") {
    const auto input = load_fixture("conditions.yaml", [] {
      loaders::LoadOptions options;
      options.parameters["Stage"] = "prod";
      return options;
    }());
    const auto& statements = find_key(input.graph, "SharedKey")->policy.document["Statement"];
    CHECK(model::symbol_refs(statements[1]["Principal"]["AWS"].get<std::string>()) ==
          std::vector<std::string>{"unknown:parameter TrustedAccount"});
  }
}

TEST_CASE("CDK output: construct paths name resources, CDK plumbing stays silent",
          "[loaders][cloudformation]") {
  const auto input = load_fixture("cdk_stack.template.json");
  const model::Graph& graph = input.graph;
  CHECK(graph.diagnostics
            .empty()); // no noise about CDKMetadata, BootstrapVersion or asset parameters
  const model::Key* key = find_key(graph, "DataKey1A2B3C4D");
  REQUIRE(key);
  CHECK(key->source.display == "MyStack/DataKey/Resource (DataKey1A2B3C4D)");
  CHECK(key->source.name() == key->source.display);
  CHECK(resolved(graph,
                 key->policy.document["Statement"][0]["Principal"]["AWS"].get<std::string>()) ==
        "arn:aws:iam::this-account:root");
  const model::DataStore* bucket = find_store(graph, "DataBucketE3889A50");
  REQUIRE(bucket);
  REQUIRE(bucket->key.kind == model::KeyRef::Kind::node);
  CHECK(&graph.key(*bucket->key.key) == key);
  const model::Principal* role = find_principal(graph, "ReaderRole5E6F7A8B");
  REQUIRE(role);
  REQUIRE(role->policies.size() == 1);
  const auto& statement = graph.policy(role->policies[0]).document.document["Statement"][0];
  CHECK(resolved(graph, statement["Resource"].get<std::string>()) == resolved(graph, key->arn));
  CHECK(graph.keys.size() == 1);
}

TEST_CASE("suppressions come from resource Metadata", "[loaders][cloudformation]") {
  const auto input = load_yaml(R"(Resources:
  Key:
    Type: AWS::KMS::Key
    Metadata:
      tfkms:
        ignore:
          - rule: TFKMS003
            reason: rotation is handled by the HSM team
          - rule: TFKMS004
)");
  const auto& suppressions = input.graph.suppressions;
  REQUIRE(suppressions.size() == 2);
  CHECK(suppressions[0].rule == "TFKMS003");
  CHECK(suppressions[0].address == "Key");
  CHECK(suppressions[0].reason == "rotation is handled by the HSM team");
  CHECK(suppressions[0].where.line == 7);
  CHECK(suppressions[1].rule == "TFKMS004");
  CHECK(suppressions[1].reason.empty());
}

TEST_CASE("SAM functions get the role SAM creates, with their Policies",
          "[loaders][cloudformation]") {
  const auto input = load_yaml(R"(Transform: AWS::Serverless-2016-10-31
Resources:
  Key: {Type: "AWS::KMS::Key"}
  Function:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Policies:
        - AWSLambdaBasicExecutionRole
        - KMSDecryptPolicy: {KeyId: !Ref Key}
        - Statement: [{Effect: Allow, Action: kms:Encrypt, Resource: !GetAtt Key.Arn}]
  Reader:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: reader
      PolicyDocument: {Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
      Roles: [!Ref FunctionRole]
)");
  const model::Graph& graph = input.graph;
  CHECK(graph.diagnostics.empty());
  const auto role =
      std::find_if(graph.principals.begin(), graph.principals.end(),
                   [](const model::Principal& p) { return p.name == "FunctionRole"; });
  REQUIRE(role != graph.principals.end());
  REQUIRE(role->policies.size() == 4);
  CHECK(graph.policy(role->policies[0]).arn ==
        "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole");
  const auto& decrypt = graph.policy(role->policies[1]).document.document["Statement"][0];
  CHECK(decrypt["Action"] == "kms:Decrypt");
  CHECK(resolved(graph, decrypt["Resource"].get<std::string>()) ==
        resolved(graph, graph.keys[0].arn));
  CHECK(graph.policy(role->policies[2]).document.document["Statement"][0]["Action"] ==
        "kms:Encrypt");
  CHECK(graph.policy(role->policies[3]).name == "reader");
}

TEST_CASE("a malformed resource is reported and the others still load",
          "[loaders][cloudformation]") {
  const auto input = load_yaml(R"(Resources:
  NoType:
    Properties: {}
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy: !Sub [1, 2, 3]
  Queue:
    Type: AWS::SQS::Queue
    Properties: [KmsMasterKeyId, alias/aws/sqs]
)");
  const model::Graph& graph = input.graph;
  REQUIRE(graph.keys.size() == 1);
  CHECK(graph.keys[0].policy.state == State::unreadable);
  REQUIRE(graph.data_stores.size() == 1);
  REQUIRE(graph.diagnostics.size() == 3);
  CHECK(graph.diagnostics[0].message.find("NoType") != std::string::npos);
  CHECK(graph.diagnostics[0].line == 3);
  CHECK(graph.diagnostics[1].message.find("Fn::Sub") != std::string::npos);
  CHECK(graph.diagnostics[2].message.find("Properties is not a mapping") != std::string::npos);
  CHECK(graph.diagnostics[2].line == 10);
}

TEST_CASE("a file that is no template is refused with file and position",
          "[loaders][cloudformation]") {
  const auto no_resources = load_text("AWSTemplateFormatVersion: 2010-09-09\nParameters: {}\n");
  REQUIRE_FALSE(no_resources);
  CHECK(no_resources.error().file == "template.yaml");
  CHECK(no_resources.error().message.find("no Resources") != std::string::npos);
  const auto invalid =
      load_text("{\"Resources\": {\"A\": }", {}, loaders::InputKind::cloudformation_json);
  REQUIRE_FALSE(invalid);
  CHECK(invalid.error().line == 1);
  CHECK(invalid.error().column.has_value());
  const auto list = load_text("- a\n- b\n");
  REQUIRE_FALSE(list);
  CHECK(list.error().message.find("not a mapping") != std::string::npos);
  const auto empty = load_text("Parameters: {}\nResources: {}\n");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().line == 2);
  CHECK(empty.error().message.find("Resources is empty") != std::string::npos);
}

TEST_CASE("macros tfkms does not apply are reported", "[loaders][cloudformation]") {
  const auto input =
      load_yaml("Transform: [AWS::Serverless-2016-10-31, MyCompanyMacro]\nResources:\n"
                "  Key: {Type: \"AWS::KMS::Key\"}\n");
  REQUIRE(input.graph.diagnostics.size() == 1);
  CHECK(input.graph.diagnostics[0].level == model::DiagnosticLevel::warning);
  CHECK(input.graph.diagnostics[0].message.find("MyCompanyMacro") != std::string::npos);
  CHECK(input.graph.diagnostics[0].line == 1);
}

TEST_CASE("a replica key is linked to its primary through PrimaryKeyArn",
          "[loaders][cloudformation]") {
  const auto input =
      load_yaml("Resources:\n"
                "  Primary: {Type: \"AWS::KMS::Key\", Properties: {MultiRegion: true}}\n"
                "  Replica:\n"
                "    Type: AWS::KMS::ReplicaKey\n"
                "    Properties: {PrimaryKeyArn: !GetAtt Primary.Arn, KeyPolicy: {Version: "
                "\"2012-10-17\", Statement: []}}\n"
                "  Elsewhere:\n"
                "    Type: AWS::KMS::ReplicaKey\n"
                "    Properties:\n"
                "      PrimaryKeyArn: "
                "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab\n");
  const auto& keys = input.graph.keys;
  REQUIRE(keys.size() == 3);
  CHECK(keys[0].multi_region);
  CHECK_FALSE(keys[0].primary);
  REQUIRE(keys[1].primary);
  CHECK(static_cast<std::size_t>(*keys[1].primary) == 0);
  CHECK_FALSE(keys[2].primary); // its primary is not in the template
}
