#pragma once
// The two sides of a change, as graphs: a Terraform plan's prior state and `before` values against
// its `after` values (loaders::Snapshot), or two CloudFormation templates (--base OLD NEW).
#include "loaders/loaders.hpp"
#include "model/diagnostic.hpp"
#include "model/graph.hpp"

#include <optional>
#include <string>

namespace tfkms::cli {

struct Snapshots {
  loaders::InputKind kind = loaders::InputKind::terraform_plan;
  model::Graph before;
  model::Graph after;
};

/// Loads `path` twice (before and after) when it is a plan, or `base` then `path` when `base` is
/// given. Fails when a file cannot be read, or when `path` is not a plan and no base is given (a
/// state or a single template has no change in it).
[[nodiscard]] model::Result<Snapshots> load_snapshots(const std::string& path,
                                                      const std::optional<std::string>& base,
                                                      loaders::LoadOptions options);

/// The before side of `path`, already loaded as a `kind`: `base` when given, else the plan's before
/// side. Fails as load_snapshots does.
[[nodiscard]] model::Result<model::Graph> load_before(const std::string& path,
                                                      loaders::InputKind kind,
                                                      const std::optional<std::string>& base,
                                                      loaders::LoadOptions options);

} // namespace tfkms::cli
