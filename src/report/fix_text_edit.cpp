#include "report/fix_text_edit.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace tfkms::report {

namespace {

using Json = nlohmann::ordered_json;

std::vector<std::string> pointer_tokens(std::string_view pointer) {
  std::vector<std::string> tokens;
  while (!pointer.empty() && pointer.front() == '/') {
    pointer.remove_prefix(1);
    const std::size_t end = std::min(pointer.find('/'), pointer.size());
    std::string token(pointer.substr(0, end));
    for (std::size_t at = 0; (at = token.find('~', at)) != std::string::npos; ++at)
      token.replace(at, 2, at + 1 < token.size() && token[at + 1] == '1' ? "/" : "~");
    tokens.push_back(std::move(token));
    pointer.remove_prefix(end);
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// JSON templates: parse, apply the edit as fix_edit defines it, write the document again.

std::optional<TextEdit> json_edit(const rules::FixEdit& edit, std::string_view text) {
  Json document = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded())
    return std::nullopt;
  try {
    const Json value = Json::parse(edit.json.empty() ? "null" : edit.json);
    if (edit.kind == rules::FixKind::set_property) {
      const Json::json_pointer where(edit.property);
      if (!document.contains(where.parent_pointer()))
        return std::nullopt;
      document[where] = value;
    } else {
      const Json::json_pointer where(edit.policy);
      if (!document.contains(where) || !document[where].is_object())
        return std::nullopt;
      Json& statements = document[where]["Statement"];
      if (statements.is_object())
        statements = Json::array({statements});
      if (!statements.is_array())
        return std::nullopt;
      if (edit.kind == rules::FixKind::add_statement) {
        statements.push_back(value);
      } else if (!edit.statement || *edit.statement >= statements.size()) {
        return std::nullopt;
      } else if (edit.kind == rules::FixKind::remove_statement) {
        statements.erase(statements.begin() + static_cast<std::ptrdiff_t>(*edit.statement));
      } else if (edit.kind == rules::FixKind::set_actions) {
        Json& statement = statements[*edit.statement];
        statement.erase("NotAction");
        statement["Action"] = value;
      } else {
        Json& condition = statements[*edit.statement]["Condition"];
        for (const auto& [op, clauses] : value.items())
          condition[op].update(clauses);
      }
    }
  } catch (const nlohmann::json::exception&) {
    return std::nullopt; // a pointer that does not fit the document: no edit to offer
  }
  return TextEdit{0, text.size(), document.dump(2) + "\n"};
}

// ---------------------------------------------------------------------------------------------
// YAML templates: the block structure read from indentation, enough to find a mapping key, a
// sequence item and where each ends, and to add or remove whole lines there.

struct Line {
  std::size_t begin = 0; ///< offset of the first character
  std::size_t end = 0;   ///< offset of the line break (or the end of the text)
  std::size_t indent = 0;
  bool blank = false; ///< nothing but spaces, a comment or a document marker
};

/// Lines [first, end) whose entries start at column `indent`; `item`: `first` is a sequence item's
/// line, its first entry after the "- ".
struct Block {
  std::size_t first = 0, end = 0, indent = 0;
  bool item = false;
};

class YamlText {
public:
  explicit YamlText(std::string_view text) : m_text(text) {
    for (std::size_t begin = 0; begin <= text.size();) {
      const std::size_t end = std::min(text.find('\n', begin), text.size());
      Line line{begin, end, 0, false};
      while (begin + line.indent < end && text[begin + line.indent] == ' ')
        ++line.indent;
      const std::string_view rest = text.substr(begin + line.indent, end - begin - line.indent);
      line.blank = rest.empty() || rest.front() == '#' || rest.starts_with("---");
      if (!(begin == text.size() && line.blank))
        m_lines.push_back(line);
      begin = end + 1;
    }
  }

  [[nodiscard]] Block root() const { return {0, m_lines.size(), 0, false}; }

  /// The block holding the value of `key` in mapping `block`: nullopt when the key is absent or its
  /// value is written on its own line (a scalar or flow-style collection).
  [[nodiscard]] std::optional<Block> child(const Block& block, std::string_view key) const {
    const std::optional<std::size_t> line = find_key(block, key);
    if (!line || !value_text(block, *line).empty())
      return std::nullopt;
    const std::size_t end = span_end(block, *line);
    for (std::size_t i = *line + 1; i < end; ++i) {
      if (!m_lines[i].blank)
        return Block{i, end, m_lines[i].indent, false};
    }
    return std::nullopt;
  }

  /// Item `index` of the block sequence `block`, as the mapping it holds.
  [[nodiscard]] std::optional<Block> item(const Block& block, std::size_t index) const {
    const std::vector<std::size_t> starts = item_starts(block);
    if (index >= starts.size())
      return std::nullopt;
    const std::size_t start = starts[index];
    const std::size_t end =
        trimmed(start, index + 1 < starts.size() ? starts[index + 1] : block.end);
    const std::string_view content = entry(block, start);
    const std::size_t after_dash = content.find_first_not_of(' ', 1);
    if (after_dash == std::string_view::npos)
      return std::nullopt; // the item's content starts on the next line: not written this way here
    return Block{start, end, m_lines[start].indent + after_dash, true};
  }

  [[nodiscard]] std::size_t items(const Block& block) const { return item_starts(block).size(); }

  [[nodiscard]] std::optional<std::size_t> find_key(const Block& block,
                                                    std::string_view key) const {
    for (std::size_t i = block.first; i < block.end; ++i) {
      if (m_lines[i].blank || column(block, i) != block.indent)
        continue;
      if (key_of(entry(block, i)) == key)
        return i;
    }
    return std::nullopt;
  }

  /// The text after "key:" on `line`, without white space.
  [[nodiscard]] std::string_view value_text(const Block& block, std::size_t line) const {
    const std::string_view content = entry(block, line);
    const std::size_t colon = key_end(content);
    if (colon == std::string_view::npos)
      return {};
    std::string_view value = content.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    return value.starts_with('#') ? std::string_view() : value;
  }

  /// Offset of the key on `line` (after the "- " on a sequence item's first line).
  [[nodiscard]] std::size_t key_start(const Block& block, std::size_t line) const {
    return static_cast<std::size_t>(entry(block, line).data() - m_text.data());
  }

  /// Offset just after the colon of the key on `line`.
  [[nodiscard]] std::size_t after_colon(const Block& block, std::size_t line) const {
    const std::string_view content = entry(block, line);
    return static_cast<std::size_t>(content.data() - m_text.data()) + key_end(content) + 1;
  }

  /// The line after the last non-blank line of `block`'s entry on `line`.
  [[nodiscard]] std::size_t span_end(const Block& block, std::size_t line) const {
    const bool nested_value = value_text(block, line).empty();
    std::size_t end = line + 1;
    while (end < block.end) {
      const Line& next = m_lines[end];
      const bool deeper = next.blank || next.indent > block.indent;
      // A sequence may sit at its key's own indentation ("Statement:\n- Sid: ...").
      const bool same_level_sequence = nested_value && next.indent == block.indent &&
                                       m_text.substr(next.begin + next.indent).starts_with("- ");
      if (!deeper && !same_level_sequence)
        break;
      ++end;
    }
    return trimmed(line, end);
  }

  [[nodiscard]] const Line& line(std::size_t index) const { return m_lines.at(index); }
  [[nodiscard]] std::size_t size() const { return m_lines.size(); }

  /// Offset where line `index` starts (the text's end after the last line).
  [[nodiscard]] std::size_t line_start(std::size_t index) const {
    return index < m_lines.size() ? m_lines[index].begin : m_text.size();
  }

private:
  // Column of the entry on `line`: after the "- " on a sequence item's first line.
  [[nodiscard]] std::size_t column(const Block& block, std::size_t line) const {
    if (block.item && line == block.first)
      return block.indent;
    return m_lines[line].indent;
  }

  [[nodiscard]] std::string_view entry(const Block& block, std::size_t line) const {
    const Line& at = m_lines[line];
    const std::size_t from =
        block.item && line == block.first ? at.begin + block.indent : at.begin + at.indent;
    return m_text.substr(from, at.end - from);
  }

  static std::size_t key_end(std::string_view content) {
    if (content.starts_with('"') || content.starts_with('\'')) {
      const std::size_t close = content.find(content.front(), 1);
      return close == std::string_view::npos ? content.size() : content.find(':', close);
    }
    for (std::size_t at = content.find(':'); at != std::string_view::npos;
         at = content.find(':', at + 1)) {
      if (at + 1 == content.size() || content[at + 1] == ' ')
        return at;
    }
    return std::string_view::npos;
  }

  static std::string_view key_of(std::string_view content) {
    const std::size_t end = key_end(content);
    if (end == std::string_view::npos || end > content.size())
      return {};
    std::string_view key = content.substr(0, end);
    while (!key.empty() && key.back() == ' ')
      key.remove_suffix(1);
    if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') &&
        key.back() == key.front()) {
      key = key.substr(1, key.size() - 2);
    }
    return key;
  }

  [[nodiscard]] std::vector<std::size_t> item_starts(const Block& block) const {
    std::vector<std::size_t> starts;
    for (std::size_t i = block.first; i < block.end; ++i) {
      const Line& at = m_lines[i];
      if (at.blank || at.indent != block.indent)
        continue;
      const std::string_view content =
          m_text.substr(at.begin + at.indent, at.end - at.begin - at.indent);
      if (!content.starts_with("- ") && content != "-")
        return {}; // a mapping entry beside the items: not a block sequence
      starts.push_back(i);
    }
    return starts;
  }

  // `end` moved back over blank lines, not before `first` + 1.
  [[nodiscard]] std::size_t trimmed(std::size_t first, std::size_t end) const {
    while (end > first + 1 && m_lines[end - 1].blank)
      --end;
    return end;
  }

  std::string_view m_text;
  std::vector<Line> m_lines;
};

std::optional<Block> walk(const YamlText& yaml, const std::vector<std::string>& tokens) {
  std::optional<Block> block = yaml.root();
  for (const std::string& token : tokens) {
    block = yaml.child(*block, token);
    if (!block)
      return std::nullopt;
  }
  return block;
}

// Text inserted at the start of line `at`: after the last line when the text ends without a line
// break.
TextEdit insert_line(const YamlText& yaml, std::string_view text, std::size_t at,
                     std::string line) {
  const std::size_t offset = yaml.line_start(at);
  if (offset == text.size() && !text.empty() && text.back() != '\n')
    return TextEdit{offset, 0, "\n" + line};
  return TextEdit{offset, 0, line + "\n"};
}

std::optional<TextEdit> yaml_edit(const rules::FixEdit& edit, std::string_view text) {
  const YamlText yaml(text);
  if (edit.kind == rules::FixKind::set_property) {
    std::vector<std::string> tokens = pointer_tokens(edit.property);
    if (tokens.empty())
      return std::nullopt;
    const std::string name = tokens.back();
    tokens.pop_back();
    const std::optional<Block> holder = walk(yaml, tokens);
    if (!holder)
      return std::nullopt;
    if (const auto line = yaml.find_key(*holder, name)) {
      if (yaml.value_text(*holder, *line).empty() || yaml.span_end(*holder, *line) != *line + 1)
        return std::nullopt; // a nested value: not a property set on one line
      const std::size_t from = yaml.after_colon(*holder, *line);
      return TextEdit{from, yaml.line(*line).end - from, " " + edit.json};
    }
    if (holder->item)
      return std::nullopt;
    return insert_line(yaml, text, holder->first,
                       std::string(holder->indent, ' ') + name + ": " + edit.json);
  }
  const std::optional<Block> policy = walk(yaml, pointer_tokens(edit.policy));
  const std::optional<Block> statements = policy ? yaml.child(*policy, "Statement") : std::nullopt;
  if (!statements || yaml.items(*statements) == 0)
    return std::nullopt;
  if (edit.kind == rules::FixKind::add_statement) {
    const std::optional<Block> last = yaml.item(*statements, yaml.items(*statements) - 1);
    if (!last)
      return std::nullopt;
    return insert_line(yaml, text, last->end,
                       std::string(statements->indent, ' ') + "- " + edit.json);
  }
  const std::optional<Block> statement =
      edit.statement ? yaml.item(*statements, *edit.statement) : std::nullopt;
  if (!statement)
    return std::nullopt;
  if (edit.kind == rules::FixKind::remove_statement) {
    const std::size_t from = yaml.line_start(statement->first);
    const std::size_t to =
        statement->end < yaml.size() ? yaml.line_start(statement->end) : text.size();
    return TextEdit{from, to - from, ""};
  }
  if (edit.kind == rules::FixKind::set_actions) {
    // The Action (or NotAction) entry, with every line of its value, becomes one flow-style line.
    std::optional<std::size_t> line = yaml.find_key(*statement, "Action");
    if (!line)
      line = yaml.find_key(*statement, "NotAction");
    if (!line)
      return std::nullopt;
    const std::size_t from = yaml.key_start(*statement, *line);
    const std::size_t to = yaml.line(yaml.span_end(*statement, *line) - 1).end;
    return TextEdit{from, to - from, "Action: " + edit.json};
  }
  // add_condition: merging into a Condition already written is left to the reader.
  if (yaml.find_key(*statement, "Condition"))
    return std::nullopt;
  return insert_line(yaml, text, statement->end,
                     std::string(statement->indent, ' ') + "Condition: " + edit.json);
}

bool ends_with_any(std::string_view path, std::initializer_list<std::string_view> suffixes) {
  for (const std::string_view suffix : suffixes) {
    if (path.ends_with(suffix))
      return true;
  }
  return false;
}

} // namespace

bool edits_template(const rules::FixEdit& edit, std::string_view path) {
  const bool edits_file =
      edit.kind == rules::FixKind::add_statement || edit.kind == rules::FixKind::remove_statement ||
      edit.kind == rules::FixKind::add_condition || edit.kind == rules::FixKind::set_actions ||
      edit.kind == rules::FixKind::set_property;
  const std::string_view pointer =
      edit.kind == rules::FixKind::set_property ? edit.property : edit.policy;
  // Templates only: a plan's pointers start at /resource_changes, and its author edits .tf files.
  return edits_file && pointer.starts_with("/Resources/") &&
         ends_with_any(path, {".yaml", ".yml", ".json", ".template"});
}

std::optional<TextEdit> template_text_edit(const rules::FixEdit& edit, std::string_view path,
                                           std::string_view text) {
  if (!edits_template(edit, path))
    return std::nullopt;
  // A template is JSON when it starts with an object (a .template file may be either).
  const std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start != std::string_view::npos && text[start] == '{')
    return json_edit(edit, text);
  return yaml_edit(edit, text);
}

} // namespace tfkms::report
