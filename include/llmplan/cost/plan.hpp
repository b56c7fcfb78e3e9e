#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "llmplan/cost/catalog.hpp"
#include "llmplan/cost/costing.hpp"
#include "llmplan/cost/estimate.hpp"
#include "llmplan/input/facts.hpp"
#include "llmplan/input/profile.hpp"

namespace llmplan {

/// The GPUs that serve a self-hosted model, sized for the busiest hour.
struct ServingGpus {
  const Gpu* gpu = nullptr;
  int count = 0;            ///< GPUs in use at the busiest hour (replicas x per replica)
  bool owned = false;       ///< some or all of them are owned
  int per_replica = 1;      ///< GPUs that hold one copy of the weights
  int replicas = 0;         ///< copies at the busiest hour
  int owned_gpus = 0;       ///< of `count`, owned
  int batch = 1;            ///< requests decoded together on one replica
  bool serverless = false;  ///< scale-to-zero workers billed per busy second
};

/// Replicas x GPUs per replica, at most 10^9: replicas are bounded at 10^8, and a replica on
/// owned GPUs may span up to the owned count, so the product is counted without overflow.
int gpus_in_use(int replicas, int per_replica);

/// How requests are served, as the `plan.serving` object of cli.md.
struct ServingPlan {
  std::string kind = "none";  ///< api, dedicated, serverless, owned, none
  std::string model;          ///< the served model or API id
  std::string gpu;
  int gpus_per_replica = 0;
  int replicas = 0;
  int owned_gpus = 0;
  int rented_gpus = 0;
  double latency_ms = 0;        ///< one request at the profile's sizes, at the busiest hour
  bool meets_latency = true;    ///< against constraints.max_latency_ms (true when none)
  double usd_per_m_tokens = 0;  ///< expected monthly cost over the month's tokens
  bool batch_prices = false;    ///< an API's batch prices (usage.interactive: false)
  bool cached_prompt = false;   ///< the static prompt is billed at the cached-input price
};

/// A plan that was priced but not kept: for `--explain` and the JSON's `runner_up`.
struct PlanAlternative {
  std::string model;
  std::string api_model;
  std::string label;
  Range horizon_usd;
  bool feasible = true;
  std::string why;  ///< why the kept plan won, or what this one fails
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
  std::string serving;            ///< how requests are served, for people
  std::string api;                ///< the hosted API that serves requests, or "" when self-hosted
  ModelShape serving_model;       ///< the model served when self-hosted
  ServingGpus serving_gpus;       ///< the GPUs that serve it
  Range added_prompt_tokens;      ///< examples or passages added to every prompt
  bool prompt_cacheable = false;  ///< the added tokens are a static prefix an API may cache
  std::vector<Note> notes;
  // The searched plan (cli.md `plan`).
  std::string plan_model;  ///< open-weight model tuned or served ("" when none)
  std::string plan_api;    ///< hosted model prompted ("" when none)
  int seq_len = 0;         ///< training sequence length (0 when nothing is trained)
  ServingPlan serving_plan;
  std::string price_date;           ///< the oldest price the figures use
  std::string label;                ///< the plan in a few words, for the table
  bool feasible = true;             ///< the search found a plan that meets every constraint
  std::string problem;              ///< what the kept plan fails when none meets them all
  std::optional<Range> people_usd;  ///< people's time at team.hourly_usd, when given
  std::optional<PlanAlternative> runner_up;
  int candidates = 0;                ///< plans the search priced
  int model_tier = 0;                ///< quality tier of the model or API used (0: none cited)
  std::string training_provider;     ///< who trains: "self" (GPUs rented or owned), "api" (a vendor), "" (nothing)
  std::string teacher;               ///< distillation: the model or API that labels the inputs ("" otherwise)
  std::string retirement;            ///< the earliest announced end of the hosted service the plan needs, or ""
  double months_to_retirement = -1;  ///< months from today to `retirement` (negative: none announced)
  std::string limit;                 ///< what the closest plan fails when infeasible: context, memory, examples, catalog, policy,
                                     ///< latency, deadline, gpus ("" when feasible)
};

/// How much of a strategy's plan the caller needs.
enum class PlanDetail {
  full,     ///< the kept plan and its runner-up (advise)
  ranking,  ///< the kept plan only, `runner_up` left empty: what ranking reads (what-ifs)
};

/// Prices a strategy of the given costing kind for a profile. The kept plan is the same at
/// either detail; without the runner-up, the search of trained models stops pricing a model
/// sooner (when its serving alone costs more than the best plan, not the second best).
StrategyCost estimate_strategy(Costing kind, const Profile& profile, const Catalog& catalog,
                               PlanDetail detail = PlanDetail::full);

/// The training and serving searches skip rented GPUs whose cost floor is above a plan already
/// found (the result is the same; tests compare it with the searches that try every GPU). On by
/// default; process-wide, for tests and benchmarks only.
void set_search_floors(bool on);

/// The strategy's monthly inference cost at another request volume (for break-even).
Range monthly_usd_at(const StrategyCost& cost, double requests, const Profile& profile, const Catalog& catalog);

/// Writes a strategy's cost figures into facts (`cost.*`, `memory.*`, `plan.*`) for the rules.
void set_cost_facts(const StrategyCost& cost, Facts& facts);

/// Whether two sets of profile facts agree on every fact the pricing reads: if so, pricing
/// either gives the same costs (what-if searches use this to price once and score again).
bool same_pricing_inputs(const Facts& a, const Facts& b);

/// While one is alive, the training plans that this thread's pricing finds are remembered and
/// reused for equal inputs (the training request, the methods, the owned GPUs, the limits and
/// the catalog). What-if searches install one: most probes (volume, budgets, latency) change
/// what is served but not what is trained, and the training search is most of pricing. One per
/// thread at a time; results are the same with or without it.
class TrainingPlanMemo {
 public:
  TrainingPlanMemo();
  ~TrainingPlanMemo();
  TrainingPlanMemo(const TrainingPlanMemo&) = delete;
  TrainingPlanMemo& operator=(const TrainingPlanMemo&) = delete;
  struct Entries;

 private:
  std::unique_ptr<Entries> m_entries;
  Entries* m_outer = nullptr;
};

/// A TrainingPlanMemo for one evaluation (every strategy of a profile), unless the thread has
/// one already (a what-if search's): the training strategies serve the same candidate models,
/// and the kept plan of each is the one found while comparing the candidates.
class PricingScope {
 public:
  PricingScope();

 private:
  std::optional<TrainingPlanMemo> m_memo;
};

}  // namespace llmplan
