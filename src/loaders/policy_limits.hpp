#pragma once
// Bounds on the policy documents a loader stores (Limits::max_depth, max_string_bytes,
// max_statements, max_condition_values). Applied to the finished graph by load_file, so both
// loaders and every policy a plan or template carries (key, identity, trust and resource policies)
// are held to the same limits. A policy past a limit becomes unreadable, never "no access", and an
// error diagnostic names the file, the resource's position and the setting that raises the limit.
#include "loaders/loaders.hpp"
#include "model/graph.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace tfkms::loaders {

/// The first limit `document` breaks, as a message ("policy has 1200 statements, more than
/// limits.max_statements = 1000"), or nothing. Walks without recursion, so any depth is safe.
[[nodiscard]] std::optional<std::string> policy_limit_breach(const nlohmann::json& document,
                                                             const Limits& limits);

/// Marks every policy of `graph` that breaks a limit unreadable and adds an error diagnostic for
/// it; reports the warnings a loader recorded on a policy (PolicySource::warnings) as warning
/// diagnostics.
void enforce_policy_limits(model::Graph& graph, const Limits& limits);

} // namespace tfkms::loaders
