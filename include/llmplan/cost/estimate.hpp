#pragma once

#include <optional>
#include <string>
#include <vector>

#include "llmplan/cost/catalog.hpp"
#include "llmplan/cost/costing.hpp"
#include "llmplan/input/facts.hpp"
#include "llmplan/input/profile.hpp"

namespace llmplan {

/// A shape derived from the parameter count with LLaMA-7B's proportions and a 32,000 vocabulary.
ModelShape shape_for_params(double params);

/// A shape for a model the catalog lacks: layers and width from the active parameters (what each
/// token passes through), the vocabulary of recent open models (`derived_vocab`), all `params`
/// held in memory. `active_params` <= 0 means dense (= params).
ModelShape shape_for_params(double params, double active_params, const Catalog& catalog);

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
  std::string precision = "mixed";            ///< mixed (16-bit compute, 32-bit master weights) or bf16 (pure 16-bit)
  std::string optimizer = "adamw";            ///< adamw (foreach), adamw-fused, adamw-8bit, paged-adamw-8bit, sgd (plain)
  std::string offload = "none";               ///< none, optimizer, optimizer-and-params, activations (to host memory)
  bool chunked_loss = false;                  ///< the loss computed over chunks of the logits (torchtune)
  bool fused_loss = false;                    ///< projection and loss in one kernel: no logits kept (Cut Cross Entropy)
  bool flash_attention = true;                ///< no s^2 attention scores held (FlashAttention / SDPA)
  bool fused_kernels = false;        ///< fused RMSNorm, SwiGLU and RoPE kernels (Liger Kernel, Unsloth): less kept per layer
  bool fp32_adapter_inputs = false;  ///< 32-bit adapters without autocast: each adapted layer keeps a 32-bit copy of its input
  std::string packing;               ///< fine-tunes: packed, padded, or "" (not known)
  double example_tokens = 0;         ///< fine-tunes: mean tokens per example (0: fill the sequence)
  bool accumulate_gradients = true;  ///< gradients kept across micro-batches (accumulation), so they add to the activations
  bool reference_model = false;      ///< preference tuning: a frozen 16-bit reference copy of full weights is held
  std::optional<double> price_per_gpu_hour;
  bool owned = false;  ///< owned GPUs cost their energy, not rent

  bool operator==(const TrainingRequest&) const = default;
};

/// Per-GPU memory in GiB, as a sum of parts.
struct MemoryEstimate {
  double weights = 0;
  double gradients = 0;  ///< all of them, or without accumulation those beyond the activations and logits freed before them
  double optimizer = 0;
  double activations = 0;      ///< checkpointed layer inputs, the recomputed layer, attention scores without FlashAttention
  double logits = 0;           ///< the loss: logits upcast to 32 bits and their gradient (or one chunk's, chunked)
  double qlora_buffers = 0;    ///< 16-bit copies of dequantized 4-bit matrices (QLoRA)
  double cuda_context = 0;     ///< CUDA context and kernels
  double allocator_slack = 0;  ///< the caching allocator's fragmentation, a share of the rest
  double overhead = 0;         ///< qlora_buffers + cuda_context + allocator_slack
  double offloaded = 0;        ///< moved to host memory by --offload (not in total)
  double total = 0;
  double gpu_gib = 0;
  bool fits = false;
};

/// Training utilization of the dense 16-bit peak and the factors it is made of.
struct Utilization {
  Range value;           ///< low / expected / high fraction of the peak
  double curve = 0;      ///< the GPU's curve at the active parameters (its `-finetune` curve for fine-tunes)
  std::string curve_id;  ///< the curve read: set by calibrate (utilization_curve_id), not by training_utilization
  double moe = 1;        ///< (total / active)^-moe_utilization_exponent
  double cluster = 1;    ///< scaling_efficiency_per_doubling per doubling beyond scaling_reference_gpus
  double fp8 = 1;        ///< precision fp8 on a GPU with an FP8 peak: fp8_training_speedup
  double finetune = 1;   ///< fine-tunes: finetune_utilization_factor x LoRA factor x packing factor
  bool given = false;    ///< --mfu
};

/// The inner loop of the training search calls this for every candidate: it reads the GPU's
/// curves resolved when the catalog was built, compares no id and looks nothing up by name.
Utilization training_utilization(const TrainingRequest& request, const Catalog& catalog);

/// The id of the utilization curve the request reads ("" when none, or when --mfu gives it).
std::string utilization_curve_id(const TrainingRequest& request);

/// Tokens one micro-batch step computes: micro-batch x sequence length when sequences are packed
/// (or for pretraining), x the mean example length when they are not.
double step_tokens(const TrainingRequest& request, const Catalog& catalog);

/// FLOPs of the forward pass that activation checkpointing runs again in the backward pass
/// (2N + 2 L s h a token); 0 without checkpointing or when --mfu gives the utilization.
double recompute_flops(const TrainingRequest& request, const Catalog& catalog);

/// QLoRA's time over LoRA's: 1 + qlora_overhead_tokens / step tokens (dequantizing the 4-bit base
/// costs the same each step, however many tokens the step computes); 1 for other methods.
double qlora_slowdown(const TrainingRequest& request, const Catalog& catalog);

struct TrainingEstimate {
  double flops = 0;          ///< model FLOPs: 6N (4N with a frozen base) + 6 L s h per token
  double compute_flops = 0;  ///< FLOPs the GPUs run: the model's + the forward recomputed under checkpointing
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

/// What would make a job that does not fit fit: more GPUs with ZeRO-3, QLoRA, a memory mode, or
/// a GPU with more memory; for people.
std::vector<std::string> what_would_fit(const TrainingRequest& request, const Catalog& catalog);

/// GiB that serving a model needs in all: its 16-bit weights x inference_memory_factor.
double serving_memory_gib(const ModelShape& model, const Catalog& catalog);

/// `llmplan estimate` of one job: a training job, or for a strategy that changes no weights only
/// the memory of serving the model on the given GPUs.
struct JobEstimate {
  bool trains = true;
  TrainingEstimate training;           ///< figures are zero when nothing is trained
  std::vector<std::string> would_fit;  ///< when the memory does not fit
  std::vector<Note> notes;
};
JobEstimate estimate_job(const TrainingRequest& request, bool trains, const Catalog& catalog);

/// Compute, time, cost and memory of one job, without the notes (the inner loop of a search).
TrainingEstimate estimate_training_figures(const TrainingRequest& request, const Catalog& catalog);
/// The same, with the request's memory already found by estimate_memory() (a search that reads
/// the memory first does not compute it twice).
TrainingEstimate estimate_training_figures(const TrainingRequest& request, const Catalog& catalog, const MemoryEstimate& memory);

/// The assumptions behind one training estimate, for people.
std::vector<Note> estimate_training_notes(const TrainingRequest& request, const Catalog& catalog);

}  // namespace llmplan
