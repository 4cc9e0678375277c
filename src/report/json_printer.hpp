#pragma once
// JSON written value by value exactly as nlohmann's dump(2) prints a document, or dump() without
// indentation, without building the document first: the findings of a large plan are most of what
// check writes, and making each one an nlohmann tree and printing it took more time than analysing
// the plan.
#include "report/print_buffer.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstring>
#include <memory>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::report {

/// Prints in place into the put area of a stream whose buffer lends it (print_buffer.hpp), else
/// into a block of text handed to the stream when it is full; on flush() and when the printer is
/// destroyed, what is printed goes to the stream (a stream call per small piece costs more than the
/// piece).
class JsonPrinter {
public:
  /// dump(2)'s lines and indentation, or dump()'s single line.
  enum class Layout { indented, compact };

  /// Prints into `out` a value that stands `depth` levels deep in its document.
  JsonPrinter(std::ostream& out, unsigned depth, Layout layout = Layout::indented);
  ~JsonPrinter() { flush(); }
  JsonPrinter(const JsonPrinter&) = delete;
  JsonPrinter& operator=(const JsonPrinter&) = delete;

  [[gnu::always_inline]] void begin_object() { open('{'); }
  [[gnu::always_inline]] void end_object() { close('}'); }
  [[gnu::always_inline]] void begin_array() { open('['); }
  [[gnu::always_inline]] void end_array() { close(']'); }
  /// The name of the next member of the object being printed: a plain name (no quote, backslash
  /// or control character), printed as it is.
  void key(std::string_view name);

  /// `text` as a JSON string, as nlohmann's dump prints it (invalid UTF-8 becomes U+FFFD).
  void string(std::string_view text) {
    element();
    append_string(text);
  }
  template <std::integral Integer> void number(Integer value) {
    element();
    char* const at = room(24);
    m_pos = std::to_chars(at, at + 24, value).ptr;
  }
  void boolean(bool value) {
    element();
    put(value ? std::string_view("true") : std::string_view("false"));
  }
  void null() {
    element();
    put("null");
  }
  /// A value given as compact JSON text (nlohmann's dump()), printed as dump(2) (or, compact,
  /// dump()) prints the value it parses to. Throws nlohmann's parse_error when `text` is not JSON.
  void compact_json(std::string_view text);
  /// A member `"name":value` as a compact printer prints it (compact_members() makes one), copied
  /// as it is: a member printed many times over is then made once. The compact layout only, whose
  /// members need no indentation; throws std::logic_error in the indented one.
  void printed_member(std::string_view member);
  /// The members `print` prints into an object of a compact printer, as text for printed_member().
  template <typename Print> static std::string compact_members(Print print) {
    std::ostringstream text;
    {
      JsonPrinter out(text, 0, Layout::compact);
      out.begin_object();
      print(out);
      out.end_object();
    }
    const std::string object = std::move(text).str();
    return object.substr(1, object.size() - 2); // the members, without the object's braces
  }
  /// A value already made as an nlohmann tree.
  template <typename BasicJson> void json(const BasicJson& value) {
    element();
    dump(value, depth());
  }
  /// Ends the line after the outermost value of a document.
  void end_line() { put("\n"); }
  /// Bytes printed so far.
  [[nodiscard]] std::size_t printed() const {
    return m_flushed + static_cast<std::size_t>(m_pos - m_start);
  }

  /// Hands what is printed so far to the stream.
  void flush();

private:
  struct Level {
    bool object = false;
    bool any = false; ///< a member or element was written
  };

  void open(char bracket);
  void close(char bracket);
  /// Writes what comes before a value inside an array: a separator and indentation (inside an
  /// object, key() wrote them).
  [[gnu::always_inline]] void element() {
    if (!m_levels.empty() && !m_levels.back().object)
      m_pos = separate(0);
  }
  /// Writes ",\n" (or "\n" before the first member or element) and the indentation of the level
  /// being printed (compact: "," or nothing), with room for `then` more bytes after them; returns
  /// where those go.
  char* separate(std::size_t then);
  /// Writes the member name `quoted` (with its quotes) and the colon after it, as a member.
  void name(std::string_view quoted);
  /// Writes the colon after a member's name at `out` (and dump(2)'s space after it); returns
  /// where the value goes.
  char* colon(char* out) const;
  [[nodiscard]] unsigned depth() const { return m_depth + static_cast<unsigned>(m_levels.size()); }
  void append_string(std::string_view text);
  /// `value` as dump(2) prints it `levels` deep (compact: as dump() prints it).
  template <typename BasicJson> void dump(const BasicJson& value, unsigned levels) {
    std::string text;
    nlohmann::detail::serializer<BasicJson> serializer(nlohmann::detail::output_adapter<char>(text),
                                                       ' ', BasicJson::error_handler_t::replace);
    serializer.dump(value, m_indented, false, 2, 2 * levels);
    put(text);
  }

  /// Where `size` more bytes can be written (then advance m_pos past what was written).
  [[gnu::always_inline]] char* room(std::size_t size) {
    if (static_cast<std::size_t>(m_end - m_pos) < size)
      make_room(size);
    return m_pos;
  }
  void make_room(std::size_t size);
  void put(std::string_view text) {
    if (text.empty()) // there may be no room yet
      return;
    char* const at = room(text.size());
    std::memcpy(at, text.data(), text.size());
    m_pos = at + text.size();
  }

  std::ostream& m_out;
  PrintBuffer* m_buffer; ///< m_out's buffer, when it lends its put area
  unsigned m_depth;
  bool m_indented;
  std::vector<Level> m_levels;
  /// The printer's own block: for a stream whose buffer does not lend its put area, and for a
  /// piece longer than what is left of it, held until the next piece.
  std::unique_ptr<char[]> m_block;
  std::size_t m_capacity = 0;
  /// Printed, not yet handed to m_out: [m_start, m_pos), in m_block or in m_buffer's put area; the
  /// room for more ends at m_end. All null while there is no room: then any piece makes some.
  char* m_start = nullptr;
  char* m_pos = nullptr;
  char* m_end = nullptr;
  std::size_t m_flushed = 0; ///< bytes handed to m_out
};

// --- Inline implementations ---
// Always inlined: a large report prints millions of names and brackets, and a call cost more than
// printing one; inlined, a literal name's copy is a few moves.

[[gnu::always_inline]] inline void JsonPrinter::key(std::string_view name) {
  char* out = separate(name.size() + 4);
  *out++ = '"';
  std::memcpy(out, name.data(), name.size());
  out[name.size()] = '"';
  m_pos = colon(out + name.size() + 1);
}

inline void JsonPrinter::name(std::string_view quoted) {
  char* out = separate(quoted.size() + 2);
  std::memcpy(out, quoted.data(), quoted.size());
  m_pos = colon(out + quoted.size());
}

inline void JsonPrinter::printed_member(std::string_view member) {
  if (m_indented)
    throw std::logic_error("json printer: a printed member in the indented layout");
  char* const out = separate(member.size());
  std::memcpy(out, member.data(), member.size());
  m_pos = out + member.size();
}

[[gnu::always_inline]] inline char* JsonPrinter::colon(char* out) const {
  *out++ = ':';
  if (m_indented)
    *out++ = ' ';
  return out;
}

[[gnu::always_inline]] inline char* JsonPrinter::separate(std::size_t then) {
  Level& level = m_levels.back();
  const std::size_t indent = m_indented ? 2 * std::size_t{depth()} : 0;
  char* out = room(2 + indent + then);
  if (level.any)
    *out++ = ',';
  level.any = true;
  if (!m_indented)
    return out;
  *out++ = '\n';
  std::memset(out, ' ', indent);
  return out + indent;
}

[[gnu::always_inline]] inline void JsonPrinter::open(char bracket) {
  element();
  put(std::string_view(&bracket, 1));
  m_levels.push_back(Level{bracket == '{', false});
}

[[gnu::always_inline]] inline void JsonPrinter::close(char bracket) {
  const bool any = m_levels.back().any;
  m_levels.pop_back();
  char* out = room(2 + 2 * std::size_t{depth()});
  if (any && m_indented) {
    *out++ = '\n';
    std::memset(out, ' ', 2 * std::size_t{depth()});
    out += 2 * std::size_t{depth()};
  }
  *out++ = bracket;
  m_pos = out;
}

} // namespace tfkms::report
