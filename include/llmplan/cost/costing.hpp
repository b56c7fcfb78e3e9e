#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmplan {

/// The ways the cost model prices a strategy. A strategy of the rule set names one with
/// `costing:`; everything the program does with a strategy follows from its costing kind, never
/// from its id. Adding a kind means adding it here and to every `switch` over it (none has a
/// `default`, so the compiler points at each place).
enum class Costing {
  prompt,         ///< an existing model prompted with instructions and examples
  retrieval,      ///< passages retrieved from the corpus into the prompt
  long_context,   ///< the whole corpus in a cached prompt of a long-context model
  adapter,        ///< LoRA / QLoRA adapters on a frozen open model
  hosted_tuning,  ///< a vendor's fine-tuning service trains and serves the tuned model
  distillation,   ///< a teacher labels inputs; a small open model is tuned on them and served
  full,           ///< every weight of an open model tuned on labeled examples
  preference,     ///< preference optimisation (DPO) on chosen/rejected pairs
  continued,      ///< next-token training on domain text, then a fine-tune
  scratch,        ///< a new model from random weights
};

/// The name a rule set writes (`costing: adapter`).
std::string_view costing_name(Costing kind);

/// The kind a name stands for, or nullopt.
std::optional<Costing> costing_from_name(std::string_view name);

/// Every kind's name, in declaration order (for messages and suggestions).
const std::vector<std::string_view>& costing_names();

/// True when a strategy of this kind runs a training job on GPUs the plan rents or owns (and so
/// has a GPU plan, memory, training time and attempts).
bool costing_trains(Costing kind);

/// True when a strategy of this kind changes a model's weights, on own GPUs or a vendor's.
bool costing_changes_weights(Costing kind);

/// True when a strategy of this kind tunes an existing model on examples (or pairs) on GPUs:
/// its runs are fine-tunes, with epochs and tuning attempts.
bool costing_finetunes(Costing kind);

/// The training methods the plan search tries for the kind, cheapest in memory last (empty when
/// nothing is trained on GPUs).
const std::vector<std::string>& costing_methods(Costing kind);

}  // namespace llmplan
