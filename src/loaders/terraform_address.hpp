#pragma once
// Terraform resource addresses: module.a["x"].module.b[0].data.aws_iam_policy_document.d["k"].
// for_each keys are arbitrary strings, so addresses are split on dots outside brackets and quotes
// only (formats.md §3).
#include <string>
#include <string_view>
#include <vector>

namespace tfkms::loaders::terraform {

/// The dot-separated steps of `address`, keeping bracketed keys with the step before them.
[[nodiscard]] std::vector<std::string_view> address_steps(std::string_view address);

/// The module instance holding `address` ("module.a[\"x\"]"), empty for the root module.
[[nodiscard]] std::string module_of(std::string_view address);

/// `module_address` without instance keys ("module.a.module.b"), as configuration names modules.
[[nodiscard]] std::string module_path(std::string_view module_address);

/// `step` without its instance key: `this["app"]` -> `this`.
[[nodiscard]] std::string_view without_key(std::string_view step);

/// `address` joined to `relative` with a dot, `relative` alone in the root module.
[[nodiscard]] std::string join_address(std::string_view module, std::string_view relative);

} // namespace tfkms::loaders::terraform
