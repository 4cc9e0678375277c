#pragma once
// JSON written value by value exactly as nlohmann's dump(2) prints a document, without building
// the document first: the findings of a large plan are most of what check writes, and making each
// one an nlohmann tree and printing it took more time than analysing the plan.
#include "report/json_stream.hpp"

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::report {

class JsonPrinter {
public:
  /// Prints into `out` a value that stands `depth` levels deep in its document.
  JsonPrinter(std::ostream& out, unsigned depth) : m_out(out), m_depth(depth) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  /// The name of the next member of the object being printed.
  void key(std::string_view name);

  void string(std::string_view text);
  void number(std::int64_t value);
  void boolean(bool value);
  void null();
  /// A value already made as an nlohmann tree.
  template <typename BasicJson> void json(const BasicJson& value) {
    element();
    dump_at(m_out, value, depth());
  }

private:
  struct Level {
    bool object = false;
    bool any = false; ///< a member or element was written
  };

  void open(char bracket);
  void close(char bracket);
  /// Writes what comes before a value inside an array: a separator and indentation (inside an
  /// object, key() wrote them).
  void element();
  [[nodiscard]] unsigned depth() const { return m_depth + static_cast<unsigned>(m_levels.size()); }
  void indent(unsigned levels);

  std::ostream& m_out;
  unsigned m_depth;
  std::vector<Level> m_levels;
};

/// Prints `text` as a JSON string exactly as nlohmann's dump does (invalid UTF-8 becomes U+FFFD).
void print_json_string(std::ostream& out, std::string_view text);

// --- Inline implementations ---

inline void JsonPrinter::key(std::string_view name) {
  Level& level = m_levels.back();
  m_out << (level.any ? ",\n" : "\n");
  level.any = true;
  indent(depth());
  print_json_string(m_out, name);
  m_out << ": ";
}

inline void JsonPrinter::string(std::string_view text) {
  element();
  print_json_string(m_out, text);
}

inline void JsonPrinter::number(std::int64_t value) {
  element();
  m_out << value;
}

inline void JsonPrinter::boolean(bool value) {
  element();
  m_out << (value ? "true" : "false");
}

inline void JsonPrinter::null() {
  element();
  m_out << "null";
}

inline void JsonPrinter::open(char bracket) {
  element();
  m_out << bracket;
  m_levels.push_back(Level{bracket == '{', false});
}

inline void JsonPrinter::close(char bracket) {
  const bool any = m_levels.back().any;
  m_levels.pop_back();
  if (any) {
    m_out << '\n';
    indent(depth());
  }
  m_out << bracket;
}

inline void JsonPrinter::element() {
  if (m_levels.empty() || m_levels.back().object)
    return;
  Level& level = m_levels.back();
  m_out << (level.any ? ",\n" : "\n");
  level.any = true;
  indent(depth());
}

inline void JsonPrinter::indent(unsigned levels) {
  static constexpr std::string_view k_spaces = "                                ";
  for (std::size_t left = 2 * std::size_t{levels}; left > 0;) {
    const std::size_t now = std::min(left, k_spaces.size());
    m_out.write(k_spaces.data(), static_cast<std::streamsize>(now));
    left -= now;
  }
}

inline void print_json_string(std::ostream& out, std::string_view text) {
  // nlohmann validates UTF-8 byte by byte; valid text needs only its ASCII specials escaped, and
  // only invalid text takes nlohmann's own path, which decides how each bad byte is replaced.
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    dump_at(out, nlohmann::json(std::string(text)), 0);
    return;
  }
  out << '"';
  std::size_t plain = 0; // start of the run not yet written
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte != '"' && byte != '\\')
      continue;
    out.write(text.data() + plain, static_cast<std::streamsize>(i - plain));
    plain = i + 1;
    switch (byte) {
    case '"':
      out << "\\\"";
      break;
    case '\\':
      out << "\\\\";
      break;
    case '\b':
      out << "\\b";
      break;
    case '\f':
      out << "\\f";
      break;
    case '\n':
      out << "\\n";
      break;
    case '\r':
      out << "\\r";
      break;
    case '\t':
      out << "\\t";
      break;
    default: {
      static constexpr std::string_view k_hex = "0123456789abcdef";
      const std::array<char, 6> escaped{'\\', 'u', '0', '0', k_hex[byte >> 4], k_hex[byte & 15]};
      out.write(escaped.data(), escaped.size());
    }
    }
  }
  out.write(text.data() + plain, static_cast<std::streamsize>(text.size() - plain));
  out << '"';
}

} // namespace tfkms::report
