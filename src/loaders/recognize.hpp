#pragma once
// Telling the inputs tfkms reads from the other files of a repository, and what to say about the
// files that are often taken for inputs but are not.
#include "loaders/input.hpp"

#include <optional>
#include <string>

namespace tfkms::loaders {

/// For a file met while scanning a directory, judged from its content: nothing when it is, or
/// claims to be, an input (a plan, a state, a template: one that claims to be but is broken is
/// still an input, so that loading it reports the error); otherwise why it is not one ("no AWS
/// resource in its Resources section").
[[nodiscard]] std::optional<std::string> why_not_an_input(const InputText& text);

/// The same for a file met while scanning that could not be read as text (binary, another encoding,
/// too large): nothing when its first bytes name a plan, a state or a template, so that the read
/// error stands; otherwise what it is.
[[nodiscard]] std::optional<std::string> why_unreadable_is_not_an_input(const std::string& path);

/// For a file named on the command line: when it is a known non-input (Terraform configuration, a
/// binary plan, a CDK or Serverless project file), what it is and the command that makes an input
/// tfkms reads from it. Reads at most the first few bytes of the file.
[[nodiscard]] std::optional<std::string> explain_non_input(const std::string& path);

/// For a directory that holds no input: the same advice when it holds Terraform configuration or a
/// CDK app that was not synthesized, else nothing.
[[nodiscard]] std::optional<std::string>
explain_directory_without_inputs(const std::string& directory);

} // namespace tfkms::loaders
