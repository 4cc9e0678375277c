#include "loaders/loaders.hpp"

#include "loaders/cloudformation.hpp"
#include "loaders/input.hpp"
#include "loaders/policy_limits.hpp"
#include "loaders/terraform.hpp"

#include <algorithm>
#include <filesystem>

namespace tfkms::loaders {

std::string_view to_string(InputKind kind) {
  switch (kind) {
  case InputKind::terraform_plan:
    return "Terraform plan";
  case InputKind::terraform_state:
    return "Terraform state";
  case InputKind::cloudformation_json:
    return "CloudFormation template (JSON)";
  case InputKind::cloudformation_yaml:
    return "CloudFormation template (YAML)";
  }
  return "input";
}

model::Result<Input> load_file(const std::string& path, const LoadOptions& options) {
  auto input = read_input(path, options.limits);
  if (!input)
    return std::move(input.error());
  return load_input(std::move(input.value()), path == "-" ? "<stdin>" : path, options);
}

model::Result<Input> load_input(InputText text, const std::string& name,
                                const LoadOptions& options) {
  auto kind = detect_kind(text, name);
  if (!kind)
    return std::move(kind.error());
  auto input =
      kind.value() == InputKind::terraform_plan || kind.value() == InputKind::terraform_state
          ? load_terraform(std::move(text), name, kind.value(), options)
          : load_cloudformation(text.text(), name, kind.value(), options);
  if (!input)
    return input;
  enforce_policy_limits(input.value().graph, options.limits);
  auto& organization = input.value().graph.organization_policies.own();
  organization.insert(organization.end(), options.organization.begin(), options.organization.end());
  return input;
}

namespace {

bool candidate(const std::filesystem::path& file) {
  const std::string extension = file.extension().string();
  return extension == ".json" || extension == ".yaml" || extension == ".yml" ||
         extension == ".template";
}

} // namespace

std::vector<std::string> find_inputs(const std::string& directory) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(
           directory, fs::directory_options::skip_permission_denied, error);
       it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error)
      break;
    const fs::path& file = it->path();
    const std::string name = file.filename().string();
    // Tool state and dependencies are not inputs.
    if (it->is_directory(error) &&
        (name == ".terraform" || name == ".git" || name == "node_modules" || name == "cdk.out")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(error) && candidate(file))
      files.push_back(file.string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

} // namespace tfkms::loaders
