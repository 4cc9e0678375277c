#pragma once
// A JSON document written piece by piece exactly as nlohmann's dump(2) prints it whole: a report of
// a large plan is never held in memory as one document (its tree takes several times its text).
#include <nlohmann/json.hpp>

#include <ostream>
#include <string_view>

namespace tfkms::report {

/// Prints `value` as dump(2) prints it `depth` levels deep in a document; invalid UTF-8 becomes
/// U+FFFD.
template <typename BasicJson>
void dump_at(std::ostream& out, const BasicJson& value, unsigned depth) {
  nlohmann::detail::serializer<BasicJson> serializer(nlohmann::detail::output_adapter<char>(out),
                                                     ' ', BasicJson::error_handler_t::replace);
  serializer.dump(value, true, false, 2, 2 * depth);
}

/// The members of a top-level object, written in the order they are given.
class JsonObjectWriter {
public:
  explicit JsonObjectWriter(std::ostream& out) : m_out(out) {}

  /// Member `name` (a plain identifier, printed unescaped) with `value`.
  template <typename BasicJson> void member(std::string_view name, const BasicJson& value) {
    key(name);
    dump_at(m_out, value, 1);
  }

  /// Member `name`, an array of `element(item)` for each of `items`, each made and written in turn.
  template <typename Range, typename Element>
  void array(std::string_view name, const Range& items, Element element) {
    array_printed(name, items,
                  [&](std::ostream& out, const auto& item) { dump_at(out, element(item), 2); });
  }

  /// Member `name`, an array of what `print(out, item)` prints for each of `items` (each element
  /// printed as dump(2) prints it two levels deep).
  template <typename Range, typename Print>
  void array_printed(std::string_view name, const Range& items, Print print) {
    key(name);
    bool empty = true;
    for (const auto& item : items) {
      m_out << (empty ? "[\n    " : ",\n    ");
      print(m_out, item);
      empty = false;
    }
    m_out << (empty ? "[]" : "\n  ]");
  }

  /// Closes the object and ends the line.
  void finish() { m_out << (m_any ? "\n}\n" : "{}\n"); }

private:
  void key(std::string_view name) {
    m_out << (m_any ? ",\n  \"" : "{\n  \"") << name << "\": ";
    m_any = true;
  }

  std::ostream& m_out;
  bool m_any = false;
};

} // namespace tfkms::report
