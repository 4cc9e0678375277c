#include "loaders/input.hpp"

#include "loaders/huge_pages.hpp"

#include <nlohmann/json.hpp>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <memory>
#include <set>

namespace tfkms::loaders {

namespace {

model::Diagnostic error_at(const std::string& path, std::string_view text, std::size_t offset,
                           std::string message) {
  const TextPosition where = position_of(text, offset);
  return model::Diagnostic{
      model::DiagnosticLevel::error, path, where.line, where.column, {}, std::move(message)};
}

model::Diagnostic error_in(const std::string& path, std::string message) {
  return model::Diagnostic{
      model::DiagnosticLevel::error, path, std::nullopt, std::nullopt, {}, std::move(message)};
}

// Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or npos.
std::size_t first_invalid_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = bytes[i];
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF)
      length = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0)
        low = 0xA0;
      if (c == 0xED)
        high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0)
        low = 0x90;
      if (c == 0xF4)
        high = 0x8F;
    } else {
      return i;
    }
    if (i + length > text.size())
      return i;
    if (bytes[i + 1] < low || bytes[i + 1] > high)
      return i;
    for (std::size_t k = 2; k < length; ++k) {
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xBF)
        return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

enum class Endian { little, big };

model::Result<InputText> validate_utf8_text(PaddedBytes buffer, std::size_t begin,
                                            const std::string& path) {
  InputText input(std::move(buffer), begin);
  const std::string_view text = input.text();
  // Indexing JSON validates its UTF-8 on the way; only other text (or JSON that failed to index)
  // is read once more for it.
  if (!input.index_json() && !simdjson::validate_utf8(text.data(), text.size())) {
    const std::size_t at = first_invalid_utf8(text);
    return error_at(path, text, at == std::string_view::npos ? 0 : at,
                    "invalid UTF-8 (the file must be UTF-8 or UTF-16 with a BOM)");
  }
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    return error_at(path, text,
                    static_cast<std::size_t>(static_cast<const char*>(nul) - text.data()),
                    "NUL character in a text input");
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return error_in(path, "the file is empty");
  return input;
}

// Windows PowerShell 5 writes `terraform show -json > plan.json` as UTF-16LE (formats.md §3).
model::Result<InputText> decode_utf16(std::string_view bytes, Endian endian,
                                      const std::string& path) {
  if (bytes.size() % 2 != 0)
    return error_in(path, "UTF-16 input has an odd number of bytes (truncated file?)");
  std::string out;
  out.reserve(bytes.size() / 2 + bytes.size() / 8);
  const auto unit = [&](std::size_t i) {
    const auto a = static_cast<unsigned char>(bytes[i]);
    const auto b = static_cast<unsigned char>(bytes[i + 1]);
    return endian == Endian::little ? static_cast<char16_t>(a | (b << 8))
                                    : static_cast<char16_t>((a << 8) | b);
  };
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    const char16_t u = unit(i);
    char32_t cp = u;
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < bytes.size() && unit(i + 2) >= 0xDC00 &&
        unit(i + 2) <= 0xDFFF) {
      cp = 0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) + (unit(i + 2) - 0xDC00);
      i += 2;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      return error_at(path, out, out.size(), "invalid UTF-16: unpaired surrogate");
    }
    append_utf8(out, cp);
  }
  // The decoded text gets the same checks as UTF-8 input: a BOM alone, blank text or U+0000 are
  // refused.
  return validate_utf8_text(PaddedBytes(simdjson::padded_string(out.data(), out.size())), 0, path);
}

bool starts_with(std::string_view bytes, std::string_view prefix) {
  return bytes.substr(0, prefix.size()) == prefix;
}

// Encoding by BOM, or by the zero bytes of BOM-less UTF-16 text that starts with an ASCII
// character.
model::Result<InputText> decode_buffer(PaddedBytes buffer, const std::string& path) {
  const std::string_view bytes(buffer.data(), buffer.size());
  if (starts_with(bytes, "\xEF\xBB\xBF"))
    return validate_utf8_text(std::move(buffer), 3, path);
  if (starts_with(bytes, std::string_view("\xFF\xFE\0\0", 4)) ||
      starts_with(bytes, std::string_view("\0\0\xFE\xFF", 4))) {
    return error_in(path, "UTF-32 input is not supported: convert it to UTF-8");
  }
  if (starts_with(bytes, "\xFF\xFE"))
    return decode_utf16(bytes.substr(2), Endian::little, path);
  if (starts_with(bytes, "\xFE\xFF"))
    return decode_utf16(bytes.substr(2), Endian::big, path);
  if (bytes.size() >= 4 && bytes[0] != '\0' && bytes[1] == '\0' && bytes[2] != '\0' &&
      bytes[3] == '\0') {
    return decode_utf16(bytes, Endian::little, path);
  }
  if (bytes.size() >= 4 && bytes[0] == '\0' && bytes[1] != '\0' && bytes[2] == '\0' &&
      bytes[3] != '\0') {
    return decode_utf16(bytes, Endian::big, path);
  }
  return validate_utf8_text(std::move(buffer), 0, path);
}

std::string too_large(std::size_t limit) {
  return "the file is larger than the input limit of " + std::to_string(limit) + " bytes";
}

model::Result<InputText> read_stdin(const std::string& path, const Limits& limits) {
  std::string bytes;
  char chunk[65536];
  while (std::cin.read(chunk, sizeof chunk) || std::cin.gcount() > 0) {
    bytes.append(chunk, static_cast<std::size_t>(std::cin.gcount()));
    if (bytes.size() > limits.max_input_bytes)
      return error_in(path, too_large(limits.max_input_bytes));
  }
  prefer_huge_pages(bytes.size());
  return decode_input(bytes, path);
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

} // namespace

PaddedBytes::PaddedBytes(simdjson::padded_string copy) {
  auto owner = std::make_shared<simdjson::padded_string>(std::move(copy));
  m_data = owner->data();
  m_size = owner->size();
  m_owner = std::move(owner);
}

std::optional<PaddedBytes> PaddedBytes::map(int fd, std::size_t size) {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t total = (size + simdjson::SIMDJSON_PADDING + page - 1) / page * page;
  // Anonymous zero pages first, the file over them: the padding after the file's last page is then
  // readable, whatever the file's size.
  void* base = mmap(nullptr, total, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED)
    return std::nullopt;
  if (mmap(base, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED) {
    munmap(base, total);
    return std::nullopt;
  }
  PaddedBytes out;
  out.m_owner = std::shared_ptr<const void>(
      base, [total](const void* mapped) { munmap(const_cast<void*>(mapped), total); });
  out.m_data = static_cast<const char*>(base);
  out.m_size = size;
  return out;
}

model::Result<InputText> decode_input(std::string_view bytes, const std::string& path) {
  return decode_buffer(PaddedBytes(simdjson::padded_string(bytes.data(), bytes.size())), path);
}

model::Result<InputText> read_input(const std::string& path, const Limits& limits) {
  if (path == "-")
    return read_stdin("<stdin>", limits);
  // Read straight into simdjson's padded buffer: a second copy of a large plan would double the
  // peak memory.
  const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file)
    return error_in(path, std::string("cannot open: ") + std::strerror(errno));
  if (std::fseek(file.get(), 0, SEEK_END) != 0)
    return error_in(path, "cannot read: not a regular file");
  const long size = std::ftell(file.get());
  if (size < 0)
    return error_in(path, "cannot read: not a regular file");
  if (static_cast<std::size_t>(size) > limits.max_input_bytes)
    return error_in(path, too_large(limits.max_input_bytes));
  if (size == 0)
    return error_in(path, "the file is empty");
  prefer_huge_pages(static_cast<std::size_t>(size));
  // Mapped rather than read: reading copies every byte and first zeroes the memory it copies to.
  if (auto mapped = PaddedBytes::map(fileno(file.get()), static_cast<std::size_t>(size))) {
    return decode_buffer(std::move(*mapped), path);
  }
  std::rewind(file.get());
  simdjson::padded_string buffer(static_cast<std::size_t>(size));
  if (std::fread(buffer.data(), 1, buffer.size(), file.get()) != buffer.size()) {
    return error_in(path, std::string("cannot read: ") + std::strerror(errno));
  }
  return decode_buffer(PaddedBytes(std::move(buffer)), path);
}

TextPosition position_of(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  TextPosition where;
  std::size_t line_start = 0;
  for (const char* p = text.data();
       (p = static_cast<const char*>(
            std::memchr(p, '\n', static_cast<std::size_t>(text.data() + offset - p)))) != nullptr;
       ++p) {
    ++where.line;
    line_start = static_cast<std::size_t>(p - text.data()) + 1;
  }
  where.column = static_cast<std::uint32_t>(offset - line_start + 1);
  return where;
}

namespace {

// Discards everything but the position of the first syntax error.
struct SyntaxErrorSax {
  using json = nlohmann::json;
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const json::string_t&) { return true; }
  bool string(json::string_t&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(json::string_t&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  std::optional<std::size_t> byte;
  std::string message;
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& error) {
    byte = position;
    message = error.what();
    return false;
  }
};

// nlohmann's message reads "[json.exception.parse_error.101] parse error at line 3, column 5:
// syntax error while parsing value - ..."; keep what follows the position.
std::string syntax_message(const std::string& what) {
  const auto colon = what.find(": ", what.find("parse error"));
  return "malformed JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2));
}

} // namespace

model::Diagnostic json_syntax_error(std::string_view text, const std::string& path) {
  SyntaxErrorSax sax;
  nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
  if (!sax.byte)
    return error_in(path, "malformed JSON");
  return error_at(path, text, *sax.byte == 0 ? 0 : *sax.byte - 1, syntax_message(sax.message));
}

namespace {

bool has_extension(std::string_view path, std::string_view extension) {
  if (path.size() < extension.size())
    return false;
  std::string tail(path.substr(path.size() - extension.size()));
  std::transform(tail.begin(), tail.end(), tail.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return tail == extension;
}

std::string list_keys(const std::set<std::string>& keys) {
  std::string out;
  std::size_t shown = 0;
  for (const std::string& key : keys) {
    if (shown++ == 8)
      return out + ", ...";
    out += (out.empty() ? "" : ", ") + key;
  }
  return out.empty() ? "none" : out;
}

} // namespace

bool InputText::index_json() {
  const std::string_view body = text();
  const std::size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (body[first] != '{' && body[first] != '['))
    return false;
  auto indexed = m_parser->iterate(padded());
  if (indexed.error() != simdjson::SUCCESS)
    return false;
  m_document = std::make_unique<simdjson::ondemand::document>(std::move(indexed).value_unsafe());
  return true;
}

simdjson::ondemand::document& InputText::document() const {
  // A document that met an error is dead (simdjson abandons its iterator) and cannot rewind.
  if (m_document && m_document->is_alive()) {
    m_document->rewind();
    return *m_document;
  }
  m_document = std::make_unique<simdjson::ondemand::document>(m_parser->iterate(padded()).value());
  return *m_document;
}

model::Result<InputKind> detect_kind(const InputText& input, const std::string& path) {
  const std::string_view text = input.text();
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  const bool looks_json = text[first] == '{' || text[first] == '[';
  if (!looks_json)
    return InputKind::cloudformation_yaml;
  std::set<std::string> keys;
  const auto has = [&](std::string_view key) { return keys.contains(std::string(key)); };
  const auto plan_key = [](std::string_view key) {
    return key == "resource_changes" || key == "planned_values" || key == "prior_state" ||
           key == "configuration" || key == "output_changes" || key == "resource_drift";
  };
  try {
    for (auto field : input.document().get_object()) {
      const std::string_view key = field.unescaped_key();
      // A plan key decides: the rest of a plan (tens of megabytes) need not be skipped through
      // here.
      if (plan_key(key))
        return InputKind::terraform_plan;
      keys.emplace(key);
    }
  } catch (const simdjson::simdjson_error& error) {
    // YAML allows flow style ({...}) that is not JSON.
    if (has_extension(path, ".yaml") || has_extension(path, ".yml") ||
        has_extension(path, ".template")) {
      return InputKind::cloudformation_yaml;
    }
    if (error.error() == simdjson::INCORRECT_TYPE) {
      return error_in(path, "JSON that is not an object: not a Terraform plan or state, nor a "
                            "CloudFormation template");
    }
    model::Diagnostic diagnostic = json_syntax_error(text, path);
    if (diagnostic.line == std::nullopt)
      diagnostic.message += std::string(" (") + error.what() + ")";
    return diagnostic;
  }
  const bool terraform = has("format_version") || has("terraform_version");
  if (terraform && has("values"))
    return InputKind::terraform_state;
  if (has("Resources") || has("AWSTemplateFormatVersion"))
    return InputKind::cloudformation_json;
  if (terraform) {
    return error_in(
        path, "Terraform JSON without resources (no resource_changes, planned_values or values): "
              "give `terraform show -json` output of a plan file or state");
  }
  return error_in(
      path,
      "JSON that is neither a Terraform plan/state (`terraform show -json`) nor a CloudFormation "
      "template; its top-level keys are: " +
          list_keys(keys));
}

} // namespace tfkms::loaders
