#include "report/json_printer.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

namespace tfkms::report {

namespace {

constexpr std::size_t k_block = 64 * 1024;

// Sixteen bytes at a time: most text has nothing to escape, so the search for what needs escaping
// tests a vector per step and copies whole runs. GCC's vector extensions compile to SSE2 on x86-64
// and to NEON on AArch64.
using Bytes = std::uint8_t __attribute__((vector_size(16)));
using SignedBytes = std::int8_t __attribute__((vector_size(16)));

enum ByteKind : std::uint8_t { plain = 0, escaped = 1, non_ascii = 2 };

constexpr std::array<std::uint8_t, 256> k_byte_kinds = [] {
  std::array<std::uint8_t, 256> kinds{};
  for (std::size_t byte = 0; byte < 0x20; ++byte)
    kinds[byte] = escaped;
  kinds['"'] = kinds['\\'] = escaped;
  for (std::size_t byte = 0x80; byte < 0x100; ++byte)
    kinds[byte] = non_ascii;
  return kinds;
}();

/// Of the 16 bytes at `at`, the first whose kind is in `Kinds`; 16 when there is none.
template <std::uint8_t Kinds> std::size_t first_of_16(const char* at) {
  Bytes bytes;
  std::memcpy(&bytes, at, sizeof bytes);
  const auto quote_or_backslash = (bytes == '"') | (bytes == '\\');
  // Read as signed, the non-ASCII bytes are below 0x20 with the control characters: one test for
  // both.
  const auto found = [&] {
    const auto signed_bytes = reinterpret_cast<SignedBytes>(bytes);
    if constexpr (Kinds == (escaped | non_ascii))
      return (signed_bytes < 0x20) | quote_or_backslash;
    else if constexpr (Kinds == escaped)
      return (bytes < 0x20) | quote_or_backslash;
    else
      return signed_bytes < 0;
  }();
  std::array<std::uint64_t, 2> halves{};
  std::memcpy(halves.data(), &found, sizeof halves);
  if ((halves[0] | halves[1]) == 0)
    return 16;
  if constexpr (std::endian::native == std::endian::little) {
    const int bit = halves[0] != 0 ? std::countr_zero(halves[0]) : 64 + std::countr_zero(halves[1]);
    return static_cast<std::size_t>(bit) / 8;
  }
  std::size_t index = 0; // the byte loop finds it
  while ((k_byte_kinds[static_cast<unsigned char>(at[index])] & Kinds) == 0)
    ++index;
  return index;
}

/// The first byte of `text` from `from` on whose kind is in `Kinds` (escaped, non_ascii or both);
/// text.size() when there is none.
template <std::uint8_t Kinds> std::size_t find_byte(std::string_view text, std::size_t from) {
  constexpr std::size_t k_step = sizeof(Bytes);
  std::size_t at = from;
  for (; at + k_step <= text.size(); at += k_step) {
    if (const std::size_t index = first_of_16<Kinds>(text.data() + at); index < k_step)
      return at + index;
  }
  if (at == text.size())
    return at;
  // The last bytes, in one step that ends where the text does: the bytes it looks at again were
  // found plain, so a byte found is one of the last.
  if (text.size() - from >= k_step) {
    const std::size_t last = text.size() - k_step;
    return last + first_of_16<Kinds>(text.data() + last);
  }
  for (; at < text.size(); ++at) {
    if ((k_byte_kinds[static_cast<unsigned char>(text[at])] & Kinds) != 0)
      return at;
  }
  return text.size();
}

/// How dump() writes each byte it escapes: \" \\ \b \f \n \r \t, any other control character as
/// \u00XX in lower case.
struct Escape {
  std::array<char, 6> text{};
  std::uint8_t size = 0;
};

constexpr std::array<Escape, 256> k_escapes = [] {
  std::array<Escape, 256> escapes{};
  constexpr std::string_view k_hex = "0123456789abcdef";
  for (std::size_t byte = 0; byte < 0x20; ++byte)
    escapes[byte] = Escape{{'\\', 'u', '0', '0', k_hex[byte >> 4], k_hex[byte & 15]}, 6};
  const auto named = [&](unsigned char byte, char name) {
    escapes[byte] = Escape{{'\\', name}, 2};
  };
  named('"', '"');
  named('\\', '\\');
  named('\b', 'b');
  named('\f', 'f');
  named('\n', 'n');
  named('\r', 'r');
  named('\t', 't');
  return escapes;
}();

/// Reads compact JSON and tells whether printing it re-indented, with its strings and numbers
/// copied as they are, gives what dump(2) prints for the value it parses to: one value, no
/// whitespace, every string escaped as dump() escapes it and valid UTF-8, integers only (dump()
/// may write a parsed number differently: 1.50 as 1.5, -0 as 0), no member name twice in an object
/// (parsing keeps one) and at most k_max_levels of nesting.
class DumpTextCheck {
public:
  explicit DumpTextCheck(std::string_view text) : m_text(text) {}

  [[nodiscard]] bool valid() { return value(0) && m_at == m_text.size(); }

private:
  static constexpr unsigned k_max_levels = 64;

  bool value(unsigned level) {
    if (m_at >= m_text.size())
      return false;
    switch (m_text[m_at]) {
    case '{':
      return level < k_max_levels && object(level + 1);
    case '[':
      return level < k_max_levels && array(level + 1);
    case '"':
      return string().has_value();
    case 't':
      return literal("true");
    case 'f':
      return literal("false");
    case 'n':
      return literal("null");
    default:
      return integer();
    }
  }

  bool object(unsigned level) {
    ++m_at;
    if (next_is('}'))
      return true;
    // dump() of nlohmann::json writes members sorted, so a name not after the one before may be a
    // repeat; such text takes the slow path, which handles it as parsing does.
    std::string_view previous;
    for (bool first = true;; first = false) {
      const std::optional<std::string_view> name = string();
      if (!name || (!first && *name <= previous) || !next_is(':') || !value(level))
        return false;
      previous = *name;
      if (next_is('}'))
        return true;
      if (!next_is(','))
        return false;
    }
  }

  bool array(unsigned level) {
    ++m_at;
    if (next_is(']'))
      return true;
    for (;;) {
      if (!value(level))
        return false;
      if (next_is(']'))
        return true;
      if (!next_is(','))
        return false;
    }
  }

  /// The string at m_at, quotes included, when dump() would print its value the same way.
  std::optional<std::string_view> string() {
    const std::size_t start = m_at++;
    bool ascii = true;
    while (m_at < m_text.size()) {
      const auto byte = static_cast<unsigned char>(m_text[m_at]);
      if (byte == '"') {
        const std::string_view quoted = m_text.substr(start, ++m_at - start);
        if (!ascii && !simdjson::validate_utf8(quoted.data(), quoted.size()))
          return std::nullopt;
        return quoted;
      }
      if (byte < 0x20)
        return std::nullopt;
      ascii = ascii && byte < 0x80;
      const std::size_t size = byte == '\\' ? escape_size() : 1;
      if (size == 0)
        return std::nullopt;
      m_at += size;
    }
    return std::nullopt;
  }

  /// The length of the escape at m_at when dump() writes its character so; 0 otherwise.
  [[nodiscard]] std::size_t escape_size() const {
    const std::string_view rest = m_text.substr(m_at, 6);
    if (rest.size() < 2)
      return 0;
    if (std::string_view("\"\\bfnrt").find(rest[1]) != std::string_view::npos)
      return 2;
    if (rest.size() < 6 || rest[1] != 'u')
      return 0;
    constexpr std::string_view k_hex = "0123456789abcdef";
    const std::size_t high = k_hex.find(rest[4]);
    const std::size_t low = k_hex.find(rest[5]);
    if (high > 1 || low == std::string_view::npos)
      return 0;
    const Escape& escape = k_escapes[high * 16 + low];
    return rest == std::string_view(escape.text.data(), escape.size) ? 6 : 0;
  }

  bool literal(std::string_view word) {
    if (!m_text.substr(m_at).starts_with(word))
      return false;
    m_at += word.size();
    return true;
  }

  /// An integer as dump() prints one: no leading zero, no "-0", within 18 digits so that it fits
  /// the integer it parses to.
  bool integer() {
    const std::size_t start = m_at;
    next_is('-');
    const std::size_t digits = m_at;
    while (m_at < m_text.size() && m_text[m_at] >= '0' && m_text[m_at] <= '9')
      ++m_at;
    const std::size_t count = m_at - digits;
    if (count == 0 || count > 18 || (m_text[digits] == '0' && (count > 1 || digits > start)))
      return false;
    return m_at == m_text.size() ||
           std::string_view(",]}").find(m_text[m_at]) != std::string_view::npos;
  }

  bool next_is(char expected) {
    if (m_at >= m_text.size() || m_text[m_at] != expected)
      return false;
    ++m_at;
    return true;
  }

  std::string_view m_text;
  std::size_t m_at = 0;
};

/// The end of the string that starts at `start` (its opening quote), past the closing quote.
std::size_t string_end(std::string_view text, std::size_t start) {
  std::size_t at = start + 1;
  while (text[at] != '"')
    at += text[at] == '\\' ? 2 : 1;
  return at + 1;
}

} // namespace

JsonPrinter::JsonPrinter(std::ostream& out, unsigned depth, Layout layout)
    : m_out(out), m_buffer(dynamic_cast<PrintBuffer*>(out.rdbuf())), m_depth(depth),
      m_indented(layout == Layout::indented) {}

void JsonPrinter::flush() {
  if (m_start == nullptr)
    return;
  if (m_start == m_block.get())
    m_out.write(m_start, m_pos - m_start);
  else
    m_buffer->printed_up_to(m_pos);
  m_flushed += static_cast<std::size_t>(m_pos - m_start);
  // Others may write to the stream before this printer prints again: room is made anew then.
  m_start = m_pos = m_end = nullptr;
}

void JsonPrinter::make_room(std::size_t size) {
  flush();
  if (m_buffer != nullptr) {
    const std::span<char> free = m_buffer->free_room();
    if (free.size() >= size) {
      m_start = m_pos = free.data();
      m_end = m_pos + free.size();
      return;
    }
  }
  if (m_capacity < size) {
    m_capacity = std::max({size, 2 * m_capacity, k_block});
    m_block = std::make_unique_for_overwrite<char[]>(m_capacity);
  }
  m_start = m_pos = m_block.get();
  // In a lent put area too short for the piece, only the piece goes to the block: the next one
  // is printed in place again.
  m_end = m_pos + (m_buffer != nullptr ? size : m_capacity);
}

void JsonPrinter::append_string(std::string_view text) {
  std::size_t at = find_byte<escaped | non_ascii>(text, 0);
  if (at == text.size()) { // the common case: printable ASCII, copied whole
    char* const out = room(text.size() + 2);
    out[0] = '"';
    std::memcpy(out + 1, text.data(), text.size());
    out[text.size() + 1] = '"';
    m_pos = out + text.size() + 2;
    return;
  }
  // nlohmann validates UTF-8 byte by byte; valid text needs only its ASCII specials escaped, and
  // only invalid text takes nlohmann's own path, which decides how each bad byte is replaced.
  const std::string_view rest = text.substr(at);
  if (find_byte<non_ascii>(rest, 0) != rest.size() &&
      !simdjson::validate_utf8(rest.data(), rest.size())) {
    dump(nlohmann::json(std::string(text)), 0);
    return;
  }
  put("\"");
  std::size_t plain = 0; // start of the run not yet printed
  for (at = find_byte<escaped>(text, at); at < text.size(); at = find_byte<escaped>(text, at)) {
    const Escape& escape = k_escapes[static_cast<unsigned char>(text[at])];
    char* out = room(at - plain + escape.size);
    std::memcpy(out, text.data() + plain, at - plain);
    out += at - plain;
    std::memcpy(out, escape.text.data(), escape.size);
    m_pos = out + escape.size;
    plain = ++at;
  }
  put(text.substr(plain));
  put("\"");
}

void JsonPrinter::compact_json(std::string_view text) {
  if (!DumpTextCheck(text).valid()) {
    json(nlohmann::ordered_json::parse(text));
    return;
  }
  if (!m_indented) { // the text is what dump() prints
    element();
    put(text);
    return;
  }
  // Strings, numbers and literals are copied; brackets, names and separators are printed as the
  // printer's own, which keeps dump(2)'s layout.
  for (std::size_t at = 0; at < text.size();) {
    switch (text[at]) {
    case '{':
    case '[':
      open(text[at++]);
      break;
    case '}':
    case ']':
      close(text[at++]);
      break;
    case ',':
    case ':':
      ++at;
      break;
    case '"': {
      const std::size_t end = string_end(text, at);
      const std::string_view quoted = text.substr(at, end - at);
      if (end < text.size() && text[end] == ':') {
        name(quoted);
      } else {
        element();
        put(quoted);
      }
      at = end;
      break;
    }
    default: {
      const std::size_t end = std::min(text.find_first_of(",]}", at), text.size());
      element();
      put(text.substr(at, end - at));
      at = end;
    }
    }
  }
}

} // namespace tfkms::report
