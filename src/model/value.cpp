#include "model/value.hpp"

#include <algorithm>

namespace tfkms::model {

std::string symbol(std::string_view ref) {
  std::string out;
  out.reserve(ref.size() + 2);
  out += k_symbol_open;
  out += ref;
  out += k_symbol_close;
  return out;
}

bool has_symbols(std::string_view text) {
  return text.find(k_symbol_open) != std::string_view::npos;
}

namespace {

bool is_control(char c) {
  return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

} // namespace

// A block of bytes at a time, with no exit inside a block, so that the compiler vectorizes the
// test: every string attribute of a plan passes here, policy texts of kilobytes among them.
bool has_control(std::string_view text) {
  constexpr std::size_t k_block = 64;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.size(), at + k_block);
    unsigned char found = 0;
    for (; at < end; ++at) {
      const unsigned char c = bytes[at];
      found |= static_cast<unsigned char>((c < 0x20) & (c != '\t') & (c != '\n') & (c != '\r'));
    }
    if (found != 0)
      return true;
  }
  return false;
}

std::string strip_control(std::string_view text) {
  if (!has_control(text))
    return std::string(text); // the usual case: one copy
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (!is_control(c))
      out += c;
  }
  return out;
}

namespace {

// Calls `on_text` for each literal run and `on_ref` for each marker of `raw`. An unterminated
// marker is treated as literal text: it cannot come from a loader.
template <typename OnText, typename OnRef>
void split_symbols(std::string_view raw, OnText on_text, OnRef on_ref) {
  std::size_t pos = 0;
  while (pos < raw.size()) {
    const std::size_t open = raw.find(k_symbol_open, pos);
    if (open == std::string_view::npos)
      break;
    const std::size_t close = raw.find(k_symbol_close, open + 1);
    if (close == std::string_view::npos)
      break;
    if (open > pos)
      on_text(raw.substr(pos, open - pos));
    on_ref(raw.substr(open + 1, close - open - 1));
    pos = close + 1;
  }
  if (pos < raw.size())
    on_text(raw.substr(pos));
}

} // namespace

Value resolve_value(std::string_view raw, const SymbolResolver& resolver) {
  Value value;
  split_symbols(
      raw, [&](std::string_view text) { value.text += text; },
      [&](std::string_view ref) {
        value.refs.emplace_back(ref);
        if (auto resolved = resolver.resolve(ref)) {
          value.text += *resolved;
          if (value.kind == ValueKind::literal)
            value.kind = ValueKind::symbolic;
        } else {
          value.text += "${";
          value.text += ref;
          value.text += '}';
          value.kind = ValueKind::unknown;
        }
      });
  return value;
}

std::string substitute_symbols(std::string_view raw, const SymbolResolver& resolver) {
  std::string out;
  out.reserve(raw.size());
  split_symbols(
      raw, [&](std::string_view text) { out += text; },
      [&](std::string_view ref) {
        if (auto resolved = resolver.resolve(ref)) {
          out += *resolved;
        } else {
          out += symbol(ref);
        }
      });
  return out;
}

std::string display(std::string_view raw) { return resolve_value(raw, NoSymbols{}).text; }

std::vector<std::string> symbol_refs(std::string_view raw) {
  return resolve_value(raw, NoSymbols{}).refs;
}

} // namespace tfkms::model
