#include "loaders/cloud_assembly.hpp"

#include "model/arn.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace tfkms::loaders {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_stack_artifact = "aws:cloudformation:stack";
constexpr std::string_view k_nested_assembly = "cdk:cloud-assembly";
// A cloud assembly may nest stages in stages; deeper than this is a loop or a hostile manifest.
constexpr int k_max_assembly_depth = 16;

model::Diagnostic problem(const fs::path& file, std::string message,
                          model::DiagnosticLevel level = model::DiagnosticLevel::error) {
  model::Diagnostic diagnostic;
  diagnostic.level = level;
  diagnostic.file = file.string();
  diagnostic.message = std::move(message);
  return diagnostic;
}

model::Result<nlohmann::json> read_json(const fs::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream)
    return problem(file, "cannot open");
  nlohmann::json document = nlohmann::json::parse(stream, nullptr, false);
  if (document.is_discarded())
    return problem(file, "not valid JSON");
  return document;
}

std::string text_of(const nlohmann::json& object, const char* name) {
  if (!object.is_object())
    return {};
  const auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string{};
}

// "aws://ACCOUNT/REGION"; CDK writes unknown-account and unknown-region for environment-agnostic
// stacks.
void read_environment(AssemblyStack& stack) {
  constexpr std::string_view prefix = "aws://";
  if (!stack.environment.starts_with(prefix))
    return;
  const std::string rest = stack.environment.substr(prefix.size());
  const auto slash = rest.find('/');
  const std::string account = rest.substr(0, slash);
  const std::string region = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (model::is_account_id(account))
    stack.account = account;
  if (!region.empty() && region != "unknown-region")
    stack.region = region;
}

// Nested stacks (AWS::CloudFormation::Stack) whose template CDK wrote into the assembly as an
// asset: their resources deploy with the parent's, to the same environment.
void add_nested_stacks(const fs::path& directory, const AssemblyStack& parent,
                       CloudAssembly& assembly, int depth) {
  auto document = read_json(parent.template_path);
  if (!document)
    return; // loading the parent template reports it
  const nlohmann::json& resources = document.value().is_object()
                                        ? document.value().value("Resources", nlohmann::json())
                                        : nlohmann::json();
  if (!resources.is_object())
    return;
  for (const auto& [logical_id, resource] : resources.items()) {
    if (text_of(resource, "Type") != "AWS::CloudFormation::Stack")
      continue;
    const std::string asset =
        text_of(resource.value("Metadata", nlohmann::json()), "aws:asset:path");
    const fs::path nested_template = directory / asset;
    std::error_code error;
    if (asset.empty() || !fs::is_regular_file(nested_template, error)) {
      assembly.notes.push_back(
          problem(parent.template_path,
                  "nested stack " + logical_id + " of " + parent.display_name +
                      ": its template is not in the cloud assembly, so it is not analysed",
                  model::DiagnosticLevel::warning));
      continue;
    }
    AssemblyStack nested = parent;
    nested.template_path = nested_template.string();
    nested.display_name = parent.display_name + "/" + logical_id;
    assembly.stacks.push_back(nested);
    if (depth < k_max_assembly_depth)
      add_nested_stacks(directory, nested, assembly, depth + 1);
  }
}

model::Result<bool> read_assembly(const fs::path& directory, const std::string& prefix,
                                  CloudAssembly& assembly, int depth) {
  const fs::path manifest_path = directory / "manifest.json";
  auto manifest = read_json(manifest_path);
  if (!manifest)
    return manifest.error();
  const nlohmann::json& artifacts = manifest.value().is_object()
                                        ? manifest.value().value("artifacts", nlohmann::json())
                                        : nlohmann::json();
  if (!artifacts.is_object())
    return problem(manifest_path, "a cloud assembly manifest without artifacts");
  for (const auto& [id, artifact] : artifacts.items()) {
    const std::string type = text_of(artifact, "type");
    const nlohmann::json properties =
        artifact.is_object() ? artifact.value("properties", nlohmann::json()) : nlohmann::json();
    if (type == k_stack_artifact) {
      const std::string template_file = text_of(properties, "templateFile");
      if (template_file.empty())
        return problem(manifest_path, "stack " + id + " names no templateFile");
      AssemblyStack stack;
      stack.template_path = (directory / template_file).string();
      const std::string display = text_of(artifact, "displayName");
      // CDK writes a stage's stacks with the stage in their display name already ("Prod/App").
      stack.display_name = display.empty()               ? prefix + id
                           : display.starts_with(prefix) ? display
                                                         : prefix + display;
      stack.environment = text_of(artifact, "environment");
      read_environment(stack);
      assembly.stacks.push_back(stack);
      add_nested_stacks(directory, stack, assembly, 0);
    } else if (type == k_nested_assembly) {
      const std::string nested = text_of(properties, "directoryName");
      if (nested.empty())
        return problem(manifest_path, "nested assembly " + id + " names no directoryName");
      if (depth >= k_max_assembly_depth)
        return problem(manifest_path, "cloud assemblies nested too deeply at " + id);
      const std::string display = text_of(properties, "displayName");
      auto read = read_assembly(directory / nested, prefix + (display.empty() ? id : display) + "/",
                                assembly, depth + 1);
      if (!read)
        return read.error();
    }
  }
  return true;
}

} // namespace

bool is_cloud_assembly(const std::string& directory) {
  std::error_code error;
  const fs::path manifest = fs::path(directory) / "manifest.json";
  if (!fs::is_regular_file(manifest, error))
    return false;
  auto document = read_json(manifest);
  return document && document.value().is_object() && document.value().contains("artifacts") &&
         document.value().contains("version");
}

model::Result<CloudAssembly> read_cloud_assembly(const std::string& directory) {
  CloudAssembly assembly;
  auto read = read_assembly(directory, "", assembly, 0);
  if (!read)
    return read.error();
  return assembly;
}

} // namespace tfkms::loaders
