#include "loaders/cloudformation_intrinsics.hpp"
#include "model/value.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace tfkms;
using loaders::cfn::Intrinsics;
using loaders::cfn::Scope;
using nlohmann::json;

namespace {

// A template with parameters, mappings, conditions and resources to refer to; the expression under
// test is the value of Outputs.Out.
constexpr std::string_view k_context = R"(
Parameters:
  Env: {Type: String, Default: prod}
  Subnets: {Type: CommaDelimitedList, Default: "a,b,c"}
  NoDefault: {Type: String}
  Latest: {Type: "AWS::SSM::Parameter::Value<String>", Default: /aws/service/latest}
Mappings:
  RegionMap:
    prod: {Key: prod-key, Zones: [z1, z2]}
    dev: {Key: dev-key}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: {"Fn::Equals": [{"Ref": "Env"}, "dev"]}
  InEurope: !Equals [!Ref "AWS::Region", eu-west-1]
  ProdAndEurope: !And [!Condition IsProd, !Condition InEurope]
  DevOrEurope: !Or [!Condition IsDev, !Condition InEurope]
  DevAndEurope: !And [!Condition IsDev, !Condition InEurope]
  NotProd: !Not [!Condition IsProd]
Resources:
  Key: {Type: "AWS::KMS::Key"}
  Db: {Type: "AWS::RDS::DBInstance"}
)";

struct Resolved {
  std::optional<json> value;
  Scope scope;
};

Resolved resolve(std::string_view expression, const loaders::LoadOptions& options = {}) {
  const std::string text =
      std::string(k_context) + "Outputs:\n  Out:\n    Value: " + std::string(expression) + "\n";
  auto document = loaders::cfn::read_document(text, "t.yaml", options.limits);
  if (!document)
    FAIL(document.error().to_string());
  const auto& root = *document.value().root;
  Intrinsics intrinsics(root, options);
  Resolved out;
  out.scope.file = "t.yaml";
  out.scope.resource = "Out";
  out.value = intrinsics.resolve(*root.find("Outputs")->find("Out")->find("Value"), out.scope);
  return out;
}

std::string text_of(std::string_view expression, const loaders::LoadOptions& options = {}) {
  const Resolved resolved = resolve(expression, options);
  REQUIRE(resolved.value);
  REQUIRE(resolved.value->is_string());
  return resolved.value->get<std::string>();
}

std::string sym(std::string_view ref) { return model::symbol(ref); }

} // namespace

TEST_CASE("Ref: parameters, their override, pseudo parameters and resources",
          "[loaders][cloudformation]") {
  CHECK(text_of("!Ref Env") == "prod");
  CHECK(text_of(R"({"Ref": "Env"})") == "prod");
  loaders::LoadOptions options;
  options.parameters["Env"] = "dev";
  CHECK(text_of("!Ref Env", options) == "dev");
  CHECK(text_of("!Ref NoDefault") == sym("unknown:parameter NoDefault"));
  CHECK(text_of("!Ref Latest") ==
        sym("unknown:parameter Latest")); // an SSM parameter's Default is its name
  CHECK(resolve("!Ref Subnets").value == json::array({"a", "b", "c"}));
  CHECK(text_of("!Ref AWS::AccountId") == sym("account"));
  CHECK(text_of("!Ref AWS::Partition") == sym("partition"));
  CHECK(text_of("!Ref AWS::Region") == sym("region"));
  CHECK(text_of("!Ref AWS::URLSuffix") == sym("url_suffix"));
  CHECK(text_of("!Ref AWS::StackName") == sym("stack_name"));
  CHECK(text_of("!Ref Key") == sym("cfn:Key"));
}

TEST_CASE("AWS::NoValue removes the property, also from lists and through Fn::If",
          "[loaders][cloudformation]") {
  CHECK_FALSE(resolve("!Ref AWS::NoValue").value);
  CHECK(resolve("{A: !Ref AWS::NoValue, B: x}").value == json{{"B", "x"}});
  CHECK(resolve("[a, !Ref AWS::NoValue, b]").value == json::array({"a", "b"}));
  CHECK(resolve("[a, !If [IsDev, x, !Ref AWS::NoValue]]").value == json::array({"a"}));
}

TEST_CASE("an undefined reference is reported and stays unknown", "[loaders][cloudformation]") {
  const Resolved resolved = resolve("!Ref Nothing");
  CHECK(resolved.value == json(sym("unknown:invalid Ref")));
  REQUIRE(resolved.scope.diagnostics.size() == 1);
  CHECK(resolved.scope.diagnostics[0].message.find("Nothing") != std::string::npos);
  const auto context_lines =
      static_cast<std::uint32_t>(std::count(k_context.begin(), k_context.end(), '\n'));
  CHECK(resolved.scope.diagnostics[0].line == context_lines + 3);
}

TEST_CASE("Fn::GetAtt in short, list and long forms", "[loaders][cloudformation]") {
  CHECK(text_of("!GetAtt Key.Arn") == sym("cfn:Key.Arn"));
  CHECK(text_of("!GetAtt [Key, Arn]") == sym("cfn:Key.Arn"));
  CHECK(text_of(R"({"Fn::GetAtt": ["Key", "Arn"]})") == sym("cfn:Key.Arn"));
  CHECK(text_of("!GetAtt Db.Endpoint.Address") ==
        sym("cfn:Db.Endpoint.Address")); // split at the first dot
  CHECK_FALSE(resolve("!GetAtt Missing.Arn").scope.diagnostics.empty());
}

TEST_CASE("Fn::Sub with pseudo parameters, attributes, variables and ${!Literal}",
          "[loaders][cloudformation]") {
  CHECK(text_of(R"(!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root")") ==
        "arn:" + sym("partition") + ":iam::" + sym("account") + ":root");
  CHECK(text_of(R"(!Sub "${Key.Arn}/${Env}/${Key}")") ==
        sym("cfn:Key.Arn") + "/prod/" + sym("cfn:Key"));
  CHECK(text_of(R"(!Sub "${!Literal}-${Env}")") == "${Literal}-prod");
  CHECK(text_of(R"(!Sub ["${Name}-${Other}", {Name: !Ref Env, Other: !GetAtt Key.Arn}])") ==
        "prod-" + sym("cfn:Key.Arn"));
  CHECK(text_of(R"({"Fn::Sub": "plain"})") == "plain");
}

TEST_CASE("Fn::Join, Fn::Select and Fn::Split", "[loaders][cloudformation]") {
  CHECK(text_of(R"(!Join ["", ["arn:", !Ref "AWS::Partition", ":s3:::b"]])") ==
        "arn:" + sym("partition") + ":s3:::b");
  CHECK(text_of(R"(!Join [",", !Ref Subnets])") == "a,b,c");
  CHECK(text_of(R"(!Select [1, !Ref Subnets])") == "b");
  CHECK(text_of(R"(!Select ["0", [x, y]])") == "x");
  CHECK(resolve(R"(!Split [",", "a,b"])").value == json::array({"a", "b"}));
  CHECK(text_of(R"(!Select [2, !Split ["/", "x/y/z"]])") == "z");
  // A deploy-time value may hold any number of delimiters.
  CHECK(text_of(R"(!Select [1, !Split [":", !GetAtt Key.Arn]])") ==
        sym("unknown:Fn::Select from an unknown list"));
  const Resolved past_end = resolve("!Select [5, [a]]");
  CHECK(past_end.value == json(sym("unknown:invalid Fn::Select")));
  CHECK(past_end.scope.diagnostics.size() == 1);
}

TEST_CASE("Fn::FindInMap reads Mappings", "[loaders][cloudformation]") {
  CHECK(text_of("!FindInMap [RegionMap, !Ref Env, Key]") == "prod-key");
  CHECK(resolve("!FindInMap [RegionMap, prod, Zones]").value == json::array({"z1", "z2"}));
  CHECK(text_of("!FindInMap [RegionMap, !Ref AWS::Region, Key]") ==
        sym("unknown:Fn::FindInMap RegionMap/${region}/Key"));
  CHECK(text_of("!FindInMap [RegionMap, test, Key, {DefaultValue: fallback}]") == "fallback");
  CHECK_FALSE(resolve("!FindInMap [RegionMap, test, Key]").scope.diagnostics.empty());
}

TEST_CASE("Fn::If and condition functions decided from parameters", "[loaders][cloudformation]") {
  CHECK(text_of("!If [IsProd, p, d]") == "p");
  CHECK(text_of(R"({"Fn::If": ["IsDev", "d", "p"]})") == "p");
  CHECK(text_of("!If [NotProd, d, p]") == "p");
  CHECK(text_of("!If [DevAndEurope, x, y]") == "y"); // false whatever the region
  loaders::LoadOptions dev;
  dev.parameters["Env"] = "dev";
  CHECK(text_of("!If [IsProd, p, d]", dev) == "d");
  CHECK(text_of("!If [DevOrEurope, x, y]", dev) == "x"); // true whatever the region
  CHECK(text_of("!Equals [a, a]") == "true");
}

TEST_CASE("an undecidable Fn::If takes its true branch in one load and says so",
          "[loaders][cloudformation]") {
  const Resolved resolved = resolve("!If [ProdAndEurope, x, y]");
  CHECK(resolved.value == json("x"));
  REQUIRE(resolved.scope.diagnostics.size() == 1);
  CHECK(resolved.scope.diagnostics[0].level == model::DiagnosticLevel::warning);
  CHECK(resolved.scope.diagnostics[0].message.find("ProdAndEurope") != std::string::npos);
  REQUIRE(resolved.scope.assumptions.size() == 1);
  CHECK(resolved.scope.assumptions[0].find("tfkms check analyses each branch") !=
        std::string::npos);
}

TEST_CASE("undecided conditions are listed inner ones first, and a decided one is not",
          "[loaders][cloudformation]") {
  const std::string text =
      std::string(k_context) + "Outputs:\n  Out:\n    Value: !If [ProdAndEurope, x, y]\n";
  auto document = loaders::cfn::read_document(text, "t.yaml", {});
  REQUIRE(document);
  const auto& root = *document.value().root;
  Scope scope;
  {
    Intrinsics intrinsics(root, {});
    (void)intrinsics.resolve(*root.find("Outputs")->find("Out")->find("Value"), scope);
    CHECK(intrinsics.undecided() == std::vector<std::string>{"InEurope", "ProdAndEurope"});
  }
  // Deciding the inner condition decides the outer one with it: the branches stay consistent.
  loaders::LoadOptions options;
  options.conditions["InEurope"] = false;
  Intrinsics intrinsics(root, options);
  CHECK(intrinsics.resolve(*root.find("Outputs")->find("Out")->find("Value"), scope) == json("y"));
  CHECK(intrinsics.undecided().empty());
}

TEST_CASE("--condition decides a condition, and only one the template defines",
          "[loaders][cloudformation]") {
  loaders::LoadOptions options;
  options.conditions["ProdAndEurope"] = false;
  options.conditions["Unknown"] = true;
  CHECK(text_of("!If [ProdAndEurope, x, y]", options) == "y");
  CHECK(resolve("!If [ProdAndEurope, x, y]", options).scope.diagnostics.empty());
  CHECK_FALSE(
      resolve("!If [Unknown, x, y]", options).scope.diagnostics.empty()); // not defined: an error
}

TEST_CASE("values known only at deploy time", "[loaders][cloudformation]") {
  CHECK(text_of("!ImportValue shared-key-arn") == sym("unknown:ImportValue shared-key-arn"));
  CHECK(text_of(R"(!ImportValue {"Fn::Sub": "${Env}-key"})") ==
        sym("unknown:ImportValue prod-key"));
  CHECK(text_of("!GetAZs ''") == sym("unknown:Fn::GetAZs"));
  CHECK(text_of(R"(!Select [0, !GetAZs ""])") == sym("unknown:Fn::Select from an unknown list"));
  CHECK(text_of(R"(!Cidr ["10.0.0.0/16", 4, 8])") == sym("unknown:Fn::Cidr"));
  CHECK(text_of("!Base64 hello") == "aGVsbG8=");
  CHECK(text_of("!Base64 {\"Fn::Sub\": \"${AWS::Region}\"}") == sym("unknown:Fn::Base64"));
}

TEST_CASE("an unknown function is reported", "[loaders][cloudformation]") {
  const Resolved resolved = resolve(R"({"Fn::Frobnicate": [1]})");
  CHECK(resolved.value == json(sym("unknown:invalid Fn::Frobnicate")));
  CHECK(resolved.scope.diagnostics.size() == 1);
}

TEST_CASE("hostile mappings and conditions end quickly", "[loaders][cloudformation]") {
  SECTION("a mapping value is literal, even when it looks like a call to itself") {
    const auto document = loaders::cfn::read_document(
        "Mappings: {M: {a: {b: {\"Fn::FindInMap\": [M, a, b]}}}}\nV: !FindInMap [M, a, b]\n",
        "t.yaml", {});
    REQUIRE(document);
    Intrinsics intrinsics(*document.value().root, {});
    Scope scope;
    CHECK(intrinsics.resolve(*document.value().root->find("V"), scope) ==
          json{{"Fn::FindInMap", json::array({"M", "a", "b"})}});
  }
  SECTION("a large mapping value looked up many times exhausts the budget once") {
    std::string text = "Mappings: {M: {a: {b: &big [";
    for (int i = 0; i < 5000; ++i)
      text += (i ? ", " : "") + std::string("x");
    text += "]}}}\nV: [";
    for (int i = 0; i < 2000; ++i)
      text += (i ? ", " : "") + std::string("!FindInMap [M, a, b]");
    text += "]\n";
    const auto document = loaders::cfn::read_document(text, "t.yaml", {});
    REQUIRE(document);
    Intrinsics intrinsics(*document.value().root, {});
    Scope scope;
    const auto value = intrinsics.resolve(*document.value().root->find("V"), scope);
    REQUIRE(value);
    CHECK(value->back() == json(model::symbol("unknown:resolution budget exhausted")));
    CHECK(scope.diagnostics.size() == 1);
  }
  SECTION("a long chain of conditions is cut") {
    std::string text = "Conditions:\n";
    for (int i = 0; i < 200; ++i)
      text += "  C" + std::to_string(i) + ": !Condition C" + std::to_string(i + 1) + "\n";
    text += "  C200: !Equals [a, a]\nV: !If [C0, yes, no]\n";
    const auto document = loaders::cfn::read_document(text, "t.yaml", {});
    REQUIRE(document);
    Intrinsics intrinsics(*document.value().root, {});
    Scope scope;
    CHECK(intrinsics.condition("C0", *document.value().root, scope) ==
          loaders::cfn::Truth::undecided);
    CHECK(intrinsics.condition("C150", *document.value().root, scope) == loaders::cfn::Truth::yes);
  }
}
