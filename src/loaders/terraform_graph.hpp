#pragma once
// Builds the model graph from the resources of a Terraform plan or state.
#include "loaders/loaders.hpp"
#include "loaders/terraform_document.hpp"
#include "model/graph.hpp"

#include <string>

namespace tfkms::loaders::terraform {

class SourceIndex;

/// The graph of `document` (read from `path`); `source`, when given, maps resources to their .tf
/// blocks and supplies the jsonencode() literals of policies unknown before apply.
[[nodiscard]] model::Graph build_graph(const Document& document, const std::string& path,
                                       const LoadOptions& options, const SourceIndex* source);

} // namespace tfkms::loaders::terraform
