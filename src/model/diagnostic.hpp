#pragma once
// Problems found while reading inputs. Bad input is normal for a checker: loaders and parsers
// return diagnostics instead of throwing.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace tfkms::model {

enum class DiagnosticLevel {
  error,   ///< the input (or part of it) could not be read; exit code 2
  warning, ///< read, with a caveat the user should know
  note,
};

struct Diagnostic {
  DiagnosticLevel level = DiagnosticLevel::error;
  std::string file;
  std::optional<std::uint32_t> line;   ///< 1-based
  std::optional<std::uint32_t> column; ///< 1-based
  std::string pointer;                 ///< JSON Pointer or JSON path inside the file, when known
  std::string message;

  /// "FILE:LINE:COL: message" (position parts only when known).
  [[nodiscard]] std::string to_string() const;
};

/// A value or the diagnostic that explains why there is none (C++20 has no std::expected).
template <typename T> class Result {
public:
  Result(T value) : m_state(std::move(value)) {}          // NOLINT: implicit by design
  Result(Diagnostic error) : m_state(std::move(error)) {} // NOLINT: implicit by design

  [[nodiscard]] explicit operator bool() const { return m_state.index() == 0; }
  [[nodiscard]] T& value() { return std::get<0>(m_state); }
  [[nodiscard]] const T& value() const { return std::get<0>(m_state); }
  [[nodiscard]] Diagnostic& error() { return std::get<1>(m_state); }
  [[nodiscard]] const Diagnostic& error() const { return std::get<1>(m_state); }

private:
  std::variant<T, Diagnostic> m_state;
};

} // namespace tfkms::model
