#pragma once
// Values in IaC that are not plain text: references to other resources, the deployment account,
// and values only known at apply time.
//
// Loaders write such references into the string values of the documents they produce (policies,
// key ids, principals) as symbol markers: "\x01" REF "\x02", for example
// "arn:aws:iam::\x01account\x02:root" or "\x01aws_iam_role.app.arn\x02". A marker is resolved
// later, once the whole input is loaded, by a SymbolResolver that knows the graph. Control
// characters cannot appear in a real policy (KMS and IAM accept printable characters, tab, CR and
// LF only), so loaders strip any the input carries before adding markers.
//
// Reference names (REF):
//   account, partition, region, url_suffix, stack_name   the deployment's pseudo values
//   <terraform address>.<attribute>                         aws_iam_role.app.arn,
//   module.k.aws_kms_key.this["a"].key_id cfn:<LogicalId>            Ref to a CloudFormation
//   resource cfn:<LogicalId>.<Attr>     Fn::GetAtt unknown:<what>             never resolves
//   (Fn::ImportValue, a variable without default, ...)
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::model {

inline constexpr char k_symbol_open = '\x01';
inline constexpr char k_symbol_close = '\x02';

/// The deployment account when no input and no option names it. Reads naturally inside ARNs
/// ("arn:aws:iam::this-account:root") and never equals a real 12-digit account id.
inline constexpr std::string_view k_this_account = "this-account";
/// The deployment region when no input names it, likewise.
inline constexpr std::string_view k_this_region = "this-region";

/// Returns the marker for `ref`, to embed in a string value.
[[nodiscard]] std::string symbol(std::string_view ref);

/// True when `text` contains at least one symbol marker.
[[nodiscard]] bool has_symbols(std::string_view text);

/// True when `text` holds a control character other than tab, CR and LF.
[[nodiscard]] bool has_control(std::string_view text);

/// Removes control characters (other than tab, CR, LF) from text read from an input, so that input
/// can never forge a symbol marker.
[[nodiscard]] std::string strip_control(std::string_view text);

/// Maps a reference name to its text, or nothing when it cannot be known before apply.
class SymbolResolver {
public:
  virtual ~SymbolResolver() = default;
  [[nodiscard]] virtual std::optional<std::string> resolve(std::string_view ref) const = 0;
};

/// Resolves nothing: every reference stays unknown.
class NoSymbols final : public SymbolResolver {
public:
  [[nodiscard]] std::optional<std::string> resolve(std::string_view) const override {
    return std::nullopt;
  }
};

enum class ValueKind {
  literal,  ///< written in the input as plain text
  symbolic, ///< built from references that all resolved (text is the resolved text)
  unknown,  ///< at least one reference cannot be known before apply
};

/// A string value of a policy or resource attribute after symbol resolution.
struct Value {
  std::string text; ///< resolved text; an unresolved reference shows as ${REF}
  ValueKind kind = ValueKind::literal;
  std::vector<std::string> refs; ///< the references it was built from, in order

  [[nodiscard]] bool known() const { return kind != ValueKind::unknown; }
  friend bool operator==(const Value&, const Value&) = default;
};

/// Resolves every marker in `raw` with `resolver`.
[[nodiscard]] Value resolve_value(std::string_view raw, const SymbolResolver& resolver);

/// `raw` with each marker `resolver` knows replaced by its text; the others stay markers.
[[nodiscard]] std::string substitute_symbols(std::string_view raw, const SymbolResolver& resolver);

/// `raw` with each marker shown as ${REF}, for messages.
[[nodiscard]] std::string display(std::string_view raw);

/// The references named by the markers in `raw`, in order.
[[nodiscard]] std::vector<std::string> symbol_refs(std::string_view raw);

} // namespace tfkms::model
