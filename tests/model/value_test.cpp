#include "model/value.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace tfkms::model;
using Symbols = std::map<std::string, std::string, std::less<>>;

namespace {
class MapResolver final : public SymbolResolver {
public:
  explicit MapResolver(std::map<std::string, std::string, std::less<>> values)
      : m_values(std::move(values)) {}
  std::optional<std::string> resolve(std::string_view ref) const override {
    const auto it = m_values.find(ref);
    if (it == m_values.end())
      return std::nullopt;
    return it->second;
  }

private:
  std::map<std::string, std::string, std::less<>> m_values;
};
} // namespace

TEST_CASE("plain text is a literal value", "[model]") {
  const Value value = resolve_value("arn:aws:iam::111122223333:root", NoSymbols{});
  CHECK(value.kind == ValueKind::literal);
  CHECK(value.text == "arn:aws:iam::111122223333:root");
  CHECK(value.refs.empty());
}

TEST_CASE("resolved markers make a symbolic value", "[model]") {
  const MapResolver resolver(Symbols{{"account", "111122223333"}, {"partition", "aws"}});
  const std::string raw = "arn:" + symbol("partition") + ":iam::" + symbol("account") + ":root";
  const Value value = resolve_value(raw, resolver);
  CHECK(value.kind == ValueKind::symbolic);
  CHECK(value.text == "arn:aws:iam::111122223333:root");
  CHECK(value.refs == std::vector<std::string>{"partition", "account"});
}

TEST_CASE("an unresolved marker makes the value unknown and shows the reference", "[model]") {
  const MapResolver resolver(Symbols{{"account", "111122223333"}});
  const Value value = resolve_value(symbol("aws_iam_role.app.arn") + "/x", resolver);
  CHECK(value.kind == ValueKind::unknown);
  CHECK(value.text == "${aws_iam_role.app.arn}/x");
  CHECK(display(symbol("account")) == "${account}");
}

TEST_CASE("input cannot forge a marker", "[model]") {
  const std::string hostile = std::string("a") + k_symbol_open + "account" + k_symbol_close;
  CHECK(has_symbols(hostile));
  CHECK_FALSE(has_symbols(strip_control(hostile)));
  CHECK(strip_control("tab\tnew\nline") == "tab\tnew\nline");
}
