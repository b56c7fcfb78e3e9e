#pragma once

#include <optional>
#include <string>
#include <vector>

#include "llmplan/cost/catalog.hpp"
#include "llmplan/cost/costing.hpp"
#include "llmplan/input/facts.hpp"
#include "llmplan/input/profile.hpp"

namespace llmplan {

ModelShape shape_for_params(double params);

/// A figure the estimate assumed, with its reason, shown to the user.
struct Note {
  std::string name;
  Value value;
  std::string why;
};

/// How training is done: `full` (every weight), `lora`, `qlora`.
struct TrainingRequest {
  std::string method = "full";
  ModelShape model;
  double tokens = 0;
  const Gpu* gpu = nullptr;
  int gpus = 1;
  int seq_len = 0;  ///< 0: the cost model's default
  int micro_batch = 1;
  bool checkpointing = true;
  int lora_rank = 0;                          ///< 0: the cost model's default
  std::string lora_targets = "all";           ///< all (q k v o gate up down), attention (q k v o), qv
  int zero_stage = -1;                        ///< ZeRO sharding 0-3; -1: 3 for full-weight training on several GPUs, else 0
  std::optional<double> grid_kgco2e_per_kwh;  ///< default: the cost model's
  std::optional<double> pue;                  ///< default: the cost model's
  std::optional<double> utilization;          ///< default: the cost model's, by kind of job
  bool finetune = false;                      ///< a fine-tune (short padded sequences) rather than pretraining
  std::optional<double> price_per_gpu_hour;
  bool owned = false;  ///< owned GPUs cost their energy, not rent
};

/// Per-GPU memory in GiB, as a sum of parts.
struct MemoryEstimate {
  double weights = 0;
  double gradients = 0;
  double optimizer = 0;
  double activations = 0;
  double overhead = 0;
  double total = 0;
  double gpu_gib = 0;
  bool fits = false;
};

struct TrainingEstimate {
  double flops = 0;
  double trainable_params = 0;
  Range gpu_hours;
  Range wall_clock_days;
  Range cost_usd;
  Range energy_kwh;        ///< GPU-hours x board power x PUE
  Range emissions_kgco2e;  ///< energy x grid intensity
  MemoryEstimate memory;
  std::vector<Note> notes;
};

MemoryEstimate estimate_memory(const TrainingRequest& request, const Catalog& catalog);

/// Adapter parameters of LoRA with the request's rank and target modules.
double lora_trainable_params(const TrainingRequest& request, const Catalog& catalog);

/// True when `targets` names a known set of LoRA target modules.
bool valid_lora_targets(const std::string& targets);
TrainingEstimate estimate_training(const TrainingRequest& request, const Catalog& catalog);

/// Compute, time, cost and memory of one job, without the notes (the inner loop of a search).
TrainingEstimate estimate_training_figures(const TrainingRequest& request, const Catalog& catalog);

/// The assumptions behind one training estimate, for people.
std::vector<Note> estimate_training_notes(const TrainingRequest& request, const Catalog& catalog);

}  // namespace llmplan
