#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace tfkms::model {

/// Where something came from, so findings can point at it.
struct SourceRef {
  std::string file; ///< the input as given on the command line (or the .tf / template it maps to)
  std::string address; ///< Terraform address (module.kms.aws_kms_key.this["app"]) or CloudFormation
                       ///< logical id
  std::string
      display; ///< how to name it to a reader (CDK path with logical id); empty: use `address`
  std::string
      pointer; ///< JSON Pointer into `file` (/resource_changes/4/change/after/policy), when known
  std::optional<std::uint32_t> line;   ///< 1-based, when known
  std::optional<std::uint32_t> column; ///< 1-based, when known

  [[nodiscard]] const std::string& name() const { return display.empty() ? address : display; }
};

} // namespace tfkms::model
