// Reading a Terraform plan or state with simdjson On-Demand.
//
// Why On-Demand and not a DOM: plans reach tens of MB (formats.md §3) and most of a plan is
// resources a KMS checker has no business with. A DOM of the whole file (nlohmann or simdjson) costs
// several times the file size in memory; On-Demand walks the padded input in place and skips what it
// is not asked for, so only the few resources that matter are copied into small nlohmann values.
// Measured on the 63 MB synthetic plan (bench/plan_load_bench.sh): see the figures in bench/README.md.
//
// Skipped values are checked only for structure (balanced brackets, valid strings and UTF-8), not
// parsed; a malformed value inside a skipped resource is not reported.
#include "loaders/terraform_document.hpp"

#include <array>
#include <cstring>

#include "loaders/terraform_address.hpp"

namespace tfkms::loaders::terraform {

namespace od = simdjson::ondemand;

bool relevant_type(std::string_view type, bool data) {
  static constexpr std::array<std::string_view, 8> k_data = {
      "aws_iam_policy_document", "aws_caller_identity", "aws_partition", "aws_region",
      "aws_kms_alias",           "aws_kms_key",         "aws_iam_role",  "aws_iam_policy"};
  // Resources the graph is built from, plus those whose ARNs policies commonly name.
  static constexpr std::array<std::string_view, 22> k_managed = {
      "aws_s3_bucket",         "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_policy",  "aws_sqs_queue",
      "aws_sqs_queue_policy",  "aws_sns_topic",
      "aws_sns_topic_policy",  "aws_secretsmanager_secret",
      "aws_secretsmanager_secret_policy", "aws_ebs_volume",
      "aws_db_instance",       "aws_rds_cluster",
      "aws_dynamodb_table",    "aws_lambda_function",
      "aws_cloudwatch_log_group", "aws_ssm_parameter",
      "aws_kinesis_stream",    "aws_cloudtrail",
      "aws_ecr_repository",    "aws_efs_file_system",
      "aws_organizations_organization", "aws_ebs_default_kms_key"};
  if (data) return std::find(k_data.begin(), k_data.end(), type) != k_data.end();
  if (type.starts_with("aws_kms_") || type.starts_with("aws_iam_")) return true;
  return std::find(k_managed.begin(), k_managed.end(), type) != k_managed.end();
}

namespace {

// The JSON text of `value` as it stands in the input (consumes it).
std::string_view raw_text(od::value value) {
  switch (value.type()) {
  case od::json_type::object: return od::object(value.get_object()).raw_json();
  case od::json_type::array: return od::array(value.get_array()).raw_json();
  default: {
    std::string_view token = value.raw_json_token();
    while (!token.empty() && std::strchr(" \t\r\n", token.back()) != nullptr) token.remove_suffix(1);
    return token;
  }
  }
}

nlohmann::json parse_raw(std::string_view raw) { return raw.empty() ? nlohmann::json() : nlohmann::json::parse(raw); }

// "create", "replace", ... from a change's `actions` (kms-reference §8: look for "delete" rather than
// matching whole arrays).
std::string planned_action(const nlohmann::json& actions) {
  bool create = false, remove = false;
  std::string single;
  for (const auto& action : actions) {
    if (!action.is_string()) continue;
    const auto& text = action.get_ref<const std::string&>();
    create |= text == "create";
    remove |= text == "delete";
    single = text;
  }
  if (create && remove) return "replace";
  if (actions.size() == 1) return single;
  return create ? "create" : single;
}

struct Version {
  int major = -1;
  int minor = -1;
};

Version parse_version(std::string_view text) {
  Version version;
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return version;
  try {
    version.major = std::stoi(std::string(text.substr(0, dot)));
    version.minor = std::stoi(std::string(text.substr(dot + 1)));
  } catch (const std::exception&) {
    return Version{};
  }
  return version;
}

class Reader {
public:
  Reader(const InputText& input, const std::string& path, InputKind kind, Snapshot snapshot)
      : m_text(input.text()), m_path(path), m_kind(kind), m_snapshot(snapshot) {}

  // Top-level members are taken in file order (a lookup by name would rescan the whole file for
  // each absent one). planned_values comes before resource_changes and is read only when there are
  // no resource changes (plans trimmed by hand, formats.md §4).
  model::Result<Document> read(const InputText& input) {
    od::document json = input.parser().iterate(input.padded());
    std::vector<Resource> changes, planned, prior;
    bool has_changes = false;
    std::string_view planned_values;
    for (od::field member : json.get_object()) {
      const od::raw_json_string key = member.key();
      if (key == "format_version") m_document.format_version = std::string_view(member.value());
      else if (key == "terraform_version") m_document.terraform_version = std::string_view(member.value());
      else if (key == "variables") m_document.variables = parse_raw(raw_text(member.value()));
      else if (key == "resource_changes") {
        has_changes = true;
        read_changes(member.value().get_array(), changes);
      } else if (key == "planned_values") {
        planned_values = raw_text(member.value());
      } else if (key == "prior_state") {
        for (od::field part : member.value().get_object()) {
          if (part.key() == "values") read_state_values(part.value().get_object(), "/prior_state/values", prior, true);
        }
      } else if (key == "configuration") {
        read_configuration(member.value().get_object());
      } else if (key == "values" && m_kind == InputKind::terraform_state) {
        read_state_values(member.value().get_object(), "/values", changes, false);
      }
    }
    if (auto problem = check_version()) return *problem;
    if (!has_changes && !planned_values.empty()) {
      od::parser parser;
      const auto capacity = static_cast<std::size_t>(input.padded_end() - planned_values.data()) - simdjson::SIMDJSON_PADDING;
      od::document values = parser.iterate(simdjson::padded_string_view(planned_values.data(), planned_values.size(), capacity));
      read_state_values(values.get_object(), "/planned_values", planned, false);
    }
    combine(std::move(changes), std::move(planned), std::move(prior), has_changes);
    return std::move(m_document);
  }

private:
  // formats.md §1.1: accept 0.1, 0.2 and any 1.x (minor bumps are additive); refuse a new major.
  // Format 1.x first came with Terraform 1.1, so an older terraform_version beside it means the file
  // was edited by hand or damaged.
  std::optional<model::Diagnostic> check_version() {
    const std::string& text = m_document.format_version;
    if (text.empty()) {
      warn("no format_version: read as a Terraform 0.12+ JSON plan");
      return std::nullopt;
    }
    const Version version = parse_version(text);
    if (version.major < 0 || version.major > 1) {
      return error("unsupported Terraform JSON format_version \"" + text + "\": tfkms reads formats 0.1 to 1.x");
    }
    if (version.major == 0 && version.minor > 2) warn("unknown format_version \"" + text + "\": read as 0.2");
    if (version.major == 1 && version.minor > 2) warn("format_version \"" + text + "\" is newer than 1.2: read as 1.2");
    const Version terraform = parse_version(m_document.terraform_version);
    if (version.major == 1 && terraform.major == 0) {
      return error("format_version " + text + " is written by Terraform 1.1 or later, but the file says terraform_version " +
                   m_document.terraform_version + ": the file was edited or is damaged");
    }
    return std::nullopt;
  }

  model::Diagnostic error(std::string message) const {
    return model::Diagnostic{model::DiagnosticLevel::error, m_path, std::nullopt, std::nullopt, "/format_version", std::move(message)};
  }

  void warn(std::string message) {
    m_document.warnings.push_back(
        model::Diagnostic{model::DiagnosticLevel::warning, m_path, std::nullopt, std::nullopt, "", std::move(message)});
  }

  // Lines are counted forward from the last position asked for: resources are met in file order.
  std::uint32_t line_of(const char* location) {
    const auto offset = static_cast<std::size_t>(location - m_text.data());
    if (offset > m_text.size()) return 0;
    if (offset < m_line_offset) {
      m_line_offset = 0;
      m_line = 1;
    }
    for (const char* p = m_text.data() + m_line_offset;
         (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(location - p)))) != nullptr; ++p) {
      ++m_line;
    }
    m_line_offset = offset;
    return m_line;
  }

  void read_changes(od::array changes, std::vector<Resource>& out) {
    const bool after = m_snapshot == Snapshot::after;
    const std::string_view side = after ? "after" : "before";
    std::size_t index = 0;
    for (od::value element : changes) {
      const char* start = element.current_location();
      Resource resource;
      std::string_view actions, values, unknown;
      for (od::field member : element.get_object()) {
        const od::raw_json_string key = member.key();
        if (key == "address") resource.address = std::string_view(member.value());
        else if (key == "mode") resource.data = std::string_view(member.value()) == "data";
        else if (key == "type") resource.type = std::string_view(member.value());
        else if (key == "name") resource.name = std::string_view(member.value());
        else if (key == "change" && relevant_type(resource.type, resource.data)) {
          for (od::field part : member.value().get_object()) {
            const od::raw_json_string part_key = part.key();
            if (part_key == "actions") actions = raw_text(part.value());
            else if (part_key == side) values = raw_text(part.value());
            else if (after && part_key == "after_unknown") unknown = raw_text(part.value());
          }
        }
      }
      const std::size_t position = index++;
      if (!relevant_type(resource.type, resource.data) || actions.empty()) continue;
      resource.planned_action = planned_action(parse_raw(actions));
      // Delete-only changes leave nothing after apply; creates have nothing before.
      if (after && resource.planned_action == "delete") continue;
      if (!after && resource.planned_action == "create") continue;
      resource.values = parse_raw(values);
      if (!resource.values.is_object()) resource.values = nlohmann::json::object();
      resource.unknown = parse_raw(unknown);
      resource.pointer = "/resource_changes/" + std::to_string(position) + "/change/" + std::string(side);
      resource.line = line_of(start);
      resource.module_address = module_of(resource.address);
      out.push_back(std::move(resource));
    }
  }

  // State-shaped values: {root_module: {resources, child_modules: [{resources, child_modules}]}}.
  void read_state_values(od::object values, const std::string& pointer, std::vector<Resource>& out, bool data_only) {
    for (od::field member : values) {
      if (member.key() == "root_module") read_state_module(member.value().get_object(), pointer + "/root_module", out, data_only);
    }
  }

  void read_state_module(od::object module, const std::string& pointer, std::vector<Resource>& out, bool data_only) {
    for (od::field member : module) {
      const od::raw_json_string key = member.key();
      if (key == "resources") {
        std::size_t index = 0;
        for (od::value element : member.value().get_array()) read_state_resource(element, pointer + "/resources/" + std::to_string(index++), out, data_only);
      } else if (key == "child_modules") {
        std::size_t index = 0;
        for (od::value child : member.value().get_array()) read_state_module(child.get_object(), pointer + "/child_modules/" + std::to_string(index++), out, data_only);
      }
    }
  }

  void read_state_resource(od::value element, const std::string& pointer, std::vector<Resource>& out, bool data_only) {
    const char* start = element.current_location();
    Resource resource;
    std::string_view values;
    for (od::field member : element.get_object()) {
      const od::raw_json_string key = member.key();
      if (key == "address") resource.address = std::string_view(member.value());
      else if (key == "mode") resource.data = std::string_view(member.value()) == "data";
      else if (key == "type") resource.type = std::string_view(member.value());
      else if (key == "name") resource.name = std::string_view(member.value());
      else if (key == "values") values = raw_text(member.value());
    }
    if (!relevant_type(resource.type, resource.data) || (data_only && !resource.data)) return;
    resource.values = parse_raw(values);
    if (!resource.values.is_object()) resource.values = nlohmann::json::object();
    resource.pointer = pointer + "/values";
    resource.line = line_of(start);
    resource.module_address = module_of(resource.address);
    out.push_back(std::move(resource));
  }

  void read_configuration(od::object configuration) {
    for (od::field member : configuration) {
      const std::string_view key = member.unescaped_key();
      if (key == "provider_config") m_document.provider_config = parse_raw(raw_text(member.value()));
      else if (key == "root_module") read_config_module(member.value().get_object(), "");
    }
  }

  void read_config_module(od::object module, const std::string& path) {
    for (od::field member : module) {
      const od::raw_json_string key = member.key();
      if (key == "resources") {
        for (od::value element : member.value().get_array()) read_config_resource(element.get_object(), path);
      } else if (key == "module_calls") {
        for (od::field call : member.value().get_object()) {
          const std::string call_path = (path.empty() ? "" : path + ".") + "module." + std::string(std::string_view(call.unescaped_key()));
          for (od::field part : call.value().get_object()) {
            const std::string_view part_key = part.unescaped_key();
            if (part_key == "source") m_document.module_sources[call_path] = std::string_view(part.value());
            else if (part_key == "module") read_config_module(part.value().get_object(), call_path);
          }
        }
      }
    }
  }

  void read_config_resource(od::object element, const std::string& path) {
    std::string address;
    std::string type;
    bool data = false;
    std::string_view expressions;
    for (od::field member : element) {
      const std::string_view key = member.unescaped_key();
      if (key == "address") address = std::string_view(member.value());
      else if (key == "mode") data = std::string_view(member.value()) == "data";
      else if (key == "type") type = std::string_view(member.value());
      else if (key == "expressions") expressions = raw_text(member.value());
    }
    if (!relevant_type(type, data)) return;
    ConfigResource resource{parse_raw(expressions), path};
    if (!resource.expressions.is_object()) resource.expressions = nlohmann::json::object();
    m_document.config.insert_or_assign((path.empty() ? "" : path + ".") + address, std::move(resource));
  }

  // Resource changes hold both sides (planned values stand in for plans without them); data sources
  // read during plan are only in prior_state.
  void combine(std::vector<Resource> changes, std::vector<Resource> planned, std::vector<Resource> prior, bool has_changes) {
    std::vector<Resource>& resources = m_document.resources;
    if (m_kind == InputKind::terraform_state) {
      resources = std::move(changes);
      return;
    }
    resources = has_changes ? std::move(changes) : std::move(planned);
    std::unordered_map<std::string, bool> seen;
    for (const Resource& resource : resources) seen.emplace(resource.address, true);
    for (Resource& resource : prior) {
      if (resource.data && !seen.contains(resource.address)) resources.push_back(std::move(resource));
    }
  }

  std::string_view m_text;
  const std::string& m_path;
  InputKind m_kind;
  Snapshot m_snapshot;
  Document m_document;
  std::size_t m_line_offset = 0;
  std::uint32_t m_line = 1;
};

} // namespace

model::Result<Document> read_document(const InputText& input, const std::string& path, InputKind kind, Snapshot snapshot) {
  try {
    return Reader(input, path, kind, snapshot).read(input);
  } catch (const simdjson::simdjson_error& error) {
    model::Diagnostic diagnostic = json_syntax_error(input.text(), path);
    if (diagnostic.line == std::nullopt) {
      diagnostic.message = std::string("unexpected Terraform JSON structure: ") + error.what();
    }
    return diagnostic;
  } catch (const nlohmann::json::exception& error) {
    return model::Diagnostic{model::DiagnosticLevel::error, path, std::nullopt, std::nullopt, "",
                             std::string("unexpected Terraform JSON structure: ") + error.what()};
  }
}

} // namespace tfkms::loaders::terraform
