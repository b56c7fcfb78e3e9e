#include "llmplan/cost/plan.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "llmplan/output/format.hpp"
#include "serving.hpp"

namespace llmplan {

// ---------------------------------------------------------------------------------------------
// Strategy plans for a profile.

namespace {

using detail::api_serving;
using detail::choose_serving_gpus;
using detail::self_hosted_serving;
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
};

std::vector<int> gpu_counts(int max_gpus) {
  std::vector<int> counts;
  for (int g = 1; g <= max_gpus; g *= 2) counts.push_back(g);
  return counts;
}

/// The cheapest way to run a training job: on owned GPUs when the profile has them, else
/// the rentable GPU and count with the lowest expected cost whose memory fits (and, for long
/// jobs, that finishes within the target days).
Plan choose_training_plan(TrainingRequest base, const std::vector<std::string>& methods, const Profile& p, const Catalog& c,
                          int max_gpus, double target_days) {
  Plan best;
  // Ordered preference: fits and finishes in time (cheapest), fits but late (fastest),
  // does not fit (closest to fitting).
  std::pair<int, double> best_key{3, 0};
  const auto consider = [&](const Gpu& gpu, int gpus, const std::string& method, bool owned) {
    TrainingRequest r = base;
    r.gpu = &gpu;
    r.gpus = gpus;
    r.method = method;
    r.owned = owned;
    TrainingEstimate e = estimate_training_figures(r, c);
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
      best = Plan{&gpu, gpus, method, std::move(e), r};
    }
    return key.first == 0;
  };
  if (p.facts.flag("hardware.owned")) {
    const Gpu* gpu = c.find_gpu(p.facts.text("hardware.gpu"));
    const int count = static_cast<int>(p.facts.number("hardware.count", 1));
    for (const auto& method : methods) consider(*gpu, count, method, true);
    best.estimate.notes = estimate_training_notes(best.request, c);
    return best;  // owned hardware is what there is: fits or not
  }
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
  best.estimate.notes = estimate_training_notes(best.request, c);
  return best;
}

/// The open model a plan adapts: the profile's, else the catalog's default for tuning.
ModelShape base_model(const Profile& p, const Catalog& c, std::vector<Note>& notes) {
  if (!p.facts.get("model.name").is_null()) {
    ModelShape m = c.find_model(p.facts.text("model.name"))->shape;
    if (!p.facts.get("model.params").is_null() && p.facts.number("model.params") != m.active_params) {
      m = shape_for_params(p.facts.number("model.params"));
    }
    return m;
  }
  if (!p.facts.get("model.params").is_null()) return shape_for_params(p.facts.number("model.params"));
  const CostConstant& def = c.constant("default_model_for_tuning");
  notes.push_back({"model", Value::of_string(def.text), def.why});
  return c.find_model(def.text)->shape;
}

}  // namespace

StrategyCost estimate_strategy(Costing kind, const Profile& p, const Catalog& c) {
  StrategyCost out;
  out.costing = kind;
  const Facts& f = p.facts;
  const bool self_hosted = f.flag("constraints.self_hosted");
  const double examples = f.number("data.labeled_examples");
  const double example_tokens = f.number("data.example_tokens");
  const double domain_tokens = f.number("data.domain_tokens");
  const double epochs = c.model.finetune_epochs.expected;
  const double finetune_tokens = examples * example_tokens * epochs;
  const double requests = f.number("usage.requests_per_month");

  if (!costing_trains(kind)) {
    Range extra;
    switch (kind) {
      case Costing::prompt: {
        const Range shots = c.model.few_shot_examples_in_prompt;
        extra = Range{std::min(examples, shots.low), std::min(examples, shots.expected), std::min(examples, shots.high)} *
                example_tokens;
        out.notes.push_back({"examples_in_prompt", Value::of_number(std::min(examples, shots.expected)),
                             c.constant("few_shot_examples_in_prompt").why});
        break;
      }
      case Costing::retrieval:
        extra = c.model.rag_context_tokens;
        out.notes.push_back({"retrieved_tokens", Value::of_number(extra.expected), c.constant("rag_context_tokens").why});
        // Embedding the corpus once is the retrieval index's one-time cost.
        out.one_time_usd = Range::exactly(domain_tokens * c.model.embedding_usd_per_m_tokens.expected / 1e6);
        out.training_tokens = 0;
        break;
      case Costing::adapter:
      case Costing::full:
      case Costing::continued:
      case Costing::scratch: break;  // priced below: they train
    }
    if (self_hosted) {
      const ModelShape model = base_model(p, c, out.notes);
      out.serving_gpus = choose_serving_gpus(model, p, c);
      const Serving s = self_hosted_serving(model, out.serving_gpus, extra, requests, p, c, true);
      out.serving_model = model;
      out.added_prompt_tokens = extra;
      out.method = "open-weights";
      out.model = model.id.empty() ? fmt::format("{}-parameter model", format_count(model.params)) : model.id;
      out.params = model.params;
      out.monthly_usd = s.monthly;
      out.serving = s.description;
    } else {
      const CostConstant& api = c.constant("api_model_default");
      const Serving s = api_serving(api.text, extra, requests, p, c, true);
      out.api = api.text;
      out.added_prompt_tokens = extra;
      out.method = "api";
      out.model = api.text;
      out.monthly_usd = s.monthly;
      out.serving = s.description;
      out.notes.push_back({"api_model", Value::of_string(api.text), api.why});
    }
  } else {
    ModelShape model = base_model(p, c, out.notes);
    TrainingRequest request;
    request.model = model;
    std::vector<std::string> methods;
    int max_gpus = static_cast<int>(c.model.max_gpus_finetune.expected);
    double target_days = 0;
    const bool is_finetune = kind == Costing::adapter || kind == Costing::full;
    switch (kind) {
      case Costing::adapter:
      case Costing::full:
        request.tokens = finetune_tokens;
        request.seq_len = std::clamp(next_power_of_two(example_tokens), 256, static_cast<int>(c.model.training_seq_len.expected));
        methods = kind == Costing::adapter ? std::vector<std::string>{"lora", "qlora"} : std::vector<std::string>{"full"};
        request.finetune = true;
        out.notes.push_back({"epochs", Value::of_number(epochs), c.constant("finetune_epochs").why});
        break;
      case Costing::continued:
        request.tokens = domain_tokens + finetune_tokens;
        methods = {"full"};
        max_gpus = static_cast<int>(c.model.max_gpus_pretrain.expected);
        target_days = c.model.pretrain_target_days.expected;
        break;
      case Costing::scratch: {
        const Range bounds = c.model.pretrain_params;
        const double optimal = c.model.tokens_per_param_optimal.expected;
        const double corpus = domain_tokens / c.model.pretrain_domain_share.expected;
        if (f.get("model.params").is_null()) {
          const double params = corpus > 0 ? std::clamp(corpus / optimal, bounds.low, bounds.high) : bounds.expected;
          model = shape_for_params(params);
          out.notes.clear();
          out.notes.push_back({"model_params", Value::of_number(round_significant(params, 2)),
                               fmt::format("compute-optimal size for the corpus ({} tokens per parameter), within {}..{}",
                                           optimal, format_count(bounds.low), format_count(bounds.high))});
        }
        request.model = model;
        request.tokens = std::max(corpus, optimal * model.params);
        out.notes.push_back({"training_tokens", Value::of_number(round_significant(request.tokens, 3)),
                             fmt::format("domain text as {}% of the mix, at least {} tokens per parameter",
                                         c.model.pretrain_domain_share.expected * 100, optimal)});
        methods = {"full"};
        max_gpus = static_cast<int>(c.model.max_gpus_pretrain.expected);
        target_days = c.model.pretrain_target_days.expected;
        break;
      }
      case Costing::prompt:
      case Costing::retrieval: break;  // priced above: they train nothing
    }
    const Plan plan = choose_training_plan(request, methods, p, c, max_gpus, target_days);
    const TrainingEstimate& e = plan.estimate;
    out.method = is_finetune ? plan.method : std::string(costing_name(kind));
    out.model = model.id.empty() ? fmt::format("{}-parameter model", format_count(model.params)) : model.id;
    out.params = model.params;
    out.gpu = plan.gpu ? plan.gpu->id : "";
    out.gpus = plan.gpus;
    out.owned = f.flag("hardware.owned");
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
    out.notes.push_back({"attempts", Value::of_number(attempts.expected), c.constant(attempts_name).why});
    out.memory = e.memory;
    for (const auto& n : e.notes) out.notes.push_back(n);
    out.serving_gpus = choose_serving_gpus(model, p, c);
    const Serving s = self_hosted_serving(model, out.serving_gpus, Range{}, requests, p, c, true);
    out.serving_model = model;
    out.monthly_usd = s.monthly;
    out.serving = s.description;
  }
  const double horizon = f.number("budget.horizon_months");
  out.horizon_usd = out.one_time_usd + out.monthly_usd * horizon;
  return out;
}

Range monthly_usd_at(const StrategyCost& cost, double requests, const Profile& p, const Catalog& c) {
  if (!cost.api.empty()) return api_serving(cost.api, cost.added_prompt_tokens, requests, p, c, false).monthly;
  return self_hosted_serving(cost.serving_model, cost.serving_gpus, cost.added_prompt_tokens, requests, p, c, false).monthly;
}

void set_cost_facts(const StrategyCost& cost, Facts& f) {
  f.set("plan.params", Value::of_number(cost.params));
  f.set("plan.gpu", Value::of_string(cost.gpu));
  f.set("plan.gpus", Value::of_number(cost.gpus));
  f.set("plan.method", Value::of_string(cost.method));
  f.set("plan.training_tokens", Value::of_number(cost.training_tokens));
  f.set("plan.owned_hardware", Value::of_bool(cost.owned));
  f.set("cost.one_time_usd", Value::of_number(cost.one_time_usd.expected));
  f.set("cost.one_time_usd_low", Value::of_number(cost.one_time_usd.low));
  f.set("cost.one_time_usd_high", Value::of_number(cost.one_time_usd.high));
  f.set("cost.monthly_usd", Value::of_number(cost.monthly_usd.expected));
  f.set("cost.monthly_usd_low", Value::of_number(cost.monthly_usd.low));
  f.set("cost.horizon_usd", Value::of_number(cost.horizon_usd.expected));
  f.set("cost.gpu_hours", Value::of_number(cost.gpu_hours.expected));
  f.set("cost.wall_clock_days", Value::of_number(cost.wall_clock_days.expected));
  f.set("cost.training_flops", Value::of_number(cost.training_flops));
  f.set("memory.per_gpu_gib", Value::of_number(round_significant(cost.memory.total, 3)));
  f.set("memory.gpu_gib", Value::of_number(cost.memory.gpu_gib));
  // Nothing to train means nothing that could fail to fit.
  f.set("memory.fits", Value::of_bool(cost.gpu.empty() || cost.memory.fits));
}

}  // namespace llmplan
