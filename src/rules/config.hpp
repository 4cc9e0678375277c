#pragma once
// The project configuration file, .tfkms.yml: which account is "ours", which other accounts count
// as internal, per-rule switches and severities, ignore entries and input limits.
#include "loaders/loaders.hpp"
#include "model/diagnostic.hpp"
#include "rules/finding.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::rules {

struct RuleSettings {
  std::optional<bool> enabled;      ///< nullopt: the rule's default (enabled)
  std::optional<Severity> severity; ///< nullopt: the rule's own severity
};

/// Silences the findings of `rule` (or "*", every rule) on resources matching `resource`, a glob
/// with `*` and `?` over the Terraform address or CloudFormation logical id.
struct IgnoreEntry {
  std::string rule;
  std::string resource;
  std::string reason; ///< required: an ignore entry without a reason is a configuration error
  std::optional<std::uint32_t> line;
};

/// Organisation policies that apply to the analysed account, as policy files (paths relative to the
/// configuration file), by level from the organisation root to the account.
struct OrganizationFiles {
  /// A file may be the word k_full_aws_access: AWS's FullAWSAccess SCP attached at that level.
  std::vector<std::vector<std::string>> scps;
  std::vector<std::vector<std::string>> rcps;
};

/// Stands for AWS's managed SCP FullAWSAccess in `organization.scps`.
inline constexpr std::string_view k_full_aws_access = "FullAWSAccess";

struct Config {
  std::string path;                      ///< the file it was read from; empty for defaults
  std::optional<std::string> account_id; ///< the deployment account, when inputs do not name it
  /// account_id given per path: (glob, account) in the file's order; the first whose glob matches
  /// an input's path wins over account_id.
  std::vector<std::pair<std::string, std::string>> account_by_path;
  std::vector<std::string>
      trusted_accounts; ///< other accounts treated as internal (TFKMS004, TFKMS002)
  std::map<std::string, RuleSettings, std::less<>> rules; ///< by rule id
  std::vector<IgnoreEntry> ignore;
  std::vector<std::string> exclude; ///< glob patterns of paths a directory scan leaves out
  OrganizationFiles organization;   ///< SCPs and RCPs kept outside the inputs
  loaders::Limits limits;
  /// Set by the run, not the file: the own account is unknown and taken to be none of the accounts
  /// the input names, so that a named account is another account (see run/account.hpp).
  bool own_account_unnamed = false;
  std::optional<std::string>
      baseline; ///< baseline file, relative paths taken from the file's folder
  std::optional<std::string> fail_on;  ///< info, low, medium, high, critical or never
  std::optional<std::string> format;   ///< standard output format; the CLI checks the name
  std::vector<std::string> only_rules; ///< run only these (canonical ids)
  std::vector<std::string> skip_rules; ///< never run these (canonical ids)

  /// True when `account` is the deployment account or one of `trusted_accounts`.
  [[nodiscard]] bool is_trusted(std::string_view account) const;
};

/// Reads `.tfkms.yml` at `path`. Fails with a diagnostic naming the file, line and key on
/// unreadable YAML, unknown keys, values of the wrong type, unknown rule ids, bad severities and
/// ignore entries without a reason.
[[nodiscard]] model::Result<Config> load_config(const std::string& path);

/// The configuration file of a run started in folder `start`: `.tfkms.yml` or `.tfkms.yaml` there
/// or in the nearest parent that has one, looking no higher than the repository root (the first
/// folder holding `.git`). Nothing when there is none; fails when one folder holds both names.
[[nodiscard]] model::Result<std::optional<std::string>>
find_config_file(const std::filesystem::path& start);

/// As load_config, from text already read (`path` is used in diagnostics).
[[nodiscard]] model::Result<Config> parse_config(std::string_view text, const std::string& path);

} // namespace tfkms::rules
