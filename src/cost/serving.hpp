#pragma once

#include <string>

#include "llmplan/cost/plan.hpp"

namespace llmplan::detail {

/// Monthly cost of serving and how, for people (describe_serving()).
struct Serving {
  Range monthly;
  mutable std::string description;  ///< read it through describe_serving()
  ServingPlan plan;
  ServingGpus where;
  bool feasible = true;
  std::string problem;  ///< why no GPU plan meets the profile ("" when one does)
  /// True while a GPU plan's description is still to be written: describe_serving() writes it
  /// into `description` on first read, from `where`, `plan` and the fields below. Most plans a
  /// search prices are compared and dropped unread, and a plan kept is read by every strategy
  /// that serves its model. (A Serving stays on the thread that priced it: TrainingPlanMemo is
  /// per thread, so the write needs no lock.)
  mutable bool described_on_demand = false;
  const Gpu* owned_elsewhere = nullptr;  ///< the owned GPU, when the plan runs on another type
  int owned_count = 0;
  bool owned_hold = false;  ///< whether the owned GPUs could hold the model
};

/// The serving plan in words: "rented l4 x1, 1 replica always on for the busiest hour", ...
const std::string& describe_serving(const Serving& s);

/// The request sizes a plan serves: the profile's input and output plus what the strategy adds
/// to every prompt (examples, passages, a schema), and which of the added tokens are a static
/// prefix an API may cache.
struct RequestShape {
  Range extra;  ///< tokens added to every prompt
  bool cacheable = false;
  double fixed_latency_ms = 0;  ///< added to every request (retrieval)
};

double tokens_per_request(const Profile& p);

/// Whether the searches may skip GPUs by their cost floor (set_search_floors()).
bool search_floors();

/// The bar a GPU's cost floor must pass to be skipped, from the cost of a plan found. The floor
/// and the cost multiply the same figures in another order: the margin keeps a floor that
/// equals a cost but for rounding from passing over it.
inline double floor_bar(double cost) {
  return cost * (1 + 1e-9);
}

/// Everything of the profile, the volume and the catalog that plan_self_hosted() reads: plans
/// for equal contexts (and equal models and shapes) are equal. Compared bit for bit.
struct ServingContext {
  const Catalog* catalog = nullptr;
  double requests = 0;       ///< a month
  double input = 0;          ///< tokens per request, before what the strategy adds
  double output = 0;         ///< tokens per answer
  double peak_to_mean = 0;   ///< the busiest hour over the month's mean
  double limit_ms = 0;       ///< latency limit, 0 when none
  const Gpu* own = nullptr;  ///< the owned GPU type, when the profile owns GPUs the catalog knows
  int have = 0;              ///< owned GPUs of that type

  bool operator==(const ServingContext& o) const;
};
ServingContext serving_context(double requests, const Profile& p, const Catalog& c);

/// The cheapest way to self-host `model` that holds the busiest hour: owned GPUs first (renting
/// what they lack), else the rentable GPU type with the lowest cost per token, dedicated or
/// scale-to-zero, that meets the latency limit.
Serving plan_self_hosted(const ModelShape& model, const RequestShape& shape, const ServingContext& x);

/// Monthly cost on the GPUs chosen by plan_self_hosted at another volume (for break-even).
Range self_hosted_monthly_at(const ModelShape& model, const ServingGpus& where, const RequestShape& shape, double requests,
                             const Profile& p, const Catalog& c);

/// A hosted API at the profile's volume: batch prices when the work can wait, the static prompt
/// at the cached-input price when the API caches, latency from the catalog or the defaults.
/// Without `texts`, the figures only (no description, problem, kind or model name): a
/// candidate the search will not keep needs no words.
Serving api_serving(const ApiPrice& api, const RequestShape& shape, double requests, const Profile& p, const Catalog& c,
                    bool texts = true);

/// The monthly cost of api_serving() alone, without its description (break-even searches).
Range api_monthly(const ApiPrice& api, const RequestShape& shape, double requests, const Profile& p, const Catalog& c);

/// The share of requests that find a cached prompt prefix: a request hits when another came
/// within the cache's lifetime before it (Poisson arrivals at the month's mean rate).
double cache_hit_share(double requests, const Catalog& c);

/// An offline job (a teacher labelling inputs): on the owned GPUs when they hold the model (their
/// energy only), else the cheapest rentable GPU type and count that holds it; its cost and
/// GPU-hours.
struct OfflineJob {
  const Gpu* gpu = nullptr;
  int gpus = 0;
  bool owned = false;
  Range cost;
  double gpu_hours = 0;
};
OfflineJob offline_inference(const ModelShape& model, double input_tokens, double output_tokens, double sequences,
                             const Profile& p, const Catalog& c);

/// True when the profile's traffic is interactive (batch prices do not apply).
bool interactive(const Profile& p);

/// The latency limit in ms, or 0 when none (or when answers may wait).
double latency_limit_ms(const Profile& p);

}  // namespace llmplan::detail
