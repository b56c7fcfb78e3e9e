#include "llmplan/cost/estimate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "llmplan/output/format.hpp"

namespace llmplan {

namespace {

constexpr double k_gib = 1024.0 * 1024.0 * 1024.0;

int round_to(double x, int multiple) {
  return std::max(multiple, static_cast<int>(std::lround(x / multiple)) * multiple);
}

int next_power_of_two(double x) {
  int p = 1;
  while (p < x && p < (1 << 20)) p *= 2;
  return p;
}

/// Embedding and output-projection parameters (kept in 16 bits even under QLoRA).
double embedding_params(const ModelShape& m) {
  return 2.0 * m.vocab * m.hidden;
}

/// LoRA adapter parameters: rank r on the target linear layers of every block. `all` (q, k, v,
/// o, gate, up, down) is what the QLoRA paper and Biderman et al. 2024 recommend; `qv` is the
/// original LoRA paper's choice.
double lora_params(const ModelShape& m, int rank, const std::string& targets) {
  const double h = m.hidden;
  const double kv_dim = h * m.kv_heads / std::max(1, m.heads);
  const double q_and_o = 2.0 * (h + h);
  const double k_and_v = 2.0 * (h + kv_dim);
  const double mlp = 3.0 * (h + m.ffn);  // gate, up, down
  double per_layer = q_and_o + k_and_v + mlp;
  if (targets == "attention") per_layer = q_and_o + k_and_v;
  if (targets == "qv") per_layer = (h + h) + (h + kv_dim);
  return rank * per_layer * m.layers;
}

int lora_rank_of(const TrainingRequest& r, const Catalog& c) {
  return r.lora_rank > 0 ? r.lora_rank : static_cast<int>(c.model.lora_rank.expected);
}

/// Scaling loss beyond the cluster size the utilization figures describe: each doubling keeps
/// this fraction of throughput.
double scaling_efficiency(int gpus, const Catalog& c) {
  const double reference = c.model.scaling_reference_gpus.expected;
  if (gpus <= reference) return 1.0;
  return std::pow(c.model.scaling_efficiency_per_doubling.expected, std::log2(gpus / reference));
}

/// Utilization of the dense peak: given (--mfu), the fine-tune band, or the GPU's curve at the
/// model's size times the spread of published runs.
Range training_utilization(const TrainingRequest& r, const Catalog& c) {
  if (r.utilization) return Range::exactly(*r.utilization);
  if (r.finetune) return c.model.finetune_utilization;
  const auto curve = r.gpu ? c.utilization_curves.find(r.gpu->utilization_curve) : c.utilization_curves.end();
  const double base = curve != c.utilization_curves.end() ? curve->second.at(r.model.active_params) : 0.4;
  return c.model.training_utilization_band * base;
}

Range price_for(const Gpu& gpu, const TrainingRequest& r, const Catalog& c) {
  if (r.price_per_gpu_hour) return Range::exactly(*r.price_per_gpu_hour);
  if (r.owned) {
    // Owned GPUs cost the energy they draw, at the data-centre overhead (PUE).
    const double kwh_per_hour = gpu.board_power_w / 1000.0 * c.model.pue.expected;
    return c.model.electricity_usd_per_kwh * kwh_per_hour;
  }
  return gpu.price_range();
}

}  // namespace

ModelShape shape_for_params(double params) {
  // N ~ 12 L h^2 with h ~ 128 L (the proportions of LLaMA-7B: L = 32, h = 4096).
  ModelShape m;
  m.params = params;
  m.active_params = params;
  m.layers = std::max(2, static_cast<int>(std::lround(std::cbrt(params / (12.0 * 128.0 * 128.0)))));
  m.hidden = round_to(std::sqrt(params / (12.0 * m.layers)), 128);
  m.ffn = round_to(m.hidden * 8.0 / 3.0, 256);
  m.heads = std::max(1, m.hidden / 128);
  m.kv_heads = m.heads;
  m.vocab = 32000;
  return m;
}

MemoryEstimate estimate_memory(const TrainingRequest& r, const Catalog& c) {
  MemoryEstimate mem;
  const ModelShape& m = r.model;
  const double n = m.params;  // every weight is held in memory, active or not
  const int gpus = std::max(1, r.gpus);
  const double weight_b = c.model.full_weight_bytes_per_param.expected;
  const double grad_b = c.model.full_gradient_bytes_per_param.expected;
  const double optim_b = c.model.full_optimizer_bytes_per_param.expected;
  const int seq = r.seq_len > 0 ? r.seq_len : static_cast<int>(c.model.training_seq_len.expected);
  const double tokens_in_flight = static_cast<double>(seq) * std::max(1, r.micro_batch);

  if (r.method == "lora" || r.method == "qlora") {
    const double trainable = lora_params(m, lora_rank_of(r, c), r.lora_targets);
    double frozen_bytes = n * c.model.lora_bytes_per_frozen_param.expected;
    if (r.method == "qlora") {
      const double embed = std::min(embedding_params(m), n);
      frozen_bytes =
          (n - embed) * c.model.qlora_bytes_per_frozen_param.expected + embed * c.model.lora_bytes_per_frozen_param.expected;
    }
    // The frozen base is replicated on every GPU (data parallel) unless ZeRO-3 / FSDP shards it.
    const double shards = r.zero_stage == 3 ? gpus : 1;
    mem.weights = (frozen_bytes / shards + trainable * weight_b) / k_gib;
    mem.gradients = trainable * grad_b / k_gib;
    mem.optimizer = trainable * optim_b / k_gib;
  } else {
    // Mixed-precision Adam. ZeRO stage 1 shards the optimizer state across the GPUs, stage 2 also
    // the gradients, stage 3 (FSDP) also the weights; the default is stage 3 on several GPUs.
    const int stage = r.zero_stage >= 0 ? r.zero_stage : (gpus > 1 ? 3 : 0);
    mem.weights = n * weight_b / (stage >= 3 ? gpus : 1) / k_gib;
    mem.gradients = n * grad_b / (stage >= 2 ? gpus : 1) / k_gib;
    mem.optimizer = n * optim_b / (stage >= 1 ? gpus : 1) / k_gib;
  }

  const double layer_inputs = tokens_in_flight * m.hidden * m.layers;
  const double one_layer = tokens_in_flight * m.hidden * c.model.activation_layer_bytes.expected;
  const double logits = tokens_in_flight * m.vocab * c.model.logits_bytes.expected;
  const double activations = r.checkpointing ? layer_inputs * c.model.activation_checkpoint_bytes.expected + one_layer + logits
                                             : one_layer * m.layers + logits;
  mem.activations = activations / k_gib;
  mem.overhead = c.model.framework_overhead_gib.expected;
  mem.total = mem.weights + mem.gradients + mem.optimizer + mem.activations + mem.overhead;
  mem.gpu_gib = r.gpu ? r.gpu->memory_gib : 0;
  mem.fits = r.gpu != nullptr && mem.total <= mem.gpu_gib;
  return mem;
}

namespace {

/// Compute, time, cost and memory of one job without notes: the inner loop of the GPU search.
TrainingEstimate compute_training(const TrainingRequest& r, const Catalog& c) {
  TrainingEstimate e;
  const ModelShape& m = r.model;
  const int gpus = std::max(1, r.gpus);
  const int seq = r.seq_len > 0 ? r.seq_len : static_cast<int>(c.model.training_seq_len.expected);
  const bool frozen_base = r.method == "lora" || r.method == "qlora";

  // Per token: 2N forward, 2N for activation gradients, 2N for weight gradients (skipped for a
  // frozen base); attention scores add 6 L s h (Kaplan et al. 2020), which matters for long
  // sequences on small models.
  const double weight_flops = (frozen_base ? 4.0 : 6.0) * m.active_params;
  const double attention_flops = 6.0 * m.layers * seq * static_cast<double>(m.hidden);
  e.flops = r.tokens * (weight_flops + attention_flops);

  const Range util = training_utilization(r, c);
  double slowdown = 1.0 / scaling_efficiency(gpus, c);
  if (r.method == "qlora") slowdown *= c.model.qlora_compute_overhead.expected;
  if (r.gpu != nullptr && r.gpu->peak_tflops > 0) {
    const double peak = r.gpu->peak_tflops * 1e12;
    // High utilization gives the low figure.
    e.gpu_hours =
        Range{e.flops / (peak * util.high), e.flops / (peak * util.expected), e.flops / (peak * util.low)} * (slowdown / 3600.0);
    e.wall_clock_days = e.gpu_hours * (1.0 / (gpus * 24.0));
    e.cost_usd = e.gpu_hours * price_for(*r.gpu, r, c);
    const double pue = r.pue ? *r.pue : c.model.pue.expected;
    const double grid = r.grid_kgco2e_per_kwh ? *r.grid_kgco2e_per_kwh : c.model.grid_kgco2e_per_kwh.expected;
    e.energy_kwh = e.gpu_hours * (r.gpu->board_power_w / 1000.0 * pue);
    e.emissions_kgco2e = e.energy_kwh * grid;
  }
  e.memory = estimate_memory(r, c);
  if (frozen_base) {
    e.trainable_params = lora_params(m, lora_rank_of(r, c), r.lora_targets);
  } else {
    e.trainable_params = m.params;
  }

  return e;
}

/// The assumptions behind one training estimate, for people.
std::vector<Note> training_notes(const TrainingRequest& r, const Catalog& c) {
  std::vector<Note> notes;
  const int gpus = std::max(1, r.gpus);
  const int seq = r.seq_len > 0 ? r.seq_len : static_cast<int>(c.model.training_seq_len.expected);
  const Range util = training_utilization(r, c);
  std::string why;
  if (r.utilization) {
    why = "given (--mfu)";
  } else if (r.finetune) {
    why = c.constant("finetune_utilization").why;
  } else {
    why = fmt::format("the `{}` curve at {} active parameters, from published runs; band {}x-{}x", r.gpu->utilization_curve,
                      format_count(r.model.active_params), c.model.training_utilization_band.low,
                      c.model.training_utilization_band.high);
  }
  notes.push_back({"utilization", Value::of_number(round_significant(util.expected, 3)), why});
  if (scaling_efficiency(gpus, c) < 1.0) {
    notes.push_back({"scaling_efficiency", Value::of_number(round_significant(scaling_efficiency(gpus, c), 3)),
                     fmt::format("{} GPUs: {} per doubling beyond {}", gpus, c.model.scaling_efficiency_per_doubling.expected,
                                 c.model.scaling_reference_gpus.expected)});
  }
  if (r.method == "qlora") {
    notes.push_back({"qlora_compute_overhead", Value::of_number(c.model.qlora_compute_overhead.expected),
                     c.constant("qlora_compute_overhead").why});
  }
  notes.push_back({"seq_len", Value::of_number(seq), r.seq_len > 0 ? "given" : "default training sequence length"});
  if (r.method == "full") {
    const int stage = r.zero_stage >= 0 ? r.zero_stage : (gpus > 1 ? 3 : 0);
    notes.push_back(
        {"zero_stage", Value::of_number(stage), r.zero_stage >= 0 ? "given" : "ZeRO-3 (FSDP) on several GPUs, none on one"});
  } else {
    notes.push_back({"lora", Value::of_string(fmt::format("rank {} on {} modules", lora_rank_of(r, c), r.lora_targets)),
                     c.constant("lora_rank").why});
  }
  notes.push_back({"grid_kgco2e_per_kwh",
                   Value::of_number(r.grid_kgco2e_per_kwh ? *r.grid_kgco2e_per_kwh : c.model.grid_kgco2e_per_kwh.expected),
                   r.grid_kgco2e_per_kwh ? "given" : c.constant("grid_kgco2e_per_kwh").why});
  notes.push_back({"gradient_checkpointing", Value::of_bool(r.checkpointing), "trades recomputation for activation memory"});
  if (r.owned) {
    notes.push_back({"price", Value::of_string("energy"),
                     fmt::format("owned GPUs: board power x PUE {} x electricity", c.model.pue.expected)});
  }
  return notes;
}

}  // namespace

double lora_trainable_params(const TrainingRequest& r, const Catalog& c) {
  return lora_params(r.model, lora_rank_of(r, c), r.lora_targets);
}

bool valid_lora_targets(const std::string& targets) {
  return targets == "all" || targets == "attention" || targets == "qv";
}

TrainingEstimate estimate_training(const TrainingRequest& r, const Catalog& c) {
  TrainingEstimate e = compute_training(r, c);
  e.notes = training_notes(r, c);
  return e;
}

// ---------------------------------------------------------------------------------------------
// Strategy plans for a profile.

namespace {

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
    TrainingEstimate e = compute_training(r, c);
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
    best.estimate.notes = training_notes(best.request, c);
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
  best.estimate.notes = training_notes(best.request, c);
  return best;
}

struct Serving {
  Range monthly;
  std::string description;
};

double tokens_per_request(const Profile& p) {
  return p.facts.number("usage.input_tokens") + p.facts.number("usage.output_tokens");
}

/// The GPUs that serve a model: owned ones when they can hold it, else the cheapest rentable
/// GPU type (up to 8 of it) whose memory holds 1.2 x the 16-bit weights.
ServingGpus choose_serving_gpus(const ModelShape& model, const Profile& p, const Catalog& c) {
  const double weights_gib = 2.0 * model.params * c.model.inference_memory_factor.expected / k_gib;
  if (p.facts.flag("hardware.owned")) {
    const Gpu* own = c.find_gpu(p.facts.text("hardware.gpu"));
    const int have = static_cast<int>(p.facts.number("hardware.count", 1));
    const int need = std::max(1, static_cast<int>(std::ceil(weights_gib / own->memory_gib)));
    if (need <= have) return {own, need, true};
  }
  ServingGpus best;
  double best_cost = std::numeric_limits<double>::infinity();
  for (const auto& g : c.gpus) {
    if (g.prices.empty()) continue;
    const int need = std::max(1, static_cast<int>(std::ceil(weights_gib / g.memory_gib)));
    if (need > 8) continue;
    const double cost = need * g.price_range().expected;
    if (cost < best_cost) {
      best_cost = cost;
      best = {&g, need, false};
    }
  }
  return best;
}

/// Monthly cost of serving on GPUs: the compute the volume needs, with one replica always on,
/// or scale-to-zero workers billed per busy second at a premium when that is cheaper (not under
/// a latency limit: cold starts; not on owned GPUs: they are there anyway).
Serving self_hosted_serving(const ModelShape& model, const ServingGpus& where, const Range& extra, double requests,
                            const Profile& p, const Catalog& c, bool describe) {
  const Gpu* gpu = where.gpu;
  if (gpu == nullptr) return {{}, "no GPU in the catalog can hold the model"};
  const Range util = c.model.inference_flops_utilization;
  const double flops_per_token = 2.0 * model.active_params;
  const double peak = gpu->peak_tflops * 1e12;
  const double base_tokens = tokens_per_request(p);
  const Range compute_hours = {requests * (base_tokens + extra.low) * flops_per_token / (peak * util.high) / 3600.0,
                               requests * (base_tokens + extra.expected) * flops_per_token / (peak * util.expected) / 3600.0,
                               requests * (base_tokens + extra.high) * flops_per_token / (peak * util.low) / 3600.0};
  const double always_on = c.model.hours_per_month.expected * where.count;
  Range price = gpu->price_range();
  if (where.owned) price = c.model.electricity_usd_per_kwh * (gpu->board_power_w / 1000.0 * c.model.pue.expected);
  Serving s;
  const Range dedicated = {std::max(compute_hours.low, always_on) * price.low,
                           std::max(compute_hours.expected, always_on) * price.expected,
                           std::max(compute_hours.high, always_on) * price.high};
  const bool serverless_ok = !where.owned && p.facts.get("constraints.max_latency_ms").is_null();
  const Range serverless = compute_hours * price * c.model.serverless_premium.expected;
  if (serverless_ok && serverless.expected < dedicated.expected) {
    s.monthly = {serverless.low, serverless.expected, std::min(serverless.high, dedicated.high)};
    if (describe)
      s.description = fmt::format("rented {}x {}, scale-to-zero workers billed per busy second", where.count, gpu->id);
  } else {
    s.monthly = dedicated;
    if (describe) {
      s.description = fmt::format("{} {}x {}, one replica always on{}", where.owned ? "owned" : "rented", where.count, gpu->id,
                                  where.owned ? " (energy only)" : "");
    }
  }
  return s;
}

Serving api_serving(const std::string& api_id, const Range& extra_prompt, double requests, const Profile& p, const Catalog& c,
                    bool describe) {
  const ApiPrice* api = c.find_api(api_id);
  const double input = p.facts.number("usage.input_tokens");
  const double output = p.facts.number("usage.output_tokens");
  const auto monthly = [&](double extra) {
    return requests * ((input + extra) * api->usd_per_m_input + output * api->usd_per_m_output) / 1e6;
  };
  return {{monthly(extra_prompt.low), monthly(extra_prompt.expected), monthly(extra_prompt.high)},
          describe ? fmt::format("hosted API {} (prices of {})", api->id, api->date) : std::string()};
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
