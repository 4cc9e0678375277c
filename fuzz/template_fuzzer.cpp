// Fuzz target: a CloudFormation template (YAML or JSON) through the loader and every rule, as
// `tfkms check` runs it.
#include "loaders/cloudformation.hpp"
#include "rules/engine.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool json = !text.empty() && text.front() == '{';
  tfkms::loaders::LoadOptions options;
  options.parameters["Environment"] = "prod";
  auto input =
      tfkms::loaders::load_cloudformation(text, "fuzz.template",
                                          json ? tfkms::loaders::InputKind::cloudformation_json
                                               : tfkms::loaders::InputKind::cloudformation_yaml,
                                          options);
  if (!input)
    return 0;
  const tfkms::rules::Config config;
  (void)tfkms::rules::run_rules(input.value().graph, config, {});
  return 0;
}
