// Every registered rule has its documentation page with the fixed headings, and every page a rule.
#include "rule_docs.hpp"
#include "rules/registry.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

using namespace tfkms;

TEST_CASE("every rule has a documentation page with the fixed headings", "[rules][docs]") {
  for (const rules::RuleInfo& info : rules::all_rule_infos()) {
    INFO(info.id);
    const std::string_view page = info.markdown;
    REQUIRE_FALSE(page.empty());
    CHECK(page.starts_with("# " + std::string(info.id) + ": " + std::string(info.title) + "\n"));
    CHECK(page.find("\nSeverity: " + std::string(rules::to_string(info.severity))) !=
          std::string_view::npos);
    std::size_t previous = 0;
    for (const std::string_view heading :
         {"## Why it matters", "## How it is detected", "## Example", "## Fix", "## References"}) {
      INFO(heading);
      const std::size_t at = page.find("\n" + std::string(heading) + "\n");
      REQUIRE(at != std::string_view::npos);
      CHECK(at > previous);
      previous = at;
    }
    const std::size_t example = page.find("\n## Example\n");
    const std::size_t fix = page.find("\n## Fix\n");
    const std::string_view examples = page.substr(example, fix - example);
    CHECK(examples.find("```hcl") != std::string_view::npos);
    CHECK(examples.find("```yaml") != std::string_view::npos);
  }
}

TEST_CASE("every documentation page belongs to a rule", "[rules][docs]") {
  for (const docs::RuleDoc& doc : docs::k_rule_docs) {
    INFO(doc.id);
    CHECK(rules::is_rule_id(doc.id));
    CHECK(rules::rule_markdown(doc.id) == doc.markdown);
  }
}

TEST_CASE("the registry is sorted by id and ids are unique", "[rules][docs]") {
  const auto infos = rules::all_rule_infos();
  REQUIRE_FALSE(infos.empty());
  for (std::size_t i = 1; i < infos.size(); ++i)
    CHECK(infos[i - 1].id < infos[i].id);
  CHECK_FALSE(rules::is_rule_id("TFKMS999"));
}

TEST_CASE("the README's rule table lists every rule with its severity and title", "[rules][docs]") {
  std::ifstream file(TFKMS_SOURCE_DIR "/README.md");
  REQUIRE(file);
  const std::string readme((std::istreambuf_iterator<char>(file)),
                           std::istreambuf_iterator<char>());
  for (const rules::RuleInfo& info : rules::all_rule_infos()) {
    const std::string id(info.id);
    const std::string row = "| [" + id + "](rules/" + id + ".md) | " +
                            std::string(rules::to_string(info.severity)) + " | " +
                            std::string(info.title) + " |";
    INFO(row);
    CHECK(readme.find(row) != std::string::npos);
  }
}
