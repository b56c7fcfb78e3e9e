// The benchmark's yardstick: a program that only starts, reads a profile with yaml-cpp and
// prints it as JSON. `llmplan advise` is measured against it (docs/performance.md).
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

namespace {
nlohmann::json to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = to_json(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar: return node.as<std::string>();
    default: return nullptr;
  }
}
}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--parse-all") {
    // The batch yardstick: yaml-cpp alone parsing every document of a stream, printing a count.
    try {
      std::cout << YAML::LoadAllFromFile(argv[2]).size() << "\n";
    } catch (const std::exception& e) {
      std::cerr << e.what() << "\n";
      return 2;
    }
    return 0;
  }
  if (argc != 2) {
    std::cerr << "usage: llmplan_baseline PROFILE | --parse-all STREAM\n";
    return 2;
  }
  try {
    std::cout << to_json(YAML::LoadFile(argv[1])).dump(2) << "\n";
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  return 0;
}
