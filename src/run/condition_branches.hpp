#pragma once
// A CloudFormation template whose conditions depend on deploy-time values deploys one of several
// ways; `tfkms check` analyses each and says which findings hold in which.
#include "loaders/loaders.hpp"
#include "rules/engine.hpp"

#include <functional>
#include <string>
#include <vector>

namespace tfkms::run {

/// The findings `check` gives for `input`, loaded from `path` with `options`, over every way its
/// undecided conditions (model::Graph::undecided_conditions) can go: the template is loaded again
/// with each condition decided, inner conditions first, up to a bounded number of branches (past
/// it, the true branch is taken and `notes` says so). A finding present in every branch is reported
/// once; one present in some says when ("only when condition IsProd is false"). Notes for the
/// report go to `notes`.
[[nodiscard]] std::vector<rules::Finding> findings_of_every_branch(
    const std::string& path, const loaders::Input& input, const loaders::LoadOptions& options,
    const std::function<std::vector<rules::Finding>(const model::Graph&)>& check,
    std::vector<model::Diagnostic>& notes);

} // namespace tfkms::run
