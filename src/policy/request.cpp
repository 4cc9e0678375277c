// Preparing a request: who calls, which action, which key, and the request context with the keys
// every signed request carries (kms-reference §2.3, [IAM-GLOBAL]).
#include "policy/condition.hpp"
#include "policy/evaluate.hpp"
#include "policy/match.hpp"

#include <algorithm>

namespace tfkms::policy {

namespace {

model::Diagnostic problem(std::string message) {
  model::Diagnostic diagnostic;
  diagnostic.message = std::move(message);
  return diagnostic;
}

std::string_view last_segment(std::string_view path) { return path.substr(path.rfind('/') + 1); }

// Fills caller, partition, account, role name and aws:PrincipalArn from the principal text.
bool identify_caller(std::string_view text, PreparedRequest& out) {
  if (is_account_id(text)) {
    out.caller = CallerType::account_root;
    out.partition = "aws";
    out.caller_account = std::string(text);
    out.principal_arn = "arn:aws:iam::" + out.caller_account + ":root";
    return true;
  }
  const auto arn = split_arn(text);
  if (!arn) {
    // Service principals are DNS-like names: logs.amazonaws.com, logs.us-east-1.amazonaws.com.
    if (text.find('.') == std::string_view::npos || text.find(':') != std::string_view::npos)
      return false;
    out.caller = CallerType::service;
    out.partition = "aws";
    return true;
  }
  if (!is_account_id(arn->account))
    return false;
  out.partition = std::string(arn->partition);
  out.caller_account = std::string(arn->account);
  const std::string_view resource = arn->resource;
  const std::string iam_prefix = "arn:" + out.partition + ":iam::" + out.caller_account + ":";
  if (arn->service == "iam" && resource == "root") {
    out.caller = CallerType::account_root;
    out.principal_arn = std::string(text);
  } else if (arn->service == "iam" && resource.starts_with("user/")) {
    out.caller = CallerType::user;
    out.principal_arn = std::string(text);
  } else if (arn->service == "iam" && resource.starts_with("role/")) {
    out.caller = CallerType::role;
    out.role_name = std::string(last_segment(resource));
    out.principal_arn = std::string(text);
  } else if (arn->service == "sts" && resource.starts_with("assumed-role/")) {
    const std::string_view rest = resource.substr(13);
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0)
      return false;
    out.caller = CallerType::assumed_role;
    out.role_name = std::string(rest.substr(0, slash));
    // aws:PrincipalArn of a session is its role's ARN [IAM-GLOBAL] (the session ARN has no role
    // path).
    out.principal_arn = iam_prefix + "role/" + out.role_name;
  } else if (arn->service == "sts" && resource.starts_with("federated-user/")) {
    out.caller = CallerType::federated_user;
    out.principal_arn = std::string(text);
  } else {
    return false;
  }
  return true;
}

std::string_view principal_type_value(CallerType caller) {
  switch (caller) {
  case CallerType::account_root:
    return "Account";
  case CallerType::user:
    return "User";
  case CallerType::role:
  case CallerType::assumed_role:
    return "AssumedRole";
  case CallerType::federated_user:
    return "FederatedUser";
  case CallerType::service:
    return "AWSService";
  }
  return "";
}

void add_default(std::vector<ContextEntry>& context, std::string_view key_lower,
                 std::string value) {
  const bool present = std::any_of(context.begin(), context.end(),
                                   [&](const ContextEntry& e) { return e.key == key_lower; });
  if (!present)
    context.push_back({std::string(key_lower), {std::move(value)}});
}

} // namespace

const ActionInfo& PreparedRequest::action_info() const { return policy::action_info(action); }

const std::vector<std::string>* PreparedRequest::find(std::string_view key_lower) const {
  const auto it = std::lower_bound(
      context.begin(), context.end(), key_lower,
      [](const ContextEntry& entry, std::string_view key) { return entry.key < key; });
  if (it == context.end() || it->key != key_lower)
    return nullptr;
  return &it->values;
}

bool same_derived_context(ActionIndex a, ActionIndex b) {
  return action_info(a).caller_account_key == action_info(b).caller_account_key;
}

model::Result<PreparedRequest> prepare(const Request& request) {
  PreparedRequest out;
  out.principal = request.principal;
  if (!identify_caller(request.principal, out))
    return problem("principal \"" + request.principal +
                   "\" is not an account, user, role, session or service principal");
  if (request.principal_type)
    out.caller = *request.principal_type;
  auto action = find_action(request.action);
  if (!action)
    action = find_store_action(request.action);
  if (!action)
    return problem("unknown KMS action \"" + request.action + "\"");
  out.action = *action;
  out.resource = request.resource;
  if (const auto arn = split_arn(request.resource)) {
    out.key_account = std::string(arn->account);
    // A key ARN always names its account; a store's may not (S3 ARNs never do) [IAM-RESOURCE].
    out.resource_is_arn = !out.key_account.empty() || !out.action_info().key_resource;
  }

  for (const ContextEntry& entry : request.context) {
    ContextEntry lowered{to_lower(entry.key), entry.values};
    // A single-valued key carries one value; extra values given for it are ignored (as AWS never
    // sends them) so that only ArrayOf... keys behave as sets [IAM-MULTI].
    if (!detail::is_multi_valued_key(lowered.key) && lowered.values.size() > 1)
      lowered.values.resize(1);
    const auto same = std::find_if(out.context.begin(), out.context.end(),
                                   [&](const ContextEntry& e) { return e.key == lowered.key; });
    if (same != out.context.end())
      *same = std::move(lowered);
    else
      out.context.push_back(std::move(lowered));
  }

  // Keys every signed request carries, when the caller did not give them.
  if (out.caller == CallerType::service) {
    // [OPEN] §9.8: no account keys (kms:CallerAccount, aws:PrincipalAccount) for a service
    // principal calling directly; aws:PrincipalIsAWSService is true only then [IAM-GLOBAL].
    add_default(out.context, "aws:principalisawsservice", "true");
    add_default(out.context, "aws:principalservicename", out.principal);
  } else {
    add_default(out.context, "aws:principalarn", out.principal_arn);
    add_default(out.context, "aws:principalaccount", out.caller_account);
    add_default(out.context, "aws:principaltype", std::string(principal_type_value(out.caller)));
    add_default(out.context, "aws:principalisawsservice", "false");
    if (out.action_info().caller_account_key)
      add_default(out.context, "kms:calleraccount", out.caller_account);
    if (out.caller == CallerType::user)
      add_default(out.context, "aws:username", std::string(last_segment(out.principal)));
  }
  std::sort(out.context.begin(), out.context.end(),
            [](const ContextEntry& a, const ContextEntry& b) { return a.key < b.key; });
  return out;
}

} // namespace tfkms::policy
