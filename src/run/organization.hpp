#pragma once
// The organisation policies a configuration names (`organization: {scps, rcps}`), read once per
// run; loaders::LoadOptions::organization adds them to every graph loaded. They apply to the
// analysed account whatever the input holds.
#include "loaders/loaders.hpp"
#include "model/diagnostic.hpp"
#include "model/graph.hpp"
#include "rules/config.hpp"

#include <string>
#include <vector>

namespace tfkms::run {

/// The policies of `files`, each with its level. Fails, naming the file, on one that cannot be
/// read, is not JSON or breaks `limits`, and on an SCP level with no Allow statement at all: AWS
/// would deny every call of the account, which is almost surely a level listed without its
/// FullAWSAccess.
[[nodiscard]] model::Result<std::vector<model::OrganizationPolicy>>
read_organization(const rules::OrganizationFiles& files, const loaders::Limits& limits);

} // namespace tfkms::run
