#include "model/diagnostic.hpp"

namespace tfkms::model {

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (line) {
    out += ':' + std::to_string(*line);
    if (column)
      out += ':' + std::to_string(*column);
  }
  if (line == std::nullopt && !pointer.empty())
    out += ": at " + pointer;
  if (!out.empty())
    out += ": ";
  out += message;
  return out;
}

} // namespace tfkms::model
