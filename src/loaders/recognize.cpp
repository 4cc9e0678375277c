#include "loaders/recognize.hpp"

#include <array>
#include <filesystem>
#include <fstream>

namespace tfkms::loaders {

namespace {

constexpr std::string_view k_terraform_plan_advice =
    "tfkms reads the JSON form of a plan: terraform plan -out tfplan && terraform show -json "
    "tfplan > plan.json, "
    "then tfkms check plan.json";

// Words only plans, states and templates hold: a file that has one claims to be an input.
constexpr std::array<std::string_view, 3> k_input_markers{"AWSTemplateFormatVersion",
                                                          "resource_changes", "terraform_version"};

bool ends_with(std::string_view text, std::string_view suffix) { return text.ends_with(suffix); }

// Resource types of CloudFormation's own registry and of the transforms it runs (SAM).
bool is_resource_type(std::string_view type) {
  return type.starts_with("AWS::") || type.starts_with("Custom::") || type.starts_with("Alexa::");
}

bool names_a_plan_or_state(std::string_view key) {
  return key == "resource_changes" || key == "planned_values" || key == "prior_state" ||
         key == "configuration" || key == "format_version" || key == "terraform_version";
}

// A JSON document: a plan or state by its top-level keys, a template by its version, its transform
// or a Resources section with at least one AWS resource type.
std::optional<std::string> why_json_is_not_an_input(const InputText& text) {
  bool has_resources = false;
  try {
    simdjson::ondemand::document& document = text.document();
    if (document.type() != simdjson::ondemand::json_type::object)
      return "JSON that is not an object";
    for (auto field : document.get_object()) {
      const std::string_view key = field.unescaped_key();
      if (names_a_plan_or_state(key) || key == "AWSTemplateFormatVersion" || key == "Transform")
        return std::nullopt;
      if (key != "Resources")
        continue;
      has_resources = true;
      simdjson::ondemand::value resources = field.value();
      if (resources.type() != simdjson::ondemand::json_type::object)
        continue;
      for (auto resource : resources.get_object()) {
        simdjson::ondemand::value body = resource.value();
        if (body.type() != simdjson::ondemand::json_type::object)
          continue;
        auto type = body.find_field_unordered("Type");
        std::string_view name;
        if (!type.error() && type.get_string().get(name) == simdjson::SUCCESS &&
            is_resource_type(name))
          return std::nullopt;
      }
    }
  } catch (const simdjson::simdjson_error&) {
    // Not JSON (a tsconfig.json with comments, a truncated file): an input only if it says it is
    // one, so that a broken template or plan is reported rather than skipped.
    const std::string_view body = text.text();
    for (std::string_view marker : k_input_markers) {
      if (body.find(marker) != std::string_view::npos)
        return std::nullopt;
    }
    return "not valid JSON, and nothing in it names a plan, a state or a template";
  }
  return has_resources ? "its Resources section holds no AWS resource type (AWS::...)"
                       : "JSON without the keys of a plan, a state or a CloudFormation template";
}

// The top-level keys of a YAML document are the lines that start in column 0 with a name and a
// colon.
bool has_top_level_key(std::string_view text, std::string_view key) {
  for (std::size_t at = text.find(key); at != std::string_view::npos; at = text.find(key, at + 1)) {
    const auto starts_line = [&](std::size_t position) {
      return position == 0 || text[position - 1] == '\n';
    };
    const bool quoted = at > 0 && (text[at - 1] == '"' || text[at - 1] == '\'');
    if (!starts_line(at) && !(quoted && starts_line(at - 1)))
      continue;
    std::size_t after = at + key.size();
    if (after < text.size() && (text[after] == '"' || text[after] == '\''))
      ++after;
    while (after < text.size() && (text[after] == ' ' || text[after] == '\t'))
      ++after;
    if (after < text.size() && text[after] == ':')
      return true;
  }
  return false;
}

// `Type: AWS::...` anywhere, in any of YAML's quotings.
bool mentions_resource_type(std::string_view text) {
  for (std::size_t at = text.find("Type"); at != std::string_view::npos;
       at = text.find("Type", at + 1)) {
    std::size_t after = at + 4;
    if (after < text.size() && (text[after] == '"' || text[after] == '\''))
      ++after;
    while (after < text.size() && text[after] == ' ')
      ++after;
    if (after >= text.size() || text[after] != ':')
      continue;
    ++after;
    while (after < text.size() && (text[after] == ' ' || text[after] == '"' || text[after] == '\''))
      ++after;
    if (is_resource_type(text.substr(after, 10)))
      return true;
  }
  return false;
}

std::optional<std::string> why_yaml_is_not_an_input(std::string_view text) {
  if (has_top_level_key(text, "AWSTemplateFormatVersion") || has_top_level_key(text, "Transform"))
    return std::nullopt;
  if (!has_top_level_key(text, "Resources"))
    return "YAML without a CloudFormation Resources section";
  if (mentions_resource_type(text))
    return std::nullopt;
  return "its Resources section holds no AWS resource type (AWS::...)";
}

std::string file_name(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

bool is_zip(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::array<char, 4> magic{};
  return file.read(magic.data(), magic.size()) &&
         std::string_view(magic.data(), magic.size()) == "PK\x03\x04";
}

} // namespace

std::optional<std::string> why_not_an_input(const InputText& text) {
  const std::string_view body = text.text();
  const std::size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return "empty";
  if (body[first] == '{' || body[first] == '[')
    return why_json_is_not_an_input(text);
  return why_yaml_is_not_an_input(body);
}

std::optional<std::string> why_unreadable_is_not_an_input(const std::string& path) {
  if (is_zip(path))
    return "a zip archive (a binary Terraform plan is one: tfkms reads its JSON form)";
  std::ifstream file(path, std::ios::binary);
  std::string head(64 * 1024, '\0');
  file.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(file.gcount()));
  if (head.find_first_not_of(" \t\r\n") == std::string::npos)
    return "empty";
  for (std::string_view marker : k_input_markers) {
    if (head.find(marker) != std::string::npos)
      return std::nullopt;
  }
  return "not UTF-8 or UTF-16 text";
}

std::optional<std::string> explain_non_input(const std::string& path) {
  const std::string name = file_name(path);
  if (ends_with(name, ".tf") || ends_with(name, ".tf.json") || ends_with(name, ".tfvars") ||
      ends_with(name, ".tfvars.json")) {
    return "Terraform configuration, not a plan: " + std::string(k_terraform_plan_advice);
  }
  if (name == ".terraform.lock.hcl")
    return "Terraform's dependency lock file, not a plan: " + std::string(k_terraform_plan_advice);
  if (name == "cdk.json") {
    return "the settings of a CDK app, not its templates: run `cdk synth`, then tfkms check "
           "cdk.out";
  }
  if (name == "serverless.yml" || name == "serverless.yaml") {
    return "a Serverless Framework service, not a template: run `serverless package`, then tfkms "
           "check "
           ".serverless/cloudformation-template-update-stack.json";
  }
  if (is_zip(path)) {
    return "a zip archive, as a binary Terraform plan (terraform plan -out) is: terraform show "
           "-json " +
           name + " > plan.json, then tfkms check plan.json";
  }
  return std::nullopt;
}

std::optional<std::string> explain_directory_without_inputs(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::exists(fs::path(directory) / "cdk.json", error)) {
    return "a CDK app that has not been synthesized: run `cdk synth` in it, then tfkms check " +
           (fs::path(directory) / "cdk.out").string();
  }
  for (const auto& entry :
       fs::directory_iterator(directory, fs::directory_options::skip_permission_denied, error)) {
    const std::string name = entry.path().filename().string();
    if (ends_with(name, ".tf") || ends_with(name, ".tf.json")) {
      return "Terraform configuration without a plan: " + std::string(k_terraform_plan_advice);
    }
  }
  return std::nullopt;
}

} // namespace tfkms::loaders
