#include "report/access_tables.hpp"
#include "report/json_printer.hpp"
#include "sample_reports.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace tfkms;
using namespace tfkms::report;

namespace {

analysis::AccessChange change(std::string key, std::string subject, std::string cause) {
  analysis::AccessChange out;
  out.key = std::move(key);
  out.action_class = analysis::ActionClass::read;
  out.kind = analysis::ChangeKind::gain;
  out.subject = std::move(subject);
  out.actions = {"kms:Decrypt"};
  out.conditions = "always";
  out.causes = {std::move(cause)};
  return out;
}

// As many changes as the 63 MB synthetic plan yields (thousands of created keys), each with a long
// cause.
analysis::AccessDiff large_diff(std::size_t keys) {
  analysis::AccessDiff diff;
  for (std::size_t k = 0; k < keys; ++k) {
    const std::string key = "module.m" + std::to_string(k) + ".aws_kms_key.this";
    diff.keys_created.push_back(key);
    for (int s = 0; s < 4; ++s)
      diff.changes.push_back(
          change(key, "aws_iam_role.r" + std::to_string(s), std::string(300, 'c')));
  }
  diff.keys_compared = keys;
  return diff;
}

std::string changes_text(const analysis::AccessDiff& diff) {
  std::ostringstream out;
  write_changes_text(diff, out);
  return out.str();
}

/// The Markdown table, checking that the count returned is what was written.
std::string changes_markdown(const analysis::AccessDiff& diff, std::size_t max_bytes) {
  std::ostringstream out;
  const std::size_t written = write_changes_markdown(diff, max_bytes, out);
  CHECK(written == out.str().size());
  return out.str();
}

// `print` run on a printer at the top of a document: the text it printed.
template <class Print> std::string printed(Print print) {
  std::ostringstream out;
  {
    JsonPrinter printer(out, 0);
    print(printer);
  }
  return out.str();
}

nlohmann::json parsed_comparison(const analysis::AccessDiff& diff) {
  return nlohmann::json::parse(printed([&](JsonPrinter& out) { print_comparison(out, diff); }));
}

std::size_t count_rows(const std::string& markdown) {
  std::size_t rows = 0;
  for (std::size_t at = 0; (at = markdown.find("\n| gain |", at)) != std::string::npos; ++at)
    ++rows;
  return rows;
}

} // namespace

TEST_CASE("the access changes table stays within its budget and counts the rows left out",
          "[report][access_tables]") {
  const analysis::AccessDiff diff = large_diff(8'000);
  const std::string out = changes_markdown(diff, 400'000);
  CHECK(out.size() <= 400'000);
  const std::size_t shown = count_rows(out);
  CHECK(shown > 100);
  const std::size_t left_out = diff.changes.size() - shown;
  CHECK(out.find("\n> " + std::to_string(left_out) + " more access changes are not shown") !=
        std::string::npos);
  CHECK(out.find("The JSON and SARIF reports list every change.") != std::string::npos);

  SECTION("a diff that fits is shown whole, without the note") {
    const std::string small = changes_markdown(large_diff(3), 400'000);
    CHECK(count_rows(small) == 12);
    CHECK(small.find("more access changes") == std::string::npos);
  }
}

TEST_CASE("the Markdown summary of a large diff with many findings stays under GitHub's 1 MiB",
          "[report][access_tables]") {
  const analysis::AccessDiff diff = large_diff(8'000);
  Report report = samples::clean();
  report.access_changes = &diff;
  for (int i = 0; i < 2'000; ++i) {
    report.findings.push_back(samples::make_finding(
        "TFKMS004", rules::Severity::high, "k" + std::to_string(i), "repo/a.tf",
        static_cast<std::uint32_t>(i + 1), std::string(1'000, 'm')));
  }
  const std::string out = samples::render(Format::markdown, report);
  CHECK(out.size() < 1'048'576);
  CHECK(out.find("more access changes are not shown") != std::string::npos);
  CHECK(out.find("more findings are not shown") != std::string::npos);
  CHECK(out.find("#### high: TFKMS004") !=
        std::string::npos); // findings keep room beside the table
}

TEST_CASE("the changes say what was compared, and list data stores whose key changed",
          "[report][access_tables]") {
  analysis::AccessDiff diff;
  diff.keys_compared = 2;
  diff.data_stores_compared = 3;
  SECTION("nothing changed") {
    CHECK(changes_text(diff) == "access changes: none; compared 2 keys and 3 data stores\n");
    CHECK(changes_markdown(diff, 1'000)
              .find("Compared 2 keys and 3 data stores. No key gains or loses access.") !=
          std::string::npos);
    CHECK(parsed_comparison(diff).at("data_stores") == 3);
  }
  SECTION("a bucket moved to the AWS managed key") {
    analysis::DataStoreChange moved;
    moved.data_store = "aws_s3_bucket.logs";
    moved.kind = "s3 bucket";
    moved.key_before = "aws_kms_key.logs";
    moved.key_after = "alias/aws/s3";
    diff.data_store_changes.push_back(moved);
    const std::string text = changes_text(diff);
    CHECK(text.find("access changes: compared 2 keys and 3 data stores\n") == 0);
    CHECK(text.find("data stores whose key changed\n  ~ aws_s3_bucket.logs (s3 bucket): "
                    "aws_kms_key.logs -> alias/aws/s3\n") != std::string::npos);
    const std::string markdown = changes_markdown(diff, 10'000);
    CHECK(markdown.find(
              "| aws\\_s3\\_bucket\\.logs | s3 bucket | aws\\_kms\\_key\\.logs | alias/aws/s3 |") !=
          std::string::npos);
    const nlohmann::json json = parsed_comparison(diff);
    CHECK(json.at("keys") == 2);
    REQUIRE(json.at("data_store_changes").size() == 1);
    CHECK(json.at("data_store_changes")[0].at("key_after") == "alias/aws/s3");
  }
}

TEST_CASE("the streamed access JSON is the document nlohmann would print",
          "[report][access_tables]") {
  using nlohmann::json;
  tfkms::analysis::ClassAccessMap with_key;
  tfkms::analysis::KeyAccessMap key;
  key.name = "aws_kms_key.app";
  key.account = "111122223333";
  key.notes = {"a note with \"quotes\" and \xff invalid UTF-8"};
  tfkms::analysis::AccessEntry entry;
  entry.subject = "aws_iam_role.app";
  entry.actions = {"kms:Decrypt"};
  entry.conditions = "always";
  entry.grounds = {"key policy statement 0"};
  key.entries = {entry, entry};
  with_key.map.keys = {key, key};
  with_key.map.data_stores = {{{}, "aws_s3_bucket.data", "s3 bucket", "aws_kms_key.app", ""}};
  // The second entry of the second key stands for a class of two roles, one of them left out.
  with_key.classes = {{{{"aws_iam_role.a", {"aws_iam_policy.a"}, {}},
                        {"aws_iam_role.b", {"aws_iam_policy.b"}, {}}}}};
  with_key.principals = {
      {std::nullopt, std::nullopt},
      {std::nullopt, tfkms::analysis::ClassAccess{0, {"aws_iam_role.b"}, {{0, "statement 0"}}}}};
  const tfkms::analysis::ClassAccessMap empty;

  const auto streamed =
      [](const std::vector<std::pair<const tfkms::analysis::ClassAccessMap*, std::string>>&
             inputs) {
        std::ostringstream out;
        tfkms::report::AccessJsonWriter writer(out);
        for (const auto& [map, path] : inputs)
          writer.add(*map, path);
        writer.finish("9.9.9");
        return out.str();
      };
  // What the writer must equal: the whole document, printed at once.
  const auto document =
      [](const std::vector<std::pair<const tfkms::analysis::ClassAccessMap*, std::string>>&
             inputs) {
        json all = json::array();
        for (const auto& [map, path] : inputs) {
          const json parsed = json::parse(
              [&] {
                std::ostringstream one;
                tfkms::report::AccessJsonWriter writer(one);
                writer.add(*map, path);
                writer.finish("x");
                return one.str();
              }(),
              nullptr, true, true)["inputs"][0];
          all.push_back(parsed);
        }
        return json{{"format_version", 2}, {"inputs", all}, {"version", "9.9.9"}}.dump(
                   2, ' ', false, json::error_handler_t::replace) +
               "\n";
      };
  for (const auto& inputs :
       std::vector<std::vector<std::pair<const tfkms::analysis::ClassAccessMap*, std::string>>>{
           {},
           {{&empty, "a.json"}},
           {{&with_key, "b.json"}},
           {{&empty, "a.json"}, {&with_key, "b.json"}, {&empty, "c.json"}}}) {
    CHECK(streamed(inputs) == document(inputs));
  }
  // Its content, not only its layout: two keys, each with both entries, and the data store.
  const json parsed = json::parse(streamed({{&with_key, "b.json"}}), nullptr, true, true);
  CHECK(parsed["inputs"][0]["keys"].size() == 2);
  CHECK(parsed["inputs"][0]["keys"][1]["access"].size() == 2);
  CHECK(parsed["inputs"][0]["data_stores"][0]["data_store"] == "aws_s3_bucket.data");
  CHECK(parsed["format_version"] == 2);
  CHECK(parsed["inputs"][0]["classes"][0]["id"] == 1);
  CHECK(parsed["inputs"][0]["classes"][0]["members"][1]["identity_policies"][0] ==
        "aws_iam_policy.b");
  const json& of_class = parsed["inputs"][0]["keys"][1]["access"][1];
  CHECK(of_class["principals"]["class"] == 1);
  CHECK(of_class["principals"]["except"] == json::array({"aws_iam_role.b"}));
  CHECK(of_class["principals"]["own_policy_grounds"][0]["statement"] == "statement 0");
  CHECK_FALSE(parsed["inputs"][0]["keys"][1]["access"][0].contains("principals"));
}

TEST_CASE("a change and the comparison print as nlohmann prints their objects",
          "[report][access_tables]") {
  using nlohmann::json;
  analysis::AccessDiff diff = large_diff(1);
  diff.changes[0].account = "111122223333";
  diff.changes[0].data_stores = {"aws_s3_bucket.data"};
  diff.changes[0].principals = analysis::ClassAccess{0, {"aws_iam_role.b \"quoted\""}, {}};
  diff.changes.push_back(change("aws_kms_key.app", "invalid \xff UTF-8", "key created"));
  diff.changes.back().kind = analysis::ChangeKind::loss;
  diff.classes = {{{{"aws_iam_role.a", {"aws_iam_policy.a"}, {}}}}};
  diff.data_store_changes.push_back({"aws_s3_bucket.logs", {}, "s3 bucket", "k1", "alias/aws/s3"});
  for (const analysis::AccessChange& one : diff.changes) {
    const std::string text = printed([&](JsonPrinter& out) { print_change(out, one); });
    // Parsed (sorted, invalid UTF-8 replaced) and printed again: the same text.
    const json parsed = json::parse(text);
    CHECK(text == parsed.dump(2));
    CHECK(parsed.at("key") == one.key);
    CHECK(parsed.at("widens") == one.widens());
    CHECK(parsed.contains("principals") == one.principals.has_value());
  }
  const std::string comparison = printed([&](JsonPrinter& out) { print_comparison(out, diff); });
  const json parsed = json::parse(comparison);
  CHECK(comparison == parsed.dump(2));
  CHECK(parsed.at("keys_created") == json::array({"module.m0.aws_kms_key.this"}));
  CHECK(parsed.at("classes")[0].at("members")[0].at("principal") == "aws_iam_role.a");
}
