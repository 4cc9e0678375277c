#include "loaders/terraform.hpp"

#include "loaders/terraform_document.hpp"
#include "loaders/terraform_graph.hpp"
#include "loaders/tf_source.hpp"

#include <filesystem>

namespace tfkms::loaders {

namespace {

bool holds_tf_files(const std::filesystem::path& directory) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (entry.path().extension() == ".tf")
      return true;
  }
  return false;
}

// --tf-dir, else the plan's own directory when it holds the configuration.
std::optional<std::string> source_directory(const std::string& path, const LoadOptions& options) {
  if (options.tf_dir)
    return options.tf_dir;
  if (path == "<stdin>" || path == "-")
    return std::nullopt;
  std::filesystem::path directory = std::filesystem::path(path).parent_path();
  if (directory.empty())
    directory = ".";
  if (!holds_tf_files(directory))
    return std::nullopt;
  return directory.string();
}

} // namespace

model::Result<Input> load_terraform(InputText input, const std::string& path, InputKind kind,
                                    const LoadOptions& options) {
  auto document = terraform::read_document(input, path, kind, options.snapshot);
  input = InputText();
  if (!document)
    return std::move(document.error());
  std::optional<terraform::SourceIndex> source;
  if (auto directory = source_directory(path, options)) {
    source = terraform::SourceIndex::scan(*directory, document.value().module_sources);
    if (options.tf_dir && source->empty()) {
      document.value().warnings.push_back(
          model::Diagnostic{model::DiagnosticLevel::warning, *directory, std::nullopt, std::nullopt,
                            "", "no Terraform resource blocks found in --tf-dir"});
    }
  }
  const terraform::SourceIndex* tf_source = source ? &*source : nullptr;
  Input loaded{kind, terraform::build_graph(document.value(), path, options, tf_source),
               source.has_value()};
  if (options.snapshot == Snapshot::both && kind == InputKind::terraform_plan) {
    document.value().resources = std::move(document.value().before_resources);
    loaded.before = terraform::build_graph(document.value(), path, options, tf_source);
  }
  // The graphs hold what they need of the values: their trees go now, the fast way.
  terraform::free_values(document.value());
  return loaded;
}

} // namespace tfkms::loaders
