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

TrainingEstimate estimate_training_figures(const TrainingRequest& r, const Catalog& c) {
  return compute_training(r, c);
}

std::vector<Note> estimate_training_notes(const TrainingRequest& r, const Catalog& c) {
  return training_notes(r, c);
}

}  // namespace llmplan
