#include "loaders/cloudformation_document.hpp"

#include "model/value.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <map>
#include <sstream>

namespace tfkms::loaders::cfn {

const Node* Node::find(std::string_view key) const {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key)
      return items[i].get();
  }
  return nullptr;
}

Node::Position Node::key_position(std::string_view key) const {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key)
      return key_positions[i];
  }
  return Position{line, column};
}

namespace {

// Stops the parse from inside the event handler; carries the position of the offending node.
struct Refusal {
  YAML::Mark mark;
  std::string message;
};

std::size_t saturating_add(std::size_t a, std::size_t b) {
  const std::size_t sum = a + b;
  return sum < a ? static_cast<std::size_t>(-1) : sum;
}

// The long form of a short-form tag: !Ref and !Condition keep their name, the others are Fn::<Name>
// (formats.md §2.2). yaml-cpp reports "?" for plain and "!" for quoted untagged scalars, and the
// long form of standard tags such as !!str; those carry no function. Empty: no function.
std::string long_form(const std::string& tag) {
  static constexpr std::string_view k_functions[] = {
      "Base64", "Cidr", "And", "Equals", "FindInMap", "GetAtt", "GetAZs", "If", "ImportValue",
      "Join", "Not", "Or", "Select", "Split", "Sub", "Length", "ToJsonString", "Transform",
      // Rules-section functions
      "Contains", "EachMemberEquals", "EachMemberIn", "RefAll", "ValueOf", "ValueOfAll"};
  if (tag == "!Ref" || tag == "!Condition")
    return tag.substr(1);
  for (const std::string_view function : k_functions) {
    if (tag.size() == function.size() + 1 && tag[0] == '!' &&
        std::string_view(tag).substr(1) == function) {
      return "Fn::" + std::string(function);
    }
  }
  return {};
}

bool is_standard_tag(const std::string& tag) {
  return tag.empty() || tag == "?" || tag == "!" || tag.starts_with("tag:yaml.org,2002:");
}

// Builds Nodes from parser events. An alias shares the anchored subtree instead of copying it;
// every completed node knows its expanded weight and height, so the bounds are checked per event
// and the parse stops at the first node past them, long before an exponential expansion is walked.
class TreeBuilder final : public YAML::EventHandler {
public:
  TreeBuilder(const Limits& limits, std::size_t max_weight, const std::string& path)
      : m_limits(limits), m_max_weight(max_weight), m_path(path) {}

  std::shared_ptr<const Node> root() const { return m_root; }
  std::vector<model::Diagnostic>& warnings() { return m_warnings; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    complete(make(mark, Node::Kind::null), {}, mark, anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (++m_aliases > m_limits.max_yaml_aliases) {
      throw Refusal{mark,
                    "more than " + std::to_string(m_limits.max_yaml_aliases) + " YAML aliases"};
    }
    const auto it = m_anchors.find(anchor);
    if (it == m_anchors.end())
      throw Refusal{mark, "alias to an anchor that is not complete (recursive alias)"};
    attach(it->second, mark);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (value.size() > m_limits.max_string_bytes) {
      throw Refusal{mark,
                    "scalar longer than " + std::to_string(m_limits.max_string_bytes) + " bytes"};
    }
    auto node = make(mark, Node::Kind::scalar);
    node->text = model::strip_control(value);
    complete(std::move(node), tag, mark, anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(make(mark, Node::Kind::sequence), tag, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(make(mark, Node::Kind::mapping), tag, mark, anchor);
  }
  void OnMapEnd() override { close(); }

private:
  struct Frame {
    std::shared_ptr<Node> node;
    std::string tag;
    YAML::Mark mark;
    YAML::anchor_t anchor;
    bool expecting_key = true; // mappings alternate key and value events
    std::string pending_key;
    Node::Position pending_key_position;
  };

  static std::shared_ptr<Node> make(const YAML::Mark& mark, Node::Kind kind) {
    auto node = std::make_shared<Node>();
    node->kind = kind;
    node->line = static_cast<std::uint32_t>(mark.line + 1);
    node->column = static_cast<std::uint32_t>(mark.column + 1);
    return node;
  }

  void open(std::shared_ptr<Node> node, const std::string& tag, const YAML::Mark& mark,
            YAML::anchor_t anchor) {
    if (m_stack.size() + 1 > m_limits.max_depth) {
      throw Refusal{mark, "nesting deeper than " + std::to_string(m_limits.max_depth) + " levels"};
    }
    m_stack.push_back(Frame{std::move(node), tag, mark, anchor, true, {}, {}});
  }

  void close() {
    Frame frame = std::move(m_stack.back());
    m_stack.pop_back();
    complete(std::move(frame.node), frame.tag, frame.mark, frame.anchor);
  }

  void complete(std::shared_ptr<Node> node, const std::string& tag, const YAML::Mark& mark,
                YAML::anchor_t anchor) {
    std::shared_ptr<const Node> done = wrap_tag(std::move(node), tag, mark);
    if (anchor != YAML::NullAnchor)
      m_anchors[anchor] = done;
    attach(std::move(done), mark);
  }

  // `!Sub x` becomes `{Fn::Sub: x}` at the same position.
  std::shared_ptr<const Node> wrap_tag(std::shared_ptr<Node> node, const std::string& tag,
                                       const YAML::Mark& mark) {
    if (is_standard_tag(tag))
      return node;
    std::string function = long_form(tag);
    if (function.empty()) {
      warn(mark, "unknown YAML tag " + model::strip_control(tag) + " is ignored");
      return node;
    }
    auto call = make(mark, Node::Kind::mapping);
    call->weight = saturating_add(node->weight, 1);
    call->height = node->height + 1;
    call->keys.push_back(std::move(function));
    call->key_positions.push_back(
        Node::Position{call->line, call->column}); // keys and positions stay parallel
    call->items.push_back(std::move(node));
    return call;
  }

  void warn(const YAML::Mark& mark, std::string message) {
    model::Diagnostic warning;
    warning.level = model::DiagnosticLevel::warning;
    warning.file = m_path;
    warning.line = static_cast<std::uint32_t>(mark.line + 1);
    warning.column = static_cast<std::uint32_t>(mark.column + 1);
    warning.message = std::move(message);
    m_warnings.push_back(std::move(warning));
  }

  // Adds a completed node (or an alias of one) to the open parent, enforcing the expanded bounds.
  void attach(std::shared_ptr<const Node> node, const YAML::Mark& mark) {
    if (m_stack.size() + node->height > m_limits.max_depth) {
      throw Refusal{mark, "nesting deeper than " + std::to_string(m_limits.max_depth) + " levels"};
    }
    if (m_stack.empty()) {
      m_root = std::move(node);
      return;
    }
    Frame& parent = m_stack.back();
    if (parent.node->kind == Node::Kind::mapping && parent.expecting_key) {
      if (node->kind == Node::Kind::sequence || node->kind == Node::Kind::mapping) {
        throw Refusal{mark, "a mapping key must be a scalar"};
      }
      parent.pending_key = node->text;
      parent.pending_key_position = Node::Position{node->line, node->column};
      parent.expecting_key = false;
      return;
    }
    Node& owner = *parent.node;
    owner.weight = saturating_add(owner.weight, node->weight);
    owner.height = std::max(owner.height, node->height + 1);
    if (owner.weight > m_max_weight) {
      throw Refusal{mark, "expands to more than " + std::to_string(m_max_weight) +
                              " nodes (YAML aliases nested to multiply the document)"};
    }
    if (owner.kind == Node::Kind::mapping) {
      parent.expecting_key = true;
      add_value(parent, std::move(node));
    } else {
      owner.items.push_back(std::move(node));
    }
  }

  // CloudFormation rejects duplicate keys; yaml-cpp keeps both. The last one is kept, as most JSON
  // readers do, and the duplicate is reported.
  void add_value(Frame& parent, std::shared_ptr<const Node> value) {
    Node& owner = *parent.node;
    const auto it = std::find(owner.keys.begin(), owner.keys.end(), parent.pending_key);
    if (it != owner.keys.end()) {
      m_warnings.push_back(model::Diagnostic{
          model::DiagnosticLevel::warning, m_path, value->line, value->column, "",
          "duplicate key \"" + parent.pending_key + "\"; the last value is used"});
      const auto index = static_cast<std::size_t>(it - owner.keys.begin());
      owner.items[index] = std::move(value);
      owner.key_positions[index] = parent.pending_key_position;
      return;
    }
    owner.keys.push_back(std::move(parent.pending_key));
    owner.key_positions.push_back(parent.pending_key_position);
    owner.items.push_back(std::move(value));
  }

  const Limits& m_limits;
  std::size_t m_max_weight;
  const std::string& m_path;
  std::vector<Frame> m_stack;
  std::map<YAML::anchor_t, std::shared_ptr<const Node>> m_anchors;
  std::size_t m_aliases = 0;
  std::shared_ptr<const Node> m_root;
  std::vector<model::Diagnostic> m_warnings;
};

model::Diagnostic refusal(const std::string& path, const YAML::Mark& mark, std::string message) {
  model::Diagnostic error;
  error.file = path;
  if (!mark.is_null()) {
    error.line = static_cast<std::uint32_t>(mark.line + 1);
    error.column = static_cast<std::uint32_t>(mark.column + 1);
  }
  error.message = std::move(message);
  return error;
}

} // namespace

model::Result<Document> read_document(std::string_view text, const std::string& path,
                                      const Limits& limits) {
  // Without aliases a document has fewer nodes than bytes; aliases may multiply it a few times
  // (shared policy fragments), never by orders of magnitude.
  const std::size_t max_weight = 4 * text.size() + 100000;
  TreeBuilder builder(limits, max_weight, path);
  try {
    std::istringstream stream{std::string(text)};
    YAML::Parser parser(stream);
    if (!parser.HandleNextDocument(builder) || !builder.root()) {
      return refusal(path, YAML::Mark::null_mark(), "empty template: no YAML or JSON document");
    }
  } catch (const Refusal& refused) {
    return refusal(path, refused.mark, "refused: " + refused.message);
  } catch (const YAML::Exception& error) {
    return refusal(path, error.mark, "not valid YAML or JSON: " + error.msg);
  }
  return Document{builder.root(), std::move(builder.warnings())};
}

} // namespace tfkms::loaders::cfn
