#include "report/escape.hpp"

#include <array>
#include <cstdio>
#include <ostream>

namespace tfkms::report {

namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0U) == 0x80U; }

/// Length of the UTF-8 sequence starting at `text[i]`, or 1 when it is not a valid lead byte.
std::size_t sequence_length(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t length = 1;
  if ((lead & 0xE0U) == 0xC0U)
    length = 2;
  else if ((lead & 0xF0U) == 0xE0U)
    length = 3;
  else if ((lead & 0xF8U) == 0xF0U)
    length = 4;
  if (i + length > text.size())
    return 1;
  for (std::size_t k = 1; k < length; ++k) {
    if (!is_continuation(static_cast<unsigned char>(text[i + k])))
      return 1;
  }
  return length;
}

/// The code point of a valid 2- or 3-byte sequence (enough for C1 controls and bidi overrides).
char32_t decode(std::string_view sequence) {
  const auto byte = [&](std::size_t k) {
    return static_cast<char32_t>(static_cast<unsigned char>(sequence[k]));
  };
  if (sequence.size() == 2)
    return ((byte(0) & 0x1FU) << 6U) | (byte(1) & 0x3FU);
  if (sequence.size() == 3)
    return ((byte(0) & 0x0FU) << 12U) | ((byte(1) & 0x3FU) << 6U) | (byte(2) & 0x3FU);
  return 0;
}

// Unicode's explicit directional formatting characters (UAX #9): the "Trojan Source" characters
// that make displayed text differ from its bytes.
bool is_bidi_control(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
         cp == 0x200F || cp == 0x061C;
}

std::string hex_escape(char32_t cp) {
  std::array<char, 16> buffer{};
  if (cp < 0x100)
    std::snprintf(buffer.data(), buffer.size(), "\\x%02x", static_cast<unsigned>(cp));
  else
    std::snprintf(buffer.data(), buffer.size(), "\\u%04x", static_cast<unsigned>(cp));
  return buffer.data();
}

/// Calls `plain(sequence)` for printable text and `control(code_point)` for characters that must
/// not reach the reader raw. Invalid UTF-8 bytes are passed as single-byte `plain` sequences.
template <typename Plain, typename Control>
void scan(std::string_view text, Plain&& plain, Control&& control) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = sequence_length(text, i);
    const std::string_view sequence = text.substr(i, length);
    const auto first = static_cast<unsigned char>(sequence[0]);
    if (length == 1 && (first < 0x20 || first == 0x7F)) {
      control(static_cast<char32_t>(first));
    } else if (length > 1 && length < 4 && (decode(sequence) >= 0x80 && decode(sequence) <= 0x9F)) {
      control(decode(sequence)); // C1 controls, e.g. U+009B, the single-character CSI
    } else if (length == 3 && is_bidi_control(decode(sequence))) {
      control(decode(sequence));
    } else {
      plain(sequence);
    }
    i += length;
  }
}

std::string named_escape(char32_t cp) {
  switch (cp) {
  case U'\n':
    return "\\n";
  case U'\r':
    return "\\r";
  case U'\t':
    return "\\t";
  default:
    return hex_escape(cp);
  }
}

std::string percent_encode(std::string_view text, std::string_view special) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '%' || c == '\r' || c == '\n' || special.find(c) != std::string_view::npos) {
      std::array<char, 4> buffer{};
      std::snprintf(buffer.data(), buffer.size(), "%%%02X",
                    static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buffer.data();
    } else {
      out += c;
    }
  }
  return out;
}

// Nearly all text is printable ASCII, which needs no escaping: spare it the byte-by-byte scan. No
// early exit, so that the compiler can test many bytes at once.
bool printable_ascii(std::string_view text) {
  unsigned char other = 0; // a byte wide, like the text, so that the loop vectorizes
  for (const char c : text)
    other |= static_cast<unsigned char>(static_cast<unsigned char>(c) - 0x20) >= 0x5F;
  return other == 0;
}

} // namespace

std::string terminal_safe(std::string_view text) {
  if (printable_ascii(text))
    return std::string(text);
  std::string out;
  out.reserve(text.size());
  scan(
      text, [&](std::string_view sequence) { out += sequence; },
      [&](char32_t cp) { out += named_escape(cp); });
  return out;
}

std::ostream& operator<<(std::ostream& out, TerminalSafe safe) {
  return printable_ascii(safe.text) ? out << safe.text : out << terminal_safe(safe.text);
}

std::string workflow_data(std::string_view text) { return percent_encode(text, ""); }

std::string workflow_property(std::string_view text) { return percent_encode(text, ":,"); }

std::string markdown_inline(std::string_view text) {
  // Everything CommonMark/GFM can give a meaning to inline or at a line start, plus `|` (tables)
  // and `@` (mentions). Backslash escapes are defined for all ASCII punctuation (CommonMark §2.4).
  constexpr std::string_view k_escaped = "\\`*_{}[]()#+-.!|~@:\"'$^=";
  std::string out;
  out.reserve(text.size());
  scan(
      text,
      [&](std::string_view sequence) {
        if (sequence.size() > 1) {
          out += sequence;
          return;
        }
        const char c = sequence[0];
        if (c == '<')
          out += "&lt;";
        else if (c == '>')
          out += "&gt;";
        else if (c == '&')
          out += "&amp;";
        else if (k_escaped.find(c) != std::string_view::npos) {
          out += '\\';
          out += c;
        } else {
          out += c;
        }
      },
      [&](char32_t cp) {
        if (cp == U'\n' || cp == U'\r' || cp == U'\t')
          out += ' ';
        else {
          out += '\\'; // the backslash itself must be escaped to show
          out += named_escape(cp);
        }
      });
  return out;
}

std::string truncate_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes)
    return std::string(text);
  constexpr std::string_view k_mark = "...";
  if (max_bytes < k_mark.size())
    return std::string(k_mark.substr(0, max_bytes));
  std::size_t end = max_bytes - k_mark.size();
  while (end > 0 && is_continuation(static_cast<unsigned char>(text[end])))
    --end;
  return std::string(text.substr(0, end)) + std::string(k_mark);
}

} // namespace tfkms::report
