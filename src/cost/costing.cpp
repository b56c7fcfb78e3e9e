#include "llmplan/cost/costing.hpp"

namespace llmplan {

namespace {
constexpr Costing k_all[] = {Costing::prompt, Costing::retrieval, Costing::adapter,
                             Costing::full,   Costing::continued, Costing::scratch};
}  // namespace

std::string_view costing_name(Costing kind) {
  switch (kind) {
    case Costing::prompt: return "prompt";
    case Costing::retrieval: return "retrieval";
    case Costing::adapter: return "adapter";
    case Costing::full: return "full";
    case Costing::continued: return "continued";
    case Costing::scratch: return "scratch";
  }
  return "";  // unreachable: every kind is handled above
}

const std::vector<std::string_view>& costing_names() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const Costing kind : k_all) out.push_back(costing_name(kind));
    return out;
  }();
  return names;
}

std::optional<Costing> costing_from_name(std::string_view name) {
  for (const Costing kind : k_all) {
    if (costing_name(kind) == name) return kind;
  }
  return std::nullopt;
}

bool costing_trains(Costing kind) {
  switch (kind) {
    case Costing::prompt:
    case Costing::retrieval: return false;
    case Costing::adapter:
    case Costing::full:
    case Costing::continued:
    case Costing::scratch: return true;
  }
  return false;  // unreachable
}

}  // namespace llmplan
