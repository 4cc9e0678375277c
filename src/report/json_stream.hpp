#pragma once
// A JSON document written piece by piece exactly as nlohmann's dump(2) prints it whole: a report of
// a large plan is never held in memory as one document (its tree takes several times its text).
#include <nlohmann/json.hpp>

#include <ostream>

namespace tfkms::report {

/// Prints `value` as dump(2) prints it `depth` levels deep in a document; invalid UTF-8 becomes
/// U+FFFD.
template <typename BasicJson>
void dump_at(std::ostream& out, const BasicJson& value, unsigned depth) {
  nlohmann::detail::serializer<BasicJson> serializer(nlohmann::detail::output_adapter<char>(out),
                                                     ' ', BasicJson::error_handler_t::replace);
  serializer.dump(value, true, false, 2, 2 * depth);
}

} // namespace tfkms::report
