#pragma once

#include <string>
#include <vector>

#include "llmplan/cost/catalog.hpp"
#include "llmplan/cost/costing.hpp"
#include "llmplan/cost/estimate.hpp"
#include "llmplan/input/facts.hpp"
#include "llmplan/input/profile.hpp"

namespace llmplan {

/// The GPUs that serve a self-hosted model.
struct ServingGpus {
  const Gpu* gpu = nullptr;
  int count = 0;
  bool owned = false;
};

/// One strategy's plan for a profile and what it costs: training (one time) and inference
/// (monthly), with the model and GPUs it would use.
struct StrategyCost {
  Costing costing = Costing::prompt;
  std::string method;  ///< api, open-weights, lora, qlora, full, continued, scratch
  std::string model;   ///< model or API id
  double params = 0;   ///< 0 for a hosted API
  std::string gpu;     ///< training GPU ("" when nothing is trained)
  int gpus = 0;
  bool owned = false;
  double training_tokens = 0;
  double training_flops = 0;
  Range one_time_usd;
  Range monthly_usd;
  Range horizon_usd;
  Range gpu_hours;
  Range wall_clock_days;
  Range energy_kwh;        ///< training, all attempts
  Range emissions_kgco2e;  ///< training, all attempts
  MemoryEstimate memory;
  std::string serving;        ///< how requests are served, for people
  std::string api;            ///< the hosted API that serves requests, or "" when self-hosted
  ModelShape serving_model;   ///< the model served when self-hosted
  ServingGpus serving_gpus;   ///< the GPUs that serve it
  Range added_prompt_tokens;  ///< examples or passages added to every prompt
  std::vector<Note> notes;
};

/// Prices a strategy of the given costing kind for a profile.
StrategyCost estimate_strategy(Costing kind, const Profile& profile, const Catalog& catalog);

/// The strategy's monthly inference cost at another request volume (for break-even).
Range monthly_usd_at(const StrategyCost& cost, double requests, const Profile& profile, const Catalog& catalog);

/// Writes a strategy's cost figures into facts (`cost.*`, `memory.*`, `plan.*`) for the rules.
void set_cost_facts(const StrategyCost& cost, Facts& facts);

}  // namespace llmplan
