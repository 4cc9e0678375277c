#pragma once
// The fields of an ARN and the shape of an account ID, read the same way by the loaders, the graph
// and the policy evaluator.
#include <optional>
#include <string_view>

namespace tfkms::model {

/// arn:partition:service:region:account:resource, as views into the ARN.
struct ArnParts {
  std::string_view partition, service, region, account, resource;
};

/// Splits `text` ("arn:partition:service:region:account:resource"); nothing when it does not start
/// with "arn" or has fewer fields. The resource keeps any further colons.
[[nodiscard]] std::optional<ArnParts> split_arn(std::string_view text);

/// Twelve decimal digits: the form of an AWS account ID.
[[nodiscard]] bool is_account_id(std::string_view text);

} // namespace tfkms::model
