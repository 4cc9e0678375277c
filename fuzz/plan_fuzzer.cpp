// Fuzz target: raw bytes as `tfkms check` reads a file (encoding detection, kind detection, the
// Terraform plan/state loader or the template loader, policy limits), then every rule.
#include "loaders/input.hpp"
#include "rules/engine.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto text = tfkms::loaders::decode_input(bytes, "fuzz.tfplan.json");
  if (!text)
    return 0;
  tfkms::loaders::LoadOptions options;
  options.account_id = "111122223333";
  auto input = tfkms::loaders::load_input(std::move(text.value()), "fuzz.tfplan.json", options);
  if (!input)
    return 0;
  const tfkms::rules::Config config;
  (void)tfkms::rules::run_rules(input.value().graph, config, {});
  return 0;
}
