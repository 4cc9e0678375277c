#pragma once
// Reading an input file into memory as UTF-8 and telling what kind of input it is.
#include "loaders/loaders.hpp"
#include "model/diagnostic.hpp"

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tfkms::loaders {

/// Bytes followed by simdjson::SIMDJSON_PADDING more readable bytes: a copy in memory, or a file
/// mapped where it lies (no copy, no zeroing: its pages are the page cache's).
class PaddedBytes {
public:
  PaddedBytes() = default;
  explicit PaddedBytes(simdjson::padded_string copy);
  /// The first `size` bytes of open file `fd` mapped read-only, or nullopt when it cannot be
  /// mapped. The file must not shrink while mapped (reading past its new end would fault).
  [[nodiscard]] static std::optional<PaddedBytes> map(int fd, std::size_t size);

  [[nodiscard]] const char* data() const { return m_data; }
  [[nodiscard]] std::size_t size() const { return m_size; }

private:
  std::shared_ptr<const void> m_owner; ///< frees the copy or unmaps the file
  const char* m_data = nullptr;
  std::size_t m_size = 0;
};

/// The text of an input as UTF-8 without BOM, followed by the padding simdjson reads past the end,
/// and the simdjson document over it: detecting the kind and loading share its buffers and its
/// index of the whole text, which for a large plan are worth tens of MB of page faults and a pass.
class InputText {
public:
  InputText() = default;
  InputText(PaddedBytes buffer, std::size_t begin) : m_buffer(std::move(buffer)), m_begin(begin) {}

  [[nodiscard]] std::string_view text() const {
    return {m_buffer.data() + m_begin, m_buffer.size() - m_begin};
  }
  /// The text as simdjson wants it: the padding after the end belongs to the same buffer.
  [[nodiscard]] simdjson::padded_string_view padded() const {
    return simdjson::padded_string_view(m_buffer.data() + m_begin, m_buffer.size() - m_begin,
                                        m_buffer.size() - m_begin + simdjson::SIMDJSON_PADDING);
  }

  /// Where the buffer (with its padding) ends: a view inside the text may be parsed on its own.
  [[nodiscard]] const char* padded_end() const {
    return m_buffer.data() + m_buffer.size() + simdjson::SIMDJSON_PADDING;
  }
  /// Indexes text that starts like JSON as a simdjson document, for document() to return. True when
  /// that succeeded, which also proves the whole text well-formed UTF-8 (simdjson checks it while
  /// indexing).
  bool index_json();
  /// The text as a simdjson document, from its start: the first call indexes the text (throwing
  /// simdjson_error when it is not JSON), later ones rewind.
  [[nodiscard]] simdjson::ondemand::document& document() const;

private:
  PaddedBytes m_buffer;
  std::size_t m_begin = 0;
  // On the heap, so that the document, which points to its parser, survives moving the text.
  std::unique_ptr<simdjson::ondemand::parser> m_parser =
      std::make_unique<simdjson::ondemand::parser>();
  mutable std::unique_ptr<simdjson::ondemand::document> m_document;
};

/// Reads `path` ("-": standard input) and converts it to UTF-8: UTF-8 with or without BOM, UTF-16
/// LE/BE with BOM, and BOM-less UTF-16 (recognised by its zero bytes) are accepted. Fails on a file
/// that cannot be read, is larger than `limits.max_input_bytes`, is empty, is not valid text in
/// these encodings, or holds NUL characters; the diagnostic gives the line and column.
[[nodiscard]] model::Result<InputText> read_input(const std::string& path, const Limits& limits);

/// Converts raw bytes as `read_input` does (exposed for tests and for standard input).
[[nodiscard]] model::Result<InputText> decode_input(std::string_view bytes,
                                                    const std::string& path);

/// Tells the kind of `text` from its content. Fails on malformed JSON (with the error's line and
/// column) and on JSON that is none of the supported kinds.
[[nodiscard]] model::Result<InputKind> detect_kind(const InputText& text, const std::string& path);

/// Detects the kind of `text` (read from `name`) and loads it, as load_file does after reading;
/// then holds its policies to `options.limits` (policy_limits.hpp). Lets the fuzz harness and tests
/// load bytes that are not in a file.
[[nodiscard]] model::Result<Input> load_input(InputText text, const std::string& name,
                                              const LoadOptions& options);

/// 1-based line and column (in bytes) of `offset` in `text`.
struct TextPosition {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};
[[nodiscard]] TextPosition position_of(std::string_view text, std::size_t offset);

/// A diagnostic for the first JSON syntax error of `text`, at its line and column. Used once a fast
/// parser has said the text is malformed, to say where.
[[nodiscard]] model::Diagnostic json_syntax_error(std::string_view text, const std::string& path);

} // namespace tfkms::loaders
