#include "llmplan/cost/costing.hpp"

namespace llmplan {

namespace {
constexpr Costing k_all[] = {Costing::prompt,        Costing::retrieval,    Costing::long_context, Costing::adapter,
                             Costing::hosted_tuning, Costing::distillation, Costing::full,         Costing::preference,
                             Costing::continued,     Costing::scratch};
}  // namespace

std::string_view costing_name(Costing kind) {
  switch (kind) {
    case Costing::prompt: return "prompt";
    case Costing::retrieval: return "retrieval";
    case Costing::long_context: return "long-context";
    case Costing::adapter: return "adapter";
    case Costing::hosted_tuning: return "hosted-tuning";
    case Costing::distillation: return "distillation";
    case Costing::full: return "full";
    case Costing::preference: return "preference";
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
    case Costing::retrieval:
    case Costing::long_context:
    case Costing::hosted_tuning: return false;
    case Costing::adapter:
    case Costing::distillation:
    case Costing::full:
    case Costing::preference:
    case Costing::continued:
    case Costing::scratch: return true;
  }
  return false;  // unreachable
}

bool costing_changes_weights(Costing kind) {
  return kind == Costing::hosted_tuning || costing_trains(kind);
}

bool costing_finetunes(Costing kind) {
  switch (kind) {
    case Costing::adapter:
    case Costing::distillation:
    case Costing::full:
    case Costing::preference: return true;
    case Costing::prompt:
    case Costing::retrieval:
    case Costing::long_context:
    case Costing::hosted_tuning:
    case Costing::continued:
    case Costing::scratch: return false;
  }
  return false;  // unreachable
}

const std::vector<std::string>& costing_methods(Costing kind) {
  static const std::vector<std::string> none;
  static const std::vector<std::string> adapters{"lora", "qlora"};
  static const std::vector<std::string> full{"full"};
  // A student and a preference tune may be adapters or full weights, as the search finds cheaper.
  static const std::vector<std::string> any{"lora", "qlora", "full"};
  switch (kind) {
    case Costing::prompt:
    case Costing::retrieval:
    case Costing::long_context:
    case Costing::hosted_tuning: return none;
    case Costing::adapter: return adapters;
    case Costing::distillation:
    case Costing::preference: return any;
    case Costing::full:
    case Costing::continued:
    case Costing::scratch: return full;
  }
  return none;  // unreachable
}

}  // namespace llmplan
