#pragma once
// The texts of the references a graph defines (value.hpp), looked up while markers are resolved.
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tfkms::model {

class SymbolTable {
public:
  using Attributes = std::vector<std::pair<std::string, std::string>>; ///< name, text

  /// Declares that `ref` has `text`; a later definition of the same reference replaces it.
  void define(std::string ref, std::string text);
  /// Declares `<address>.<name>` for each of a resource's attributes, as define() would one by one.
  /// A plan defines hundreds of thousands of attributes and refers to few: kept by resource, they
  /// cost one entry per resource instead of one per attribute.
  void define_attributes(std::string_view address, Attributes attributes);
  /// Makes room for the attributes of `count` more resources.
  void reserve_resources(std::size_t count) { m_by_resource.reserve(m_by_resource.size() + count); }

  /// The text of `ref`, or nullptr when it is not defined.
  [[nodiscard]] const std::string* find(std::string_view ref) const;

private:
  std::unordered_map<std::string, std::string> m_by_ref;
  /// By address, then by attribute name (which has no dot: the reference splits at its last dot).
  std::unordered_map<std::string, Attributes> m_by_resource;
};

} // namespace tfkms::model
