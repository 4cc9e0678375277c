#include "cli/snapshots.hpp"

namespace tfkms::cli {

model::Result<model::Graph> load_before(const std::string& path, loaders::InputKind kind,
                                        const std::optional<std::string>& base,
                                        loaders::LoadOptions options) {
  if (base) {
    options.snapshot = loaders::Snapshot::after;
    auto before = loaders::load_file(*base, options);
    if (!before)
      return before.error();
    return std::move(before.value().graph);
  }
  if (kind != loaders::InputKind::terraform_plan) {
    model::Diagnostic diagnostic;
    diagnostic.file = path;
    diagnostic.message =
        "is a " + std::string(loaders::to_string(kind)) +
        ", which holds no change; give a plan (terraform show -json plan.out), or the template "
        "before the change with --base OLD";
    return diagnostic;
  }
  options.snapshot = loaders::Snapshot::before;
  auto before = loaders::load_file(path, options);
  if (!before)
    return before.error();
  return std::move(before.value().graph);
}

model::Result<Snapshots> load_snapshots(const std::string& path,
                                        const std::optional<std::string>& base,
                                        loaders::LoadOptions options) {
  Snapshots snapshots;
  options.snapshot = loaders::Snapshot::after;
  auto after = loaders::load_file(path, options);
  if (!after)
    return after.error();
  snapshots.kind = after.value().kind;
  snapshots.after = std::move(after.value().graph);
  auto before = load_before(path, snapshots.kind, base, options);
  if (!before)
    return before.error();
  snapshots.before = std::move(before.value());
  return snapshots;
}

} // namespace tfkms::cli
