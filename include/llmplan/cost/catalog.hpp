#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmplan/input/diagnostic.hpp"

namespace llmplan {

/// An uncertain figure: what we expect, with a plausible low and high.
struct Range {
  double low = 0;
  double expected = 0;
  double high = 0;

  static Range exactly(double v) { return {v, v, v}; }
  Range operator*(const Range& o) const { return {low * o.low, expected * o.expected, high * o.high}; }
  Range operator*(double k) const { return {low * k, expected * k, high * k}; }
  Range operator+(const Range& o) const { return {low + o.low, expected + o.expected, high + o.high}; }
};

/// A dated hourly rental price with where it was read.
struct PriceQuote {
  double usd_per_hour = 0;
  std::string vendor;
  std::string date;
  std::string source;
};

struct Gpu {
  std::string id;
  std::string name;
  std::vector<std::string> aliases;
  double memory_gib = 0;
  double peak_tflops = 0;            ///< dense 16-bit (BF16, or FP16 where there is no BF16)
  double fp8_tflops = 0;             ///< dense FP8 peak; 0 where the GPU has no FP8 tensor cores
  double memory_bandwidth_tbps = 0;  ///< HBM/GDDR bandwidth in TB/s; 0 when not given
  std::string generation;            ///< architecture (ampere, hopper, blackwell, ada, cdna3, ...)
  double board_power_w = 0;
  std::string utilization_curve;  ///< id of the curve of training utilization by model size
  std::string spec_source;
  std::vector<PriceQuote> prices;
  std::string price_note;  ///< why there is no quote, when there is none (never rented by the advisor)
  SourceLoc loc;
  Range price;  ///< cheapest, median and dearest quote; set by resolve_prices()
  /// Set by resolve_utilization_curves() so that the estimator reads no map per call: the knots
  /// (log10 active parameters, utilization) of this GPU's pretraining curve and of the curve its
  /// fine-tunes read (`<curve>-finetune` where the rule set has one, else the pretraining curve),
  /// and that curve's id. Empty knots: the curve is not defined.
  std::vector<std::pair<double, double>> pretrain_knots;
  std::vector<std::pair<double, double>> finetune_knots;
  std::string finetune_curve;

  /// Cheapest, median and dearest quote.
  [[nodiscard]] const Range& price_range() const { return price; }
  /// Computes `price` from the quotes (the loader calls it once).
  void resolve_prices();
};

/// The architecture figures the cost model needs: from the model catalog, or derived from the
/// parameter count with the usual transformer proportions when the model is unknown.
struct ModelShape {
  std::string id;            ///< catalog id, or "" when derived
  double params = 0;         ///< total parameters
  double active_params = 0;  ///< parameters used per token (= params unless mixture-of-experts)
  int layers = 0;
  int hidden = 0;
  int ffn = 0;
  int heads = 0;
  int kv_heads = 0;
  int vocab = 0;
  bool gated_mlp = true;         ///< gate, up and down projections (SwiGLU, GeGLU); false: two (GeLU)
  bool tied_embeddings = false;  ///< the output projection is the input embedding's matrix (one V x h, not two)

  bool operator==(const ModelShape&) const = default;
};

/// An open-weight model the advisor can tune or serve.
struct ModelInfo {
  std::string id;
  std::string name;
  std::vector<std::string> aliases;
  ModelShape shape;
  int context = 0;
  std::string licence;
  int quality_tier = 0;  ///< 1..5 from a cited benchmark (MMLU cut-offs); 0: none cited
  std::string date;      ///< when the figures were read
  std::string source;
  std::string why;  ///< how the tier was found and which figures were not re-read
  SourceLoc loc;
};

/// A hosted model API with dated token prices.
struct ApiPrice {
  std::string id;
  std::string name;
  std::string vendor;
  double usd_per_m_input = 0;
  double usd_per_m_output = 0;
  double usd_per_m_cached_input = 0;         ///< 0: no prompt caching
  double batch_discount = 0;                 ///< fraction of the list price a batch job pays; 0: no batch prices
  int context = 0;                           ///< tokens; 0: not in the catalog
  int quality_tier = 0;                      ///< 1..5 from a cited benchmark; 0: none cited (used only when pinned)
  double ttft_ms = 0;                        ///< time to first token; 0: the cost model's default
  double output_tokens_per_s = 0;            ///< 0: the cost model's default
  double finetune_usd_per_m_training = -1;   ///< price of fine-tuning per million training tokens; < 0: not sold
  double finetune_usd_per_m_input = -1;      ///< calling the tuned model, per million input tokens; < 0: the base price
  double finetune_usd_per_m_output = -1;     ///< calling the tuned model, per million output tokens; < 0: the base price
  double finetune_hosting_usd_per_hour = 0;  ///< hourly fee of a tuned model's deployment (0: none)
  int finetune_min_examples = 0;             ///< the service's minimum training examples
  std::string finetune_jobs_end;             ///< the last day new tuning jobs are accepted, or ""
  std::string retirement;                    ///< announced retirement date, or ""
  std::string date;
  std::string source;
  std::string why;
  SourceLoc loc;
};

/// Training utilization (fraction of the dense peak) by model size for a class of GPUs.
struct UtilizationCurve {
  std::string id;
  std::vector<std::pair<double, double>> points;  ///< (active parameters, utilization), ascending
  std::string why;
  std::string source;
  std::string date;
  SourceLoc loc;

  /// Interpolated in log10(parameters); flat beyond the first and last point.
  [[nodiscard]] double at(double params) const;
};

/// A named constant of the cost model, with its source and date (data, not code).
struct CostConstant {
  std::string name;
  Range value;
  std::string text;  ///< a textual constant (such as a default model id); empty for numbers
  std::string unit;
  std::string why;
  std::string source;
  std::string date;
  SourceLoc loc;
};

/// The numeric constants of the cost model, resolved once from Catalog::constants so that the
/// estimator reads fields rather than looking names up in its inner loops.
struct CostModel {
  Range activation_autocast_bytes;
  Range activation_checkpoint_bytes;
  Range activation_ffn_bytes;
  Range activation_fused_ffn_bytes;
  Range activation_fused_hidden_bytes;
  Range activation_fp32_adapter_input_bytes;
  Range activation_hidden_bytes;
  Range activation_kv_bytes;
  Range activation_plain_ffn_bytes;
  Range activation_trained_input_bytes;
  Range adamw_8bit_bytes_per_param;
  Range adamw_foreach_temp_fraction;
  Range fp8_training_speedup;
  Range allocator_slack_fraction;
  Range attention_score_bytes;
  Range bf16_gradient_bytes_per_param;
  Range bf16_optimizer_bytes_per_param;
  Range bf16_weight_bytes_per_param;
  Range chunked_loss_bytes;
  Range fused_loss_bytes;
  Range cuda_context_gib;
  Range derived_vocab;
  Range electricity_usd_per_kwh;
  Range embedding_usd_per_m_tokens;
  Range few_shot_examples_in_prompt;
  Range finetune_attempts;
  Range finetune_epochs;
  Range finetune_utilization_band;
  Range finetune_tokens_half;
  Range finetune_utilization_factor;
  Range full_gradient_bytes_per_param;
  Range full_optimizer_bytes_per_param;
  Range full_weight_bytes_per_param;
  Range grid_kgco2e_per_kwh;
  Range hours_per_month;
  Range inference_flops_utilization;
  Range inference_memory_factor;
  Range logits_bytes;
  Range logits_cached_block_bytes;
  Range lora_bytes_per_frozen_param;
  Range lora_rank;
  Range lora_utilization_factor;
  Range max_gpus_finetune;
  Range max_gpus_pretrain;
  Range moe_utilization_exponent;
  Range offload_param_layers;
  Range packed_utilization_factor;
  Range padded_utilization_factor;
  Range pretrain_attempts;
  Range pretrain_domain_share;
  Range pretrain_params;
  Range pretrain_target_days;
  Range pue;
  Range qlora_bytes_per_frozen_param;
  Range qlora_overhead_tokens;
  Range qlora_dequant_matrices;
  Range rag_context_tokens;
  Range scaling_efficiency_per_doubling;
  Range scaling_reference_gpus;
  Range serverless_premium;
  Range tokens_per_param_optimal;
  Range training_seq_len;
  Range training_utilization_band;
  // Serving at the busiest hour, latency and the plan search.
  Range peak_to_mean;
  Range serving_max_batch;
  Range inference_bandwidth_utilization;
  Range serverless_cold_start_s;
  Range serverless_idle_s;
  Range api_ttft_ms;
  Range api_output_tokens_per_s;
  Range retrieval_latency_ms;
  Range schema_prompt_tokens;
  Range quality_tier_risk_low;
  Range quality_tier_risk_medium;
  Range quality_tier_risk_high;
  Range tuning_quality_credit;
  Range embedding_model_params;
  Range training_min_billing_hours;
  Range serving_bytes_per_param;
  Range prompt_cache_ttl_s;
  Range prompt_cache_write_premium;
  Range distill_generated_inputs;
  Range distill_max_examples;
  Range preference_reference_compute_share;
};

struct Catalog {
  std::vector<Gpu> gpus;          ///< sorted by id
  std::vector<ModelInfo> models;  ///< sorted by id
  std::vector<ApiPrice> apis;     ///< sorted by id
  std::map<std::string, CostConstant, std::less<>> constants;
  std::map<std::string, UtilizationCurve, std::less<>> utilization_curves;
  CostModel model;  ///< filled by resolve_cost_model() once every constant is loaded
  /// The ids of the rule set's strategies, lowest rung first: the values `proposal.strategy`
  /// may take (set by the rule-set loader).
  std::vector<std::string> strategy_ids;

  [[nodiscard]] const Gpu* find_gpu(std::string_view id_or_alias) const;
  [[nodiscard]] const ModelInfo* find_model(std::string_view id_or_alias) const;
  [[nodiscard]] const ApiPrice* find_api(std::string_view id) const;
  [[nodiscard]] std::vector<std::string> api_names() const;  ///< ids, for suggestions
  [[nodiscard]] std::vector<std::string> gpu_names() const;  ///< ids and aliases, for suggestions
  /// " (did you mean `x`: its name, dense 16-bit TFLOPS and memory?)" for an unknown GPU id, so a
  /// suggestion of a card with very different compute (`h20` -> `h200`) says so; "" when nothing
  /// is close.
  [[nodiscard]] std::string gpu_suggestion(std::string_view unknown) const;
  [[nodiscard]] std::vector<std::string> model_names() const;  ///< ids and aliases, for suggestions
  /// A cost-model constant; the loader guarantees that every constant the estimator uses exists.
  [[nodiscard]] const CostConstant& constant(std::string_view name) const;
  [[nodiscard]] double value(std::string_view name) const { return constant(name).value.expected; }
  [[nodiscard]] Range range(std::string_view name) const { return constant(name).value; }
  [[nodiscard]] const std::string& text(std::string_view name) const { return constant(name).text; }
};

/// Today's date as YYYY-MM-DD (UTC), or `LLMPLAN_TODAY` when set (for reproducible runs): the
/// date retirements and the age of catalog entries are judged against. Read at the first call:
/// one run judges every plan against the same day.
const std::string& catalog_today();

/// True when `date` (YYYY-MM-DD) lies more than a year before `today`.
bool older_than_a_year(const std::string& date, const std::string& today);

/// True when a dated end (a retirement, a service's last day for jobs) has come by `today`; an
/// empty date never ends.
bool has_ended(const std::string& date, const std::string& today);

/// The constants the estimator reads; a rule set that lacks one is refused at load time.
const std::vector<std::string>& required_cost_constants();

/// Copies the numeric constants into `catalog.model` and resolves each GPU's utilization curves
/// (resolve_utilization_curves). Call after checking that none is missing.
void resolve_cost_model(Catalog& catalog);

/// Copies each GPU's utilization curves from `catalog.utilization_curves` into the GPU (knots in
/// log10 of the parameters). Call again after changing the curves of a loaded catalog.
void resolve_utilization_curves(Catalog& catalog);

/// A curve's utilization at log10(parameters) from resolved knots: linear in log10, flat beyond
/// the ends (as UtilizationCurve::at).
double knots_at(const std::vector<std::pair<double, double>>& knots, double log10_params);

}  // namespace llmplan
