#pragma once
// Escaping shared by the output formats. Resource names, Sids, messages and file names come from
// the input, so every format treats them as hostile: they must not drive a terminal, break a JSON
// or Markdown structure, or start a GitHub workflow command.
#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace tfkms::report {

/// `text` with every control character (C0, DEL, C1) and bidirectional override shown as a visible
/// escape (`\x1b`, `\n`, `\u202e`), so input can neither move the cursor nor reorder what is shown.
[[nodiscard]] std::string terminal_safe(std::string_view text);

/// terminal_safe(text) written to a stream, with no copy when there is nothing to escape (nearly
/// always): `out << TerminalSafe{finding.message}`.
struct TerminalSafe {
  std::string_view text;
};
std::ostream& operator<<(std::ostream& out, TerminalSafe safe);

/// `text` as the data part of a GitHub workflow command: `%`, CR and LF percent-encoded, so the
/// command stays one line (GitHub docs "Workflow commands", escaping).
[[nodiscard]] std::string workflow_data(std::string_view text);

/// `text` as a workflow command property value: as `workflow_data`, plus `:` and `,`, which would
/// otherwise end the value or the property list.
[[nodiscard]] std::string workflow_property(std::string_view text);

/// `text` as inline GitHub-flavoured Markdown that renders literally: ASCII punctuation that
/// Markdown or a table gives meaning to is backslash-escaped, `<`, `>` and `&` become entities (no
/// raw HTML), line breaks become spaces and control characters are shown as escapes. Safe in a
/// table cell.
[[nodiscard]] std::string markdown_inline(std::string_view text);

/// `text` cut to at most `max_bytes` bytes without splitting a UTF-8 sequence; "..." marks a cut.
[[nodiscard]] std::string truncate_utf8(std::string_view text, std::size_t max_bytes);

} // namespace tfkms::report
