#include "llmplan/cost/plan.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <unordered_map>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "llmplan/output/format.hpp"
#include "pricing_facts.hpp"
#include "serving.hpp"

namespace llmplan {

// ---------------------------------------------------------------------------------------------
// Strategy plans for a profile: for each strategy the search prices every candidate model (or
// hosted API) with its cheapest training and serving, and keeps the cheapest over the horizon
// that meets the profile. docs/cost-model.md ("The plan search") describes it.

namespace {

using detail::api_serving;
using detail::plan_self_hosted;
using detail::RequestShape;
using detail::Serving;
using detail::ServingContext;
using detail::slots;

int next_power_of_two(double x) {
  int p = 1;
  while (p < x && p < (1 << 20)) p *= 2;
  return p;
}

struct Plan {
  const Gpu* gpu = nullptr;
  int gpus = 0;
  std::string method;
  TrainingEstimate estimate;
  TrainingRequest request;
  bool owned = false;
  bool on_time = true;
};

/// The cheapest way to run a training job: on owned GPUs when they hold it, else the rentable
/// GPU and count with the lowest expected cost whose memory fits and that finishes within the
/// target days. Each attempt bills at least the rented GPU's minimum.
Plan search_training_plan(TrainingRequest base, const std::vector<std::string>& methods, const Profile& p, const Catalog& c,
                          int max_gpus, double target_days) {
  // The best attempt so far; its request (base with the attempt's GPU, count, method and
  // ownership) is made once at the end rather than copied at every improvement.
  struct Attempt {
    const Gpu* gpu = nullptr;
    int gpus = 0;
    const std::string* method = nullptr;
    TrainingEstimate estimate;
    bool owned = false;
    bool on_time = true;
  };
  Attempt best;
  // Ordered preference: fits and finishes in time (cheapest), fits but late (fastest),
  // does not fit (closest to fitting).
  std::pair<int, double> best_key{3, 0};
  const Range& min_hours = c.model.training_min_billing_hours;
  const std::string* method_set = nullptr;  // the method `base` holds, of `methods`
  // A job's memory depends on the GPU only through the capacity it is compared with, so each
  // method and count is estimated once and judged against every GPU tried.
  struct KnownMemory {
    const std::string* method;
    int gpus;
    MemoryEstimate memory;
  };
  std::vector<KnownMemory> known;
  known.reserve(16);
  const auto memory_of = [&](const TrainingRequest& r, const std::string& method) {
    const Gpu& gpu = *r.gpu;
    for (const auto& k : known) {
      if (k.method == &method && k.gpus == r.gpus) {
        MemoryEstimate m = k.memory;
        m.gpu_gib = gpu.memory_gib;
        m.fits = m.total <= m.gpu_gib;
        return m;
      }
    }
    known.push_back({&method, r.gpus, estimate_memory(r, c)});
    return known.back().memory;
  };
  const auto consider = [&](const Gpu& gpu, int gpus, const std::string& method, bool owned) {
    TrainingRequest& r = base;  // one request set for each attempt (a copy only for the best)
    r.gpu = &gpu;
    r.gpus = gpus;
    if (method_set != &method) {  // several counts in a row try the same method
      r.method = method;
      method_set = &method;
    }
    r.owned = owned;
    // Once a plan fits and finishes in time, one that does not fit cannot win: its memory is
    // all that needs to be known.
    const MemoryEstimate memory = memory_of(r, method);
    if (best_key.first == 0 && !memory.fits) return false;
    TrainingEstimate e = estimate_training_figures(r, c, memory);
    if (!owned && e.gpu_hours.expected > 0) {
      // A short job still pays for the instance's start, the download and the evaluation: each
      // bound bills at least its minimum, so the range does not jump when the expected crosses it.
      const Range& h = e.gpu_hours;
      const Range billed{std::max(h.low, min_hours.low * gpus), std::max(h.expected, min_hours.expected * gpus),
                         std::max(h.high, min_hours.high * gpus)};
      e.cost_usd = gpu.price_range() * billed;
    }
    const bool on_time = target_days <= 0 || e.wall_clock_days.expected <= target_days;
    std::pair<int, double> key;
    if (!e.memory.fits)
      key = {2, e.memory.total / std::max(1.0, e.memory.gpu_gib)};
    else if (!on_time)
      key = {1, e.wall_clock_days.expected};
    else
      key = {0, e.cost_usd.expected};
    if (key < best_key) {
      best_key = key;
      best = Attempt{&gpu, gpus, &method, std::move(e), owned, on_time};
    }
    return key.first == 0;
  };
  const auto rent_on = [&](const Gpu& gpu) {
    for (const auto& method : methods) {
      // More GPUs never cost less for the same job (the scaling loss only grows), so the
      // smallest count that fits and finishes in time is this GPU's best.
      for (int gpus = 1; gpus <= max_gpus; gpus *= 2) {
        if (consider(gpu, gpus, method, false)) break;
      }
    }
  };
  const auto rent = [&] {
    // A rented GPU's expected cost is at least its price times the larger of the minimum billing
    // and the GPU-hours of the fewest FLOPs any method computes, recomputation included, at its
    // utilization on one GPU (more GPUs only lose utilization; QLoRA's overhead only adds time). A
    // GPU whose floor is above the cost of a plan that fits and finishes in time can neither
    // win nor tie, so it is skipped; the cheapest floor is tried first to find such a plan
    // early. The GPUs are still compared in catalog order, so ties resolve as without the floor.
    const int seq = base.seq_len > 0 ? base.seq_len : static_cast<int>(c.model.training_seq_len.expected);
    const double attention = 6.0 * base.model.layers * seq * static_cast<double>(base.model.hidden);
    // The forward pass recomputed under activation checkpointing costs the same on every GPU and
    // for every method (recompute_flops), so the floor counts it too.
    const double recompute = base.tokens > 0 ? recompute_flops(base, c) / base.tokens : 0.0;
    // Whether each method trains only adapters (frozen base weights): found once, not per GPU.
    std::vector<unsigned char> frozen(methods.size());
    for (std::size_t i = 0; i < methods.size(); ++i) frozen[i] = methods[i] == "lora" || methods[i] == "qlora";
    const auto floor_of = [&](const Gpu& gpu) {
      if (!(gpu.peak_tflops > 0 && base.tokens > 0)) return 0.0;  // no GPU-hours bill no minimum
      double hours = std::numeric_limits<double>::infinity();
      TrainingRequest& r = base;  // the attempts below set the GPU and count again
      r.gpu = &gpu;
      r.gpus = 1;
      // The utilization depends on the method only through a LoRA factor other than 1: when it
      // is 1 (the built-in rule set), one computation serves every method.
      const bool same_for_all = c.model.lora_utilization_factor.expected == 1.0;
      double u = 0;
      for (std::size_t i = 0; i < methods.size(); ++i) {
        const std::string& method = methods[i];
        if (i == 0 || !same_for_all) {
          if (method_set != &method) {
            r.method = method;
            method_set = &method;
          }
          u = training_utilization(r, c).value.expected;
        }
        if (!(u > 0)) return 0.0;
        const double weights = (frozen[i] != 0 ? 4.0 : 6.0) * base.model.active_params;
        hours = std::min(hours, base.tokens * (weights + attention + recompute) / (gpu.peak_tflops * 1e12 * u * 3600.0));
      }
      if (!std::isfinite(hours)) return 0.0;
      return gpu.price_range().expected * std::max(hours, min_hours.expected);
    };
    std::vector<double> floors(c.gpus.size(), 0.0);
    for (std::size_t g = 0; g < c.gpus.size(); ++g) floors[g] = c.gpus[g].prices.empty() ? 0.0 : floor_of(c.gpus[g]);
    const Gpu* cheapest = nullptr;
    double cheapest_floor = 0;
    for (std::size_t g = 0; g < c.gpus.size(); ++g) {
      if (c.gpus[g].prices.empty() || (cheapest != nullptr && floors[g] >= cheapest_floor)) continue;
      cheapest = &c.gpus[g];
      cheapest_floor = floors[g];
    }
    if (cheapest == nullptr) return;
    if (!detail::search_floors()) {
      for (const auto& gpu : c.gpus) {
        if (!gpu.prices.empty()) rent_on(gpu);
      }
      return;
    }
    const std::pair<int, double> before = best_key;
    const Attempt kept = best;
    rent_on(*cheapest);
    const double bar = best_key.first == 0 ? detail::floor_bar(best_key.second) : std::numeric_limits<double>::infinity();
    best_key = before;  // the seed only sets the bar; every GPU is compared below, in order
    best = kept;
    for (std::size_t g = 0; g < c.gpus.size(); ++g) {
      if (c.gpus[g].prices.empty() || floors[g] > bar) continue;
      rent_on(c.gpus[g]);
    }
  };
  if (p.facts.flag(slots().hardware_owned)) {
    const Gpu* gpu = c.find_gpu(p.facts.text(slots().hardware_gpu));
    const int count = static_cast<int>(p.facts.number(slots().hardware_count, 1));
    for (const auto& method : methods) consider(*gpu, count, method, true);
    // Owned hardware first; rent only when it cannot hold the job.
    if (best_key.first == 2) rent();
  } else {
    rent();
  }
  if (best.gpu == nullptr) return Plan{};
  base.gpu = best.gpu;
  base.gpus = best.gpus;
  base.method = *best.method;
  base.owned = best.owned;
  return Plan{best.gpu, best.gpus, *best.method, std::move(best.estimate), std::move(base), best.owned, best.on_time};
}

/// Everything search_training_plan() reads besides the request: with it, the memo's key.
struct TrainingPlanInputs {
  const Catalog* catalog = nullptr;
  /// The methods by address: pricing passes costing_methods()'s lists, so equal lists are the
  /// same list (another list with the same methods would only miss the memo, never mislead it).
  const std::vector<std::string>* methods = nullptr;
  bool owned = false;
  std::string owned_gpu;
  double owned_count = 0;
  int max_gpus = 0;
  double target_days = 0;

  bool operator==(const TrainingPlanInputs&) const = default;
};

/// A few of the inputs that tell plans apart, to find candidates without comparing them all.
std::size_t plan_fingerprint(const TrainingRequest& request, const TrainingPlanInputs& inputs) {
  std::size_t h = std::hash<std::string>{}(request.model.id);
  for (const double x : {request.model.params, request.tokens, request.example_tokens, inputs.target_days})
    h = h * 31 + std::hash<double>{}(x);
  return h * 31 + static_cast<std::size_t>(inputs.max_gpus);
}

}  // namespace

/// A serving plan's inputs besides its context (detail::ServingContext).
struct ServingKey {
  ModelShape model;
  RequestShape shape;

  /// Compared with a request in place (a key built for each comparison would copy the model).
  bool is(const ModelShape& m, const RequestShape& s) const {
    const auto same = [](double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; };
    return model.params == m.params && model == m && same(shape.extra.low, s.extra.low) &&
           same(shape.extra.expected, s.extra.expected) && same(shape.extra.high, s.extra.high) &&
           shape.cacheable == s.cacheable && same(shape.fixed_latency_ms, s.fixed_latency_ms);
  }
};

struct TrainingPlanMemo::Entries {
  /// A remembered search: its inputs, the request it started from, and the plan it found.
  struct Remembered {
    // Built in place by emplace_back (clang 14, the fuzz build, has no parenthesized aggregate
    // initialization to do it without a constructor).
    Remembered(const TrainingPlanInputs& i, const TrainingRequest& r, Plan&& p) : inputs(i), request(r), plan(std::move(p)) {}
    TrainingPlanInputs inputs;
    TrainingRequest request;
    Plan plan;
  };
  std::deque<Remembered> plans;                                      ///< a deque: a plan returned by reference stays put
  std::unordered_multimap<std::size_t, std::size_t> by_fingerprint;  ///< fingerprint -> index
  /// Serving plans for one context: the strategies of one evaluation, and the probes that change
  /// only what is trained, serve the same candidate models the same way. A new context forgets
  /// them (so a search of many volumes keeps a few dozen at a time).
  detail::ServingContext serving_context;
  std::deque<std::pair<ServingKey, Serving>> servings;  ///< a deque: what serve_self_hosted() returns stays put
};

namespace {

thread_local TrainingPlanMemo::Entries* t_training_plans = nullptr;

/// search_training_plan(), through the thread's TrainingPlanMemo when one is installed. The plan
/// is returned by reference, without notes (estimate_training_notes() describes it): into the
/// memo, whose deque keeps it in place, or into a per-thread slot that the next call replaces.
const Plan& choose_training_plan(const TrainingRequest& base, const std::vector<std::string>& methods, const Profile& p,
                                 const Catalog& c, int max_gpus, double target_days) {
  TrainingPlanMemo::Entries* memo = t_training_plans;
  if (memo == nullptr) {
    thread_local Plan unremembered;
    unremembered = search_training_plan(base, methods, p, c, max_gpus, target_days);
    return unremembered;
  }
  const bool owned = p.facts.flag(slots().hardware_owned);
  const TrainingPlanInputs key{&c,
                               &methods,
                               owned,
                               owned ? p.facts.text(slots().hardware_gpu) : std::string(),
                               owned ? p.facts.number(slots().hardware_count, 1) : 0.0,
                               max_gpus,
                               target_days};
  // The plans are remembered without notes: the notes describe the plan found and do not
  // change the search, so a plan found while comparing candidates serves the kept one too.
  const std::size_t fingerprint = plan_fingerprint(base, key);
  const auto [first, last] = memo->by_fingerprint.equal_range(fingerprint);
  for (auto it = first; it != last; ++it) {
    const auto& remembered = memo->plans[it->second];
    if (remembered.inputs == key && remembered.request == base) return remembered.plan;
  }
  memo->by_fingerprint.emplace(fingerprint, memo->plans.size());
  return memo->plans.emplace_back(key, base, search_training_plan(base, methods, p, c, max_gpus, target_days)).plan;
}

/// plan_self_hosted(), through the thread's memo when one is installed. The plan is returned by
/// reference (it is copied for every candidate otherwise): into the memo, whose deque keeps it in
/// place until the next request volume, or into a per-thread slot that the next call replaces.
/// Either way it is read before the next call of this function on the thread.
const Serving& serve_self_hosted(const ModelShape& model, const RequestShape& shape, double requests, const Profile& p,
                                 const Catalog& c) {
  const detail::ServingContext context = detail::serving_context(requests, p, c);
  TrainingPlanMemo::Entries* memo = t_training_plans;
  if (memo == nullptr) {
    thread_local Serving unremembered;
    unremembered = plan_self_hosted(model, shape, context);
    return unremembered;
  }
  if (!(memo->serving_context == context)) {
    memo->servings.clear();
    memo->serving_context = context;
  }
  for (const auto& [key, serving] : memo->servings) {
    if (key.is(model, shape)) return serving;
  }
  memo->servings.emplace_back(ServingKey{model, shape}, plan_self_hosted(model, shape, context));
  return memo->servings.back().second;
}

/// The quality tier a prompted model needs for the profile's risk.
int tier_needed(const Profile& p, const Catalog& c) {
  const std::string& risk = p.facts.text(slots().risk_tolerance);
  const Range t = risk == "low"    ? c.model.quality_tier_risk_low
                  : risk == "high" ? c.model.quality_tier_risk_high
                                   : c.model.quality_tier_risk_medium;
  return static_cast<int>(t.expected);
}

bool only_format(const Profile& p) {
  const Value& needs = p.facts.get(slots().task_needs);
  return needs.list.size() == 1 && needs.list.front() == "format";
}

/// What the strategy adds to every prompt.
RequestShape request_shape(Costing kind, const Profile& p, const Catalog& c, std::vector<Note>& notes) {
  RequestShape s;
  const double examples = p.facts.number(slots().data_labeled_examples);
  const double example_tokens = p.facts.number(slots().data_example_tokens);
  switch (kind) {
    case Costing::prompt: {
      s.cacheable = true;
      if (only_format(p)) {
        // Zero-shot with an output schema: the need is a structure, which a schema states.
        s.extra = c.model.schema_prompt_tokens;
        notes.push_back({"prompt", Value::of_string("zero-shot with an output schema"), c.constant("schema_prompt_tokens").why});
        break;
      }
      const Range shots = c.model.few_shot_examples_in_prompt;
      s.extra = Range{std::min(examples, shots.low), std::min(examples, shots.expected), std::min(examples, shots.high)} *
                example_tokens;
      notes.push_back({"examples_in_prompt", Value::of_number(std::min(examples, shots.expected)),
                       c.constant("few_shot_examples_in_prompt").why});
      break;
    }
    case Costing::retrieval:
      s.extra = c.model.rag_context_tokens;
      s.fixed_latency_ms = c.model.retrieval_latency_ms.expected;
      notes.push_back({"retrieved_tokens", Value::of_number(s.extra.expected), c.constant("rag_context_tokens").why});
      break;
    case Costing::long_context: {
      const double corpus = p.facts.number(slots().data_domain_tokens);
      s.extra = Range::exactly(corpus);
      s.cacheable = true;
      notes.push_back({"corpus_in_prompt", Value::of_number(corpus),
                       "the whole corpus is a static prefix of every prompt, read at the cached price when the cache holds it"});
      break;
    }
    case Costing::adapter:
    case Costing::hosted_tuning:
    case Costing::distillation:
    case Costing::full:
    case Costing::preference:
    case Costing::continued:
    case Costing::scratch: break;  // a tuned model needs no added prompt
  }
  return s;
}

std::string model_label(const ModelShape& m) {
  return m.id.empty() ? fmt::format(FMT_COMPILE("{}-parameter model"), format_count(m.params)) : m.id;
}

std::string serving_label(const ServingPlan& s) {
  if (s.kind == "api" || s.kind == "none") return "";
  const int gpus = gpus_in_use(s.replicas, s.gpus_per_replica);
  if (s.kind == "owned" && s.rented_gpus > 0)
    return fmt::format(FMT_COMPILE("{}x {} owned + {} rented"), s.owned_gpus, s.gpu, s.rented_gpus);
  return fmt::format(FMT_COMPILE("{}x {} {}"), gpus, s.gpu, s.kind);
}

std::string method_label(const std::string& method) {
  if (method == "lora") return "LoRA";
  if (method == "qlora") return "QLoRA";
  if (method == "full") return "full tune";
  return method;
}

/// The oldest of the price dates a plan uses.
void older_date(std::string& date, const std::string& other) {
  if (!other.empty() && (date.empty() || other < date)) date = other;
}

std::string oldest_quote(const Gpu* g) {
  std::string date;
  if (g != nullptr)
    for (const auto& q : g->prices) older_date(date, q.date);
  return date;
}

/// Months from one YYYY-MM-DD date to another (negative when the second is earlier).
double months_between(const std::string& from, const std::string& to) {
  const auto days = [](const std::string& d) {
    using namespace std::chrono;
    const year_month_day ymd{year{std::atoi(d.substr(0, 4).c_str())},
                             month{static_cast<unsigned>(std::atoi(d.substr(5, 2).c_str()))},
                             day{static_cast<unsigned>(std::atoi(d.substr(8, 2).c_str()))}};
    return sys_days{ymd}.time_since_epoch().count();
  };
  if (from.size() < 10 || to.size() < 10) return 0;
  return static_cast<double>(days(to) - days(from)) / 30.4375;
}

/// Fails the plan when one request of `prompt` tokens does not fit `who`'s context window. A
/// window the catalog does not state (0) rules out only a whole corpus in the prompt.
void check_context(StrategyCost& out, Costing kind, double prompt, const std::string& who, int context, bool texts = true) {
  if (context > 0 && prompt > context) {
    if (texts)
      out.problem =
          fmt::format("{} tokens per request exceed {}'s context of {}", format_count(prompt), who, format_count(context));
  } else if (context == 0 && kind == Costing::long_context) {
    if (texts) out.problem = fmt::format("{}'s context window is not in the catalog", who);
  } else {
    return;
  }
  out.feasible = false;
  out.limit = "context";
}

/// A priced candidate, compared by total over the horizon.
struct Candidate {
  StrategyCost cost;
  double total = 0;
};

/// Whether the hosted service a plan needs outlives the horizon (always, for plans that need none).
bool outlives_horizon(const StrategyCost& cost, double horizon_months) {
  return cost.months_to_retirement < 0 || cost.months_to_retirement >= horizon_months;
}

/// Keeps the best and second-best candidates: feasible before infeasible, then a service that
/// outlives the horizon before one announced to end sooner, then cheaper.
struct Best {
  std::optional<Candidate> first;
  std::optional<Candidate> second;  ///< only when a runner-up is wanted (PlanDetail::full)
  int count = 0;
  double horizon_months = 0;
  bool runner_up = true;  ///< false: only the best plan is kept (a ranking reads no runner-up)

  bool better(const Candidate& a, const Candidate& b) const {
    if (a.cost.feasible != b.cost.feasible) return a.cost.feasible;
    const bool a_lasts = outlives_horizon(a.cost, horizon_months);
    if (a_lasts != outlives_horizon(b.cost, horizon_months)) return a_lasts;
    return a.total < b.total;
  }
  /// Whether offer() would keep a candidate: one it would not needs no texts.
  [[nodiscard]] bool keeps(const Candidate& c) const {
    return !first || better(c, *first) || (runner_up && (!second || better(c, *second)));
  }
  /// Whether offer() could keep a candidate whose total is at least `total`: keeps() for the best
  /// such a candidate could be, a feasible plan that needs no service ending within the horizon.
  [[nodiscard]] bool could_keep(double total) const {
    const auto beats = [&](const Candidate& o) {
      return !o.cost.feasible || !outlives_horizon(o.cost, horizon_months) || total < o.total;
    };
    return !first || beats(*first) || (runner_up && (!second || beats(*second)));
  }
  void offer(Candidate c) {
    ++count;
    if (!first || better(c, *first)) {
      if (runner_up) second = std::move(first);
      first = std::move(c);
    } else if (runner_up && (!second || better(c, *second))) {
      second = std::move(c);
    }
  }
};

double horizon_of(const Profile& p) {
  return p.facts.number(slots().budget_horizon_months);
}

void finish_total(StrategyCost& cost, const Profile& p) {
  cost.horizon_usd = cost.one_time_usd + cost.monthly_usd * horizon_of(p);
  if (!cost.retirement.empty()) cost.months_to_retirement = std::max(0.0, months_between(catalog_today(), cost.retirement));
}

/// A model the open-weight strategies may use: pinned by name or size, else every catalog model
/// of the needed tier.
std::vector<ModelShape> candidate_models(const Profile& p, const Catalog& c, int min_tier, std::vector<Note>& notes,
                                         std::vector<int>& tiers) {
  std::vector<ModelShape> out;
  if (!p.facts.get(slots().model_name).is_null()) {
    const ModelInfo* m = c.find_model(p.facts.text(slots().model_name));
    out.push_back(m->shape);
    tiers.push_back(m->quality_tier);
    notes.push_back({"model", Value::of_string(m->id), "pinned by model.name"});
    return out;
  }
  if (!p.facts.get(slots().model_params).is_null()) {
    // `model.params` counts every parameter, `model.active_params` those a token uses (MoE).
    const double active = p.facts.get(slots().model_active_params).is_null() ? 0 : p.facts.number(slots().model_active_params);
    out.push_back(shape_for_params(p.facts.number(slots().model_params), active, c));
    tiers.push_back(0);
    notes.push_back({"model", Value::of_string(model_label(out.back())), "pinned by model.params"});
    return out;
  }
  std::size_t eligible = 0;  // counted first: the list is made for every strategy of every profile
  for (const auto& m : c.models) eligible += m.quality_tier >= min_tier && m.quality_tier != 0 ? 1 : 0;
  out.reserve(eligible);
  tiers.reserve(eligible);
  for (const auto& m : c.models) {
    if (m.quality_tier < min_tier || m.quality_tier == 0) continue;
    out.push_back(m.shape);
    tiers.push_back(m.quality_tier);
  }
  if (out.empty()) {
    const CostConstant& def = c.constant("default_model_for_tuning");
    const ModelInfo* m = c.find_model(def.text);
    out.push_back(m->shape);
    tiers.push_back(m->quality_tier);
    notes.push_back({"model", Value::of_string(def.text), def.why});
  }
  return out;
}

int model_context(const ModelShape& m, const Catalog& c) {
  if (const ModelInfo* info = c.find_model(m.id)) return info->context;
  return 0;
}

int model_tier(const ModelShape& m, const Catalog& c) {
  if (const ModelInfo* info = c.find_model(m.id)) return info->quality_tier;
  return 0;
}

/// The retrieval index's one-time cost: embedding the corpus on a hosted API, or on a rented GPU
/// when data may not leave.
Range embedding_cost(const Profile& p, const Catalog& c, std::vector<Note>& notes) {
  const double tokens = p.facts.number(slots().data_domain_tokens);
  if (!p.facts.flag(slots().constraints_self_hosted))
    return Range::exactly(tokens * c.model.embedding_usd_per_m_tokens.expected / 1e6);
  const Gpu* best = nullptr;
  Range best_cost;
  for (const auto& g : c.gpus) {
    if (g.prices.empty()) continue;
    const double hours = std::max(c.model.training_min_billing_hours.expected,
                                  tokens * 2.0 * c.model.embedding_model_params.expected /
                                      (g.peak_tflops * 1e12 * c.model.inference_flops_utilization.expected) / 3600.0);
    const Range cost = g.price_range() * hours;
    if (best == nullptr || cost.expected < best_cost.expected) {
      best = &g;
      best_cost = cost;
    }
  }
  if (best != nullptr)
    notes.push_back(
        {"embeddings", Value::of_string(fmt::format("self-hosted on {}", best->id)), c.constant("embedding_model_params").why});
  return best_cost;
}

/// Prices a prompting strategy on one hosted API. Without `texts`, only the figures that
/// Best compares (a candidate it will not keep needs no names or words).
Candidate price_api(Costing kind, const ApiPrice& api, const RequestShape& shape, const Profile& p, const Catalog& c,
                    const Range& one_time, bool texts = true) {
  Candidate cand;
  StrategyCost& out = cand.cost;
  out.costing = kind;
  const double requests = p.facts.number(slots().usage_requests_per_month);
  const Serving s = api_serving(api, shape, requests, p, c, texts);
  out.monthly_usd = s.monthly;
  out.one_time_usd = one_time;
  out.feasible = s.plan.meets_latency;
  if (texts) out.problem = s.problem;
  if (!out.feasible) out.limit = "latency";
  check_context(out, kind, detail::tokens_per_request(p) + shape.extra.expected, api.id, api.context, texts);
  if (!api.retirement.empty()) out.retirement = api.retirement;
  finish_total(out, p);
  cand.total = out.horizon_usd.expected;
  if (!texts) return cand;
  out.method = "api";
  out.model = api.id;
  out.api = api.id;
  out.plan_api = api.id;
  out.added_prompt_tokens = shape.extra;
  out.prompt_cacheable = shape.cacheable;
  out.serving = detail::describe_serving(s);
  out.serving_plan = s.plan;
  out.price_date = api.date;
  out.model_tier = api.quality_tier;
  out.label = api.id + (s.plan.batch_prices ? " API, batch" : " API");
  return cand;
}

/// Prices a prompting strategy on a self-hosted open model.
Candidate price_self_hosted_prompt(Costing kind, const ModelShape& model, const RequestShape& shape, const Profile& p,
                                   const Catalog& c, const Range& one_time) {
  Candidate cand;
  StrategyCost& out = cand.cost;
  out.costing = kind;
  const double requests = p.facts.number(slots().usage_requests_per_month);
  const Serving& s = serve_self_hosted(model, shape, requests, p, c);
  out.method = "open-weights";
  out.model = model_label(model);
  out.plan_model = model.id.empty() ? out.model : model.id;
  out.params = model.params;
  out.added_prompt_tokens = shape.extra;
  out.prompt_cacheable = shape.cacheable;
  out.serving_model = model;
  out.serving_gpus = s.where;
  out.monthly_usd = s.monthly;
  out.one_time_usd = one_time;
  out.serving = detail::describe_serving(s);
  out.serving_plan = s.plan;
  out.price_date = oldest_quote(s.where.gpu);
  out.model_tier = model_tier(model, c);
  out.feasible = s.plan.meets_latency && s.where.gpu != nullptr;
  out.problem = s.problem;
  if (!out.feasible) out.limit = s.where.gpu == nullptr ? "gpus" : "latency";
  check_context(out, kind, detail::tokens_per_request(p) + shape.extra.expected, out.model, model_context(model, c));
  out.label = fmt::format(FMT_COMPILE("{}, {}"), out.model, serving_label(s.plan));
  finish_total(out, p);
  cand.total = out.horizon_usd.expected;
  return cand;
}

/// The training sequence length for examples of a size: the next power of two (at least 256),
/// cut to the model's context with a note.
int sequence_length(double example_tokens, const ModelShape& model, int context, bool describe, std::vector<Note>& notes) {
  int seq = std::max(256, next_power_of_two(example_tokens));
  if (context > 0 && seq > context) {
    seq = context;
    if (describe && example_tokens > context) {
      notes.push_back({"seq_len_cut", Value::of_number(context),
                       fmt::format("examples of {} tokens are longer than {}'s context of {}: cut to it", example_tokens,
                                   model_label(model), context)});
    }
  }
  return seq;
}

/// What a distillation trains on: the inputs a teacher answers (logged ones, else inputs the
/// teacher writes from the examples or documents), plus the labeled examples.
struct DistillData {
  double inputs = 0;       ///< inputs the teacher answers
  bool generated = false;  ///< the teacher writes the inputs too
  double examples = 0;     ///< the student's training examples
  double tokens_per_example = 0;
};

DistillData distill_data(const Profile& p, const Catalog& c) {
  const Facts& f = p.facts;
  DistillData d;
  const double logged = f.number(slots().data_unlabeled_inputs);
  const double labeled = f.number(slots().data_labeled_examples);
  d.generated = logged <= 0;
  // Generated inputs need seeds: examples to imitate or documents to ask about.
  const bool seeds = labeled > 0 || f.number(slots().data_domain_tokens) > 0;
  const double available = d.generated ? (seeds ? c.model.distill_generated_inputs.expected : 0) : logged;
  d.inputs = std::min(available, c.model.distill_max_examples.expected);
  d.examples = d.inputs + labeled;
  d.tokens_per_example = std::max(1.0, f.number(slots().usage_input_tokens) + f.number(slots().usage_output_tokens));
  return d;
}

/// The teacher that labels a distillation's inputs and what it costs: the cheapest API of the best
/// tier the catalog sells, at batch prices (labelling can wait); an open model of the best tier on
/// rented GPUs when data may not leave.
struct Teacher {
  std::string api;
  std::string model;
  Range cost;
  std::string date;
  std::string how;
};

Teacher choose_teacher(const DistillData& d, const Profile& p, const Catalog& c) {
  Teacher t;
  const double in = d.inputs * p.facts.number(slots().usage_input_tokens);
  // The teacher writes every answer, and the inputs too when none were logged.
  const double out = d.inputs * p.facts.number(slots().usage_output_tokens) + (d.generated ? in : 0);
  if (d.inputs <= 0) return t;
  if (!p.facts.flag(slots().constraints_self_hosted)) {
    const std::string& today = catalog_today();
    int best_tier = 0;
    for (const auto& api : c.apis) {
      if (!has_ended(api.retirement, today)) best_tier = std::max(best_tier, api.quality_tier);
    }
    const ApiPrice* best = nullptr;
    double best_cost = 0;
    for (const auto& api : c.apis) {
      if (api.quality_tier != best_tier || has_ended(api.retirement, today)) continue;
      const double discount = api.batch_discount > 0 ? api.batch_discount : 1.0;
      const double cost = discount * (in * api.usd_per_m_input + out * api.usd_per_m_output) / 1e6;
      if (best == nullptr || cost < best_cost) {
        best = &api;
        best_cost = cost;
      }
    }
    if (best == nullptr) return t;
    t.api = best->id;
    t.cost = Range::exactly(best_cost);
    t.date = best->date;
    t.how = fmt::format("{} labels {} {} inputs{} (tier {}, the cheapest of the best tier{})", best->id, format_count(d.inputs),
                        d.generated ? "generated" : "logged", d.generated ? " it writes itself" : "", best_tier,
                        best->batch_discount > 0 ? ", at batch prices" : "");
    return t;
  }
  const ModelInfo* best = nullptr;
  for (const auto& m : c.models) {
    if (best == nullptr || m.quality_tier > best->quality_tier ||
        (m.quality_tier == best->quality_tier && m.shape.params < best->shape.params))
      best = &m;
  }
  if (best == nullptr) return t;
  const detail::OfflineJob job = detail::offline_inference(best->shape, in, out, d.inputs, p, c);
  if (job.gpu == nullptr) return t;
  t.model = best->id;
  t.cost = job.cost;
  t.date = job.owned ? "" : oldest_quote(job.gpu);
  t.how = fmt::format("{} on {}x {} {} labels {} inputs in about {} GPU-hours (data may not leave)", best->id, job.gpus,
                      job.owned ? "owned" : "rented", job.gpu->id, format_count(d.inputs), round_significant(job.gpu_hours, 2));
  return t;
}

/// Prices a training strategy on one open model: training on the cheapest GPUs that fit and
/// finish in time, then serving at the busiest hour. With `unless_dropped`, a candidate that
/// search would not keep gets no serving description and no label (texts nobody reads).
Candidate price_trained(Costing kind, ModelShape model, const Profile& p, const Catalog& c, bool describe,
                        const Serving* served = nullptr, const Best* unless_dropped = nullptr,
                        const Teacher* known_teacher = nullptr) {
  Candidate cand;
  StrategyCost& out = cand.cost;
  out.costing = kind;
  const Facts& f = p.facts;
  const double examples = f.number(slots().data_labeled_examples);
  const double example_tokens = f.number(slots().data_example_tokens);
  const double domain_tokens = f.number(slots().data_domain_tokens);
  const double epochs = c.model.finetune_epochs.expected;
  const double finetune_tokens = examples * example_tokens * epochs;
  const double requests = f.number(slots().usage_requests_per_month);
  const double deadline_days =
      f.get(slots().constraints_deadline_weeks).is_null() ? 0 : f.number(slots().constraints_deadline_weeks) * 7;

  TrainingRequest request;
  const std::vector<std::string>& methods = costing_methods(kind);
  int max_gpus = static_cast<int>(c.model.max_gpus_finetune.expected);
  double target_days = deadline_days;
  const bool is_finetune = costing_finetunes(kind);
  const ModelInfo* info = c.find_model(model.id);  // one lookup for the context and the tier
  const int context = info != nullptr ? info->context : 0;
  Teacher teacher;
  switch (kind) {
    case Costing::adapter:
    case Costing::full:
      // The sequence length follows the examples; only the model's context cuts it, with a note.
      request.tokens = finetune_tokens;
      request.seq_len = sequence_length(example_tokens, model, context, describe, out.notes);
      request.example_tokens = example_tokens;
      break;
    case Costing::distillation: {
      // The student learns from the teacher's answers to the inputs, and from the labeled examples.
      const DistillData d = distill_data(p, c);
      request.tokens = d.examples * d.tokens_per_example * epochs;
      request.seq_len = sequence_length(d.tokens_per_example, model, context, describe, out.notes);
      request.example_tokens = d.tokens_per_example;
      teacher = known_teacher != nullptr ? *known_teacher : choose_teacher(d, p, c);
      if (describe) {
        out.notes.push_back({"student_examples", Value::of_number(d.examples),
                             d.generated ? c.constant("distill_generated_inputs").why : c.constant("distill_max_examples").why});
        if (!teacher.how.empty()) out.notes.push_back({"teacher", Value::of_string(teacher.api + teacher.model), teacher.how});
      }
      break;
    }
    case Costing::preference: {
      // Each pair trains on its chosen and its rejected answer, and the reference model reads
      // both; a supervised pass over the labeled examples comes first when there are any.
      const double pairs = f.number(slots().data_preference_pairs);
      const double share = c.model.preference_reference_compute_share.expected;
      request.tokens = (pairs * 2 * example_tokens * (1 + share)) * epochs + finetune_tokens;
      request.seq_len = sequence_length(example_tokens, model, context, describe, out.notes);
      request.example_tokens = example_tokens;
      request.micro_batch = 2;  // chosen and rejected go through together
      request.reference_model = true;
      if (describe) {
        out.notes.push_back({"preference_tokens", Value::of_number(round_significant(request.tokens, 3)),
                             fmt::format("{} pairs x 2 answers x {} tokens x {} epochs, the reference model's reading at {} of "
                                         "a training step{}",
                                         pairs, example_tokens, epochs, share,
                                         examples > 0 ? ", after a supervised pass over the labeled examples" : "")});
      }
      break;
    }
    case Costing::continued:
      request.tokens = domain_tokens + finetune_tokens;
      max_gpus = static_cast<int>(c.model.max_gpus_pretrain.expected);
      target_days = deadline_days > 0 ? std::min(deadline_days, c.model.pretrain_target_days.expected)
                                      : c.model.pretrain_target_days.expected;
      break;
    case Costing::scratch: {
      const Range bounds = c.model.pretrain_params;
      const double optimal = c.model.tokens_per_param_optimal.expected;
      const double corpus = domain_tokens / c.model.pretrain_domain_share.expected;
      if (f.get(slots().model_params).is_null()) {
        const double params = corpus > 0 ? std::clamp(corpus / optimal, bounds.low, bounds.high) : bounds.expected;
        model = shape_for_params(params, 0, c);
        if (describe) {
          out.notes.push_back({"model_params", Value::of_number(round_significant(params, 2)),
                               fmt::format("compute-optimal size for the corpus ({} tokens per parameter), within {}..{}",
                                           optimal, format_count(bounds.low), format_count(bounds.high))});
        }
      }
      request.tokens = std::max(corpus, optimal * model.params);
      if (describe) {
        out.notes.push_back({"training_tokens", Value::of_number(round_significant(request.tokens, 3)),
                             fmt::format("domain text as {}% of the mix, at least {} tokens per parameter",
                                         c.model.pretrain_domain_share.expected * 100, optimal)});
      }
      max_gpus = static_cast<int>(c.model.max_gpus_pretrain.expected);
      target_days = deadline_days > 0 ? std::min(deadline_days, c.model.pretrain_target_days.expected)
                                      : c.model.pretrain_target_days.expected;
      break;
    }
    case Costing::prompt:
    case Costing::retrieval:
    case Costing::long_context:
    case Costing::hosted_tuning: break;  // priced by price_api, price_self_hosted_prompt, price_hosted_tuning
  }
  request.finetune = is_finetune;
  if (is_finetune && describe) out.notes.push_back({"epochs", Value::of_number(epochs), c.constant("finetune_epochs").why});
  request.model = model;
  const Range attempts = is_finetune ? c.model.finetune_attempts : c.model.pretrain_attempts;
  if (unless_dropped != nullptr && served != nullptr && request.tokens > 0 && detail::search_floors() &&
      !f.flag(slots().hardware_owned)) {
    // Before the search: every attempt of a job with tokens bills at least the minimum on one
    // rented GPU (owned GPUs bill only energy, so with owned hardware every candidate is
    // searched). The least such bill, plus the serving, is computed in the same products and sums
    // as the plan's total, so it bounds the total in floating point too; a teacher only adds. A
    // candidate that could not be kept at that total is dropped unsearched, as a plan that is
    // not feasible: offer() counts it and never keeps it, the plans it keeps being feasible and
    // no dearer.
    const Range& min_hours = c.model.training_min_billing_hours;
    double least = std::numeric_limits<double>::infinity();
    for (const auto& gpu : c.gpus) {
      if (!gpu.prices.empty()) least = std::min(least, gpu.price_range().expected * min_hours.expected);
    }
    if (std::isfinite(least) &&
        !unless_dropped->could_keep(least * attempts.expected + served->monthly.expected * horizon_of(p))) {
      out.feasible = false;
      return cand;
    }
  }
  const Plan& plan = choose_training_plan(request, methods, p, c, max_gpus, target_days);
  const TrainingEstimate& e = plan.estimate;
  const Serving& s = served != nullptr ? *served : serve_self_hosted(model, RequestShape{}, requests, p, c);
  // The figures a comparison of candidates reads come first: a candidate it drops needs no texts.
  // One-time cost covers every attempt; GPU-hours and days describe one run. The teacher labels
  // once; training is repeated for every attempt.
  out.one_time_usd = e.cost_usd * attempts + teacher.cost;
  out.monthly_usd = s.monthly;
  const bool taught = kind != Costing::distillation || !teacher.api.empty() || !teacher.model.empty();
  out.feasible = e.memory.fits && plan.on_time && s.where.gpu != nullptr && s.plan.meets_latency && taught;
  finish_total(out, p);
  cand.total = out.horizon_usd.expected;
  if (unless_dropped != nullptr && !unless_dropped->keeps(cand)) return cand;
  out.method = is_finetune ? plan.method : std::string(costing_name(kind));
  out.model = model_label(model);
  out.plan_model = model.id.empty() ? out.model : model.id;
  out.params = model.params;
  out.gpu = plan.gpu ? plan.gpu->id : "";
  out.gpus = plan.gpus;
  out.owned = plan.owned;
  out.seq_len = plan.request.seq_len > 0 ? plan.request.seq_len : static_cast<int>(c.model.training_seq_len.expected);
  out.training_tokens = request.tokens;
  out.training_flops = e.flops;
  out.gpu_hours = e.gpu_hours;
  out.wall_clock_days = e.wall_clock_days;
  out.teacher = teacher.api.empty() ? teacher.model : teacher.api;
  out.plan_api = teacher.api;
  out.training_provider = "self";
  out.energy_kwh = e.energy_kwh * attempts;
  out.emissions_kgco2e = e.emissions_kgco2e * attempts;
  out.memory = e.memory;
  if (describe) {
    const char* attempts_name = is_finetune ? "finetune_attempts" : "pretrain_attempts";
    out.notes.push_back({"attempts", Value::of_number(attempts.expected), c.constant(attempts_name).why});
    if (plan.gpu != nullptr) {
      for (auto& n : estimate_training_notes(plan.request, c)) out.notes.push_back(std::move(n));
    }
  }
  out.serving_model = model;
  out.serving_gpus = s.where;
  out.serving_plan = s.plan;
  out.price_date = oldest_quote(plan.owned ? nullptr : plan.gpu);
  older_date(out.price_date, oldest_quote(s.where.gpu));
  older_date(out.price_date, teacher.date);
  out.model_tier = info != nullptr ? info->quality_tier : 0;
  if (!e.memory.fits) {
    out.problem = fmt::format("{} does not fit any GPU plan ({:.0f} GiB per GPU)", out.model, e.memory.total);
    out.limit = "memory";
  } else if (!plan.on_time) {
    out.problem = fmt::format("training takes {} days, past the deadline", round_significant(e.wall_clock_days.expected, 2));
    out.limit = "deadline";
  } else if (!s.problem.empty()) {
    out.problem = s.problem;
    out.limit = s.where.gpu == nullptr ? "gpus" : "latency";
  } else if (!taught) {
    out.problem = "no inputs to label and nothing to generate them from, or no teacher in the catalog";
    out.limit = "examples";
  }
  out.serving = detail::describe_serving(s);
  std::string how = is_finetune ? method_label(plan.method) : std::string(costing_name(kind));
  if (kind == Costing::distillation)
    how = fmt::format(FMT_COMPILE("{} student of {}"), how, out.teacher.empty() ? "no teacher" : out.teacher);
  if (kind == Costing::preference) how = fmt::format(FMT_COMPILE("DPO ({})"), how);
  out.label = fmt::format(FMT_COMPILE("{} {}, {}"), out.model, how, serving_label(s.plan));
  return cand;
}

/// A tuned model's API prices: the tuned prices where the vendor states them, else the base's;
/// no cached prompt and no batch prices are assumed for a tuned model.
ApiPrice tuned_prices(const ApiPrice& api) {
  ApiPrice tuned = api;
  if (api.finetune_usd_per_m_input >= 0) tuned.usd_per_m_input = api.finetune_usd_per_m_input;
  if (api.finetune_usd_per_m_output >= 0) tuned.usd_per_m_output = api.finetune_usd_per_m_output;
  tuned.usd_per_m_cached_input = 0;
  tuned.batch_discount = 0;
  return tuned;
}

/// A tuned deployment's hourly fee over a month (Azure OpenAI bills hosting whether used or not).
Range hosting_monthly(const ApiPrice& api, const Catalog& c) {
  return c.model.hours_per_month * api.finetune_hosting_usd_per_hour;
}

/// Prices a vendor's fine-tuning service: training billed per token over every attempt, then the
/// tuned model's calls (and its deployment's hourly fee, where the vendor charges one).
Candidate price_hosted_tuning(const ApiPrice& api, const Profile& p, const Catalog& c) {
  Candidate cand;
  StrategyCost& out = cand.cost;
  out.costing = Costing::hosted_tuning;
  const Facts& f = p.facts;
  const double examples = f.number(slots().data_labeled_examples);
  const double tokens = examples * f.number(slots().data_example_tokens) * c.model.finetune_epochs.expected;
  const ApiPrice tuned = tuned_prices(api);
  const Serving s = api_serving(tuned, RequestShape{}, f.number(slots().usage_requests_per_month), p, c);
  out.method = "hosted";
  out.training_provider = "api";
  out.model = api.id;
  out.api = api.id;
  out.plan_api = api.id;
  out.training_tokens = tokens;
  out.one_time_usd = c.model.finetune_attempts * (tokens * api.finetune_usd_per_m_training / 1e6);
  out.monthly_usd = s.monthly + hosting_monthly(api, c);
  out.serving = api.finetune_hosting_usd_per_hour > 0
                    ? fmt::format("tuned {} (prices of {}), plus its deployment at {} an hour", api.id, api.date,
                                  format_usd(api.finetune_hosting_usd_per_hour))
                    : fmt::format("tuned {} billed per token (prices of {})", api.id, api.date);
  out.serving_plan = s.plan;
  out.serving_plan.model = api.id;
  out.price_date = api.date;
  out.model_tier = api.quality_tier;
  out.retirement = api.retirement;
  older_date(out.retirement, api.finetune_jobs_end);
  out.feasible = s.plan.meets_latency;
  out.problem = s.problem;
  if (!out.feasible) out.limit = "latency";
  check_context(out, out.costing, detail::tokens_per_request(p), api.id, api.context);
  if (examples < api.finetune_min_examples) {
    out.feasible = false;
    out.problem = fmt::format("{} labeled examples, under the {} that {}'s fine-tuning requires", format_count(examples),
                              api.finetune_min_examples, api.id);
    out.limit = "examples";
  }
  out.label = fmt::format("{} fine-tuning service", api.id);
  finish_total(out, p);
  cand.total = out.horizon_usd.expected;
  return cand;
}

/// A plan that could not be made at all (nothing in the catalog, or a policy forbids it).
Candidate no_plan(Costing kind, std::string problem, std::string limit, const Profile& p) {
  Candidate cand;
  cand.cost.costing = kind;
  cand.cost.method = "none";
  cand.cost.feasible = false;
  cand.cost.problem = std::move(problem);
  cand.cost.limit = std::move(limit);
  cand.cost.label = "no plan";
  finish_total(cand.cost, p);
  cand.total = cand.cost.horizon_usd.expected;
  return cand;
}

/// People's time for a strategy at team.hourly_usd: setup, data, evaluation, training attempts
/// and upkeep over the horizon, from the `effort_<costing>_*` constants.
std::optional<Range> people_cost(Costing kind, const Profile& p, const Catalog& c, std::vector<Note>& notes) {
  if (p.facts.get(slots().team_hourly_usd).is_null()) return std::nullopt;
  const double hourly = p.facts.number(slots().team_hourly_usd);
  std::string prefix = fmt::format("effort_{}_", costing_name(kind));
  std::replace(prefix.begin(), prefix.end(), '-', '_');
  const auto part = [&](const std::string& name) {
    const auto it = c.constants.find(prefix + name);
    return it == c.constants.end() ? Range{} : it->second.value;
  };
  // What people prepare or review: documents (taken as 1,000 tokens each), preference pairs, the
  // teacher's labels, or labeled examples.
  double items = p.facts.number(slots().data_labeled_examples);
  switch (kind) {
    case Costing::retrieval:
    case Costing::long_context:
    case Costing::continued:
    case Costing::scratch: items = p.facts.number(slots().data_domain_tokens) / 1000.0; break;
    case Costing::preference: items = p.facts.number(slots().data_preference_pairs); break;
    case Costing::distillation: items = distill_data(p, c).inputs; break;
    case Costing::prompt:
    case Costing::adapter:
    case Costing::hosted_tuning:
    case Costing::full: break;
  }
  Range hours = part("setup_hours") + part("data_hours_per_1k") * (items / 1000.0) + part("eval_hours") +
                part("upkeep_hours_per_month") * horizon_of(p);
  if (costing_changes_weights(kind)) {
    const Range attempts =
        costing_finetunes(kind) || kind == Costing::hosted_tuning ? c.model.finetune_attempts : c.model.pretrain_attempts;
    hours = hours + part("attempt_hours") * attempts;
  }
  notes.push_back({"people_hours", Value::of_number(round_significant(hours.expected, 3)),
                   fmt::format("setup, data, evaluation{} and upkeep at {} an hour ({}: {})",
                               costing_changes_weights(kind) ? ", training attempts" : "", format_usd(hourly), prefix + "*",
                               c.constants.count(prefix + "setup_hours") ? c.constants.at(prefix + "setup_hours").source
                                                                         : "no effort figures")});
  return hours * hourly;
}

}  // namespace

namespace {
std::atomic<bool> g_search_floors{true};
}  // namespace

void set_search_floors(bool on) {
  g_search_floors.store(on, std::memory_order_relaxed);
}

bool detail::search_floors() {
  return g_search_floors.load(std::memory_order_relaxed);
}

StrategyCost estimate_strategy(Costing kind, const Profile& p, const Catalog& c, PlanDetail detail) {
  const Facts& f = p.facts;
  const bool self_hosted = f.flag(slots().constraints_self_hosted);
  const int need = tier_needed(p, c);
  std::vector<Note> notes;
  Best best;
  best.horizon_months = horizon_of(p);
  best.runner_up = detail == PlanDetail::full;

  // A model tuned on a narrow task (classification, extraction) needs a tier less than a
  // prompted one (LoRA Land); open-ended tasks keep the prompted tier.
  const std::string& task = f.text(slots().task_type);
  const bool narrow = task == "classification" || task == "extraction";
  const int credit = narrow ? static_cast<int>(c.model.tuning_quality_credit.expected) : 0;

  if (kind == Costing::hosted_tuning) {
    const bool pinned_api = !f.get(slots().model_api).is_null();
    if (self_hosted) {
      best.offer(no_plan(kind, "data may not leave (constraints.self_hosted), and a vendor's service trains on it", "policy", p));
    } else {
      const std::string& today = catalog_today();
      for (const auto& api : c.apis) {
        if (api.finetune_usd_per_m_training < 0) continue;
        if (pinned_api && api.id != f.text(slots().model_api)) continue;
        if (has_ended(api.retirement, today) || has_ended(api.finetune_jobs_end, today)) continue;
        if (!pinned_api && api.quality_tier < need - credit) continue;
        best.offer(price_hosted_tuning(api, p, c));
      }
      if (pinned_api) notes.push_back({"api_model", f.get(slots().model_api), "pinned by model.api"});
      if (!best.first) {
        best.offer(no_plan(kind,
                           fmt::format("no fine-tuning service in the catalog takes new jobs{}",
                                       pinned_api ? " for " + f.text(slots().model_api)
                                                  : fmt::format(" for a model of quality tier {} or more", need - credit)),
                           "catalog", p));
      }
    }
  } else if (!costing_trains(kind)) {
    const RequestShape shape = request_shape(kind, p, c, notes);
    Range one_time;
    if (kind == Costing::retrieval) one_time = embedding_cost(p, c, notes);
    const bool pinned_api = !f.get(slots().model_api).is_null();
    if (!self_hosted) {
      const std::string& today = catalog_today();
      for (const auto& api : c.apis) {
        if (pinned_api) {
          if (api.id != f.text(slots().model_api)) continue;
        } else if (api.quality_tier < need || has_ended(api.retirement, today)) {
          continue;
        } else if (kind == Costing::long_context && api.context == 0) {
          continue;  // a whole corpus is only planned on a window the catalog states
        }
        // The figures first; the texts only for a candidate that is kept.
        if (best.keeps(price_api(kind, api, shape, p, c, one_time, false)))
          best.offer(price_api(kind, api, shape, p, c, one_time));
        else
          ++best.count;
      }
      if (pinned_api) notes.push_back({"api_model", f.get(slots().model_api), "pinned by model.api"});
    } else {
      if (pinned_api)
        notes.push_back({"api_model", f.get(slots().model_api), "ignored: data may not leave (constraints.self_hosted)"});
      std::vector<int> tiers;
      for (const auto& m : candidate_models(p, c, need, notes, tiers)) {
        if (kind == Costing::long_context && model_context(m, c) == 0 && best.count > 0) continue;
        best.offer(price_self_hosted_prompt(kind, m, shape, p, c, one_time));
      }
    }
    if (!best.first) {
      // No API of the needed tier: the rule set's default API stands in.
      const CostConstant& api = c.constant("api_model_default");
      notes.push_back({"api_model", Value::of_string(api.text), api.why});
      best.offer(price_api(kind, *c.find_api(api.text), shape, p, c, one_time));
    }
    if (!best.first->cost.feasible && best.first->cost.limit == "context" && kind == Costing::long_context) {
      // The cheapest failing plan is not the point: no permitted window holds the corpus.
      int largest = 0;
      if (!self_hosted) {
        for (const auto& api : c.apis) largest = std::max(largest, api.context);
      } else {
        for (const auto& m : c.models) largest = std::max(largest, m.context);
      }
      best.first->cost.problem =
          fmt::format("{} tokens per request exceed the largest context window in the catalog ({})",
                      format_count(detail::tokens_per_request(p) + shape.extra.expected), format_count(largest));
    }
  } else {
    std::vector<int> tiers;
    if (kind == Costing::scratch) {
      best.offer(price_trained(kind, ModelShape{}, p, c, false));
    } else {
      // Smaller models first: serving alone bounds a candidate's total from below, so once two
      // feasible plans are cheaper than a model's serving, its training need not be priced.
      const std::vector<ModelShape> models = candidate_models(p, c, need - credit, notes, tiers);
      std::vector<std::size_t> by_size(models.size());  // indices: a model shape is costly to move
      for (std::size_t i = 0; i < by_size.size(); ++i) by_size[i] = i;
      std::stable_sort(by_size.begin(), by_size.end(),
                       [&](std::size_t a, std::size_t b) { return models[a].params < models[b].params; });
      const double requests = f.number(slots().usage_requests_per_month);
      // A distillation's teacher depends on the inputs to label, not on the student: chosen once.
      std::optional<Teacher> teacher;
      if (kind == Costing::distillation) teacher = choose_teacher(distill_data(p, c), p, c);
      for (const std::size_t i : by_size) {
        const ModelShape& m = models[i];
        const Serving& served = serve_self_hosted(m, RequestShape{}, requests, p, c);
        // Pruned only when it could beat neither the kept plan nor the runner-up (nor the kept
        // plan alone when no runner-up is wanted): its total is at least its serving's.
        const std::optional<Candidate>& bar = detail == PlanDetail::full ? best.second : best.first;
        if (bar && bar->cost.feasible && served.monthly.expected * horizon_of(p) >= bar->total) {
          ++best.count;
          continue;
        }
        best.offer(price_trained(kind, m, p, c, false, &served, &best, teacher ? &*teacher : nullptr));
      }
    }
  }

  // The kept plan again, with its notes (a ranking reads no notes: the plan as priced serves,
  // except a pretraining run of a given size, which the search priced at its own size).
  Candidate kept = std::move(*best.first);
  const bool sized_scratch = kind == Costing::scratch && !f.get(slots().model_params).is_null();
  if (costing_trains(kind) && (detail == PlanDetail::full || sized_scratch)) {
    ModelShape model = kind == Costing::scratch ? ModelShape{} : kept.cost.serving_model;
    if (sized_scratch) {
      const double active = f.get(slots().model_active_params).is_null() ? 0 : f.number(slots().model_active_params);
      model = shape_for_params(f.number(slots().model_params), active, c);
    }
    kept = price_trained(kind, model, p, c, true);
  }
  StrategyCost out = std::move(kept.cost);
  out.notes.insert(out.notes.begin(), notes.begin(), notes.end());
  out.candidates = best.count;
  if (!out.feasible && !out.problem.empty())
    out.notes.push_back({"plan_problem", Value::of_string(out.problem), "the closest plan"});
  if (best.second && detail == PlanDetail::full) {
    const StrategyCost& r = best.second->cost;
    PlanAlternative alt;
    alt.model = r.plan_model;
    alt.api_model = r.plan_api;
    alt.label = r.label;
    alt.horizon_usd = r.horizon_usd;
    alt.feasible = r.feasible;
    alt.why = !r.feasible
                  ? r.problem
                  : fmt::format("{} more over the horizon", format_usd(r.horizon_usd.expected - out.horizon_usd.expected));
    out.runner_up = alt;
  }
  out.people_usd = people_cost(kind, p, c, out.notes);
  return out;
}

Range monthly_usd_at(const StrategyCost& cost, double requests, const Profile& p, const Catalog& c) {
  RequestShape shape;
  shape.extra = cost.added_prompt_tokens;
  shape.cacheable = cost.prompt_cacheable;
  if (cost.costing == Costing::hosted_tuning && !cost.api.empty()) {
    const ApiPrice& api = *c.find_api(cost.api);
    return detail::api_monthly(tuned_prices(api), shape, requests, p, c) + hosting_monthly(api, c);
  }
  if (!cost.api.empty()) return detail::api_monthly(*c.find_api(cost.api), shape, requests, p, c);
  return detail::self_hosted_monthly_at(cost.serving_model, cost.serving_gpus, shape, requests, p, c);
}

namespace {

/// The facts set_cost_facts() writes, resolved to their slots once: they are written for every
/// strategy of every evaluation (each what-if probe too).
struct CostFactSlots {
  std::size_t plan_params = fact_slot("plan.params");
  std::size_t plan_gpu = fact_slot("plan.gpu");
  std::size_t plan_gpus = fact_slot("plan.gpus");
  std::size_t plan_method = fact_slot("plan.method");
  std::size_t plan_training_tokens = fact_slot("plan.training_tokens");
  std::size_t plan_owned_hardware = fact_slot("plan.owned_hardware");
  std::size_t plan_model = fact_slot("plan.model");
  std::size_t plan_api_model = fact_slot("plan.api_model");
  std::size_t plan_serving_kind = fact_slot("plan.serving_kind");
  std::size_t plan_replicas = fact_slot("plan.replicas");
  std::size_t plan_latency_ms = fact_slot("plan.latency_ms");
  std::size_t plan_meets_latency = fact_slot("plan.meets_latency");
  std::size_t plan_feasible = fact_slot("plan.feasible");
  std::size_t plan_model_tier = fact_slot("plan.model_tier");
  std::size_t plan_retirement = fact_slot("plan.retirement");
  std::size_t plan_months_to_retirement = fact_slot("plan.months_to_retirement");
  std::size_t plan_teacher = fact_slot("plan.teacher");
  std::size_t plan_limit = fact_slot("plan.limit");
  std::size_t plan_problem = fact_slot("plan.problem");
  std::size_t cost_one_time_usd = fact_slot("cost.one_time_usd");
  std::size_t cost_one_time_usd_low = fact_slot("cost.one_time_usd_low");
  std::size_t cost_one_time_usd_high = fact_slot("cost.one_time_usd_high");
  std::size_t cost_monthly_usd = fact_slot("cost.monthly_usd");
  std::size_t cost_monthly_usd_low = fact_slot("cost.monthly_usd_low");
  std::size_t cost_horizon_usd = fact_slot("cost.horizon_usd");
  std::size_t cost_gpu_hours = fact_slot("cost.gpu_hours");
  std::size_t cost_wall_clock_days = fact_slot("cost.wall_clock_days");
  std::size_t cost_training_flops = fact_slot("cost.training_flops");
  std::size_t cost_people_usd = fact_slot("cost.people_usd");
  std::size_t memory_per_gpu_gib = fact_slot("memory.per_gpu_gib");
  std::size_t memory_gpu_gib = fact_slot("memory.gpu_gib");
  std::size_t memory_fits = fact_slot("memory.fits");
};

}  // namespace

void set_cost_facts(const StrategyCost& cost, Facts& f) {
  static const CostFactSlots k;
  f.set_number_at(k.plan_params, cost.params);
  f.set_text_at(k.plan_gpu, cost.gpu);
  f.set_number_at(k.plan_gpus, cost.gpus);
  f.set_text_at(k.plan_method, cost.method);
  f.set_number_at(k.plan_training_tokens, cost.training_tokens);
  f.set_bool_at(k.plan_owned_hardware, cost.owned);
  f.set_text_at(k.plan_model, cost.plan_model);
  f.set_text_at(k.plan_api_model, cost.plan_api);
  f.set_text_at(k.plan_serving_kind, cost.serving_plan.kind);
  f.set_number_at(k.plan_replicas, cost.serving_plan.replicas);
  f.set_number_at(k.plan_latency_ms, cost.serving_plan.latency_ms);
  f.set_bool_at(k.plan_meets_latency, cost.serving_plan.meets_latency);
  f.set_bool_at(k.plan_feasible, cost.feasible);
  f.set_number_at(k.plan_model_tier, cost.model_tier);
  f.set_text_at(k.plan_retirement, cost.retirement);
  if (cost.months_to_retirement < 0)
    f.set_null_at(k.plan_months_to_retirement);
  else
    f.set_number_at(k.plan_months_to_retirement, round_significant(cost.months_to_retirement, 2));
  f.set_text_at(k.plan_teacher, cost.teacher);
  f.set_text_at(k.plan_limit, cost.limit);
  f.set_text_at(k.plan_problem, cost.problem);
  f.set_number_at(k.cost_one_time_usd, cost.one_time_usd.expected);
  f.set_number_at(k.cost_one_time_usd_low, cost.one_time_usd.low);
  f.set_number_at(k.cost_one_time_usd_high, cost.one_time_usd.high);
  f.set_number_at(k.cost_monthly_usd, cost.monthly_usd.expected);
  f.set_number_at(k.cost_monthly_usd_low, cost.monthly_usd.low);
  f.set_number_at(k.cost_horizon_usd, cost.horizon_usd.expected);
  f.set_number_at(k.cost_gpu_hours, cost.gpu_hours.expected);
  f.set_number_at(k.cost_wall_clock_days, cost.wall_clock_days.expected);
  f.set_number_at(k.cost_training_flops, cost.training_flops);
  if (cost.people_usd)
    f.set_number_at(k.cost_people_usd, cost.people_usd->expected);
  else
    f.set_null_at(k.cost_people_usd);
  f.set_number_at(k.memory_per_gpu_gib, round_significant(cost.memory.total, 3));
  f.set_number_at(k.memory_gpu_gib, cost.memory.gpu_gib);
  // Nothing to train means nothing that could fail to fit.
  f.set_bool_at(k.memory_fits, cost.gpu.empty() || cost.memory.fits);
}

TrainingPlanMemo::TrainingPlanMemo() : m_entries(std::make_unique<Entries>()), m_outer(t_training_plans) {
  t_training_plans = m_entries.get();
}

TrainingPlanMemo::~TrainingPlanMemo() {
  t_training_plans = m_outer;
}

PricingScope::PricingScope() {
  if (t_training_plans == nullptr) m_memo.emplace();
}

bool same_pricing_inputs(const Facts& a, const Facts& b) {
  // Every profile fact the pricing reads is one of pricing_facts.hpp's list (it reads no other).
#define LLMPLAN_SAME_FACT(member, path) \
  if (!(a.get(slots().member) == b.get(slots().member))) return false;
  LLMPLAN_PRICING_FACTS(LLMPLAN_SAME_FACT)
#undef LLMPLAN_SAME_FACT
  return true;
}

}  // namespace llmplan
