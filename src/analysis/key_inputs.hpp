#pragma once
// Everything analyze_key() reads from a graph, as comparable text: `tfkms diff` analyses a key of
// the before snapshot only when its inputs differ from the same key's in the after snapshot. A plan
// that touches a few resources then costs one analysis per key, not two.
#include "model/graph.hpp"

#include <string>

namespace tfkms::analysis {

/// What every key's analysis reads: the graph's account, partition and region, and every principal
/// with its identity policies (any of them can reach any key through a delegating key policy).
[[nodiscard]] std::string shared_inputs(const model::Graph& graph);

/// What only this key's analysis reads: its ARN, account, kind and policy, and the grants on it.
/// Two keys with equal key_inputs in graphs with equal shared_inputs have the same access.
[[nodiscard]] std::string key_inputs(const model::Graph& graph, model::KeyId key);

} // namespace tfkms::analysis
