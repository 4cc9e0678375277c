#pragma once
// The CloudFormation loader: a template (YAML with short-form tags, or JSON; CDK and SAM output
// included) into the shared graph. Intrinsic functions are resolved symbolically (model/value.hpp).
#include "loaders/loaders.hpp"
#include "model/diagnostic.hpp"

#include <string>
#include <string_view>

namespace tfkms::loaders {

/// Loads the template `text` (decoded UTF-8) read from `path`; `kind` is cloudformation_json or
/// cloudformation_yaml. Fails, naming `path` and the position, when the text is not valid
/// YAML/JSON, breaks a limit of `options.limits`, or has no `Resources` mapping. A malformed
/// resource does not fail the load: it becomes a diagnostic in the graph and the other resources
/// are still loaded.
[[nodiscard]] model::Result<Input> load_cloudformation(std::string_view text,
                                                       const std::string& path, InputKind kind,
                                                       const LoadOptions& options);

} // namespace tfkms::loaders
