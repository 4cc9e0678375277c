// Prints a YAML file as JSON, so the action test (action_test.py) reads action.yml with a real YAML
// parser (yaml-cpp, already a tfkms dependency) instead of a hand-written subset.
// Usage: tfkms_yaml_to_json FILE. Scalars stay strings: the test compares them as GitHub reads
// them.
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <iostream>

namespace {

nlohmann::json to_json(const YAML::Node& node) {
  switch (node.Type()) {
  case YAML::NodeType::Map: {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& entry : node)
      out[entry.first.as<std::string>()] = to_json(entry.second);
    return out;
  }
  case YAML::NodeType::Sequence: {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : node)
      out.push_back(to_json(item));
    return out;
  }
  case YAML::NodeType::Scalar:
    return node.as<std::string>();
  case YAML::NodeType::Null:
  case YAML::NodeType::Undefined:
    return nullptr;
  }
  return nullptr;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: tfkms_yaml_to_json FILE\n";
    return 2;
  }
  try {
    std::cout << to_json(YAML::LoadFile(argv[1])).dump(2) << '\n';
  } catch (const YAML::Exception& error) {
    std::cerr << argv[1] << ": " << error.what() << '\n';
    return 1;
  }
  return 0;
}
