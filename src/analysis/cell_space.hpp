#pragma once
// The request space the access analysis partitions: one dimension per condition key the policies
// test, each with the values they name, "any other value" and "absent". A cell picks one of those
// per dimension; one request per cell stands for every request of the cell, because the policies
// cannot tell such requests apart (kms-reference §3.9: operators only compare with the values they
// name).
#include "analysis/condition.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tfkms::analysis {

struct Dimension {
  std::string key;                 ///< condition key as first written (kms:ViaService)
  std::vector<std::string> values; ///< the values the policies name, as written (patterns included)
  std::vector<std::string>
      probes; ///< by value: a request value standing for it (a pattern's sample)
  std::optional<std::string>
      other; ///< a request value matching none of `values`; none when every value matches one
  bool absent = true; ///< whether "the request lacks the key" is part of the domain

  /// Values, then "other" when there is one, then "absent".
  [[nodiscard]] std::size_t size() const {
    return values.size() + (other ? 1 : 0) + (absent ? 1 : 0);
  }
  [[nodiscard]] bool is_other(std::size_t index) const { return other && index == values.size(); }
  [[nodiscard]] bool is_absent(std::size_t index) const { return absent && index + 1 == size(); }
};

using CellIndex = std::vector<std::uint16_t>;
/// A box of cells: per dimension, which value indexes it spans.
using Box = std::vector<std::vector<bool>>;

class CellSpace {
public:
  explicit CellSpace(std::vector<Dimension> dimensions);

  [[nodiscard]] const std::vector<Dimension>& dimensions() const { return m_dimensions; }
  [[nodiscard]] std::size_t size() const { return m_size; }
  /// Writes into `out` the value index of each dimension in cell `cell`.
  void decode(std::size_t cell, CellIndex& out) const;
  [[nodiscard]] std::size_t encode(const CellIndex& index) const;

  /// The cells where `member` is true, described as alternatives of conditions. Dimensions that do
  /// not matter inside an alternative are left out of it.
  [[nodiscard]] std::vector<Condition> describe(const std::vector<bool>& member) const;

private:
  void narrow(std::vector<Box>& boxes) const;

  std::vector<Dimension> m_dimensions;
  std::vector<std::size_t> m_strides;
  std::size_t m_size = 1;
};

} // namespace tfkms::analysis
