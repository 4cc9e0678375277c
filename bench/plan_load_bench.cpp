// Loads each file given with loaders::load_file and prints the wall time and what was built, so
// bench/plan_load_bench.sh can time the loader apart from the rest of `tfkms check`.
#include "loaders/loaders.hpp"

#include <chrono>
#include <iostream>

int main(int argc, char** argv) {
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto input = tfkms::loaders::load_file(argv[i], tfkms::loaders::LoadOptions{});
    const auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!input) {
      std::cout << input.error().to_string() << "\n";
      status = 2;
      continue;
    }
    const auto& graph = input.value().graph;
    std::cout << argv[i] << ": " << seconds << " s, " << graph.keys.size() << " keys, "
              << graph.aliases.size() << " aliases, " << graph.grants.size() << " grants, "
              << graph.principals.size() << " principals, " << graph.policies.size()
              << " policies, " << graph.data_stores.size() << " data stores, "
              << graph.diagnostics.size() << " diagnostics\n";
  }
  return status;
}
