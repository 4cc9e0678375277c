#include "loaders/loaders.hpp"
#include "loaders/terraform_references.hpp"
#include "model/value.hpp"
#include "temp_file.hpp"

#include <catch2/catch.hpp>

namespace {

using tfkms::loaders::terraform::ConfigResource;
using tfkms::loaders::terraform::Document;
using tfkms::loaders::terraform::ReferencedResources;
using tfkms::loaders::terraform::Resource;

Resource resource(std::string address, std::string module, std::string type) {
  Resource out;
  out.address = std::move(address);
  out.module_address = std::move(module);
  out.type = std::move(type);
  return out;
}

// A configuration whose one grant refers to `references` (nested as Terraform writes them).
Document referring_to(std::vector<std::string> references) {
  Document document;
  ConfigResource grant;
  grant.module_path = "module.app";
  grant.expressions = {
      {"grantee_principal", {{"references", references}}},
      {"constraints", {{{"encryption_context_equals", nlohmann::json::object()}}}}};
  document.config.emplace("module.app.aws_kms_grant.g", std::move(grant));
  return document;
}

} // namespace

TEST_CASE("references: only resources a configuration reference can name need symbols",
          "[loaders][terraform][symbols]") {
  const Document document =
      referring_to({"aws_iam_role.app[\"a\"].arn", "aws_iam_role.app[\"a\"]", "var.name"});
  const ReferencedResources referenced(document, ReferencedResources::Source::not_read);
  // Named from any instance of the module the reference is made in, or from the root module.
  CHECK(referenced.may_be_named(
      resource("module.app[\"x\"].aws_iam_role.app[\"a\"]", "module.app[\"x\"]", "aws_iam_role")));
  CHECK(referenced.may_be_named(resource("aws_iam_role.app[\"a\"]", "", "aws_iam_role")));
  CHECK_FALSE(referenced.may_be_named(
      resource("module.app.aws_iam_role.app[\"b\"]", "module.app", "aws_iam_role")));
  CHECK_FALSE(referenced.may_be_named(resource("aws_kms_key.k", "", "aws_kms_key")));
  // The builder names a data store's and an organisation member's attributes itself.
  CHECK(referenced.may_be_named(resource("aws_s3_bucket.b", "", "aws_s3_bucket")));
  CHECK(referenced.may_be_named(
      resource("aws_organizations_account.a", "", "aws_organizations_account")));
  // An address of module steps only, as a hand-edited file may hold.
  CHECK(referenced.may_be_named(resource("module.a.module.b", "module.a", "aws_kms_key")));
}

TEST_CASE("references: a dotted attribute name, a reference in a list, and the .tf source",
          "[loaders][terraform][symbols]") {
  Document document = referring_to({"aws_kms_key.k.tags.team"});
  document.config["module.app.aws_kms_grant.g"].expressions["operations"] =
      nlohmann::json::array({{{"references", {"aws_kms_key.other.arn"}}}});
  const ReferencedResources referenced(document, ReferencedResources::Source::not_read);
  CHECK(referenced.may_be_named(resource("module.app.aws_kms_key.k", "module.app", "aws_kms_key")));
  CHECK(referenced.may_be_named(
      resource("module.app.aws_kms_key.other", "module.app", "aws_kms_key")));
  CHECK_FALSE(referenced.may_be_named(resource("aws_kms_key.tags", "", "aws_kms_key")));
  // The .tf source makes markers from references the document does not hold.
  const ReferencedResources with_source(Document{}, ReferencedResources::Source::read);
  CHECK(with_source.may_be_named(resource("aws_kms_key.unnamed", "", "aws_kms_key")));
  CHECK_FALSE(ReferencedResources(Document{}, ReferencedResources::Source::not_read)
                  .may_be_named(resource("aws_kms_key.unnamed", "", "aws_kms_key")));
}

TEST_CASE("references: a module instance's references resolve; an unreferenced attribute is no "
          "symbol",
          "[loaders][terraform][symbols]") {
  const tfkms::test::TempFile file("module-references.json", R"json({
  "format_version": "1.2", "terraform_version": "1.9.5",
  "resource_changes": [
    {"address": "module.team[\"a\"].aws_iam_role.app", "module_address": "module.team[\"a\"]",
     "mode": "managed", "type": "aws_iam_role", "name": "app",
     "change": {"actions": ["create"], "before": null, "after": {"name": "app-a"},
                "after_unknown": {"arn": true, "id": true}}},
    {"address": "module.team[\"a\"].aws_kms_key.k", "module_address": "module.team[\"a\"]",
     "mode": "managed", "type": "aws_kms_key", "name": "k",
     "change": {"actions": ["create"], "before": null, "after": {"description": "used"},
                "after_unknown": {"arn": true, "id": true, "key_id": true}}},
    {"address": "module.team[\"a\"].aws_kms_key.other", "module_address": "module.team[\"a\"]",
     "mode": "managed", "type": "aws_kms_key", "name": "other",
     "change": {"actions": ["create"], "before": null, "after": {"description": "unused"},
                "after_unknown": {"arn": true, "id": true, "key_id": true}}},
    {"address": "module.team[\"a\"].aws_kms_grant.g", "module_address": "module.team[\"a\"]",
     "mode": "managed", "type": "aws_kms_grant", "name": "g",
     "change": {"actions": ["create"], "before": null, "after": {"operations": ["Decrypt"]},
                "after_unknown": {"grantee_principal": true, "key_id": true}}}
  ],
  "configuration": {"root_module": {"module_calls": {"team": {"source": "./team", "module": {
    "resources": [{"address": "aws_kms_grant.g", "mode": "managed", "type": "aws_kms_grant",
      "name": "g", "expressions": {
        "grantee_principal": {"references": ["aws_iam_role.app.arn", "aws_iam_role.app"]},
        "key_id": {"references": ["aws_kms_key.k.key_id", "aws_kms_key.k"]}}}]}}}}}
})json");
  auto input = tfkms::loaders::load_file(file.path(), tfkms::loaders::LoadOptions{});
  REQUIRE(input);
  const tfkms::model::Graph& graph = input.value().graph;
  REQUIRE(graph.grants.size() == 1);
  const auto& grant = graph.grants[0];
  CHECK(grant.grantee == tfkms::model::symbol(R"(module.team["a"].aws_iam_role.app.arn)"));
  const tfkms::model::Value grantee = tfkms::model::resolve_value(grant.grantee, graph);
  CHECK(grantee.known());
  CHECK(grantee.text.ends_with(":role/app-a"));
  REQUIRE(grant.key.kind == tfkms::model::KeyRef::Kind::node);
  CHECK(graph.key(*grant.key.key).source.address == R"(module.team["a"].aws_kms_key.k)");
  CHECK(graph.resolve(R"(module.team["a"].aws_kms_key.k.description)") == "used");
  CHECK_FALSE(graph.resolve(R"(module.team["a"].aws_kms_key.other.description)"));
}
