#include "json_schema_subset.hpp"
#include "sample_reports.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace tfkms::report;

namespace {

tfkms::test::SchemaSubsetValidator report_schema() {
  std::ifstream file(TFKMS_SOURCE_DIR "/schema/tfkms-report.schema.json");
  REQUIRE(file);
  return tfkms::test::SchemaSubsetValidator(nlohmann::json::parse(file));
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines)
    out += line + '\n';
  return out;
}

} // namespace

TEST_CASE("json output validates against the published schema", "[report][schema]") {
  const auto schema = report_schema();
  for (const Report& report : {samples::representative(), samples::clean(), samples::hostile()}) {
    const nlohmann::json document = nlohmann::json::parse(samples::render(Format::json, report));
    const std::vector<std::string> errors = schema.validate(document);
    INFO(joined(errors));
    CHECK(errors.empty());
  }
}

TEST_CASE("the schema validator rejects what the schema forbids", "[report][schema]") {
  const auto schema = report_schema();
  nlohmann::json document =
      nlohmann::json::parse(samples::render(Format::json, samples::representative()));
  document["findings"][0]["severity"] = "severe";
  document["findings"][1]["line"] = 0;
  document["findings"][2].erase("fingerprint");
  document["summary"]["extra"] = true;
  const std::vector<std::string> errors = schema.validate(document);
  CHECK(errors.size() == 4);
}

TEST_CASE("json lists every finding with its fields", "[report]") {
  const auto document =
      nlohmann::json::parse(samples::render(Format::json, samples::representative()));
  CHECK(document["version"] == TFKMS_VERSION);
  REQUIRE(document["findings"].size() == 6);
  const auto& open = document["findings"][3];
  CHECK(open["rule_id"] == "TFKMS004");
  CHECK(open["severity"] == "critical");
  CHECK(open["resource"] == "aws_kms_key.shared");
  CHECK(open["file"] == "repo/infra/kms.tf");
  CHECK(open["line"] == 12);
  CHECK(open["column"] == 3);
  CHECK(open["evidence"][0]["pointer"] == "/Statement/1/Principal/AWS");
  CHECK(open["evidence"][0]["line"] == 15);
  CHECK(open["evidence"][1]["line"].is_null());
  CHECK(open["fingerprint"].get<std::string>().size() == 16);
  CHECK(open["suppressed"] == false);
  const auto& suppressed = document["findings"][1];
  CHECK(suppressed["suppressed"] == true);
  CHECK(suppressed["suppression_reason"] == "imported key material cannot rotate");
  CHECK(document["findings"][0]["line"].is_null());
}

TEST_CASE("json summary counts unsuppressed findings and diagnostics", "[report]") {
  const auto summary =
      nlohmann::json::parse(samples::render(Format::json, samples::representative()))["summary"];
  CHECK(summary["findings"] == 4);
  CHECK(summary["suppressed"] == 2);
  CHECK(summary["by_severity"]["critical"] == 1);
  CHECK(summary["by_severity"]["high"] == 1);
  CHECK(summary["by_severity"]["info"] == 0);
  CHECK(summary["diagnostics"] == 2);
  CHECK(summary["errors"] == 1);
  CHECK(summary["analysed"]["keys"] == 4);
}

TEST_CASE("json writes a finding's fix as data, and the schema accepts each kind",
          "[report][schema]") {
  Report report = samples::representative();
  report.findings[0].fix_edit = {.kind = tfkms::rules::FixKind::add_condition,
                                 .policy = "/resource_changes/0/change/after/policy",
                                 .statement = 0,
                                 .json = R"({"Bool":{"kms:GrantIsForAWSResource":"true"}})",
                                 .options = {},
                                 .property = {}};
  report.findings[1].fix_edit = {.kind = tfkms::rules::FixKind::design_choice,
                                 .policy = {},
                                 .statement = std::nullopt,
                                 .json = {},
                                 .options = {"Name the accounts.", "Add aws:PrincipalOrgID."},
                                 .property = {}};
  report.findings[4].fix_edit = {.kind = tfkms::rules::FixKind::set_property,
                                 .policy = {},
                                 .statement = std::nullopt,
                                 .json = "true",
                                 .options = {},
                                 .property =
                                     "/resource_changes/0/change/after/enable_key_rotation"};
  const nlohmann::json document = nlohmann::json::parse(samples::render(Format::json, report));
  const auto& condition = document["findings"][0]["fix_edit"];
  CHECK(condition["kind"] == "add_condition");
  CHECK(condition["policy"] == "/resource_changes/0/change/after/policy");
  CHECK(condition["statement"] == 0);
  CHECK(condition["json"]["Bool"]["kms:GrantIsForAWSResource"] == "true");
  const auto& choice = document["findings"][1]["fix_edit"];
  CHECK(choice["kind"] == "design_choice");
  CHECK(choice["options"].size() == 2);
  CHECK_FALSE(choice.contains("statement"));
  CHECK(document["findings"][2]["fix_edit"] == nlohmann::json{{"kind", "text_only"}});
  const auto& property = document["findings"][4]["fix_edit"];
  CHECK(property["kind"] == "set_property");
  CHECK(property["property"] == "/resource_changes/0/change/after/enable_key_rotation");
  CHECK(property["json"] == true);
  const std::vector<std::string> errors = report_schema().validate(document);
  INFO(joined(errors));
  CHECK(errors.empty());
}
