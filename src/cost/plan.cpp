#include "llmplan/cost/plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "llmplan/output/format.hpp"
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

std::vector<int> gpu_counts(int max_gpus) {
  std::vector<int> counts;
  for (int g = 1; g <= max_gpus; g *= 2) counts.push_back(g);
  return counts;
}

/// The cheapest way to run a training job: on owned GPUs when they hold it, else the rentable
/// GPU and count with the lowest expected cost whose memory fits and that finishes within the
/// target days. Each attempt bills at least the rented GPU's minimum.
Plan choose_training_plan(TrainingRequest base, const std::vector<std::string>& methods, const Profile& p, const Catalog& c,
                          int max_gpus, double target_days, bool notes) {
  Plan best;
  // Ordered preference: fits and finishes in time (cheapest), fits but late (fastest),
  // does not fit (closest to fitting).
  std::pair<int, double> best_key{3, 0};
  const double min_hours = c.model.training_min_billing_hours.expected;
  const auto consider = [&](const Gpu& gpu, int gpus, const std::string& method, bool owned) {
    TrainingRequest r = base;
    r.gpu = &gpu;
    r.gpus = gpus;
    r.method = method;
    r.owned = owned;
    TrainingEstimate e = estimate_training_figures(r, c);
    if (!owned && e.gpu_hours.expected > 0 && e.gpu_hours.expected < min_hours * gpus) {
      // A short job still pays for the instance's start, the download and the evaluation.
      e.cost_usd = gpu.price_range() * (min_hours * gpus);
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
      best = Plan{&gpu, gpus, method, std::move(e), r, owned, on_time};
    }
    return key.first == 0;
  };
  if (p.facts.flag("hardware.owned")) {
    const Gpu* gpu = c.find_gpu(p.facts.text("hardware.gpu"));
    const int count = static_cast<int>(p.facts.number("hardware.count", 1));
    for (const auto& method : methods) consider(*gpu, count, method, true);
    // Owned hardware first; rent only when it cannot hold the job.
    if (best_key.first == 2) {
      for (const auto& g : c.gpus) {
        if (g.prices.empty()) continue;
        for (const auto& method : methods) {
          for (int gpus : gpu_counts(max_gpus)) {
            if (consider(g, gpus, method, false)) break;
          }
        }
      }
    }
  } else {
    for (const auto& gpu : c.gpus) {
      if (gpu.prices.empty()) continue;
      for (const auto& method : methods) {
        // More GPUs never cost less for the same job (the scaling loss only grows), so the
        // smallest count that fits and finishes in time is this GPU's best.
        for (int gpus : gpu_counts(max_gpus)) {
          if (consider(gpu, gpus, method, false)) break;
        }
      }
    }
  }
  if (notes && best.gpu != nullptr) best.estimate.notes = estimate_training_notes(best.request, c);
  return best;
}

/// The quality tier a prompted model needs for the profile's risk.
int tier_needed(const Profile& p, const Catalog& c) {
  const std::string& risk = p.facts.text("risk.tolerance");
  const Range t = risk == "low"    ? c.model.quality_tier_risk_low
                  : risk == "high" ? c.model.quality_tier_risk_high
                                   : c.model.quality_tier_risk_medium;
  return static_cast<int>(t.expected);
}

bool only_format(const Profile& p) {
  const Value& needs = p.facts.get("task.needs");
  return needs.list.size() == 1 && needs.list.front() == "format";
}

/// What the strategy adds to every prompt.
RequestShape request_shape(Costing kind, const Profile& p, const Catalog& c, std::vector<Note>& notes) {
  RequestShape s;
  const double examples = p.facts.number("data.labeled_examples");
  const double example_tokens = p.facts.number("data.example_tokens");
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
    case Costing::adapter:
    case Costing::full:
    case Costing::continued:
    case Costing::scratch: break;  // a tuned model needs no added prompt
  }
  return s;
}

std::string model_label(const ModelShape& m) {
  return m.id.empty() ? fmt::format("{}-parameter model", format_count(m.params)) : m.id;
}

std::string serving_label(const ServingPlan& s) {
  if (s.kind == "api" || s.kind == "none") return "";
  const int gpus = s.replicas * s.gpus_per_replica;
  if (s.kind == "owned" && s.rented_gpus > 0) return fmt::format("{}x {} owned + {} rented", s.owned_gpus, s.gpu, s.rented_gpus);
  return fmt::format("{}x {} {}", gpus, s.gpu, s.kind);
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

/// A priced candidate, compared by total over the horizon.
struct Candidate {
  StrategyCost cost;
  double total = 0;
};

/// Keeps the best and second-best candidates: feasible before infeasible, then cheaper.
struct Best {
  std::optional<Candidate> first;
  std::optional<Candidate> second;
  int count = 0;

  static bool better(const Candidate& a, const Candidate& b) {
    if (a.cost.feasible != b.cost.feasible) return a.cost.feasible;
    return a.total < b.total;
  }
  void offer(Candidate c) {
    ++count;
    if (!first || better(c, *first)) {
      second = std::move(first);
      first = std::move(c);
    } else if (!second || better(c, *second)) {
      second = std::move(c);
    }
  }
};

double horizon_of(const Profile& p) {
  return p.facts.number("budget.horizon_months");
}

void finish_total(StrategyCost& cost, const Profile& p) {
  cost.horizon_usd = cost.one_time_usd + cost.monthly_usd * horizon_of(p);
}

/// A model the open-weight strategies may use: pinned by name or size, else every catalog model
/// of the needed tier.
std::vector<ModelShape> candidate_models(const Profile& p, const Catalog& c, int min_tier, std::vector<Note>& notes,
                                         std::vector<int>& tiers) {
  std::vector<ModelShape> out;
  if (!p.facts.get("model.name").is_null()) {
    const ModelInfo* m = c.find_model(p.facts.text("model.name"));
    out.push_back(m->shape);
    tiers.push_back(m->quality_tier);
    notes.push_back({"model", Value::of_string(m->id), "pinned by model.name"});
    return out;
  }
  if (!p.facts.get("model.params").is_null()) {
    // `model.params` counts every parameter, `model.active_params` those a token uses (MoE).
    const double active = p.facts.get("model.active_params").is_null() ? 0 : p.facts.number("model.active_params");
    out.push_back(shape_for_params(p.facts.number("model.params"), active, c));
    tiers.push_back(0);
    notes.push_back({"model", Value::of_string(model_label(out.back())), "pinned by model.params"});
    return out;
  }
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
  const double tokens = p.facts.number("data.domain_tokens");
  if (!p.facts.flag("constraints.self_hosted")) return Range::exactly(tokens * c.model.embedding_usd_per_m_tokens.expected / 1e6);
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

/// Prices a prompting strategy on one hosted API.
Candidate price_api(Costing kind, const ApiPrice& api, const RequestShape& shape, const Profile& p, const Catalog& c,
                    const Range& one_time) {
  Candidate cand;
  StrategyCost& out = cand.cost;
  out.costing = kind;
  const double requests = p.facts.number("usage.requests_per_month");
  const Serving s = api_serving(api, shape, requests, p, c);
  out.method = "api";
  out.model = api.id;
  out.api = api.id;
  out.plan_api = api.id;
  out.added_prompt_tokens = shape.extra;
  out.monthly_usd = s.monthly;
  out.one_time_usd = one_time;
  out.serving = s.description;
  out.serving_plan = s.plan;
  out.price_date = api.date;
  out.model_tier = api.quality_tier;
  const double prompt = p.facts.number("usage.input_tokens") + shape.extra.expected + p.facts.number("usage.output_tokens");
  out.feasible = s.plan.meets_latency;
  out.problem = s.problem;
  if (api.context > 0 && prompt > api.context) {
    out.feasible = false;
    out.problem = fmt::format("{} tokens per request exceed {}'s context of {}", prompt, api.id, api.context);
  }
  std::string variant;
  if (s.plan.batch_prices) variant = ", batch";
  out.label = fmt::format("{} API{}", api.id, variant);
  finish_total(out, p);
  cand.total = out.horizon_usd.expected;
  return cand;
}

/// Prices a prompting strategy on a self-hosted open model.
Candidate price_self_hosted_prompt(Costing kind, const ModelShape& model, const RequestShape& shape, const Profile& p,
                                   const Catalog& c, const Range& one_time) {
  Candidate cand;
  StrategyCost& out = cand.cost;
  out.costing = kind;
  const double requests = p.facts.number("usage.requests_per_month");
  const Serving s = plan_self_hosted(model, shape, requests, p, c);
  out.method = "open-weights";
  out.model = model_label(model);
  out.plan_model = model.id.empty() ? out.model : model.id;
  out.params = model.params;
  out.added_prompt_tokens = shape.extra;
  out.serving_model = model;
  out.serving_gpus = s.where;
  out.monthly_usd = s.monthly;
  out.one_time_usd = one_time;
  out.serving = s.description;
  out.serving_plan = s.plan;
  out.price_date = oldest_quote(s.where.gpu);
  out.model_tier = model_tier(model, c);
  out.feasible = s.plan.meets_latency && s.where.gpu != nullptr;
  out.problem = s.problem;
  const int context = model_context(model, c);
  const double prompt = detail::tokens_per_request(p) + shape.extra.expected;
  if (context > 0 && prompt > context) {
    out.feasible = false;
    out.problem = fmt::format("{} tokens per request exceed {}'s context of {}", prompt, out.model, context);
  }
  out.label = fmt::format("{}, {}", out.model, serving_label(s.plan));
  finish_total(out, p);
  cand.total = out.horizon_usd.expected;
  return cand;
}

/// Prices a training strategy on one open model: training on the cheapest GPUs that fit and
/// finish in time, then serving at the busiest hour.
Candidate price_trained(Costing kind, ModelShape model, const Profile& p, const Catalog& c, bool describe,
                        const Serving* served = nullptr) {
  Candidate cand;
  StrategyCost& out = cand.cost;
  out.costing = kind;
  const Facts& f = p.facts;
  const double examples = f.number("data.labeled_examples");
  const double example_tokens = f.number("data.example_tokens");
  const double domain_tokens = f.number("data.domain_tokens");
  const double epochs = c.model.finetune_epochs.expected;
  const double finetune_tokens = examples * example_tokens * epochs;
  const double requests = f.number("usage.requests_per_month");
  const double deadline_days = f.get("constraints.deadline_weeks").is_null() ? 0 : f.number("constraints.deadline_weeks") * 7;

  TrainingRequest request;
  std::vector<std::string> methods;
  int max_gpus = static_cast<int>(c.model.max_gpus_finetune.expected);
  double target_days = deadline_days;
  const bool is_finetune = kind == Costing::adapter || kind == Costing::full;
  const int context = model_context(model, c);
  switch (kind) {
    case Costing::adapter:
    case Costing::full: {
      request.tokens = finetune_tokens;
      // The sequence length follows the examples; only the model's context cuts it, with a note.
      int seq = std::max(256, next_power_of_two(example_tokens));
      if (context > 0 && seq > context) {
        seq = context;
        if (describe && example_tokens > context) {
          out.notes.push_back({"seq_len_cut", Value::of_number(context),
                               fmt::format("examples of {} tokens are longer than {}'s context of {}: cut to it", example_tokens,
                                           model_label(model), context)});
        }
      }
      request.seq_len = seq;
      request.example_tokens = example_tokens;
      methods = kind == Costing::adapter ? std::vector<std::string>{"lora", "qlora"} : std::vector<std::string>{"full"};
      request.finetune = true;
      if (describe) out.notes.push_back({"epochs", Value::of_number(epochs), c.constant("finetune_epochs").why});
      break;
    }
    case Costing::continued:
      request.tokens = domain_tokens + finetune_tokens;
      methods = {"full"};
      max_gpus = static_cast<int>(c.model.max_gpus_pretrain.expected);
      target_days = deadline_days > 0 ? std::min(deadline_days, c.model.pretrain_target_days.expected)
                                      : c.model.pretrain_target_days.expected;
      break;
    case Costing::scratch: {
      const Range bounds = c.model.pretrain_params;
      const double optimal = c.model.tokens_per_param_optimal.expected;
      const double corpus = domain_tokens / c.model.pretrain_domain_share.expected;
      if (f.get("model.params").is_null()) {
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
      methods = {"full"};
      max_gpus = static_cast<int>(c.model.max_gpus_pretrain.expected);
      target_days = deadline_days > 0 ? std::min(deadline_days, c.model.pretrain_target_days.expected)
                                      : c.model.pretrain_target_days.expected;
      break;
    }
    case Costing::prompt:
    case Costing::retrieval: break;  // priced by price_api / price_self_hosted_prompt
  }
  request.model = model;
  const Plan plan = choose_training_plan(request, methods, p, c, max_gpus, target_days, describe);
  const TrainingEstimate& e = plan.estimate;
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
  // One-time cost covers every attempt; GPU-hours and days describe one run.
  const char* attempts_name = is_finetune ? "finetune_attempts" : "pretrain_attempts";
  const Range attempts = is_finetune ? c.model.finetune_attempts : c.model.pretrain_attempts;
  out.one_time_usd = e.cost_usd * attempts;
  out.energy_kwh = e.energy_kwh * attempts;
  out.emissions_kgco2e = e.emissions_kgco2e * attempts;
  out.memory = e.memory;
  if (describe) {
    out.notes.push_back({"attempts", Value::of_number(attempts.expected), c.constant(attempts_name).why});
    for (const auto& n : e.notes) out.notes.push_back(n);
  }
  const Serving s = served != nullptr ? *served : plan_self_hosted(model, RequestShape{}, requests, p, c);
  out.serving_model = model;
  out.serving_gpus = s.where;
  out.monthly_usd = s.monthly;
  out.serving = s.description;
  out.serving_plan = s.plan;
  out.price_date = oldest_quote(plan.owned ? nullptr : plan.gpu);
  older_date(out.price_date, oldest_quote(s.where.gpu));
  out.model_tier = model_tier(model, c);
  out.feasible = e.memory.fits && plan.on_time && s.where.gpu != nullptr && s.plan.meets_latency;
  if (!e.memory.fits)
    out.problem = fmt::format("{} does not fit any GPU plan ({:.0f} GiB per GPU)", out.model, e.memory.total);
  else if (!plan.on_time)
    out.problem = fmt::format("training takes {} days, past the deadline", round_significant(e.wall_clock_days.expected, 2));
  else if (!s.problem.empty())
    out.problem = s.problem;
  out.label = fmt::format("{} {}, {}", out.model, is_finetune ? method_label(plan.method) : std::string(costing_name(kind)),
                          serving_label(s.plan));
  finish_total(out, p);
  cand.total = out.horizon_usd.expected;
  return cand;
}

/// People's time for a strategy at team.hourly_usd: setup, data, evaluation, training attempts
/// and upkeep over the horizon, from the `effort_<costing>_*` constants.
std::optional<Range> people_cost(Costing kind, const Profile& p, const Catalog& c, std::vector<Note>& notes) {
  if (p.facts.get("team.hourly_usd").is_null()) return std::nullopt;
  const double hourly = p.facts.number("team.hourly_usd");
  const std::string prefix = fmt::format("effort_{}_", costing_name(kind));
  const auto part = [&](const std::string& name) {
    const auto it = c.constants.find(prefix + name);
    return it == c.constants.end() ? Range{} : it->second.value;
  };
  // Examples for the kinds that use them; documents (taken as 1,000 tokens each) for the rest.
  const bool documents = kind == Costing::retrieval || kind == Costing::continued || kind == Costing::scratch;
  const double items = documents ? p.facts.number("data.domain_tokens") / 1000.0 : p.facts.number("data.labeled_examples");
  Range hours = part("setup_hours") + part("data_hours_per_1k") * (items / 1000.0) + part("eval_hours") +
                part("upkeep_hours_per_month") * horizon_of(p);
  if (costing_trains(kind)) {
    const Range attempts =
        kind == Costing::adapter || kind == Costing::full ? c.model.finetune_attempts : c.model.pretrain_attempts;
    hours = hours + part("attempt_hours") * attempts;
  }
  notes.push_back({"people_hours", Value::of_number(round_significant(hours.expected, 3)),
                   fmt::format("setup, data, evaluation{} and upkeep at {} an hour ({}: {})",
                               costing_trains(kind) ? ", training attempts" : "", format_usd(hourly), prefix + "*",
                               c.constants.count(prefix + "setup_hours") ? c.constants.at(prefix + "setup_hours").source
                                                                         : "no effort figures")});
  return hours * hourly;
}

}  // namespace

StrategyCost estimate_strategy(Costing kind, const Profile& p, const Catalog& c) {
  const Facts& f = p.facts;
  const bool self_hosted = f.flag("constraints.self_hosted");
  const int need = tier_needed(p, c);
  std::vector<Note> notes;
  Best best;

  if (!costing_trains(kind)) {
    const RequestShape shape = request_shape(kind, p, c, notes);
    Range one_time;
    if (kind == Costing::retrieval) one_time = embedding_cost(p, c, notes);
    const bool pinned_api = !f.get("model.api").is_null();
    if (!self_hosted) {
      const std::string today = catalog_today();
      for (const auto& api : c.apis) {
        if (pinned_api) {
          if (api.id != f.text("model.api")) continue;
        } else if (api.quality_tier < need || (!api.retirement.empty() && api.retirement <= today)) {
          continue;
        }
        best.offer(price_api(kind, api, shape, p, c, one_time));
      }
      if (pinned_api) notes.push_back({"api_model", f.get("model.api"), "pinned by model.api"});
    } else {
      if (pinned_api) notes.push_back({"api_model", f.get("model.api"), "ignored: data may not leave (constraints.self_hosted)"});
      std::vector<int> tiers;
      for (const auto& m : candidate_models(p, c, need, notes, tiers)) {
        best.offer(price_self_hosted_prompt(kind, m, shape, p, c, one_time));
      }
    }
    if (!best.first) {
      // No API of the needed tier: the rule set's default API stands in.
      const CostConstant& api = c.constant("api_model_default");
      notes.push_back({"api_model", Value::of_string(api.text), api.why});
      best.offer(price_api(kind, *c.find_api(api.text), shape, p, c, one_time));
    }
  } else {
    std::vector<int> tiers;
    // A model tuned on a narrow task (classification, extraction) needs a tier less than a
    // prompted one (LoRA Land); open-ended tasks keep the prompted tier.
    const std::string& task = f.text("task.type");
    const bool narrow = task == "classification" || task == "extraction";
    const int credit = narrow ? static_cast<int>(c.model.tuning_quality_credit.expected) : 0;
    if (kind == Costing::scratch) {
      best.offer(price_trained(kind, ModelShape{}, p, c, false));
    } else {
      // Smaller models first: serving alone bounds a candidate's total from below, so once two
      // feasible plans are cheaper than a model's serving, its training need not be priced.
      std::vector<ModelShape> models = candidate_models(p, c, need - credit, notes, tiers);
      std::stable_sort(models.begin(), models.end(),
                       [](const ModelShape& a, const ModelShape& b) { return a.params < b.params; });
      const double requests = f.number("usage.requests_per_month");
      for (const auto& m : models) {
        const Serving served = plan_self_hosted(m, RequestShape{}, requests, p, c);
        // Pruned only when it could beat neither the kept plan nor the runner-up.
        if (best.second && best.second->cost.feasible && served.monthly.expected * horizon_of(p) >= best.second->total) {
          ++best.count;
          continue;
        }
        best.offer(price_trained(kind, m, p, c, false, &served));
      }
    }
  }

  // The kept plan again, with its notes.
  Candidate kept = std::move(*best.first);
  if (costing_trains(kind)) {
    ModelShape model = kind == Costing::scratch ? ModelShape{} : kept.cost.serving_model;
    if (kind == Costing::scratch && !f.get("model.params").is_null()) {
      const double active = f.get("model.active_params").is_null() ? 0 : f.number("model.active_params");
      model = shape_for_params(f.number("model.params"), active, c);
    }
    kept = price_trained(kind, model, p, c, true);
  }
  StrategyCost out = std::move(kept.cost);
  out.notes.insert(out.notes.begin(), notes.begin(), notes.end());
  out.candidates = best.count;
  if (!out.feasible && !out.problem.empty())
    out.notes.push_back({"plan_problem", Value::of_string(out.problem), "the closest plan"});
  if (best.second) {
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
  shape.cacheable = cost.costing == Costing::prompt;
  if (!cost.api.empty()) return api_serving(*c.find_api(cost.api), shape, requests, p, c).monthly;
  return detail::self_hosted_monthly_at(cost.serving_model, cost.serving_gpus, shape, requests, p, c);
}

void set_cost_facts(const StrategyCost& cost, Facts& f) {
  f.set("plan.params", Value::of_number(cost.params));
  f.set("plan.gpu", Value::of_string(cost.gpu));
  f.set("plan.gpus", Value::of_number(cost.gpus));
  f.set("plan.method", Value::of_string(cost.method));
  f.set("plan.training_tokens", Value::of_number(cost.training_tokens));
  f.set("plan.owned_hardware", Value::of_bool(cost.owned));
  f.set("plan.model", Value::of_string(cost.plan_model));
  f.set("plan.api_model", Value::of_string(cost.plan_api));
  f.set("plan.serving_kind", Value::of_string(cost.serving_plan.kind));
  f.set("plan.replicas", Value::of_number(cost.serving_plan.replicas));
  f.set("plan.latency_ms", Value::of_number(cost.serving_plan.latency_ms));
  f.set("plan.meets_latency", Value::of_bool(cost.serving_plan.meets_latency));
  f.set("plan.feasible", Value::of_bool(cost.feasible));
  f.set("plan.model_tier", Value::of_number(cost.model_tier));
  f.set("cost.one_time_usd", Value::of_number(cost.one_time_usd.expected));
  f.set("cost.one_time_usd_low", Value::of_number(cost.one_time_usd.low));
  f.set("cost.one_time_usd_high", Value::of_number(cost.one_time_usd.high));
  f.set("cost.monthly_usd", Value::of_number(cost.monthly_usd.expected));
  f.set("cost.monthly_usd_low", Value::of_number(cost.monthly_usd.low));
  f.set("cost.horizon_usd", Value::of_number(cost.horizon_usd.expected));
  f.set("cost.gpu_hours", Value::of_number(cost.gpu_hours.expected));
  f.set("cost.wall_clock_days", Value::of_number(cost.wall_clock_days.expected));
  f.set("cost.training_flops", Value::of_number(cost.training_flops));
  f.set("cost.people_usd", cost.people_usd ? Value::of_number(cost.people_usd->expected) : Value::of_null());
  f.set("memory.per_gpu_gib", Value::of_number(round_significant(cost.memory.total, 3)));
  f.set("memory.gpu_gib", Value::of_number(cost.memory.gpu_gib));
  // Nothing to train means nothing that could fail to fit.
  f.set("memory.fits", Value::of_bool(cost.gpu.empty() || cost.memory.fits));
}

}  // namespace llmplan
