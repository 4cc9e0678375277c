#include "run/organization.hpp"

#include "loaders/input.hpp"
#include "loaders/policy_limits.hpp"

#include <algorithm>
#include <filesystem>

namespace tfkms::run {

namespace {

model::Diagnostic problem(const std::string& file, std::string message) {
  model::Diagnostic diagnostic;
  diagnostic.file = file;
  diagnostic.message = std::move(message);
  return diagnostic;
}

// AWS's managed SCP FullAWSAccess [ORG-SCP]: allows every action on every resource.
nlohmann::json full_aws_access() {
  return nlohmann::json::parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})");
}

model::Result<model::OrganizationPolicy> read_file(const std::string& path,
                                                   model::OrganizationPolicyType type,
                                                   std::size_t level,
                                                   const loaders::Limits& limits) {
  model::OrganizationPolicy policy;
  policy.type = type;
  policy.configured_level = level;
  policy.document.state = model::PolicySource::State::document;
  if (path == rules::k_full_aws_access) {
    policy.name = path;
    policy.document.document = full_aws_access();
    return policy;
  }
  auto text = loaders::read_input(path, limits);
  if (!text)
    return std::move(text.error());
  try {
    policy.document.document = nlohmann::json::parse(text.value().text());
  } catch (const nlohmann::json::exception& error) {
    return problem(path, std::string("not a policy document: ") + error.what());
  }
  if (const auto breach = loaders::policy_limit_breach(policy.document.document, limits))
    return problem(path, *breach);
  policy.name = std::filesystem::path(path).filename().string();
  policy.source.file = path;
  policy.document.where.file = path;
  return policy;
}

bool has_allow(const nlohmann::json& document) {
  const auto statements = document.find("Statement");
  if (statements == document.end())
    return false;
  const auto allows = [](const nlohmann::json& statement) {
    return statement.is_object() && statement.value("Effect", nlohmann::json()) == "Allow";
  };
  return statements->is_array() ? std::any_of(statements->begin(), statements->end(), allows)
                                : allows(*statements);
}

} // namespace

model::Result<std::vector<model::OrganizationPolicy>>
read_organization(const rules::OrganizationFiles& files, const loaders::Limits& limits) {
  std::vector<model::OrganizationPolicy> out;
  for (const auto type : {model::OrganizationPolicyType::service_control,
                          model::OrganizationPolicyType::resource_control}) {
    const bool scp = type == model::OrganizationPolicyType::service_control;
    const auto& levels = scp ? files.scps : files.rcps;
    for (std::size_t level = 0; level < levels.size(); ++level) {
      bool allows = false;
      for (const std::string& path : levels[level]) {
        auto policy = read_file(path, type, level, limits);
        if (!policy)
          return std::move(policy.error());
        allows = allows || has_allow(policy.value().document.document);
        out.push_back(std::move(policy.value()));
      }
      // Every SCP level must allow a call [ORG-SCP]; RCPs need no Allow (RCPFullAWSAccess is
      // implied).
      if (scp && !allows) {
        return problem(levels[level].front(),
                       "SCP level " + std::to_string(level) +
                           " of organization.scps has no Allow statement, so AWS would deny "
                           "every call of the account; list FullAWSAccess in that level if it "
                           "is attached there");
      }
    }
  }
  return out;
}

} // namespace tfkms::run
