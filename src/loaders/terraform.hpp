#pragma once
// Loading a Terraform plan or state (`terraform show -json`) into the graph.
#include "loaders/input.hpp"
#include "loaders/loaders.hpp"

#include <string>

namespace tfkms::loaders {

/// Loads `input`, a plan or state as `kind` says, read from `path`. With `options.tf_dir` (by
/// default the plan's directory when it holds .tf files) resources are mapped to their .tf blocks.
/// Takes the input to free it (and the parser's buffers) before building the graph: the peak
/// memory of a large plan is then about the file size plus what is kept of it.
[[nodiscard]] model::Result<Input> load_terraform(InputText input, const std::string& path,
                                                  InputKind kind, const LoadOptions& options);

} // namespace tfkms::loaders
