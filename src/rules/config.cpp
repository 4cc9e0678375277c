#include "rules/config.hpp"

#include "rules/rule_ids.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace tfkms::rules {

namespace {

// Every problem in the file becomes a diagnostic at the offending node; the first one stops reading
// (a half-understood configuration must not silently change what is checked).
struct ConfigError {
  model::Diagnostic diagnostic;
};

class Reader {
public:
  explicit Reader(std::string path) : m_path(std::move(path)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    model::Diagnostic diagnostic;
    diagnostic.file = m_path;
    const YAML::Mark mark = node.Mark();
    if (mark.line >= 0) {
      diagnostic.line = static_cast<std::uint32_t>(mark.line + 1);
      diagnostic.column = static_cast<std::uint32_t>(mark.column + 1);
    }
    diagnostic.message = message;
    throw ConfigError{std::move(diagnostic)};
  }

  std::string scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar())
      fail(node, "'" + key + "' must be a string");
    return node.Scalar();
  }

  bool boolean(const YAML::Node& node, const std::string& key) const {
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
      fail(node, "'" + key + "' must be true or false");
    return value;
  }

  std::size_t positive(const YAML::Node& node, const std::string& key) const {
    const std::string text = node.IsScalar() ? node.Scalar() : std::string{};
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value == 0) {
      fail(node, "'" + key + "' must be a positive integer");
    }
    return value;
  }

  std::string account(const YAML::Node& node, const std::string& key) const {
    std::string text = scalar(node, key);
    if (text.size() != 12 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      fail(node,
           "'" + key + "' must be a 12-digit AWS account id (quote it to keep leading zeros)");
    }
    return text;
  }

  /// Calls `handle(key, value)` for each entry of mapping `node`; keys outside `allowed` are
  /// errors.
  void each_entry(const YAML::Node& node, const std::string& what,
                  std::initializer_list<std::string_view> allowed,
                  const std::function<void(const std::string&, const YAML::Node&)>& handle) const {
    if (!node.IsMap())
      fail(node, "'" + what + "' must be a mapping");
    for (const auto& entry : node) {
      const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string{};
      if (allowed.size() != 0 && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string expected;
        for (const std::string_view name : allowed)
          expected += (expected.empty() ? "" : ", ") + std::string(name);
        fail(entry.first,
             "unknown key '" + key + "' in " + what + " (expected one of: " + expected + ")");
      }
      handle(key, entry.second);
    }
  }

  Config read(const YAML::Node& root) const {
    Config config;
    config.path = m_path;
    if (root.IsNull())
      return config; // an empty file is the default configuration
    each_entry(root, "the configuration",
               {"account_id", "trusted_accounts", "rules", "ignore", "exclude", "limits",
                "baseline", "fail_on", "format", "only_rules", "skip_rules", "organization"},
               [&](const std::string& key, const YAML::Node& value) {
                 if (key == "baseline")
                   config.baseline = beside_config(scalar(value, key));
                 if (key == "fail_on")
                   config.fail_on = fail_on(value);
                 if (key == "format")
                   config.format = scalar(value, key);
                 if (key == "only_rules")
                   config.only_rules = rule_list(value, key);
                 if (key == "skip_rules")
                   config.skip_rules = rule_list(value, key);
                 if (key == "account_id")
                   read_account(value, config);
                 if (key == "trusted_accounts")
                   read_trusted(value, config);
                 if (key == "rules")
                   read_rules(value, config);
                 if (key == "ignore")
                   read_ignore(value, config);
                 if (key == "exclude")
                   read_exclude(value, config);
                 if (key == "limits")
                   read_limits(value, config.limits);
                 if (key == "organization")
                   read_organization(value, config.organization);
               });
    return config;
  }

private:
  // A path in the file names a place relative to the file, wherever tfkms runs from.
  std::string beside_config(const std::string& path) const {
    const std::filesystem::path given(path);
    if (given.is_absolute())
      return path;
    return (std::filesystem::path(m_path).parent_path() / given)
        .lexically_normal()
        .generic_string();
  }

  std::string fail_on(const YAML::Node& node) const {
    std::string text = scalar(node, "fail_on");
    if (text != "never" && !parse_severity(text)) {
      fail(node, "'fail_on' must be info, low, medium, high, critical or never");
    }
    return text;
  }

  /// A registered rule id written in any case, as its canonical spelling.
  std::string rule_id(const YAML::Node& node, const std::string& where) const {
    const std::string text = scalar(node, where);
    const auto id = canonical_rule_id(text);
    if (!id)
      fail(node, unknown_rule_id_message(text) + " in '" + where + "'");
    return *id;
  }

  std::vector<std::string> rule_list(const YAML::Node& node, const std::string& key) const {
    if (!node.IsSequence())
      fail(node, "'" + key + "' must be a list of rule ids");
    std::vector<std::string> ids;
    for (const auto& item : node)
      ids.push_back(rule_id(item, key));
    return ids;
  }

  void read_trusted(const YAML::Node& node, Config& config) const {
    if (!node.IsSequence())
      fail(node, "'trusted_accounts' must be a list of account ids");
    for (const auto& item : node)
      config.trusted_accounts.push_back(account(item, "trusted_accounts"));
  }

  // account_id: "111122223333", or per path glob: {"prod/*": "111122223333", "dev/*":
  // "444455556666"}.
  void read_account(const YAML::Node& node, Config& config) const {
    if (!node.IsMap()) {
      config.account_id = account(node, "account_id");
      return;
    }
    each_entry(node, "'account_id'", {}, [&](const std::string& glob, const YAML::Node& value) {
      config.account_by_path.emplace_back(glob, account(value, "account_id." + glob));
    });
  }

  // organization: {scps: [root.json, [ou.json, FullAWSAccess], account.json], rcps: [...]}: each
  // entry a level, a file or a list of files.
  void read_organization(const YAML::Node& node, OrganizationFiles& organization) const {
    each_entry(node, "'organization'", {"scps", "rcps"},
               [&](const std::string& key, const YAML::Node& value) {
                 const std::string where = "organization." + key;
                 if (!value.IsSequence())
                   fail(value, "'" + where + "' must be a list of levels, root first");
                 auto& levels = key == "scps" ? organization.scps : organization.rcps;
                 for (const auto& level : value) {
                   std::vector<std::string>& files = levels.emplace_back();
                   if (!level.IsSequence()) {
                     files.push_back(policy_file(level, where));
                     continue;
                   }
                   for (const auto& item : level)
                     files.push_back(policy_file(item, where));
                   if (files.empty())
                     fail(level, "a level of '" + where + "' lists no policy");
                 }
               });
  }

  std::string policy_file(const YAML::Node& node, const std::string& where) const {
    const std::string text = scalar(node, where);
    return text == k_full_aws_access ? text : beside_config(text);
  }

  void read_exclude(const YAML::Node& node, Config& config) const {
    if (!node.IsSequence())
      fail(node, "'exclude' must be a list of path patterns (globs)");
    for (const auto& item : node)
      config.exclude.push_back(scalar(item, "exclude"));
  }

  void read_rules(const YAML::Node& node, Config& config) const {
    if (!node.IsMap())
      fail(node, "'rules' must be a mapping");
    for (const auto& entry : node)
      rule_id(entry.first, "rules");
    each_entry(node, "'rules'", {}, [&](const std::string& written, const YAML::Node& value) {
      const std::string id = *canonical_rule_id(written);
      RuleSettings& settings = config.rules[id];
      each_entry(value, "rules." + id, {"enabled", "severity"},
                 [&](const std::string& key, const YAML::Node& item) {
                   if (key == "enabled")
                     settings.enabled = boolean(item, "rules." + id + ".enabled");
                   if (key == "severity") {
                     settings.severity = parse_severity(scalar(item, "rules." + id + ".severity"));
                     if (!settings.severity)
                       fail(item, "'rules." + id +
                                      ".severity' must be info, low, medium, high or critical");
                   }
                 });
    });
  }

  void read_ignore(const YAML::Node& node, Config& config) const {
    if (!node.IsSequence())
      fail(node, "'ignore' must be a list of {rule, resource, reason}");
    for (const auto& item : node) {
      IgnoreEntry entry;
      entry.line = static_cast<std::uint32_t>(item.Mark().line + 1);
      each_entry(item, "an 'ignore' entry", {"rule", "resource", "reason"},
                 [&](const std::string& key, const YAML::Node& value) {
                   const bool every = value.IsScalar() && value.Scalar() == "*";
                   if (key == "rule")
                     entry.rule = every ? "*" : rule_id(value, "ignore.rule");
                   if (key == "resource")
                     entry.resource = scalar(value, "ignore.resource");
                   if (key == "reason")
                     entry.reason = scalar(value, "ignore.reason");
                 });
      if (entry.rule.empty())
        fail(item, "'ignore' entry needs 'rule' (a rule id or \"*\")");
      if (entry.resource.empty())
        fail(item, "'ignore' entry needs 'resource' (an address or glob)");
      if (entry.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
        fail(item,
             "'ignore' entry for " + entry.rule + " on " + entry.resource + " needs a 'reason'");
      }
      config.ignore.push_back(std::move(entry));
    }
  }

  void read_limits(const YAML::Node& node, loaders::Limits& limits) const {
    each_entry(node, "'limits'",
               {"max_input_bytes", "max_depth", "max_string_bytes", "max_yaml_aliases",
                "max_statements", "max_condition_values"},
               [&](const std::string& key, const YAML::Node& value) {
                 const std::size_t number = positive(value, "limits." + key);
                 if (key == "max_input_bytes")
                   limits.max_input_bytes = number;
                 if (key == "max_depth")
                   limits.max_depth = number;
                 if (key == "max_string_bytes")
                   limits.max_string_bytes = number;
                 if (key == "max_yaml_aliases")
                   limits.max_yaml_aliases = number;
                 if (key == "max_statements")
                   limits.max_statements = number;
                 if (key == "max_condition_values")
                   limits.max_condition_values = number;
               });
  }

  std::string m_path;
};

} // namespace

bool Config::is_trusted(std::string_view account) const {
  if (account_id && *account_id == account)
    return true;
  return std::find(trusted_accounts.begin(), trusted_accounts.end(), account) !=
         trusted_accounts.end();
}

model::Result<Config> parse_config(std::string_view text, const std::string& path) {
  const Reader reader(path);
  try {
    return reader.read(YAML::Load(std::string(text)));
  } catch (const ConfigError& error) {
    return error.diagnostic;
  } catch (const YAML::Exception& error) {
    model::Diagnostic diagnostic;
    diagnostic.file = path;
    if (error.mark.line >= 0) {
      diagnostic.line = static_cast<std::uint32_t>(error.mark.line + 1);
      diagnostic.column = static_cast<std::uint32_t>(error.mark.column + 1);
    }
    diagnostic.message = "not valid YAML: " + error.msg;
    return diagnostic;
  }
}

model::Result<std::optional<std::string>> find_config_file(const std::filesystem::path& start) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path origin = fs::absolute(start, error);
  for (fs::path folder = origin;; folder = folder.parent_path()) {
    std::vector<fs::path> found;
    for (const char* name : {".tfkms.yml", ".tfkms.yaml"}) {
      // Named as the user would from `start` (".tfkms.yml", "../.tfkms.yml").
      const fs::path candidate = folder / name;
      if (fs::is_regular_file(candidate, error))
        found.push_back(candidate.lexically_relative(origin));
    }
    if (found.size() > 1) {
      model::Diagnostic diagnostic;
      diagnostic.file = found[1].string();
      diagnostic.message =
          "both .tfkms.yml and .tfkms.yaml are here; keep one (or choose with --config)";
      return diagnostic;
    }
    if (found.size() == 1)
      return std::optional<std::string>(found[0].string());
    const bool repository_root = fs::exists(folder / ".git", error);
    if (repository_root || folder == folder.parent_path())
      return std::optional<std::string>();
  }
}

model::Result<Config> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    model::Diagnostic diagnostic;
    diagnostic.file = path;
    diagnostic.message = "cannot read the configuration file";
    return diagnostic;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

} // namespace tfkms::rules
