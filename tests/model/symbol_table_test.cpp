// The symbol table keeps a resource's attributes together; what it answers must be what one table
// of whole references would, the last definition of a reference winning whichever way it came.
#include "model/graph.hpp"
#include "model/symbol_table.hpp"
#include "model/value.hpp"

#include <catch2/catch.hpp>

using tfkms::model::SymbolTable;

namespace {

std::string text_of(const SymbolTable& symbols, std::string_view ref) {
  const std::string* text = symbols.find(ref);
  return text == nullptr ? "<undefined>" : *text;
}

} // namespace

TEST_CASE("attributes are found by their whole reference", "[model][symbols]") {
  SymbolTable symbols;
  symbols.define_attributes("module.m.aws_kms_key.k[\"a.b\"]", {{"arn", "arn:k"}, {"id", "k"}});
  symbols.define("var.x", "x");
  CHECK(text_of(symbols, "module.m.aws_kms_key.k[\"a.b\"].arn") == "arn:k");
  CHECK(text_of(symbols, "module.m.aws_kms_key.k[\"a.b\"].id") == "k");
  CHECK(text_of(symbols, "var.x") == "x");
  CHECK(text_of(symbols, "module.m.aws_kms_key.k[\"a.b\"].name") == "<undefined>");
  CHECK(text_of(symbols, "module.m.aws_kms_key.k[\"a.b\"]") == "<undefined>");
  CHECK(text_of(symbols, "arn") == "<undefined>");
}

TEST_CASE("the last definition of a reference wins, however it was made", "[model][symbols]") {
  SymbolTable symbols;
  symbols.define("aws_iam_role.r.name", "first");
  symbols.define("aws_iam_role.r.arn", "flat");
  symbols.define_attributes("aws_iam_role.r", {{"name", "second"}});
  CHECK(text_of(symbols, "aws_iam_role.r.name") == "second");
  CHECK(text_of(symbols, "aws_iam_role.r.arn") == "flat");
  symbols.define("aws_iam_role.r.name", "third");
  CHECK(text_of(symbols, "aws_iam_role.r.name") == "third");
  // The same address again (a hand-edited plan): its attributes replace and add.
  symbols.define_attributes("aws_iam_role.r", {{"name", "fourth"}, {"path", "/"}});
  CHECK(text_of(symbols, "aws_iam_role.r.name") == "fourth");
  CHECK(text_of(symbols, "aws_iam_role.r.path") == "/");
}

TEST_CASE("an attribute name with a dot is defined whole", "[model][symbols]") {
  SymbolTable symbols;
  symbols.define_attributes("aws_s3_bucket.b", {{"tags.team", "t"}, {"bucket", "b"}});
  CHECK(text_of(symbols, "aws_s3_bucket.b.tags.team") == "t");
  CHECK(text_of(symbols, "aws_s3_bucket.b.bucket") == "b");
}

TEST_CASE("a graph resolves attribute references through its definitions", "[model][symbols]") {
  tfkms::model::Graph graph;
  graph.account = "111111111111";
  graph.define_attributes("aws_iam_role.r",
                          {{"arn", "arn:aws:iam::" + tfkms::model::symbol("account") + ":role/r"}});
  CHECK(graph.resolve("aws_iam_role.r.arn") == "arn:aws:iam::111111111111:role/r");
  CHECK_FALSE(graph.resolve("aws_iam_role.r.name"));
}
