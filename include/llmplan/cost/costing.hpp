#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace llmplan {

/// The ways the cost model prices a strategy. A strategy of the rule set names one with
/// `costing:`; everything the program does with a strategy follows from its costing kind, never
/// from its id. Adding a kind means adding it here and to every `switch` over it (none has a
/// `default`, so the compiler points at each place).
enum class Costing {
  prompt,     ///< an existing model prompted with instructions and examples
  retrieval,  ///< passages retrieved from the corpus into the prompt
  adapter,    ///< LoRA / QLoRA adapters on a frozen open model
  full,       ///< every weight of an open model tuned on labeled examples
  continued,  ///< next-token training on domain text, then a fine-tune
  scratch,    ///< a new model from random weights
};

/// The name a rule set writes (`costing: adapter`).
std::string_view costing_name(Costing kind);

/// The kind a name stands for, or nullopt.
std::optional<Costing> costing_from_name(std::string_view name);

/// Every kind's name, in declaration order (for messages and suggestions).
const std::vector<std::string_view>& costing_names();

/// True when a strategy of this kind trains weights (and so has a GPU plan, memory and a
/// break-even against prompting).
bool costing_trains(Costing kind);

}  // namespace llmplan
