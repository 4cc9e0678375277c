#pragma once
// Renders the access map (`tfkms access`) and the access changes of a diff (`tfkms diff`, and the
// "access changes" section every report format carries when a diff was run).
#include "analysis/access_diff.hpp"
#include "analysis/access_map.hpp"
#include "analysis/principal_classes.hpp"

#include <ostream>
#include <string>

namespace tfkms::report {

class JsonPrinter;

/// Per key: who can read, write, manage grants and administer, with conditions and grounds; then
/// every data store and the key its access goes through, and the members of each class of
/// principals the keys name ("class 1: 286 principals ...").
void write_access_text(const analysis::ClassAccessMap& map, std::ostream& out);
void write_access_markdown(const analysis::ClassAccessMap& map, std::ostream& out);

/// The access JSON's version (schema/tfkms-access.schema.json): 2 lists each class of principals
/// once.
inline constexpr int k_access_format_version = 2;

/// Writes `tfkms access --format json`, {"format_version", "inputs": [{"classes", "data_stores",
/// "input", "keys"}, ...], "version"}, exactly as nlohmann::json would print it with an indent of
/// 2, but key by key as the inputs come: a document of a large plan's access would take several
/// times the size of its text.
class AccessJsonWriter {
public:
  explicit AccessJsonWriter(std::ostream& out) : m_out(out) {}
  /// The access of one input (`path`).
  void add(const analysis::ClassAccessMap& map, const std::string& path);
  /// Closes the document.
  void finish(const std::string& version);

private:
  std::ostream& m_out;
  bool m_any_input = false;
};

/// Writes the compact "access changes" table per key ("+" gain, "-" loss, "~" condition change),
/// then the data stores whose key changed, after how many keys and data stores were compared, row
/// by row. Empty diff: one line saying nothing changed. The Markdown stays within `max_bytes`: rows
/// past it are counted in a note; it returns the bytes written.
void write_changes_text(const analysis::AccessDiff& diff, std::ostream& out);
std::size_t write_changes_markdown(const analysis::AccessDiff& diff, std::size_t max_bytes,
                                   std::ostream& out);
/// One element of the `changes` array of the JSON report.
void print_change(JsonPrinter& out, const analysis::AccessChange& change);
/// The `comparison` object of the JSON report: keys and data stores compared, keys created and
/// destroyed, data stores whose key changed.
void print_comparison(JsonPrinter& out, const analysis::AccessDiff& diff);

} // namespace tfkms::report
