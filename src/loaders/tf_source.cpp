#include "loaders/tf_source.hpp"

#include "loaders/terraform_address.hpp"
#include "model/value.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tfkms::loaders::terraform {

namespace {

// Nesting bound for hostile source: deeper expressions become unknown.
constexpr int k_max_expression_depth = 64;

bool is_identifier_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}
bool is_identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

/// A cursor over HCL text that can skip any construct: strings with nested ${...}, heredocs,
/// comments and bracketed groups.
class Cursor {
public:
  explicit Cursor(std::string_view text) : m_text(text) {}

  [[nodiscard]] bool done() const { return m_pos >= m_text.size(); }
  [[nodiscard]] char peek(std::size_t ahead = 0) const {
    return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0';
  }
  [[nodiscard]] std::size_t pos() const { return m_pos; }
  [[nodiscard]] std::uint32_t line() const { return m_line; }
  [[nodiscard]] std::string_view text() const { return m_text; }
  void advance(std::size_t count = 1) {
    for (std::size_t i = 0; i < count && m_pos < m_text.size(); ++i) {
      if (m_text[m_pos++] == '\n')
        ++m_line;
    }
  }

  /// Skips blanks and comments; with `newlines` false, stops at a newline (HCL attributes end
  /// there). Comment texts seen are passed to `on_comment` with their line.
  template <typename OnComment> void skip_space(bool newlines, OnComment on_comment) {
    while (!done()) {
      const char c = peek();
      if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
        advance();
      } else if (c == '#' || (c == '/' && peek(1) == '/')) {
        const std::uint32_t at = m_line;
        const std::size_t start = m_pos;
        while (!done() && peek() != '\n')
          advance();
        on_comment(m_text.substr(start, m_pos - start), at);
      } else if (c == '/' && peek(1) == '*') {
        advance(2);
        while (!done() && !(peek() == '*' && peek(1) == '/'))
          advance();
        advance(2);
      } else {
        return;
      }
    }
  }
  void skip_space(bool newlines = true) {
    skip_space(newlines, [](std::string_view, std::uint32_t) {});
  }

  std::string_view identifier() {
    const std::size_t start = m_pos;
    if (!is_identifier_start(peek()))
      return {};
    while (!done() && is_identifier_char(peek()))
      advance();
    return m_text.substr(start, m_pos - start);
  }

  /// Skips a quoted string starting at the opening quote.
  void skip_string() {
    advance();
    while (!done() && peek() != '"') {
      if (peek() == '\\')
        advance(2);
      else if ((peek() == '$' || peek() == '%') && peek(1) == '{') {
        advance();
        skip_group();
      } else
        advance();
    }
    advance();
  }

  /// Skips a heredoc starting at "<<"; true when there was one.
  bool skip_heredoc() {
    if (!(peek() == '<' && peek(1) == '<'))
      return false;
    std::size_t p = m_pos + 2;
    if (p < m_text.size() && m_text[p] == '-')
      ++p;
    std::size_t end = p;
    while (end < m_text.size() && is_identifier_char(m_text[end]))
      ++end;
    if (end == p)
      return false;
    const std::string marker(m_text.substr(p, end - p));
    advance(end - m_pos);
    while (!done()) {
      while (!done() && peek() != '\n')
        advance();
      advance();
      const std::size_t line_end = std::min(m_text.find('\n', m_pos), m_text.size());
      if (trim(m_text.substr(m_pos, line_end - m_pos)) == marker) {
        advance(line_end - m_pos);
        return true;
      }
    }
    return true;
  }

  /// Skips a group starting at an opening bracket, through its matching closing bracket.
  void skip_group() {
    int depth = 0;
    while (!done()) {
      const char c = peek();
      if (c == '"') {
        skip_string();
        continue;
      }
      if (c == '#' || (c == '/' && (peek(1) == '/' || peek(1) == '*'))) {
        skip_space(false);
        continue;
      }
      if (c == '<' && skip_heredoc())
        continue;
      advance();
      if (c == '{' || c == '[' || c == '(')
        ++depth;
      else if ((c == '}' || c == ']' || c == ')') && --depth <= 0)
        return;
    }
  }

  /// Skips to the end of the expression that starts here (a newline, comma or closing bracket at
  /// depth 0).
  void skip_expression() {
    while (!done()) {
      const char c = peek();
      if (c == '\n' || c == ',' || c == '}' || c == ']' || c == ')')
        return;
      if (c == '"')
        skip_string();
      else if (c == '{' || c == '[' || c == '(')
        skip_group();
      else if (c == '<' && skip_heredoc())
        continue;
      else if (c == '#' || (c == '/' && (peek(1) == '/' || peek(1) == '*')))
        skip_space(false);
      else
        advance();
    }
  }

private:
  std::string_view m_text;
  std::size_t m_pos = 0;
  std::uint32_t m_line = 1;
};

// "# tfkms:ignore TFKMS003 reason" -> suppressions (several rules may be comma separated).
void parse_suppression(std::string_view comment, std::uint32_t line, const std::string& file,
                       std::vector<model::Suppression>& out) {
  const auto at = comment.find("tfkms:ignore");
  if (at == std::string_view::npos)
    return;
  std::string_view rest = comment.substr(at + 12);
  const std::string body = trim(rest);
  const auto space = body.find_first_of(" \t");
  const std::string rules = body.substr(0, space);
  const std::string reason =
      space == std::string::npos ? std::string() : trim(std::string_view(body).substr(space));
  std::stringstream list(rules);
  for (std::string rule; std::getline(list, rule, ',');) {
    if (rule.empty())
      continue;
    model::Suppression suppression;
    suppression.rule = rule;
    suppression.reason = reason;
    suppression.where.file = file;
    suppression.where.line = line;
    out.push_back(std::move(suppression));
  }
}

// Suppressions written inside a block: after its opening brace on the header line (where trivy
// users put them) or on any line of the body (where checkov users put theirs). Strings and
// heredocs are skipped, so a policy text mentioning tfkms:ignore is not taken for a comment.
void parse_block_suppressions(std::string_view group, std::uint32_t first_line,
                              const std::string& file, std::vector<model::Suppression>& out) {
  Cursor cursor(group);
  const auto on_comment = [&](std::string_view comment, std::uint32_t line) {
    parse_suppression(comment, first_line + line - 1, file, out);
  };
  while (!cursor.done()) {
    const char c = cursor.peek();
    if (c == '#' || (c == '/' && (cursor.peek(1) == '/' || cursor.peek(1) == '*'))) {
      cursor.skip_space(false, on_comment);
    } else if (c == '"') {
      cursor.skip_string();
    } else if (!(c == '<' && cursor.skip_heredoc())) {
      cursor.advance();
    }
  }
}

std::string read_label(Cursor& cursor) {
  if (cursor.peek() != '"')
    return std::string(cursor.identifier());
  const std::size_t start = cursor.pos() + 1;
  cursor.skip_string();
  return std::string(cursor.text().substr(start, cursor.pos() - start - 1));
}

} // namespace

void SourceIndex::add_file(const std::string& file, std::string_view text,
                           const std::string& module_path) {
  Cursor cursor(text);
  struct Comment {
    std::string text;
    std::uint32_t line;
  };
  std::vector<Comment> comments;
  while (true) {
    cursor.skip_space(true, [&](std::string_view comment, std::uint32_t line) {
      comments.push_back({std::string(comment), line});
    });
    if (cursor.done())
      return;
    const std::uint32_t line = cursor.line();
    const std::string_view keyword = cursor.identifier();
    if (keyword.empty()) {
      cursor.advance();
      comments.clear();
      continue;
    }
    std::vector<std::string> labels;
    cursor.skip_space();
    while (cursor.peek() == '"' || is_identifier_start(cursor.peek())) {
      labels.push_back(read_label(cursor));
      cursor.skip_space();
    }
    if (cursor.peek() != '{') {
      cursor.skip_expression();
      comments.clear();
      continue;
    }
    const std::size_t open = cursor.pos();
    const std::uint32_t open_line = cursor.line();
    cursor.skip_group();
    if ((keyword == "resource" || keyword == "data") && labels.size() == 2) {
      SourceBlock block;
      block.file = file;
      block.line = line;
      block.body = std::string(text.substr(open + 1, cursor.pos() - open - 2));
      // Only the comment run that ends on the line just above the header counts.
      std::uint32_t expected = line - 1;
      for (auto it = comments.rbegin(); it != comments.rend() && it->line == expected;
           ++it, --expected) {
        parse_suppression(it->text, it->line, file, block.suppressions);
      }
      parse_block_suppressions(text.substr(open, cursor.pos() - open), open_line, file,
                               block.suppressions);
      const std::string address = (keyword == "data" ? "data." : "") + labels[0] + "." + labels[1];
      m_blocks.insert_or_assign(join_address(module_path, address), std::move(block));
    }
    comments.clear();
  }
}

const SourceBlock* SourceIndex::block(const Resource& resource) const {
  const std::string address = (resource.data ? "data." : "") + resource.type + "." + resource.name;
  const auto it = m_blocks.find(join_address(module_path(resource.module_address), address));
  return it == m_blocks.end() ? nullptr : &it->second;
}

SourceIndex SourceIndex::scan(const std::string& directory,
                              const std::map<std::string, std::string>& module_sources) {
  namespace fs = std::filesystem;
  SourceIndex index;
  std::map<std::string, fs::path> directories{{"", fs::path(directory)}};
  // Parents sort before their children ("module.a" < "module.a.module.b").
  for (const auto& [path, source] : module_sources) {
    if (!source.starts_with("./") && !source.starts_with("../"))
      continue;
    const auto parent_path = path.rfind(".module.") == std::string::npos
                                 ? std::string()
                                 : path.substr(0, path.rfind(".module."));
    const auto base = directories.find(parent_path);
    if (base == directories.end())
      continue;
    directories[path] = (base->second / source).lexically_normal();
  }
  for (const auto& [module, dir] : directories) {
    std::error_code error;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, error)) {
      if (entry.is_regular_file(error) && entry.path().extension() == ".tf")
        files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      std::ifstream stream(file, std::ios::binary);
      std::stringstream content;
      content << stream.rdbuf();
      index.add_file(file.string(), content.str(), module);
    }
  }
  return index;
}

namespace {

/// Converts the HCL expression subset of a jsonencode() argument to JSON with markers.
class ExpressionReader {
public:
  ExpressionReader(Cursor& cursor, const MarkerFunction& marker)
      : m_cursor(cursor), m_marker(marker) {}

  nlohmann::json expression(int depth = 0) {
    m_cursor.skip_space();
    if (depth > k_max_expression_depth)
      return unknown("nesting too deep");
    nlohmann::json value = primary(depth);
    m_cursor.skip_space(false);
    const char c = m_cursor.peek();
    if (c == '\n' || c == ',' || c == '}' || c == ']' || c == ')' || c == '\0')
      return value;
    // Operators, conditionals: evaluated only by Terraform.
    m_cursor.skip_expression();
    return unknown("expression");
  }

private:
  nlohmann::json unknown(std::string_view what) {
    return model::symbol("unknown:" + std::string(what) + " in the Terraform source");
  }

  nlohmann::json primary(int depth) {
    const char c = m_cursor.peek();
    if (c == '{')
      return object(depth);
    if (c == '[')
      return tuple(depth);
    if (c == '"')
      return quoted();
    if (c == '<' && m_cursor.peek(1) == '<')
      return heredoc();
    if (c == '(') {
      m_cursor.advance();
      nlohmann::json inner = expression(depth + 1);
      m_cursor.skip_space();
      if (m_cursor.peek() == ')')
        m_cursor.advance();
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) != 0 ||
        (c == '-' && std::isdigit(static_cast<unsigned char>(m_cursor.peek(1))) != 0)) {
      const std::size_t start = m_cursor.pos();
      m_cursor.advance();
      while (std::isalnum(static_cast<unsigned char>(m_cursor.peek())) != 0 ||
             m_cursor.peek() == '.')
        m_cursor.advance();
      try {
        return nlohmann::json::parse(m_cursor.text().substr(start, m_cursor.pos() - start));
      } catch (const nlohmann::json::exception&) {
        return unknown("number");
      }
    }
    if (is_identifier_start(c))
      return traversal(depth);
    m_cursor.skip_expression();
    return unknown("expression");
  }

  // aws_iam_role.app.arn, data.x.y.json, var.name, local.x, aws_s3_bucket.b[0].arn, or a function
  // call.
  nlohmann::json traversal(int depth) {
    std::string ref(m_cursor.identifier());
    if (ref == "true")
      return true;
    if (ref == "false")
      return false;
    if (ref == "null")
      return nullptr;
    if (m_cursor.peek() == '(') {
      m_cursor.skip_group();
      return unknown(ref + "()");
    }
    while (true) {
      if (m_cursor.peek() == '.' && is_identifier_start(m_cursor.peek(1))) {
        m_cursor.advance();
        ref += '.';
        ref += m_cursor.identifier();
      } else if (m_cursor.peek() == '[') {
        m_cursor.advance();
        nlohmann::json key = expression(depth + 1);
        m_cursor.skip_space();
        if (m_cursor.peek() == ']')
          m_cursor.advance();
        if (!key.is_number_integer() &&
            !(key.is_string() && !model::has_symbols(key.get<std::string>())))
          return unknown("index");
        ref += '[';
        ref += key.dump();
        ref += ']';
      } else {
        break;
      }
    }
    return m_marker(ref);
  }

  nlohmann::json object(int depth) {
    nlohmann::json out = nlohmann::json::object();
    m_cursor.advance();
    while (true) {
      m_cursor.skip_space();
      if (m_cursor.done())
        return out;
      if (m_cursor.peek() == '}') {
        m_cursor.advance();
        return out;
      }
      if (m_cursor.peek() == ',') {
        m_cursor.advance();
        continue;
      }
      std::string key;
      if (m_cursor.peek() == '"') {
        nlohmann::json quoted_key = quoted();
        key = quoted_key.is_string() ? quoted_key.get<std::string>() : std::string();
      } else if (is_identifier_start(m_cursor.peek())) {
        key = std::string(m_cursor.identifier());
        if (key == "for") {
          m_cursor.skip_expression();
          while (!m_cursor.done() && m_cursor.peek() != '}')
            m_cursor.skip_expression(), m_cursor.advance();
          m_cursor.advance();
          return unknown("for expression");
        }
      } else if (m_cursor.peek() == '(') {
        nlohmann::json computed = primary(depth + 1);
        key = computed.is_string() ? computed.get<std::string>() : model::symbol("unknown:key");
      } else {
        m_cursor.skip_expression();
        m_cursor.advance();
        continue;
      }
      m_cursor.skip_space();
      if (m_cursor.peek() == '=' || m_cursor.peek() == ':')
        m_cursor.advance();
      out[key] = expression(depth + 1);
    }
  }

  nlohmann::json tuple(int depth) {
    nlohmann::json out = nlohmann::json::array();
    m_cursor.advance();
    m_cursor.skip_space();
    if (m_cursor.text().substr(m_cursor.pos()).starts_with("for ")) {
      m_cursor.advance();
      m_cursor.skip_expression();
      while (!m_cursor.done() && m_cursor.peek() != ']')
        m_cursor.skip_expression(), m_cursor.advance();
      m_cursor.advance();
      return unknown("for expression");
    }
    while (true) {
      m_cursor.skip_space();
      if (m_cursor.done())
        return out;
      if (m_cursor.peek() == ']') {
        m_cursor.advance();
        return out;
      }
      if (m_cursor.peek() == ',') {
        m_cursor.advance();
        continue;
      }
      out.push_back(expression(depth + 1));
    }
  }

  // A template: literal text with ${...} interpolations.
  nlohmann::json template_text(std::string_view raw) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const char c = raw[i];
      if ((c == '$' || c == '%') && i + 2 < raw.size() && raw[i + 1] == c && raw[i + 2] == '{') {
        out += c;
        out += '{';
        i += 2;
      } else if (c == '$' && i + 1 < raw.size() && raw[i + 1] == '{') {
        Cursor inner(raw.substr(i + 1));
        inner.skip_group();
        const std::string_view body = raw.substr(i + 2, inner.pos() >= 2 ? inner.pos() - 2 : 0);
        Cursor expression_cursor(body);
        ExpressionReader reader(expression_cursor, m_marker);
        nlohmann::json value = reader.expression();
        if (value.is_string())
          out += value.get<std::string>();
        else if (value.is_number() || value.is_boolean())
          out += value.dump();
        else
          out += model::symbol("unknown:interpolation in the Terraform source");
        i += inner.pos();
      } else if (c == '%' && i + 1 < raw.size() && raw[i + 1] == '{') {
        return unknown("template directive");
      } else {
        out += c;
      }
    }
    return out;
  }

  nlohmann::json quoted() {
    const std::size_t start = m_cursor.pos() + 1;
    m_cursor.skip_string();
    const std::string_view raw = m_cursor.text().substr(start, m_cursor.pos() - start - 1);
    std::string unescaped;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '\\' || i + 1 == raw.size()) {
        unescaped += raw[i];
        continue;
      }
      const char e = raw[++i];
      if (e == 'n')
        unescaped += '\n';
      else if (e == 't')
        unescaped += '\t';
      else if (e == 'r')
        unescaped += '\r';
      else
        unescaped += e;
    }
    return template_text(model::strip_control(unescaped));
  }

  nlohmann::json heredoc() {
    const std::size_t start = m_cursor.pos();
    m_cursor.skip_heredoc();
    std::string_view raw = m_cursor.text().substr(start, m_cursor.pos() - start);
    const bool indented = raw.size() > 2 && raw[2] == '-';
    raw = raw.substr(raw.find('\n') == std::string_view::npos ? raw.size() : raw.find('\n') + 1);
    raw = raw.substr(0, raw.rfind('\n') == std::string_view::npos ? 0 : raw.rfind('\n') + 1);
    std::string body(raw);
    if (indented) {
      std::stringstream lines(body);
      std::string stripped;
      for (std::string line; std::getline(lines, line);)
        stripped += trim(line) + "\n";
      body = stripped;
    }
    return template_text(model::strip_control(body));
  }

  Cursor& m_cursor;
  const MarkerFunction& m_marker;
};

} // namespace

std::optional<nlohmann::json> jsonencode_argument(const SourceBlock& block,
                                                  std::string_view attribute,
                                                  const MarkerFunction& marker) {
  Cursor cursor(block.body);
  while (true) {
    cursor.skip_space();
    if (cursor.done())
      return std::nullopt;
    const std::string_view name = cursor.identifier();
    if (name.empty()) {
      cursor.skip_expression();
      cursor.advance();
      continue;
    }
    cursor.skip_space(false);
    if (cursor.peek() == '=' && cursor.peek(1) != '=') {
      cursor.advance();
      cursor.skip_space(false);
      if (name != attribute) {
        cursor.skip_expression();
        continue;
      }
      if (cursor.identifier() != "jsonencode" || cursor.peek() != '(')
        return std::nullopt;
      cursor.advance();
      ExpressionReader reader(cursor, marker);
      return reader.expression();
    }
    // A nested block: labels then a body.
    while (!cursor.done() && cursor.peek() != '{' && cursor.peek() != '\n')
      cursor.advance();
    if (cursor.peek() == '{')
      cursor.skip_group();
  }
}

} // namespace tfkms::loaders::terraform
