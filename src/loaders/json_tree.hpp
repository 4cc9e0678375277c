#pragma once
// nlohmann trees built from values simdjson has parsed: simdjson reads JSON several times faster
// than nlohmann's own parser, and the graph builder works on nlohmann trees.
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string_view>

namespace tfkms::loaders {

/// `element` as nlohmann's parser would build it from the same text, number types included:
/// unsigned for non-negative integers, signed for negative ones, double otherwise (-0 becomes an
/// unsigned 0, which nlohmann keeps signed: equal, printed alike, both integers). The last of
/// repeated keys wins, as in nlohmann.
[[nodiscard]] nlohmann::json to_json(simdjson::dom::element element);

/// `value` read where it stands in an On-Demand document (consumed), as to_json() builds it from a
/// DOM of the same text: no second parse of its text. Throws simdjson_error wherever that DOM
/// parse would fail, integers beyond 64 bits included, so that the caller can take the slow path.
[[nodiscard]] nlohmann::json to_json(simdjson::ondemand::value value);

/// The JSON text of scalar `value` as it stands in the input, without the white space that may
/// follow it: simdjson's token runs to the next structural character.
[[nodiscard]] std::string_view scalar_text(simdjson::ondemand::value value);

/// The text of string `value` (consumed): a view of the input when the string holds no escape,
/// else unescaped into the parser's buffer, as get_string() does for every string. Copying each
/// string there first filled fresh pages of that buffer (a page fault every 4 KB) and a call per
/// string for what most plans never need. Throws simdjson_error when `value` is not a string.
[[nodiscard]] std::string_view string_of(simdjson::ondemand::value value);

/// The key of `field`, read as string_of() reads a value (its end found a word at a time, which
/// reads into the padding On-Demand documents have after their text).
[[nodiscard]] std::string_view key_of(simdjson::ondemand::field& field);

/// Empties `value`, freeing its tree depth first: of a container, nlohmann's destructor first
/// moves every item onto a stack of its own (so as never to recurse), which for the many small
/// objects of a plan costs more than the freeing. Past 64 levels, deeper than real values go, the
/// rest is left to that destructor: no tree, however deep, recurses further.
void free_tree(nlohmann::json& value);

/// The member `key` of `object` (which must be an object), or nullptr. The same lookup as
/// nlohmann's find(), with the keys compared inline: the graph builder looks attributes up by the
/// ten thousand, and each step down the tree called memcmp for keys that differ in their first
/// bytes.
[[nodiscard]] const nlohmann::json* find_member(const nlohmann::json& object, std::string_view key);

/// What the text a value was parsed from is known to hold.
enum class ParsedText {
  plain,    ///< no control characters in its strings, and no escapes to make them
  any_text, ///< its strings are searched one by one
};

/// Like to_json(), but nothing for a value that needs nlohmann's parser for its exact reading: one
/// nested deeper than `max_depth` (the top value is at depth 0), with a repeated key, or with a
/// control character other than tab, CR and LF in a string or key.
[[nodiscard]] std::optional<nlohmann::json> to_plain_json(simdjson::dom::element element,
                                                          std::size_t max_depth, ParsedText text);

} // namespace tfkms::loaders
