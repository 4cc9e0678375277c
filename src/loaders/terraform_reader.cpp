// Reading a Terraform plan or state with simdjson On-Demand.
//
// Why On-Demand and not a DOM: plans reach tens of MB (formats.md §3) and most of a plan is
// resources a KMS checker has no business with. A DOM of the whole file (nlohmann or simdjson)
// costs several times the file size in memory; On-Demand walks the padded input in place and skips
// what it is not asked for, so only the few resources that matter are copied into small nlohmann
// values. Measured on the 63 MB synthetic plan (bench/plan_load_bench.sh): see the figures in
// bench/README.md.
//
// Skipped values are checked only for structure (balanced brackets, valid strings and UTF-8), not
// parsed; a malformed value inside a skipped resource is not reported.
//
// The values kept are copied into nlohmann trees where they stand in the document. Where that fails
// (a malformed value, an integer beyond 64 bits), the whole file is read again the way it was read
// before values were copied in place: each value's raw text parsed on its own, by simdjson's DOM
// parser or else nlohmann's, which decides what is reported. Both readings give the same trees.
#include "loaders/json_tree.hpp"
#include "loaders/terraform_address.hpp"
#include "loaders/terraform_document.hpp"
#include "model/data_store_types.hpp"
#include "model/text.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace tfkms::loaders::terraform {

namespace od = simdjson::ondemand;

namespace {

// The build targets every x86-64 (16-byte vectors). A function marked so has a second copy for
// machines with AVX2, chosen when the program starts, whose vectorized loops take 32 bytes at a
// time (half the instructions).
#if defined(__x86_64__) && defined(__GNUC__)
#define TFKMS_ALSO_WITH_AVX2 __attribute__((target_clones("avx2", "default")))
#else
#define TFKMS_ALSO_WITH_AVX2
#endif

// Lines are short: counted a vector of bytes at a time, not searched for one by one (two million
// memchr calls on a 63 MB plan took three times as long). Each block's count fits in a byte, the
// width the compiler vectorizes; a block of a fixed size that vectors divide is counted with no
// byte left over (a block of 255 left 15 to count one at a time, a third of the work; 224 is seven
// 32-byte vectors). Advances `begin` past the whole blocks.
template <std::ptrdiff_t Block>
std::size_t count_newlines_in_blocks(const char*& begin, const char* end) {
  std::size_t total = 0;
  for (; end - begin >= Block; begin += Block) {
    unsigned char in_block = 0;
    for (std::ptrdiff_t i = 0; i < Block; ++i)
      in_block += begin[i] == '\n' ? 1 : 0;
    total += in_block;
  }
  return total;
}

// Large blocks for the run between two resources, then blocks of two vectors for what they leave
// (on average half a large block, which one byte at a time cost more than the blocks before it).
// Not blocks of one vector: GCC 12 at -O3 vectorizes a 16-byte block's count wrongly.
TFKMS_ALSO_WITH_AVX2 std::size_t count_newlines(const char* begin, const char* end) {
  std::size_t total = count_newlines_in_blocks<224>(begin, end);
  total += count_newlines_in_blocks<32>(begin, end);
  for (; begin < end; ++begin)
    total += *begin == '\n' ? 1 : 0;
  return total;
}

} // namespace

bool relevant_type(std::string_view type, bool data) {
  static constexpr std::array<std::string_view, 8> k_data = {
      "aws_iam_policy_document", "aws_caller_identity", "aws_partition", "aws_region",
      "aws_kms_alias",           "aws_kms_key",         "aws_iam_role",  "aws_iam_policy"};
  // Besides KMS, IAM and the data stores: resources the graph reads or whose ARNs policies name.
  static constexpr std::array<std::string_view, 8> k_managed = {
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_cloudtrail",
      "aws_organizations_organization",
      "aws_ebs_default_kms_key",
      "aws_organizations_policy",
      "aws_organizations_policy_attachment",
      "aws_organizations_account",
      "aws_organizations_organizational_unit"};
  if (data)
    return std::find(k_data.begin(), k_data.end(), type) != k_data.end();
  if (type.starts_with("aws_kms_") || type.starts_with("aws_iam_"))
    return true;
  if (model::terraform_store_type(type) || model::terraform_policy_type(type))
    return true;
  return std::find(k_managed.begin(), k_managed.end(), type) != k_managed.end();
}

namespace {

// The JSON text of `value` as it stands in the input (consumes it).
std::string_view raw_text(od::value value) {
  switch (value.type()) {
  case od::json_type::object:
    return od::object(value.get_object()).raw_json();
  case od::json_type::array:
    return od::array(value.get_array()).raw_json();
  default:
    return scalar_text(value);
  }
}

// "create", "replace", ... from a change's `actions` (kms-reference §8: look for "delete" rather
// than matching whole arrays), given their items one by one.
class PlannedAction {
public:
  /// One item of `actions`: its text, or nothing when it is not a string.
  void add(std::optional<std::string_view> action) {
    ++m_count;
    if (!action)
      return;
    m_create |= *action == "create";
    m_remove |= *action == "delete";
    m_last = *action;
  }

  [[nodiscard]] std::string result() const {
    if (m_create && m_remove)
      return "replace";
    if (m_count == 1)
      return std::string(m_last);
    return m_create ? "create" : std::string(m_last);
  }

private:
  std::size_t m_count = 0;
  bool m_create = false, m_remove = false;
  std::string_view m_last;
};

std::string planned_action(const nlohmann::json& actions) {
  PlannedAction planned;
  for (const auto& action : actions) {
    planned.add(action.is_string()
                    ? std::optional(std::string_view(action.get_ref<const std::string&>()))
                    : std::nullopt);
  }
  return planned.result();
}

struct Version {
  int major = -1;
  int minor = -1;
};

Version parse_version(std::string_view text) {
  Version version;
  const auto dot = text.find('.');
  if (dot == std::string_view::npos)
    return version;
  try {
    version.major = std::stoi(std::string(text.substr(0, dot)));
    version.minor = std::stoi(std::string(text.substr(dot + 1)));
  } catch (const std::exception&) {
    return Version{};
  }
  return version;
}

// relevant_type() for entry after entry of resource_changes. Entries of one type come one after
// another (Terraform sorts them by address), and most are of no type kept, which only a search of
// every list of kept types tells: the answer for the last type is kept.
class RelevantTypes {
public:
  bool operator()(std::string_view type, bool data) {
    if (!m_known || data != m_data || type != m_type) {
      m_type = type;
      m_data = data;
      m_relevant = relevant_type(type, data);
      m_known = true;
    }
    return m_relevant;
  }

private:
  std::string m_type;
  bool m_data = false, m_relevant = false, m_known = false;
};

/// How the values kept are read: copied from the document where they stand, or each parsed again
/// from its raw text (slower; its errors are the ones reported).
enum class Values { in_place, from_text };

class Reader {
public:
  Reader(const InputText& input, const std::string& path, InputKind kind, Snapshot snapshot,
         Values values)
      : m_text(input.text()), m_padded_end(input.padded_end()), m_path(path), m_kind(kind),
        m_snapshot(snapshot), m_values(values) {}

  // Top-level members are taken in file order (a lookup by name would rescan the whole file for
  // each absent one). planned_values is kept as raw text and read only when there are no resource
  // changes (plans trimmed by hand, formats.md §4), wherever it stands.
  model::Result<Document> read(const InputText& input) {
    od::document& json = input.document();
    std::vector<Resource> changes, before_changes, planned, prior;
    bool has_changes = false;
    std::string_view planned_values;
    for (od::field member : json.get_object()) {
      const std::string_view key = key_of(member);
      if (key == "format_version")
        m_document.format_version = string_of(member.value());
      else if (key == "terraform_version")
        m_document.terraform_version = string_of(member.value());
      else if (key == "variables")
        m_document.variables = tree(member.value());
      else if (key == "resource_changes") {
        has_changes = read_changes(member.value().get_array(), changes, before_changes) > 0;
      } else if (key == "planned_values") {
        planned_values = raw_text(member.value());
      } else if (key == "prior_state") {
        for (od::field part : member.value().get_object()) {
          if (key_of(part) == "values")
            read_state_values(part.value().get_object(), "/prior_state/values", prior, true);
        }
      } else if (key == "configuration") {
        read_configuration(member.value().get_object());
      } else if (key == "values" && m_kind == InputKind::terraform_state) {
        read_state_values(member.value().get_object(), "/values", changes, false);
      }
    }
    if (auto problem = check_version())
      return *problem;
    if (!has_changes && !planned_values.empty()) {
      od::document values = iterate_within(planned_values);
      read_state_values(values.get_object(), "/planned_values", planned, false);
    }
    if (m_snapshot == Snapshot::both)
      m_document.before_resources =
          combined(std::move(before_changes), planned, prior, has_changes);
    m_document.resources = combined(std::move(changes), std::move(planned), prior, has_changes);
    return std::move(m_document);
  }

private:
  // formats.md §1.1: accept 0.1, 0.2 and any 1.x (minor bumps are additive); refuse a new major.
  // Format 1.x first came with Terraform 1.1, so an older terraform_version beside it means the
  // file was edited by hand or damaged.
  std::optional<model::Diagnostic> check_version() {
    const std::string& text = m_document.format_version;
    if (text.empty()) {
      warn("no format_version: read as a Terraform 0.12+ JSON plan");
      return std::nullopt;
    }
    const Version version = parse_version(text);
    if (version.major < 0 || version.major > 1) {
      return error("unsupported Terraform JSON format_version \"" + text +
                   "\": tfkms reads formats 0.1 to 1.x");
    }
    if (version.major == 0 && version.minor > 2)
      warn("unknown format_version \"" + text + "\": read as 0.2");
    if (version.major == 1 && version.minor > 2)
      warn("format_version \"" + text + "\" is newer than 1.2: read as 1.2");
    const Version terraform = parse_version(m_document.terraform_version);
    if (version.major == 1 && terraform.major == 0) {
      return error("format_version " + text +
                   " is written by Terraform 1.1 or later, but the file says terraform_version " +
                   m_document.terraform_version + ": the file was edited or is damaged");
    }
    return std::nullopt;
  }

  model::Diagnostic error(std::string message) const {
    return model::Diagnostic{model::DiagnosticLevel::error,
                             m_path,
                             std::nullopt,
                             std::nullopt,
                             "/format_version",
                             std::move(message)};
  }

  void warn(std::string message) {
    m_document.warnings.push_back(model::Diagnostic{model::DiagnosticLevel::warning, m_path,
                                                    std::nullopt, std::nullopt, "",
                                                    std::move(message)});
  }

  // Lines are counted forward from the last position asked for: resources are met in file order.
  std::uint32_t line_of(const char* location) {
    const auto offset = static_cast<std::size_t>(location - m_text.data());
    if (offset > m_text.size())
      return 0;
    if (offset < m_line_offset) {
      m_line_offset = 0;
      m_line = 1;
    }
    m_line += static_cast<std::uint32_t>(count_newlines(m_text.data() + m_line_offset, location));
    m_line_offset = offset;
    return m_line;
  }

  // The parts of a change the graph needs (null when absent).
  struct ChangeValues {
    bool has_actions = false;
    std::string planned_action;
    nlohmann::json after, before, unknown;
  };

  // Reads `change` into `read`, made at the entry's first change (a repeated `change` adds to what
  // the first gave).
  void read_change(od::object change, std::optional<ChangeValues>& read) {
    ChangeValues& out = read ? *read : read.emplace();
    const bool after = m_snapshot != Snapshot::before;
    const bool before = m_snapshot != Snapshot::after;
    for (od::field part : change) {
      const std::string_view key = key_of(part);
      if (key == "actions") {
        out.planned_action = planned_action_of(part.value());
        out.has_actions = true;
      } else if (after && key == "after")
        out.after = tree(part.value());
      else if (before && key == "before")
        out.before = tree(part.value());
      else if (after && key == "after_unknown")
        out.unknown = tree(part.value());
    }
  }

  // Puts `resource`, where it is kept, on one side of its change, the change being entry `position`
  // of resource_changes.
  static void on_side(Resource& resource, std::string_view side, nlohmann::json values,
                      nlohmann::json unknown, std::size_t position) {
    resource.values = values.is_object() ? std::move(values) : nlohmann::json::object();
    resource.unknown = std::move(unknown);
    resource.pointer =
        model::joined({"/resource_changes/", std::to_string(position), "/change/", side});
  }

  // JSON objects are unordered (`jq -S` and nlohmann sort their keys), so whether `change` matters
  // is known only once `type` and `mode` are. Terraform writes them first: then `change` is read in
  // place; otherwise its raw text is kept and read after the object has ended.
  // The side asked for goes to `out`; with Snapshot::both, the before side goes to `before`.
  // Returns the number of entries, relevant or not.
  std::size_t read_changes(od::array changes, std::vector<Resource>& out,
                           std::vector<Resource>& before) {
    std::size_t index = 0;
    RelevantTypes relevant_types;
    for (od::value element : changes) {
      const char* start = element.current_location();
      // Views into the parser's buffers until the entry is known to matter: most do not.
      std::string_view address, type, name;
      bool data = false;
      // Made only for an entry that matters: most are skipped, and the values' destructors are
      // calls.
      std::optional<ChangeValues> change;
      std::string_view deferred;
      bool has_type = false, has_mode = false;
      // Whether `type` and `mode` make the entry matter, once asked while they still hold.
      bool asked = false, relevant = false;
      for (od::field member : element.get_object()) {
        const std::string_view key = key_of(member);
        if (key == "address")
          address = string_of(member.value());
        else if (key == "mode") {
          data = (has_mode = true, string_of(member.value()) == "data");
          asked = false;
        } else if (key == "type") {
          type = (has_type = true, string_of(member.value()));
          asked = false;
        } else if (key == "name")
          name = string_of(member.value());
        else if (key == "change") {
          if (!has_type || !has_mode)
            deferred = raw_text(member.value());
          else if ((asked = true, relevant = relevant_types(type, data)))
            read_change(member.value().get_object(), change);
        }
      }
      const std::size_t position = index++;
      if (has_type && has_mode && !type.empty() && !(asked ? relevant : relevant_types(type, data)))
        continue;
      // Its strings made from the views: assigned to a default resource's, they took the slower
      // path of a replacement.
      Resource resource{.address = std::string(address),
                        .module_address = {},
                        .data = data,
                        .type = std::string(type),
                        .name = std::string(name),
                        .values = {},
                        .unknown = {},
                        .planned_action = {},
                        .pointer = {},
                        .line = 0};
      complete_from_address(resource, has_type, has_mode);
      if (resource.type.empty()) {
        warn("resource_changes entry " + std::to_string(position) +
             " has neither `type` nor a resource address: skipped");
        continue;
      }
      // With both given, the type was found relevant above.
      if (!(has_type && has_mode) && !relevant_types(resource.type, resource.data))
        continue;
      if (!deferred.empty()) {
        od::document document = iterate_within(deferred);
        read_change(document.get_object(), change);
      }
      if (!change) {
        warn("resource_changes entry " + resource.address + " has no `change`: skipped");
        continue;
      }
      if (!change->has_actions) {
        warn("resource_changes entry " + resource.address +
             " has no `change.actions`: read as if it stays");
      }
      resource.planned_action = std::move(change->planned_action);
      resource.line = line_of(start);
      resource.module_address = module_of(resource.address);
      // Delete-only changes leave nothing after apply; creates have nothing before.
      const bool before_side = m_snapshot != Snapshot::after && resource.planned_action != "create";
      if (m_snapshot != Snapshot::before && resource.planned_action != "delete") {
        Resource& kept =
            before_side ? out.emplace_back(resource) : out.emplace_back(std::move(resource));
        on_side(kept, "after", std::move(change->after), std::move(change->unknown), position);
      }
      if (before_side) {
        Resource& kept =
            (m_snapshot == Snapshot::both ? before : out).emplace_back(std::move(resource));
        on_side(kept, "before", std::move(change->before), {}, position);
      }
    }
    return index;
  }

  // planned_action() of a change's `actions` (consumed). The usual array of strings is read where
  // it stands rather than copied into a tree first; anything else, or a reading from the raw text,
  // goes through the tree, which decides what is malformed.
  std::string planned_action_of(od::value actions) {
    if (m_values != Values::in_place || actions.type() != od::json_type::array)
      return planned_action(tree(actions));
    PlannedAction planned;
    for (od::value action : actions.get_array()) {
      if (action.type() == od::json_type::string) {
        planned.add(string_of(action));
      } else {
        static_cast<void>(to_json(action)); // read all the same: what fails there fails here
        planned.add(std::nullopt);
      }
    }
    return planned.result();
  }

  // `value` as nlohmann's tree (consumes it).
  nlohmann::json tree(od::value value) {
    return m_values == Values::in_place ? to_json(value) : parse_raw(raw_text(value));
  }

  // A resource's value, read where it stands when the resource's type and mode are already known
  // to make it matter (Terraform writes them first); else its raw text, parsed once they are.
  struct Pending {
    std::string_view raw;
    nlohmann::json value;
  };
  void keep(od::value value, bool relevant_known, bool relevant, Pending& out) {
    if (m_values == Values::in_place && relevant_known) {
      if (relevant)
        out.value = to_json(value);
    } else {
      out.raw = raw_text(value);
    }
  }
  nlohmann::json kept(Pending& pending) {
    return pending.raw.empty() ? std::move(pending.value) : parse_raw(pending.raw);
  }

  // A value's raw text as nlohmann's tree: read by simdjson's DOM parser, several times faster than
  // nlohmann's, falling back to nlohmann's for what simdjson refuses (integers beyond 64 bits).
  nlohmann::json parse_raw(std::string_view raw) {
    if (raw.empty())
      return nlohmann::json();
    const bool padded = static_cast<std::size_t>(m_padded_end - raw.data()) >=
                        raw.size() + simdjson::SIMDJSON_PADDING;
    simdjson::dom::element element;
    if (m_dom_parser.parse(raw.data(), raw.size(), !padded).get(element) == simdjson::SUCCESS)
      return to_json(element);
    return nlohmann::json::parse(raw);
  }

  // A raw JSON value inside the input, iterated on its own by a second parser (the input's parser
  // is still walking the file). The input's padding lies after any view inside it.
  od::document iterate_within(std::string_view raw) {
    const auto capacity = static_cast<std::size_t>(m_padded_end - raw.data());
    return m_inner_parser.iterate(simdjson::padded_string_view(raw.data(), raw.size(), capacity));
  }

  // Hand-trimmed files may leave out `type` or `mode`; the address holds them
  // ([module.m.]...[data.]type.name[key]), and a resource without them must not vanish silently.
  static void complete_from_address(Resource& resource, bool has_type, bool has_mode) {
    if (has_type && has_mode)
      return;
    const std::vector<std::string_view> steps = address_steps(resource.address);
    std::size_t at = 0;
    while (at + 2 < steps.size() && steps[at] == "module")
      at += 2;
    const bool data = at + 2 < steps.size() && steps[at] == "data";
    if (!has_mode)
      resource.data = data;
    if (data)
      ++at;
    if (has_type || at + 2 != steps.size())
      return;
    resource.type = std::string(steps[at]);
    if (resource.name.empty())
      resource.name = std::string(without_key(steps[at + 1]));
  }

  // State-shaped values: {root_module: {resources, child_modules: [{resources, child_modules}]}}.
  void read_state_values(od::object values, const std::string& pointer, std::vector<Resource>& out,
                         bool data_only) {
    for (od::field member : values) {
      if (key_of(member) == "root_module")
        read_state_module(member.value().get_object(), pointer + "/root_module", out, data_only);
    }
  }

  void read_state_module(od::object module, const std::string& pointer, std::vector<Resource>& out,
                         bool data_only) {
    for (od::field member : module) {
      const std::string_view key = key_of(member);
      if (key == "resources") {
        std::size_t index = 0;
        for (od::value element : member.value().get_array())
          read_state_resource(element, pointer + "/resources/" + std::to_string(index++), out,
                              data_only);
      } else if (key == "child_modules") {
        std::size_t index = 0;
        for (od::value child : member.value().get_array())
          read_state_module(child.get_object(),
                            pointer + "/child_modules/" + std::to_string(index++), out, data_only);
      }
    }
  }

  void read_state_resource(od::value element, const std::string& pointer,
                           std::vector<Resource>& out, bool data_only) {
    const char* start = element.current_location();
    Resource resource;
    Pending values;
    bool has_type = false, has_mode = false;
    const auto relevant = [&] {
      return relevant_type(resource.type, resource.data) && (!data_only || resource.data);
    };
    for (od::field member : element.get_object()) {
      const std::string_view key = key_of(member);
      if (key == "address")
        resource.address = string_of(member.value());
      else if (key == "mode")
        resource.data = (has_mode = true, string_of(member.value()) == "data");
      else if (key == "type")
        resource.type = (has_type = true, string_of(member.value()));
      else if (key == "name")
        resource.name = string_of(member.value());
      else if (key == "values")
        keep(member.value(), has_type && has_mode, has_type && has_mode && relevant(), values);
    }
    if (!relevant())
      return;
    resource.values = kept(values);
    if (!resource.values.is_object())
      resource.values = nlohmann::json::object();
    resource.pointer = pointer + "/values";
    resource.line = line_of(start);
    resource.module_address = module_of(resource.address);
    out.push_back(std::move(resource));
  }

  void read_configuration(od::object configuration) {
    for (od::field member : configuration) {
      const std::string_view key = key_of(member);
      if (key == "provider_config")
        m_document.provider_config = tree(member.value());
      else if (key == "root_module")
        read_config_module(member.value().get_object(), "");
    }
  }

  void read_config_module(od::object module, const std::string& path) {
    for (od::field member : module) {
      const std::string_view key = key_of(member);
      if (key == "resources") {
        for (od::value element : member.value().get_array())
          read_config_resource(element.get_object(), path);
      } else if (key == "module_calls") {
        for (od::field call : member.value().get_object()) {
          const std::string call_path =
              (path.empty() ? "" : path + ".") + "module." + std::string(key_of(call));
          for (od::field part : call.value().get_object()) {
            const std::string_view part_key = key_of(part);
            if (part_key == "source")
              m_document.module_sources[call_path] = string_of(part.value());
            else if (part_key == "module")
              read_config_module(part.value().get_object(), call_path);
          }
        }
      }
    }
  }

  void read_config_resource(od::object element, const std::string& path) {
    std::string address;
    std::string type;
    bool data = false;
    bool has_type = false, has_mode = false;
    Pending expressions;
    for (od::field member : element) {
      const std::string_view key = key_of(member);
      if (key == "address")
        address = string_of(member.value());
      else if (key == "mode")
        data = (has_mode = true, string_of(member.value()) == "data");
      else if (key == "type")
        type = (has_type = true, string_of(member.value()));
      else if (key == "expressions")
        keep(member.value(), has_type && has_mode,
             has_type && has_mode && relevant_type(type, data), expressions);
    }
    if (!relevant_type(type, data))
      return;
    ConfigResource resource{kept(expressions), path};
    if (!resource.expressions.is_object())
      resource.expressions = nlohmann::json::object();
    m_document.config.insert_or_assign((path.empty() ? "" : path + ".") + address,
                                       std::move(resource));
  }

  // One side's resources. Resource changes hold both sides (planned values stand in for plans
  // without them); data sources read during plan are only in prior_state.
  std::vector<Resource> combined(std::vector<Resource> changes, std::vector<Resource> planned,
                                 const std::vector<Resource>& prior, bool has_changes) const {
    if (m_kind == InputKind::terraform_state)
      return changes;
    std::vector<Resource> resources = has_changes ? std::move(changes) : std::move(planned);
    if (prior.empty())
      return resources;
    std::unordered_map<std::string, bool> seen;
    for (const Resource& resource : resources)
      seen.emplace(resource.address, true);
    for (const Resource& resource : prior) {
      if (resource.data && !seen.contains(resource.address))
        resources.push_back(resource);
    }
    return resources;
  }

  std::string_view m_text;
  const char* m_padded_end;
  const std::string& m_path;
  InputKind m_kind;
  Snapshot m_snapshot;
  Values m_values;
  Document m_document;
  od::parser m_inner_parser;
  simdjson::dom::parser m_dom_parser;
  std::size_t m_line_offset = 0;
  std::uint32_t m_line = 1;
};

} // namespace

void free_values(Document& document) {
  for (std::vector<Resource>* resources : {&document.resources, &document.before_resources}) {
    for (Resource& resource : *resources) {
      free_tree(resource.values);
      free_tree(resource.unknown);
    }
  }
  for (auto& [address, resource] : document.config)
    free_tree(resource.expressions);
  free_tree(document.provider_config);
  free_tree(document.variables);
}

model::Result<Document> read_document(const InputText& input, const std::string& path,
                                      InputKind kind, Snapshot snapshot) {
  // Any failure of the fast reading is decided, and reported, by the reading it replaces.
  try {
    return Reader(input, path, kind, snapshot, Values::in_place).read(input);
  } catch (const simdjson::simdjson_error&) {
  } catch (const nlohmann::json::exception&) {
  }
  try {
    return Reader(input, path, kind, snapshot, Values::from_text).read(input);
  } catch (const simdjson::simdjson_error& error) {
    model::Diagnostic diagnostic = json_syntax_error(input.text(), path);
    if (diagnostic.line == std::nullopt) {
      diagnostic.message = std::string("unexpected Terraform JSON structure: ") + error.what();
    }
    return diagnostic;
  } catch (const nlohmann::json::exception& error) {
    return model::Diagnostic{model::DiagnosticLevel::error,
                             path,
                             std::nullopt,
                             std::nullopt,
                             "",
                             std::string("unexpected Terraform JSON structure: ") + error.what()};
  }
}

} // namespace tfkms::loaders::terraform
