#pragma once
// Reading a CloudFormation template (YAML or JSON) into a tree that keeps every node's position.
// YAML short-form tags become the long form they abbreviate (`!Sub x` reads as `{Fn::Sub: x}`), so
// later stages see one form. Anchors and aliases share subtrees; the reader bounds the expanded
// size and depth so that no later walk can blow up ("billion laughs", deep nesting).
#include "loaders/loaders.hpp"
#include "model/diagnostic.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::loaders::cfn {

struct Node {
  enum class Kind { null, scalar, sequence, mapping };
  Kind kind = Kind::null;
  std::string text; ///< scalar text, control characters removed (model::strip_control)
  struct Position {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
  };
  std::vector<std::string> keys;                  ///< mapping keys, parallel to `items`
  std::vector<Position> key_positions;            ///< where each key is written, parallel to `keys`
  std::vector<std::shared_ptr<const Node>> items; ///< sequence items or mapping values
  std::uint32_t line = 0;                         ///< 1-based
  std::uint32_t column = 0;                       ///< 1-based
  std::size_t weight = 1; ///< nodes in the subtree with every alias expanded
  std::size_t height = 1; ///< levels in the subtree with every alias expanded

  [[nodiscard]] bool is_scalar() const { return kind == Kind::scalar; }
  [[nodiscard]] bool is_sequence() const { return kind == Kind::sequence; }
  [[nodiscard]] bool is_mapping() const { return kind == Kind::mapping; }
  /// The value under `key` of a mapping, or nullptr.
  [[nodiscard]] const Node* find(std::string_view key) const;
  /// Where `key` of a mapping is written, or this node's position when it has no such key.
  [[nodiscard]] Position key_position(std::string_view key) const;
};

struct Document {
  std::shared_ptr<const Node> root;
  std::vector<model::Diagnostic>
      warnings; ///< duplicate keys, unknown tags; already naming the file
};

/// Reads the first document of `text`. Fails, naming `path` and the position, when the text is not
/// valid YAML/JSON, or is deeper than `limits.max_depth`, uses more than `limits.max_yaml_aliases`
/// aliases, expands to more nodes than a template can hold, or has a scalar over
/// `max_string_bytes`.
[[nodiscard]] model::Result<Document> read_document(std::string_view text, const std::string& path,
                                                    const Limits& limits);

} // namespace tfkms::loaders::cfn
