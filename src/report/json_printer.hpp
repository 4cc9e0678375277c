#pragma once
// JSON written value by value exactly as nlohmann's dump(2) prints a document, without building
// the document first: the findings of a large plan are most of what check writes, and making each
// one an nlohmann tree and printing it took more time than analysing the plan.
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::report {

/// Prints into a block of text handed to the stream every 64 KB and when it is destroyed (a stream
/// call per small piece costs more than the piece).
class JsonPrinter {
public:
  /// Prints into `out` a value that stands `depth` levels deep in its document.
  JsonPrinter(std::ostream& out, unsigned depth) : m_out(out), m_depth(depth) {}
  ~JsonPrinter() { flush(); }
  JsonPrinter(const JsonPrinter&) = delete;
  JsonPrinter& operator=(const JsonPrinter&) = delete;

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  /// The name of the next member of the object being printed.
  void key(std::string_view name);

  void string(std::string_view text) {
    element();
    append_string(text);
  }
  void number(std::int64_t value) {
    element();
    m_text += std::to_string(value);
  }
  void boolean(bool value) {
    element();
    m_text += value ? "true" : "false";
  }
  void null() {
    element();
    m_text += "null";
  }
  /// A value already made as an nlohmann tree.
  template <typename BasicJson> void json(const BasicJson& value) {
    element();
    dump(value, depth());
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
  void indent(unsigned levels) { m_text.append(2 * std::size_t{levels}, ' '); }
  /// `text` as a JSON string, as nlohmann's dump prints it (invalid UTF-8 becomes U+FFFD).
  void append_string(std::string_view text);
  /// `value` as dump(2) prints it `levels` deep.
  template <typename BasicJson> void dump(const BasicJson& value, unsigned levels) {
    nlohmann::detail::serializer<BasicJson> serializer(
        nlohmann::detail::output_adapter<char>(m_text), ' ', BasicJson::error_handler_t::replace);
    serializer.dump(value, true, false, 2, 2 * levels);
  }
  void flush() {
    m_out.write(m_text.data(), static_cast<std::streamsize>(m_text.size()));
    m_text.clear();
  }

  static constexpr std::size_t k_block = 64 * 1024;

  std::ostream& m_out;
  unsigned m_depth;
  std::vector<Level> m_levels;
  std::string m_text; ///< printed, not yet handed to m_out
};

// --- Inline implementations ---

inline void JsonPrinter::key(std::string_view name) {
  Level& level = m_levels.back();
  m_text += level.any ? ",\n" : "\n";
  level.any = true;
  indent(depth());
  append_string(name);
  m_text += ": ";
}

inline void JsonPrinter::open(char bracket) {
  element();
  m_text += bracket;
  m_levels.push_back(Level{bracket == '{', false});
}

inline void JsonPrinter::close(char bracket) {
  const bool any = m_levels.back().any;
  m_levels.pop_back();
  if (any) {
    m_text += '\n';
    indent(depth());
  }
  m_text += bracket;
}

inline void JsonPrinter::element() {
  if (m_text.size() >= k_block)
    flush();
  if (m_levels.empty() || m_levels.back().object)
    return;
  Level& level = m_levels.back();
  m_text += level.any ? ",\n" : "\n";
  level.any = true;
  indent(depth());
}

inline void JsonPrinter::append_string(std::string_view text) {
  // nlohmann validates UTF-8 byte by byte; valid text needs only its ASCII specials escaped, and
  // only invalid text takes nlohmann's own path, which decides how each bad byte is replaced.
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    dump(nlohmann::json(std::string(text)), 0);
    return;
  }
  static constexpr std::array<bool, 256> k_special = [] {
    std::array<bool, 256> special{};
    for (std::size_t byte = 0; byte < 0x20; ++byte)
      special[byte] = true;
    special['"'] = special['\\'] = true;
    return special;
  }();
  m_text += '"';
  std::size_t plain = 0; // start of the run not yet appended
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (!k_special[byte])
      continue;
    m_text.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (byte) {
    case '"':
      m_text += "\\\"";
      break;
    case '\\':
      m_text += "\\\\";
      break;
    case '\b':
      m_text += "\\b";
      break;
    case '\f':
      m_text += "\\f";
      break;
    case '\n':
      m_text += "\\n";
      break;
    case '\r':
      m_text += "\\r";
      break;
    case '\t':
      m_text += "\\t";
      break;
    default: {
      static constexpr std::string_view k_hex = "0123456789abcdef";
      const std::array<char, 6> escaped{'\\', 'u', '0', '0', k_hex[byte >> 4], k_hex[byte & 15]};
      m_text.append(escaped.data(), escaped.size());
    }
    }
  }
  m_text.append(text.data() + plain, text.size() - plain);
  m_text += '"';
}

} // namespace tfkms::report
