#include "llmplan/cost/estimate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "llmplan/output/format.hpp"

namespace llmplan {

using namespace std::string_view_literals;  // comparisons with a literal check its length first, no strlen

namespace {

constexpr double k_gib = 1024.0 * 1024.0 * 1024.0;

int round_to(double x, int multiple) {
  return std::max(multiple, static_cast<int>(std::lround(x / multiple)) * multiple);
}

/// The input embedding and the output projection (kept in 16 bits even under QLoRA): two V x h
/// matrices, or one when they are tied.
double embedding_params(const ModelShape& m) {
  return (m.tied_embeddings ? 1.0 : 2.0) * m.vocab * m.hidden;
}

/// The width of attention's keys (and values): hidden x KV heads / heads, smaller than the
/// query's under grouped-query attention.
double kv_width(const ModelShape& m) {
  return static_cast<double>(m.hidden) * (m.kv_heads > 0 ? m.kv_heads : m.heads) / std::max(1, m.heads);
}

/// The MLP's matrices: gate, up and down, or up and down for a two-matrix (GeLU) MLP.
double mlp_matrices(const ModelShape& m) {
  return m.gated_mlp ? 3.0 : 2.0;
}

/// LoRA adapter parameters: rank r on the target linear layers of every block. `all` (q, k, v,
/// o, gate, up, down) is what the QLoRA paper and Biderman et al. 2024 recommend; `qv` is the
/// original LoRA paper's choice.
double lora_params(const ModelShape& m, int rank, const std::string& targets) {
  const double h = m.hidden;
  const double kv_dim = kv_width(m);
  const double q_and_o = 2.0 * (h + h);
  const double k_and_v = 2.0 * (h + kv_dim);
  const double mlp = mlp_matrices(m) * (h + m.ffn);
  double per_layer = q_and_o + k_and_v + mlp;
  if (targets == "attention"sv) per_layer = q_and_o + k_and_v;
  if (targets == "qv"sv) per_layer = (h + h) + (h + kv_dim);
  return rank * per_layer * m.layers;
}

int lora_rank_of(const TrainingRequest& r, const Catalog& c) {
  return r.lora_rank > 0 ? r.lora_rank : static_cast<int>(c.model.lora_rank.expected);
}

/// Scaling loss beyond the cluster size the utilization curves describe: each doubling keeps
/// this fraction of throughput.
double scaling_efficiency(int gpus, const Catalog& c) {
  const double reference = c.model.scaling_reference_gpus.expected;
  if (gpus <= reference) return 1.0;
  return std::pow(c.model.scaling_efficiency_per_doubling.expected, std::log2(gpus / reference));
}

bool is_adapter(const TrainingRequest& r) {
  return r.method == "lora"sv || r.method == "qlora"sv;
}

/// The FFN width a token passes through in one layer: the FFN, or for a mixture of experts the
/// experts it is routed to, read from the active parameters (embeddings, attention and the gated
/// MLP's three matrices make them up; the router is negligible).
double active_ffn(const ModelShape& m) {
  const double ffn = m.ffn > 0 ? m.ffn : 4.0 * m.hidden;
  if (!(m.active_params < m.params) || m.layers < 1 || m.hidden < 1) return ffn;
  const double h = m.hidden;
  const double attention = 2.0 * h * h + 2.0 * h * kv_width(m);
  const double mlp = (m.active_params - embedding_params(m)) / m.layers - attention;
  return std::max(ffn, mlp / (mlp_matrices(m) * h));
}

/// Bytes one decoder layer keeps per token for its backward pass (FlashAttention's scores
/// aside), counted from what a Llama-style layer's operations save: the two RMSNorms, attention's
/// q, k, v and output, the gated MLP, and the tensors kept only because a trained weight reads
/// them. docs/cost-model.md gives the count term by term.
double layer_activation_bytes(const TrainingRequest& r, const Catalog& c, bool adapter, bool autocast_32bit_weights) {
  const ModelShape& m = r.model;
  const CostModel& k = c.model;
  const double h = m.hidden;
  // Which weights train: every one, or the adapters' targets (all of them include q, so the
  // first norm's output is always read by something trained).
  const bool mlp_trained = !adapter || r.lora_targets == "all"sv;
  const int trained_norm_outputs = 1 + (mlp_trained ? 1 : 0);
  // Eager RMSNorm computes its scale from a saved 16-bit normalized input; a fused one from its
  // saved input and reciprocal norm.
  const int norm_weight_inputs = !adapter && !r.fused_kernels ? 2 : 0;
  double hidden_b = r.fused_kernels ? k.activation_fused_hidden_bytes.expected : k.activation_hidden_bytes.expected;
  hidden_b += k.activation_trained_input_bytes.expected * (trained_norm_outputs + norm_weight_inputs);
  // Autocast over 32-bit weights: the residual stream and norms stay in 32 bits and every
  // projection casts its own copy of its input.
  if (autocast_32bit_weights) hidden_b += k.activation_autocast_bytes.expected;
  double ffn_b = !m.gated_mlp      ? k.activation_plain_ffn_bytes.expected
                 : r.fused_kernels ? k.activation_fused_ffn_bytes.expected
                                   : k.activation_ffn_bytes.expected;
  if (mlp_trained) ffn_b += k.activation_trained_input_bytes.expected;  // what the down projection reads
  if (adapter && r.fp32_adapter_inputs) {
    // 32-bit adapters without autocast: each adapted projection casts its input to 32 bits and
    // its adapter keeps that copy. The widths: q and v; then k and o; then the MLP's inputs (the
    // norm's output for gate and up, or for the first of two matrices, and the down projection's).
    const double extra = k.activation_fp32_adapter_input_bytes.expected;
    const double mlp_inputs = mlp_matrices(m) - 1.0;
    const double adapted_hidden = r.lora_targets == "qv"sv ? 2.0 : 4.0 + (mlp_trained ? mlp_inputs : 0.0);
    hidden_b += extra * adapted_hidden;
    if (mlp_trained) ffn_b += extra;
  }
  return hidden_b * h + k.activation_kv_bytes.expected * kv_width(m) + ffn_b * active_ffn(m);
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

ModelShape shape_for_params(double params, double active_params, const Catalog& catalog) {
  const double active = active_params > 0 ? std::min(active_params, params) : params;
  ModelShape m = shape_for_params(active);
  m.params = params;
  m.active_params = active;
  m.vocab = static_cast<int>(catalog.model.derived_vocab.expected);
  return m;
}

double step_tokens(const TrainingRequest& r, const Catalog& c) {
  const double seq = r.seq_len > 0 ? r.seq_len : c.model.training_seq_len.expected;
  const double per_sequence = r.packing == "packed"sv || r.example_tokens <= 0 ? seq : std::min(seq, r.example_tokens);
  return std::max(1, r.micro_batch) * per_sequence;
}

double qlora_slowdown(const TrainingRequest& r, const Catalog& c) {
  if (r.method != "qlora"sv) return 1.0;
  return 1.0 + c.model.qlora_overhead_tokens.expected / std::max(1.0, step_tokens(r, c));
}

namespace {

/// std::log10, remembered for the last value on the thread: a search reads the curve of every
/// GPU at the same model size.
double log10_of(double x) {
  thread_local double last = std::numeric_limits<double>::quiet_NaN();
  thread_local double last_log = std::numeric_limits<double>::quiet_NaN();
  if (!(x == last)) {
    last = x;
    last_log = std::log10(x);
  }
  return last_log;
}

}  // namespace

Utilization training_utilization(const TrainingRequest& r, const Catalog& c) {
  Utilization u;
  if (r.utilization) {
    u.given = true;
    u.curve = *r.utilization;
    u.value = Range::exactly(*r.utilization);
    return u;
  }
  const double active = r.model.active_params > 0 ? r.model.active_params : r.model.params;
  // The GPU's curves were resolved when the catalog was built (resolve_utilization_curves): a
  // fine-tune runs on one node, not the cluster of a pretraining run, so it reads its generation's
  // `-finetune` curve where the rule set has one.
  const std::vector<std::pair<double, double>>* knots = nullptr;
  if (r.gpu) knots = r.finetune ? &r.gpu->finetune_knots : &r.gpu->pretrain_knots;
  if (knots == nullptr || knots->empty()) {
    u.curve = 0.4;
  } else {
    u.curve = knots->size() == 1 ? knots->front().second : knots_at(*knots, log10_of(active));
  }
  // Sparse models route tokens between experts (all-to-all) and run smaller matrices per expert.
  if (r.model.params > active) u.moe = std::pow(r.model.params / active, -c.model.moe_utilization_exponent.expected);
  u.cluster = scaling_efficiency(std::max(1, r.gpus), c);
  // FP8 matrix products: the utilization stays a share of the dense 16-bit peak, so the gain is a
  // factor on it (a GPU without FP8 units runs the products in 16 bits).
  if (r.precision == "fp8"sv && r.gpu != nullptr && r.gpu->fp8_tflops > 0) u.fp8 = c.model.fp8_training_speedup.expected;
  const Range* band = &c.model.training_utilization_band;
  if (r.finetune) {
    // Short sequences make small matrix products: utilization grows with the tokens each step
    // computes (micro-batch x sequence, or x the example length when sequences are not packed).
    const CostModel& m = c.model;
    const double t = step_tokens(r, c);
    u.finetune = m.finetune_utilization_factor.expected * t / (t + m.finetune_tokens_half.expected);
    // The factors are 1 in the built-in rule set; the method and packing are compared only when not.
    if (m.lora_utilization_factor.expected != 1.0 && is_adapter(r)) u.finetune *= m.lora_utilization_factor.expected;
    if (m.packed_utilization_factor.expected != 1.0 && r.packing == "packed"sv)
      u.finetune *= m.packed_utilization_factor.expected;
    if (m.padded_utilization_factor.expected != 1.0 && r.packing == "padded"sv)
      u.finetune *= m.padded_utilization_factor.expected;
    band = &m.finetune_utilization_band;
  }
  const double expected = std::min(0.95, u.curve * u.moe * u.cluster * u.fp8 * u.finetune);
  u.value = Range{expected * band->low, expected, std::min(0.95, expected * band->high)};
  return u;
}

std::string utilization_curve_id(const TrainingRequest& r) {
  if (r.utilization || r.gpu == nullptr) return "";
  return r.finetune ? r.gpu->finetune_curve : (r.gpu->pretrain_knots.empty() ? "" : r.gpu->utilization_curve);
}

MemoryEstimate estimate_memory(const TrainingRequest& r, const Catalog& c) {
  MemoryEstimate mem;
  const ModelShape& m = r.model;
  const double n = m.params;  // every weight is held in memory, active or not
  const int gpus = std::max(1, r.gpus);
  const bool pure_bf16 = r.precision == "bf16"sv;
  const double weight_b = pure_bf16 ? c.model.bf16_weight_bytes_per_param.expected : c.model.full_weight_bytes_per_param.expected;
  const double grad_b =
      pure_bf16 ? c.model.bf16_gradient_bytes_per_param.expected : c.model.full_gradient_bytes_per_param.expected;
  double optim_b = pure_bf16 ? c.model.bf16_optimizer_bytes_per_param.expected : c.model.full_optimizer_bytes_per_param.expected;
  if (r.optimizer == "adamw-8bit"sv || r.optimizer == "paged-adamw-8bit"sv) optim_b = c.model.adamw_8bit_bytes_per_param.expected;
  if (r.optimizer == "sgd"sv) optim_b = 0;
  // PyTorch's default AdamW (foreach) holds a temporary the size of one moment during the step;
  // the fused and 8-bit optimizers update in place.
  const double step_temp_share = r.optimizer == "adamw"sv ? c.model.adamw_foreach_temp_fraction.expected : 0.0;
  double step_temp = 0;  // bytes on the GPU during the optimizer step only
  const int seq = r.seq_len > 0 ? r.seq_len : static_cast<int>(c.model.training_seq_len.expected);
  const double micro = std::max(1, r.micro_batch);
  const double tokens_in_flight = static_cast<double>(seq) * micro;
  const int layers = std::max(1, m.layers);
  const double embed = std::min(embedding_params(m), n);
  double host = 0;  // bytes moved to host memory

  const bool adapter = is_adapter(r);
  if (adapter) {
    const double trainable = lora_params(m, lora_rank_of(r, c), r.lora_targets);
    double frozen_bytes = n * c.model.lora_bytes_per_frozen_param.expected;
    if (r.method == "qlora"sv) {
      frozen_bytes =
          (n - embed) * c.model.qlora_bytes_per_frozen_param.expected + embed * c.model.lora_bytes_per_frozen_param.expected;
      // bitsandbytes dequantizes each 4-bit matrix to 16 bits for its matmul; the largest
      // (hidden x FFN) sets the buffer, with one copy in flight forward and one backward.
      mem.qlora_buffers = c.model.qlora_dequant_matrices.expected * static_cast<double>(m.hidden) * m.ffn * 2.0 / k_gib;
    }
    // The base and the adapters are replicated on every GPU (data parallel) unless ZeRO shards
    // them: stage 1 the adapters' optimizer state, stage 2 also their gradients, stage 3 (FSDP)
    // every weight, frozen or trained (FSDP wraps whole layers, adapters included).
    const int stage = std::max(0, r.zero_stage);
    const double shards = stage >= 3 ? gpus : 1;
    const double grad_shards = stage >= 2 ? gpus : 1;
    const double optim_shards = stage >= 1 ? gpus : 1;
    double frozen_gpu = frozen_bytes / shards;
    if (r.offload == "optimizer-and-params"sv) {
      const double resident = std::min(1.0, c.model.offload_param_layers.expected / layers);
      host += frozen_gpu * (1 - resident);
      frozen_gpu *= resident;
    }
    mem.weights = (frozen_gpu + trainable * weight_b / shards) / k_gib;
    mem.gradients = trainable * grad_b / grad_shards / k_gib;
    mem.optimizer = trainable * optim_b / optim_shards / k_gib;
    step_temp = trainable * optim_b * step_temp_share / optim_shards;
    if (r.offload == "optimizer"sv || r.offload == "optimizer-and-params"sv) {
      host += trainable * optim_b / optim_shards;
      mem.optimizer = 0;
      step_temp = 0;  // the step runs on the host
    }
  } else {
    // ZeRO stage 1 shards the optimizer state across the GPUs, stage 2 also the gradients, stage
    // 3 (FSDP) also the weights; the default is stage 3 on several GPUs.
    const int stage = r.zero_stage >= 0 ? r.zero_stage : (gpus > 1 ? 3 : 0);
    const double weight_shards = stage >= 3 ? gpus : 1;
    const double grad_shards = stage >= 2 ? gpus : 1;
    const double optim_shards = stage >= 1 ? gpus : 1;
    double weights = n * weight_b / weight_shards;
    double grads = n * grad_b / grad_shards;
    double optim = n * optim_b / optim_shards;
    step_temp = optim * step_temp_share;
    const double working_b = c.model.bf16_weight_bytes_per_param.expected;  // the 16-bit copy that computes
    if (r.offload == "optimizer"sv || r.offload == "optimizer-and-params"sv) {
      // ZeRO-Offload: the optimizer state, the 32-bit master weights and the 32-bit gradients
      // live on the host; the GPU keeps the 16-bit weights and 16-bit gradients.
      host += optim + n * (weight_b - working_b) / optim_shards;
      optim = 0;
      step_temp = 0;  // the step runs on the host
      weights = n * std::min(weight_b, working_b) / weight_shards;
      grads = n * std::min(grad_b, c.model.bf16_gradient_bytes_per_param.expected) / grad_shards;
    }
    if (r.offload == "optimizer-and-params"sv) {
      // ZeRO-Infinity / FSDP CPU offload: only the layers being computed are on the GPU.
      const double resident = std::min(1.0, c.model.offload_param_layers.expected / layers);
      host += (weights + grads) * (1 - resident);
      weights *= resident;
      grads *= resident;
    }
    // DPO's frozen reference model, 16-bit and sharded like the weights (an adapter's reference
    // is its base with the adapter disabled, so adapters hold no copy).
    if (r.reference_model) weights += n * working_b / weight_shards;
    mem.weights = weights / k_gib;
    mem.gradients = grads / k_gib;
    mem.optimizer = optim / k_gib;
  }

  // Mixed precision computes under autocast over the 32-bit weights only without sharding: ZeRO
  // and FSDP compute with a 16-bit copy of the weights (FSDP's MixedPrecision param_dtype,
  // DeepSpeed's bf16 mode), so the layer's tensors are 16-bit as in pure bf16. An adapter's base
  // is 16-bit, so its residual stream is too.
  const int full_stage = r.zero_stage >= 0 ? r.zero_stage : (gpus > 1 ? 3 : 0);
  const bool autocast_32bit_weights = !adapter && !pure_bf16 && full_stage == 0;
  // The checkpoints are the layers' inputs, the residual stream: 32-bit under autocast over
  // 32-bit weights, twice the 16-bit bytes.
  const double checkpoint_b = c.model.activation_checkpoint_bytes.expected * (autocast_32bit_weights ? 2.0 : 1.0);
  const double layer_inputs = tokens_in_flight * m.hidden * layers * checkpoint_b;
  const double one_layer = tokens_in_flight * layer_activation_bytes(r, c, adapter, autocast_32bit_weights);
  // Without FlashAttention each layer holds its s x s attention scores (5 a s^2 b bytes,
  // Korthikanti et al. 2022).
  const double scores =
      r.flash_attention ? 0.0 : c.model.attention_score_bytes.expected * std::max(1, m.heads) * tokens_in_flight * seq;
  double activations = 0;
  if (r.checkpointing) {
    double kept = layer_inputs;
    if (r.offload == "activations"sv) {
      // Checkpoints stream to host memory; two layers' inputs stay for prefetch.
      const double resident = std::min(1.0, 2.0 / layers);
      host += kept * (1 - resident);
      kept *= resident;
    }
    activations = kept + one_layer + scores;
  } else {
    activations = (one_layer + scores) * layers;
  }
  // A fused loss computes the logits block by block and never holds them; a chunked loss holds
  // the 16-bit logits and upcasts one chunk at a time; otherwise all of them are upcast.
  const bool whole_logits = !r.fused_loss && !r.chunked_loss;
  const double logits_b = r.fused_loss     ? c.model.fused_loss_bytes.expected
                          : r.chunked_loss ? c.model.chunked_loss_bytes.expected
                                           : c.model.logits_bytes.expected;
  mem.activations = activations / k_gib;
  mem.logits = tokens_in_flight * m.vocab * logits_b / k_gib;
  const double temp = step_temp / k_gib;
  if (!r.accumulate_gradients) {
    // One micro-batch per optimizer step: the backward pass frees the activations and logits as
    // it writes the gradients, and the gradients are freed after the step (zero_grad to None), so
    // the peak holds the larger of the two, not both (PyTorch's memory timeline of a training
    // step: Shi and DeVito 2023, "Understanding GPU Memory 1"). With accumulation the gradients
    // stay across micro-batches and add to the next forward pass's activations. The step's
    // temporary comes with the gradients; what it adds to the peak is counted with the optimizer.
    const double step_excess = std::max(0.0, mem.gradients + temp - mem.activations - mem.logits);
    const double grads_excess = std::min(mem.gradients, step_excess);
    mem.optimizer += step_excess - grads_excess;
    mem.gradients = grads_excess;
  } else {
    mem.optimizer += std::max(0.0, temp - mem.activations - mem.logits);
  }
  mem.cuda_context = c.model.cuda_context_gib.expected;
  const double held = mem.weights + mem.gradients + mem.optimizer + mem.activations + mem.logits + mem.qlora_buffers;
  mem.allocator_slack = held * c.model.allocator_slack_fraction.expected;
  // Whole logits also leave their 16-bit block reserved, which the loss's 32-bit tensors cannot use.
  if (whole_logits) mem.allocator_slack += tokens_in_flight * m.vocab * c.model.logits_cached_block_bytes.expected / k_gib;
  mem.overhead = mem.qlora_buffers + mem.cuda_context + mem.allocator_slack;
  mem.offloaded = host / k_gib;
  mem.total = held + mem.cuda_context + mem.allocator_slack;
  mem.gpu_gib = r.gpu ? r.gpu->memory_gib : 0;
  mem.fits = r.gpu != nullptr && mem.total <= mem.gpu_gib;
  return mem;
}

double serving_memory_gib(const ModelShape& model, const Catalog& c) {
  // The same bytes per weight as the serving plan (serving.cpp), so both agree on what fits.
  return model.params * c.model.serving_bytes_per_param.expected * c.model.inference_memory_factor.expected / k_gib;
}

double recompute_flops(const TrainingRequest& r, const Catalog& c) {
  // With activation checkpointing the backward pass runs each layer's forward again: 2N + 2 L s h
  // more per token (PaLM, Chowdhery et al. 2022, appendix B: hardware FLOPs count the
  // rematerialization, model FLOPs do not; llm-foundry's benchmarks count HFU = 4/3 MFU for full
  // weights). --mfu is a share of the model's FLOPs, so none are added to it.
  if (!r.checkpointing || r.utilization) return 0;
  const double seq = r.seq_len > 0 ? r.seq_len : c.model.training_seq_len.expected;
  return r.tokens * (2.0 * r.model.active_params + 2.0 * r.model.layers * seq * r.model.hidden);
}

namespace {

/// Compute, time, cost and memory of one job without notes: the inner loop of the GPU search.
TrainingEstimate compute_training(const TrainingRequest& r, const Catalog& c, const MemoryEstimate* memory = nullptr) {
  TrainingEstimate e;
  const ModelShape& m = r.model;
  const int gpus = std::max(1, r.gpus);
  const int seq = r.seq_len > 0 ? r.seq_len : static_cast<int>(c.model.training_seq_len.expected);
  const bool frozen_base = r.method == "lora"sv || r.method == "qlora"sv;

  // Per token: 2N forward, 2N for activation gradients, 2N for weight gradients (skipped for a
  // frozen base); attention scores add 6 L s h (Kaplan et al. 2020), which matters for long
  // sequences on small models.
  const double weight_flops = (frozen_base ? 4.0 : 6.0) * m.active_params;
  const double attention_flops = 6.0 * m.layers * seq * static_cast<double>(m.hidden);
  e.flops = r.tokens * (weight_flops + attention_flops);
  e.compute_flops = e.flops + recompute_flops(r, c);

  const Range util = training_utilization(r, c).value;  // the cluster's loss is part of it
  const double slowdown = qlora_slowdown(r, c);
  if (r.gpu != nullptr && r.gpu->peak_tflops > 0) {
    const double peak = r.gpu->peak_tflops * 1e12;
    const double work = e.compute_flops;
    // High utilization gives the low figure.
    e.gpu_hours = Range{work / (peak * util.high), work / (peak * util.expected), work / (peak * util.low)} * (slowdown / 3600.0);
    e.wall_clock_days = e.gpu_hours * (1.0 / (gpus * 24.0));
    e.cost_usd = e.gpu_hours * price_for(*r.gpu, r, c);
    const double pue = r.pue ? *r.pue : c.model.pue.expected;
    const double grid = r.grid_kgco2e_per_kwh ? *r.grid_kgco2e_per_kwh : c.model.grid_kgco2e_per_kwh.expected;
    e.energy_kwh = e.gpu_hours * (r.gpu->board_power_w / 1000.0 * pue);
    e.emissions_kgco2e = e.energy_kwh * grid;
  }
  e.memory = memory != nullptr ? *memory : estimate_memory(r, c);
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
  notes.reserve(16);  // more than the notes below: none is moved as the list grows
  const int gpus = std::max(1, r.gpus);
  const int seq = r.seq_len > 0 ? r.seq_len : static_cast<int>(c.model.training_seq_len.expected);
  const Utilization u = training_utilization(r, c);
  std::string why;
  if (u.given) {
    why = "given (--mfu)";
  } else {
    const Range band = r.finetune ? c.model.finetune_utilization_band : c.model.training_utilization_band;
    const std::string curve_id = utilization_curve_id(r);
    why = fmt::format(FMT_COMPILE("the `{}` curve at {} active parameters ({:.3g})"), curve_id.empty() ? "none" : curve_id,
                      format_count(r.model.active_params), u.curve);
    if (u.moe < 1) why += fmt::format(FMT_COMPILE(" x {:.3g} for a mixture of experts"), u.moe);
    if (u.cluster < 1)
      why += fmt::format(FMT_COMPILE(" x {:.3g} for {} GPUs ({} per doubling beyond {})"), u.cluster, gpus,
                         c.model.scaling_efficiency_per_doubling.expected, c.model.scaling_reference_gpus.expected);
    if (u.fp8 > 1) why += fmt::format(FMT_COMPILE(" x {:.3g} for FP8 matrix products"), u.fp8);
    if (r.finetune) {
      why += fmt::format(FMT_COMPILE(" x {:.3g} for a {}{} fine-tune"), u.finetune, is_adapter(r) ? "LoRA" : "full-weight",
                         r.packing.empty() ? "" : ", " + r.packing);
    }
    why += fmt::format(FMT_COMPILE("; band {:.3g}x-{:.3g}x from the fit's residuals"), band.low, band.high);
  }
  notes.push_back({"utilization", Value::of_number(round_significant(u.value.expected, 3)), why});
  if (r.method == "qlora"sv) {
    notes.push_back({"qlora_slowdown", Value::of_number(round_significant(qlora_slowdown(r, c), 3)),
                     fmt::format("1 + {:.4g} / {:.4g} tokens per step (qlora_overhead_tokens: dequantizing the 4-bit base "
                                 "costs the same each step, however many tokens it computes)",
                                 c.model.qlora_overhead_tokens.expected, step_tokens(r, c))});
  }
  notes.push_back({"seq_len", Value::of_number(seq), r.seq_len > 0 ? "given" : "default training sequence length"});
  if (r.method == "full"sv) {
    const int stage = r.zero_stage >= 0 ? r.zero_stage : (gpus > 1 ? 3 : 0);
    notes.push_back(
        {"zero_stage", Value::of_number(stage), r.zero_stage >= 0 ? "given" : "ZeRO-3 (FSDP) on several GPUs, none on one"});
  } else {
    notes.push_back({"lora",
                     Value::of_string(fmt::format(FMT_COMPILE("rank {} on {} modules"), lora_rank_of(r, c), r.lora_targets)),
                     c.constant("lora_rank").why});
  }
  notes.push_back({"grid_kgco2e_per_kwh",
                   Value::of_number(r.grid_kgco2e_per_kwh ? *r.grid_kgco2e_per_kwh : c.model.grid_kgco2e_per_kwh.expected),
                   r.grid_kgco2e_per_kwh ? "given" : c.constant("grid_kgco2e_per_kwh").why});
  notes.push_back({"gradient_checkpointing", Value::of_bool(r.checkpointing),
                   r.checkpointing && !r.utilization
                       ? "trades recomputation for activation memory: the forward pass runs again in the backward pass, "
                         "2N + 2 L s h FLOPs a token counted in the time"
                       : "trades recomputation for activation memory"});
  if (r.method == "full"sv) {
    notes.push_back({"precision", Value::of_string(r.precision),
                     r.precision == "bf16"sv  ? "pure 16-bit weights, gradients and optimizer moments"
                     : r.precision == "fp8"sv ? "FP8 matrix products; weights, gradients and moments as in mixed precision"
                                              : "mixed precision: 16-bit compute with a 32-bit master copy (the default)"});
  }
  notes.push_back({"optimizer", Value::of_string(r.optimizer),
                   r.optimizer == "adamw"sv
                       ? "AdamW with two moments per trained parameter (the default); PyTorch's foreach step adds a "
                         "temporary the size of one moment"
                   : r.optimizer == "adamw-fused"sv ? "fused AdamW: two moments per trained parameter, updated in place"
                   : r.optimizer == "sgd"sv         ? "plain SGD keeps no optimizer state"
                                                    : "8-bit AdamW (bitsandbytes): 2 bytes of moments per trained parameter"});
  if (r.offload != "none"sv) {
    notes.push_back({"offload", Value::of_string(r.offload), "moved to host memory; not counted on the GPU"});
  }
  notes.push_back({"loss",
                   Value::of_string(r.fused_loss     ? "fused"
                                    : r.chunked_loss ? "chunked"
                                                     : "full logits"),
                   r.fused_loss     ? c.constant("fused_loss_bytes").why
                   : r.chunked_loss ? c.constant("chunked_loss_bytes").why
                                    : c.constant("logits_bytes").why});
  notes.push_back(
      {"flash_attention", Value::of_bool(r.flash_attention),
       r.flash_attention ? "no s x s attention scores are kept (the default)" : c.constant("attention_score_bytes").why});
  notes.push_back({"kernels", Value::of_string(r.fused_kernels ? "fused" : "eager"),
                   r.fused_kernels ? c.constant("activation_fused_hidden_bytes").why
                                   : "each layer keeps what Hugging Face's unfused layers save (the default)"});
  if (is_adapter(r) && r.fp32_adapter_inputs)
    notes.push_back({"adapter_inputs", Value::of_string("32-bit"), c.constant("activation_fp32_adapter_input_bytes").why});
  if (r.owned) {
    notes.push_back({"price", Value::of_string("energy"),
                     fmt::format(FMT_COMPILE("owned GPUs: board power x PUE {} x electricity"), c.model.pue.expected)});
  }
  return notes;
}

}  // namespace

double lora_trainable_params(const TrainingRequest& r, const Catalog& c) {
  return lora_params(r.model, lora_rank_of(r, c), r.lora_targets);
}

bool valid_lora_targets(const std::string& targets) {
  return targets == "all"sv || targets == "attention"sv || targets == "qv"sv;
}

TrainingEstimate estimate_training(const TrainingRequest& r, const Catalog& c) {
  TrainingEstimate e = compute_training(r, c);
  e.notes = training_notes(r, c);
  return e;
}

std::vector<std::string> what_would_fit(const TrainingRequest& request, const Catalog& catalog) {
  std::vector<std::string> out;
  if (request.gpu == nullptr) return out;
  // More GPUs with everything sharded (ZeRO-3 / FSDP; for LoRA the frozen base is sharded too).
  for (int g = std::max(1, request.gpus) * 2; g <= 1024; g *= 2) {
    TrainingRequest r = request;
    r.gpus = g;
    r.zero_stage = 3;
    if (estimate_memory(r, catalog).fits) {
      out.push_back(fmt::format("{} x {} with ZeRO-3 / FSDP sharding", g, request.gpu->id));
      break;
    }
  }
  // The same job with one setting changed: proposed, with the memory it leaves, when it fits.
  const auto propose = [&](const TrainingRequest& r, std::string_view what) {
    const MemoryEstimate m = estimate_memory(r, catalog);
    if (m.fits) out.push_back(fmt::format("{}: {} GiB per GPU", what, format_number(m.total, 1)));
    return m.fits;
  };
  if (request.method == "full"sv) {
    // Memory modes on the same GPUs, cheapest in speed first.
    TrainingRequest r = request;
    r.optimizer = "adamw-8bit";
    r.chunked_loss = true;
    if (!propose(r, "8-bit AdamW and a chunked loss")) {
      r.offload = "optimizer";
      propose(r, "optimizer offloaded to host memory");
    }
  }
  if (is_adapter(request) && request.fp32_adapter_inputs) {
    // Under autocast the 32-bit adapters read 16-bit inputs and keep no 32-bit copies.
    TrainingRequest r = request;
    r.fp32_adapter_inputs = false;
    propose(r, "bf16 autocast, so the adapters keep 16-bit inputs");
  }
  if (!request.fused_kernels || !request.fused_loss) {
    // Liger Kernel or Unsloth: the same job, less kept per layer and no logits.
    TrainingRequest r = request;
    r.fused_kernels = true;
    r.fused_loss = true;
    propose(r, "fused kernels and a fused loss");
  }
  if (request.method != "qlora"sv) {
    TrainingRequest r = request;
    r.method = "qlora";
    propose(r, "QLoRA (4-bit base)");
  }
  for (const auto& gpu : catalog.gpus) {
    if (gpu.memory_gib <= request.gpu->memory_gib) continue;
    TrainingRequest r = request;
    r.gpu = &gpu;
    if (estimate_memory(r, catalog).fits) {
      out.push_back(fmt::format("a GPU with more memory: {} ({} GiB)", gpu.id, gpu.memory_gib));
      break;
    }
  }
  return out;
}

JobEstimate estimate_job(const TrainingRequest& r, bool trains, const Catalog& c) {
  JobEstimate out;
  out.trains = trains;
  if (trains) {
    out.training = estimate_training(r, c);
    out.notes = out.training.notes;
    if (!out.training.memory.fits) out.would_fit = what_would_fit(r, c);
    if (r.gpu != nullptr && r.gpu->prices.empty() && !r.price_per_gpu_hour && !r.owned) {
      out.notes.push_back(
          {"price", Value::of_null(), r.gpu->price_note + "; the cost is 0 until --price-per-gpu-hour gives one"});
    }
    return out;
  }
  // Nothing is trained: the memory is that of serving the model, split over the GPUs.
  const double per_gpu = serving_memory_gib(r.model, c) / std::max(1, r.gpus);
  MemoryEstimate& m = out.training.memory;
  m.weights = per_gpu;
  m.total = per_gpu;
  m.gpu_gib = r.gpu ? r.gpu->memory_gib : 0;
  m.fits = r.gpu != nullptr && per_gpu <= m.gpu_gib;
  out.notes.push_back({"training", Value::of_string("none"),
                       fmt::format("no weights change: memory is serving memory (16-bit weights x {})",
                                   c.model.inference_memory_factor.expected)});
  return out;
}

TrainingEstimate estimate_training_figures(const TrainingRequest& r, const Catalog& c) {
  return compute_training(r, c);
}

TrainingEstimate estimate_training_figures(const TrainingRequest& r, const Catalog& c, const MemoryEstimate& memory) {
  return compute_training(r, c, &memory);
}

std::vector<Note> estimate_training_notes(const TrainingRequest& r, const Catalog& c) {
  return training_notes(r, c);
}

}  // namespace llmplan
