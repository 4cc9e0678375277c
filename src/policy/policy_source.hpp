#pragma once
// Parsing a policy as the graph holds it (model::PolicySource), with its place in the input.
#include "model/graph.hpp"
#include "policy/document.hpp"

namespace tfkms::policy {

/// Parses `source`'s document (state `document`) as a policy of `kind`, so that its statements
/// point at their lines in the input file; references are resolved with `symbols`.
/// `resource_implied`: see ParseOptions.
[[nodiscard]] Document parse_policy(const model::PolicySource& source, PolicyKind kind,
                                    const model::SymbolResolver& symbols,
                                    bool resource_implied = false);

} // namespace tfkms::policy
