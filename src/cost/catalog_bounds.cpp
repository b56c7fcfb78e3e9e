// Bounds of every number a rule set, catalog or cost model may set, checked once after loading,
// and the estimator's own invariants. A rule file from a pull request is as untrusted as a
// profile: a GPU of zero TFLOPS or a cap of zero GPUs must be refused where it is written, not
// become a crash, an endless loop, `$-0` or a passed check.
#include "llmplan/cost/catalog_bounds.hpp"

#include <cmath>
#include <string_view>

#include <fmt/format.h>

namespace llmplan {

namespace {

struct Bound {
  std::string_view key;
  double min;
  double max;
  bool whole = false;
};

/// Every numeric cost-model constant, with what the estimator can meaningfully use. A constant
/// that divides (utilization, efficiency, shares, GPU counts) has a lower bound above zero.
constexpr Bound k_constant_bounds[] = {
    {"activation_autocast_bytes", 0, 1e3},
    {"activation_checkpoint_bytes", 0, 1e3},
    {"activation_ffn_bytes", 0, 1e3},
    {"activation_fused_ffn_bytes", 0, 1e3},
    {"activation_fused_hidden_bytes", 0, 1e3},
    {"activation_fp32_adapter_input_bytes", 0, 1e3},
    {"activation_hidden_bytes", 0, 1e3},
    {"activation_kv_bytes", 0, 1e3},
    {"activation_plain_ffn_bytes", 0, 1e3},
    {"activation_trained_input_bytes", 0, 1e3},
    {"electricity_usd_per_kwh", 0, 10},
    {"prompt_cache_ttl_s", 0, 86400},
    {"prompt_cache_write_premium", 1, 10},
    {"distill_generated_inputs", 1, 1e9, true},
    {"distill_max_examples", 1, 1e10, true},
    {"preference_reference_compute_share", 0, 10},
    {"embedding_usd_per_m_tokens", 0, 1e3},
    {"few_shot_examples_in_prompt", 0, 1e4},
    {"finetune_attempts", 1, 100},
    {"finetune_epochs", 0.01, 1000},
    {"finetune_utilization", 0.001, 1},
    {"framework_overhead_gib", 0, 1e3},
    {"full_gradient_bytes_per_param", 0, 64},
    {"full_optimizer_bytes_per_param", 0, 64},
    {"full_weight_bytes_per_param", 0.1, 64},
    {"grid_kgco2e_per_kwh", 0, 5},
    {"hours_per_month", 1, 744},
    {"inference_flops_utilization", 0.001, 1},
    {"inference_memory_factor", 0.1, 100},
    {"logits_bytes", 0, 64},
    {"logits_cached_block_bytes", 0, 64},
    {"lora_bytes_per_frozen_param", 0.01, 64},
    {"lora_rank", 1, 4096, true},
    {"max_gpus_finetune", 1, 65536, true},
    {"max_gpus_pretrain", 1, 1048576, true},
    {"pretrain_attempts", 1, 100},
    {"pretrain_domain_share", 0.001, 1},
    {"pretrain_params", 1e6, 1e14},
    {"pretrain_target_days", 1, 3650},
    {"pue", 1, 5},
    {"qlora_bytes_per_frozen_param", 0.01, 64},
    {"qlora_overhead_tokens", 0, 1e7},
    {"rag_context_tokens", 0, 1e7},
    {"scaling_efficiency_per_doubling", 0.01, 1},
    {"scaling_reference_gpus", 1, 1048576, true},
    {"serverless_premium", 1, 100},
    {"tokens_per_param_optimal", 0.1, 1e6},
    {"training_seq_len", 1, 1e7, true},
    {"training_utilization_band", 0.01, 10},
    // Memory modes and the fitted utilization structure (issue 13).
    {"adamw_8bit_bytes_per_param", 0, 64},
    {"adamw_foreach_temp_fraction", 0, 1},
    {"fp8_training_speedup", 1, 4},
    {"allocator_slack_fraction", 0, 1},
    {"attention_score_bytes", 0, 64},
    {"bf16_gradient_bytes_per_param", 0, 64},
    {"bf16_optimizer_bytes_per_param", 0, 64},
    {"bf16_weight_bytes_per_param", 0.1, 64},
    {"chunked_loss_bytes", 0, 64},
    {"fused_loss_bytes", 0, 64},
    {"cuda_context_gib", 0, 100},
    {"derived_vocab", 1, 1e7, true},
    {"finetune_tokens_half", 1, 1e9},
    {"finetune_utilization_band", 0.01, 10},
    {"finetune_utilization_factor", 0.01, 100},
    {"lora_utilization_factor", 0.01, 100},
    {"moe_utilization_exponent", 0, 10},
    {"offload_param_layers", 0, 1e4},
    {"packed_utilization_factor", 0.01, 100},
    {"padded_utilization_factor", 0.01, 100},
    {"qlora_dequant_matrices", 0, 1e4},
    // Serving, latency, the plan search and people's time (issue 12).
    {"api_output_tokens_per_s", 0.01, 1e6},
    {"api_ttft_ms", 0, 1e6},
    {"embedding_model_params", 1e6, 1e14},
    {"inference_bandwidth_utilization", 0.001, 1},
    {"peak_to_mean", 1, 1000},
    {"quality_tier_risk_high", 0, 5, true},
    {"quality_tier_risk_low", 0, 5, true},
    {"quality_tier_risk_medium", 0, 5, true},
    {"retrieval_latency_ms", 0, 1e6},
    {"schema_prompt_tokens", 0, 1e6},
    {"serverless_cold_start_s", 0, 1e5},
    {"serverless_idle_s", 0, 1e5},
    {"serving_bytes_per_param", 0.1, 64},
    {"serving_max_batch", 1, 1e5},
    {"training_min_billing_hours", 0, 1000},
    {"tuning_quality_credit", 0, 5},
};

/// A constant the table does not list (a rule set may add its own, and people's time is many
/// `effort_*` hours): finite and not negative.
constexpr Bound k_other_constant = {"", 0, 1e15};

constexpr Bound k_gpu_memory = {"memory_gib", 1, 4096};
constexpr Bound k_gpu_tflops = {"peak_tflops", 1, 1e5};
constexpr Bound k_gpu_power = {"board_power_w", 1, 1e5};
constexpr Bound k_gpu_price = {"usd_per_hour", 0.001, 1e4};
constexpr Bound k_model_params = {"params", 1e6, 1e14};
constexpr Bound k_model_active = {"active_params", 1e6, 1e14};
constexpr Bound k_model_layers = {"layers", 1, 1000, true};
constexpr Bound k_model_hidden = {"hidden", 1, 1e6, true};
constexpr Bound k_model_ffn = {"ffn", 1, 1e7, true};
constexpr Bound k_model_heads = {"heads", 1, 1e4, true};
constexpr Bound k_model_kv_heads = {"kv_heads", 1, 1e4, true};
constexpr Bound k_model_vocab = {"vocab", 1, 1e7, true};
constexpr Bound k_model_context = {"context", 1, 1e9, true};
constexpr Bound k_api_price = {"usd_per_m", 0, 1e4};
constexpr Bound k_api_hosting = {"finetune_hosting_usd_per_hour", 0, 1e4};
constexpr Bound k_curve_params = {"parameters", 1e6, 1e15};
constexpr Bound k_curve_utilization = {"utilization", 0.001, 1};

std::string describe(const Bound& b) {
  return fmt::format("{} from {:g} to {:g}", b.whole ? "a whole number" : "a number", b.min, b.max);
}

bool within(double v, const Bound& b) {
  return std::isfinite(v) && v >= b.min && v <= b.max && (!b.whole || v == std::floor(v));
}

void check(double v, const Bound& b, std::string_view what, std::string_view key, const SourceLoc& loc, Diagnostics& diags) {
  if (within(v, b)) return;
  diags.error("out-of-range", fmt::format("`{}` of {} is {}, found {:g}", key, what, describe(b), v), loc);
}

const Bound& constant_bound(std::string_view name) {
  for (const auto& b : k_constant_bounds) {
    if (b.key == name) return b;
  }
  return k_other_constant;
}

}  // namespace

void check_catalog_bounds(const Catalog& catalog, Diagnostics& diags) {
  for (const auto& [name, c] : catalog.constants) {
    if (!c.text.empty()) continue;  // a textual constant (a model id), checked by the loader
    const Bound& b = constant_bound(name);
    const std::string what = fmt::format("cost constant `{}`", name);
    const Range& r = c.value;
    const bool exact = r.low == r.expected && r.expected == r.high;
    if (exact) {
      check(r.expected, b, what, "value", c.loc, diags);
      continue;
    }
    check(r.low, b, what, "low", c.loc, diags);
    check(r.expected, b, what, "expected", c.loc, diags);
    check(r.high, b, what, "high", c.loc, diags);  // the loader checks low <= expected <= high
  }
  for (const auto& g : catalog.gpus) {
    const std::string what = fmt::format("GPU `{}`", g.id);
    check(g.memory_gib, k_gpu_memory, what, k_gpu_memory.key, g.loc, diags);
    check(g.peak_tflops, k_gpu_tflops, what, k_gpu_tflops.key, g.loc, diags);
    check(g.board_power_w, k_gpu_power, what, k_gpu_power.key, g.loc, diags);
    for (const auto& p : g.prices) check(p.usd_per_hour, k_gpu_price, what, k_gpu_price.key, g.loc, diags);
  }
  for (const auto& m : catalog.models) {
    const std::string what = fmt::format("model `{}`", m.id);
    const ModelShape& s = m.shape;
    check(s.params, k_model_params, what, k_model_params.key, m.loc, diags);
    check(s.active_params, k_model_active, what, k_model_active.key, m.loc, diags);
    if (s.active_params > s.params) {
      diags.error("out-of-range", fmt::format("`active_params` of {} is at most `params`", what), m.loc);
    }
    check(s.layers, k_model_layers, what, k_model_layers.key, m.loc, diags);
    check(s.hidden, k_model_hidden, what, k_model_hidden.key, m.loc, diags);
    check(s.ffn, k_model_ffn, what, k_model_ffn.key, m.loc, diags);
    check(s.heads, k_model_heads, what, k_model_heads.key, m.loc, diags);
    check(s.kv_heads, k_model_kv_heads, what, k_model_kv_heads.key, m.loc, diags);
    if (s.kv_heads > s.heads) diags.error("out-of-range", fmt::format("`kv_heads` of {} is at most `heads`", what), m.loc);
    check(s.vocab, k_model_vocab, what, k_model_vocab.key, m.loc, diags);
    check(m.context, k_model_context, what, k_model_context.key, m.loc, diags);
  }
  for (const auto& a : catalog.apis) {
    const std::string what = fmt::format("API `{}`", a.id);
    check(a.usd_per_m_input, k_api_price, what, "usd_per_m_input", a.loc, diags);
    check(a.usd_per_m_output, k_api_price, what, "usd_per_m_output", a.loc, diags);
    // Fine-tuning figures are optional (negative: not sold, or the base price).
    const std::pair<const char*, double> tuning[] = {{"finetune_usd_per_m_training", a.finetune_usd_per_m_training},
                                                     {"finetune_usd_per_m_input", a.finetune_usd_per_m_input},
                                                     {"finetune_usd_per_m_output", a.finetune_usd_per_m_output}};
    for (const auto& [key, value] : tuning) {
      if (value != -1) check(value, k_api_price, what, key, a.loc, diags);
    }
    check(a.finetune_hosting_usd_per_hour, k_api_hosting, what, k_api_hosting.key, a.loc, diags);
  }
  for (const auto& [id, curve] : catalog.utilization_curves) {
    const std::string what = fmt::format("utilization curve `{}`", id);
    for (const auto& [params, utilization] : curve.points) {
      check(params, k_curve_params, what, k_curve_params.key, curve.loc, diags);
      check(utilization, k_curve_utilization, what, k_curve_utilization.key, curve.loc, diags);
    }
  }
}

bool check_cost_invariants(const StrategyCost& cost, const std::string& strategy, const Catalog& catalog, const SourceLoc& where,
                           Diagnostics& diags) {
  const std::pair<const char*, const Range*> figures[] = {
      {"one-time cost", &cost.one_time_usd},      {"monthly cost", &cost.monthly_usd},
      {"horizon cost", &cost.horizon_usd},        {"GPU-hours", &cost.gpu_hours},
      {"wall-clock days", &cost.wall_clock_days}, {"energy", &cost.energy_kwh},
      {"emissions", &cost.emissions_kgco2e},      {"added prompt tokens", &cost.added_prompt_tokens},
  };
  // The catalog entry the figures came from, so that the error points at what to fix.
  SourceLoc loc = where;
  std::string source = "the cost model's constants";
  if (const Gpu* gpu = cost.gpu.empty() ? nullptr : catalog.find_gpu(cost.gpu)) {
    loc = gpu->loc;
    source = fmt::format("GPU `{}` and the cost model's constants", gpu->id);
  }
  bool ok = true;
  const auto fail = [&](const std::string& problem) {
    diags.error("broken-estimate",
                fmt::format("strategy `{}`: {}; the figures come from {}, whose values the estimator cannot use", strategy,
                            problem, source),
                loc);
    ok = false;
  };
  for (const auto& [name, r] : figures) {
    for (const double v : {r->low, r->expected, r->high}) {
      if (!std::isfinite(v) || v < 0) {  // -0 prints as 0; a negative figure, however small, is broken
        fail(fmt::format("the {} is not a finite, non-negative number", name));
        break;
      }
    }
    if (ok && !(r->low <= r->expected && r->expected <= r->high)) fail(fmt::format("the {} range is out of order", name));
    if (!ok) return false;
  }
  for (const double v : {cost.training_flops, cost.training_tokens, cost.params, cost.memory.total}) {
    if (!std::isfinite(v) || v < 0) {
      fail("a training figure (FLOPs, tokens, parameters or memory) is not a finite, non-negative number");
      return false;
    }
  }
  return ok;
}

}  // namespace llmplan
