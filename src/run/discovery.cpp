#include "run/discovery.hpp"

#include "loaders/cloud_assembly.hpp"
#include "rules/glob.hpp"

#include <algorithm>
#include <array>
#include <filesystem>

namespace tfkms::run {

namespace {

namespace fs = std::filesystem;

// Plans and states are JSON (a state may keep Terraform's own name), templates JSON or YAML.
bool may_be_input(const fs::path& file) {
  const std::string extension = file.extension().string();
  return extension == ".json" || extension == ".yaml" || extension == ".yml" ||
         extension == ".template" || extension == ".tfstate";
}

model::Diagnostic error_about(const std::string& path, std::string message) {
  model::Diagnostic error;
  error.file = path;
  error.message = std::move(message);
  return error;
}

bool excluded(const std::vector<std::string>& excludes, const fs::path& relative) {
  const std::string path = relative.generic_string();
  const std::string name = relative.filename().string();
  return std::any_of(excludes.begin(), excludes.end(), [&](const std::string& pattern) {
    return rules::glob_match(pattern, path) || rules::glob_match(pattern, name);
  });
}

void add_assembly(const std::string& directory, std::size_t root, Discovery& discovery) {
  auto assembly = loaders::read_cloud_assembly(directory);
  if (!assembly) {
    discovery.errors.push_back(std::move(assembly.error()));
    return;
  }
  for (loaders::AssemblyStack& stack : assembly.value().stacks) {
    Source source;
    source.path = std::move(stack.template_path);
    source.root = root;
    source.stack = std::move(stack.display_name);
    source.account = std::move(stack.account);
    source.region = std::move(stack.region);
    source.environment = std::move(stack.environment);
    discovery.sources.push_back(std::move(source));
  }
  for (model::Diagnostic& note : assembly.value().notes)
    discovery.notes.push_back(std::move(note));
}

void walk(const std::string& root, std::size_t root_index, const std::vector<std::string>& excludes,
          Discovery& discovery) {
  std::vector<Source> found;
  std::vector<std::string> assemblies;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(
           root, fs::directory_options::skip_permission_denied, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const fs::path relative = it->path().lexically_relative(root);
    if (it->is_directory(error)) {
      if (is_default_excluded(it->path().filename().string())) {
        it.disable_recursion_pending();
      } else if (excluded(excludes, relative)) {
        discovery.excluded.push_back(it->path().string());
        it.disable_recursion_pending();
      } else if (loaders::is_cloud_assembly(it->path().string())) {
        assemblies.push_back(it->path().string());
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!it->is_regular_file(error) || !may_be_input(it->path()))
      continue;
    if (excluded(excludes, relative)) {
      discovery.excluded.push_back(it->path().string());
      continue;
    }
    Source source;
    source.path = it->path().string();
    source.root = root_index;
    source.scanned = true;
    found.push_back(std::move(source));
  }
  if (error)
    discovery.errors.push_back(error_about(root, "cannot read the directory: " + error.message()));
  // Directory order is the file system's: sort, so that runs and reports are reproducible.
  std::sort(found.begin(), found.end(),
            [](const Source& a, const Source& b) { return a.path < b.path; });
  std::sort(assemblies.begin(), assemblies.end());
  for (Source& source : found)
    discovery.sources.push_back(std::move(source));
  for (const std::string& assembly : assemblies)
    add_assembly(assembly, root_index, discovery);
}

} // namespace

bool is_default_excluded(std::string_view name) {
  static constexpr std::array<std::string_view, 12> k_names{
      ".git",  ".hg",  ".svn",        "node_modules", ".terraform",  ".terragrunt-cache",
      ".venv", "venv", "__pycache__", ".tox",         ".mypy_cache", ".pytest_cache"};
  return std::find(k_names.begin(), k_names.end(), name) != k_names.end();
}

Discovery discover(const std::vector<std::string>& paths,
                   const std::vector<std::string>& excludes) {
  Discovery discovery;
  for (std::size_t root = 0; root < paths.size(); ++root) {
    const std::string& path = paths[root];
    std::error_code error;
    if (path == "-" || !fs::is_directory(path, error)) {
      Source source;
      source.path = path;
      source.root = root;
      discovery.sources.push_back(std::move(source));
    } else if (loaders::is_cloud_assembly(path)) {
      add_assembly(path, root, discovery);
    } else {
      walk(path, root, excludes, discovery);
    }
  }
  return discovery;
}

} // namespace tfkms::run
