#include "llmplan/cost/catalog.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include <fmt/format.h>

#include "llmplan/input/suggest.hpp"

namespace llmplan {

double UtilizationCurve::at(double params) const {
  if (points.empty()) return 0;
  if (params <= points.front().first) return points.front().second;
  if (params >= points.back().first) return points.back().second;
  for (std::size_t i = 1; i < points.size(); ++i) {
    if (params <= points[i].first) {
      const auto [x0, y0] = points[i - 1];
      const auto [x1, y1] = points[i];
      const double t = (std::log10(params) - std::log10(x0)) / (std::log10(x1) - std::log10(x0));
      return y0 + t * (y1 - y0);
    }
  }
  return points.back().second;
}

void Gpu::resolve_prices() {
  price = {};
  if (prices.empty()) return;
  std::vector<double> values;
  for (const auto& q : prices) values.push_back(q.usd_per_hour);
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  const double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  price = {values.front(), median, values.back()};
}

namespace {
template <typename T>
const T* find_by_name(const std::vector<T>& items, std::string_view name) {
  for (const auto& item : items) {
    if (item.id == name) return &item;
  }
  for (const auto& item : items) {
    if (std::find(item.aliases.begin(), item.aliases.end(), name) != item.aliases.end()) return &item;
  }
  return nullptr;
}

template <typename T>
std::vector<std::string> names_of(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    out.push_back(item.id);
    out.insert(out.end(), item.aliases.begin(), item.aliases.end());
  }
  return out;
}
}  // namespace

const Gpu* Catalog::find_gpu(std::string_view id_or_alias) const {
  return find_by_name(gpus, id_or_alias);
}

const ModelInfo* Catalog::find_model(std::string_view id_or_alias) const {
  return find_by_name(models, id_or_alias);
}

const ApiPrice* Catalog::find_api(std::string_view id) const {
  for (const auto& api : apis) {
    if (api.id == id) return &api;
  }
  return nullptr;
}

std::vector<std::string> Catalog::gpu_names() const {
  return names_of(gpus);
}

std::vector<std::string> Catalog::model_names() const {
  return names_of(models);
}

std::string Catalog::gpu_suggestion(std::string_view unknown) const {
  const std::string match = closest_match(unknown, gpu_names());
  if (match.empty()) return {};
  const Gpu* gpu = find_gpu(match);
  // Ids one character apart can name cards of very different compute (`h20` and `h200` differ
  // 6.7x), so the suggestion states what the suggested card is.
  return fmt::format(" (did you mean `{}`: {}, {:g} dense 16-bit TFLOPS, {:g} GiB? check that it is the card you have)", match,
                     gpu->name, gpu->peak_tflops, gpu->memory_gib);
}

std::vector<std::string> Catalog::api_names() const {
  std::vector<std::string> out;
  for (const auto& api : apis) out.push_back(api.id);
  return out;
}

const CostConstant& Catalog::constant(std::string_view name) const {
  const auto it = constants.find(name);
  if (it == constants.end()) throw std::logic_error("cost constant missing after load: " + std::string(name));
  return it->second;
}

namespace {
struct ModelField {
  const char* name;
  Range CostModel::*member;
};

const std::vector<ModelField>& model_fields() {
  static const std::vector<ModelField> fields = {
      {"activation_autocast_bytes", &CostModel::activation_autocast_bytes},
      {"activation_checkpoint_bytes", &CostModel::activation_checkpoint_bytes},
      {"activation_ffn_bytes", &CostModel::activation_ffn_bytes},
      {"activation_fused_ffn_bytes", &CostModel::activation_fused_ffn_bytes},
      {"activation_fused_hidden_bytes", &CostModel::activation_fused_hidden_bytes},
      {"activation_fp32_adapter_input_bytes", &CostModel::activation_fp32_adapter_input_bytes},
      {"activation_hidden_bytes", &CostModel::activation_hidden_bytes},
      {"activation_kv_bytes", &CostModel::activation_kv_bytes},
      {"activation_plain_ffn_bytes", &CostModel::activation_plain_ffn_bytes},
      {"activation_trained_input_bytes", &CostModel::activation_trained_input_bytes},
      {"adamw_8bit_bytes_per_param", &CostModel::adamw_8bit_bytes_per_param},
      {"adamw_foreach_temp_fraction", &CostModel::adamw_foreach_temp_fraction},
      {"fp8_training_speedup", &CostModel::fp8_training_speedup},
      {"allocator_slack_fraction", &CostModel::allocator_slack_fraction},
      {"attention_score_bytes", &CostModel::attention_score_bytes},
      {"bf16_gradient_bytes_per_param", &CostModel::bf16_gradient_bytes_per_param},
      {"bf16_optimizer_bytes_per_param", &CostModel::bf16_optimizer_bytes_per_param},
      {"bf16_weight_bytes_per_param", &CostModel::bf16_weight_bytes_per_param},
      {"chunked_loss_bytes", &CostModel::chunked_loss_bytes},
      {"fused_loss_bytes", &CostModel::fused_loss_bytes},
      {"cuda_context_gib", &CostModel::cuda_context_gib},
      {"derived_vocab", &CostModel::derived_vocab},
      {"electricity_usd_per_kwh", &CostModel::electricity_usd_per_kwh},
      {"embedding_usd_per_m_tokens", &CostModel::embedding_usd_per_m_tokens},
      {"few_shot_examples_in_prompt", &CostModel::few_shot_examples_in_prompt},
      {"finetune_attempts", &CostModel::finetune_attempts},
      {"finetune_epochs", &CostModel::finetune_epochs},
      {"finetune_utilization_band", &CostModel::finetune_utilization_band},
      {"finetune_tokens_half", &CostModel::finetune_tokens_half},
      {"finetune_utilization_factor", &CostModel::finetune_utilization_factor},
      {"full_gradient_bytes_per_param", &CostModel::full_gradient_bytes_per_param},
      {"full_optimizer_bytes_per_param", &CostModel::full_optimizer_bytes_per_param},
      {"full_weight_bytes_per_param", &CostModel::full_weight_bytes_per_param},
      {"grid_kgco2e_per_kwh", &CostModel::grid_kgco2e_per_kwh},
      {"hours_per_month", &CostModel::hours_per_month},
      {"inference_flops_utilization", &CostModel::inference_flops_utilization},
      {"inference_memory_factor", &CostModel::inference_memory_factor},
      {"logits_bytes", &CostModel::logits_bytes},
      {"logits_cached_block_bytes", &CostModel::logits_cached_block_bytes},
      {"lora_bytes_per_frozen_param", &CostModel::lora_bytes_per_frozen_param},
      {"lora_rank", &CostModel::lora_rank},
      {"lora_utilization_factor", &CostModel::lora_utilization_factor},
      {"max_gpus_finetune", &CostModel::max_gpus_finetune},
      {"max_gpus_pretrain", &CostModel::max_gpus_pretrain},
      {"moe_utilization_exponent", &CostModel::moe_utilization_exponent},
      {"offload_param_layers", &CostModel::offload_param_layers},
      {"packed_utilization_factor", &CostModel::packed_utilization_factor},
      {"padded_utilization_factor", &CostModel::padded_utilization_factor},
      {"pretrain_attempts", &CostModel::pretrain_attempts},
      {"pretrain_domain_share", &CostModel::pretrain_domain_share},
      {"pretrain_params", &CostModel::pretrain_params},
      {"pretrain_target_days", &CostModel::pretrain_target_days},
      {"pue", &CostModel::pue},
      {"qlora_bytes_per_frozen_param", &CostModel::qlora_bytes_per_frozen_param},
      {"qlora_overhead_tokens", &CostModel::qlora_overhead_tokens},
      {"qlora_dequant_matrices", &CostModel::qlora_dequant_matrices},
      {"rag_context_tokens", &CostModel::rag_context_tokens},
      {"scaling_efficiency_per_doubling", &CostModel::scaling_efficiency_per_doubling},
      {"scaling_reference_gpus", &CostModel::scaling_reference_gpus},
      {"serverless_premium", &CostModel::serverless_premium},
      {"tokens_per_param_optimal", &CostModel::tokens_per_param_optimal},
      {"training_seq_len", &CostModel::training_seq_len},
      {"training_utilization_band", &CostModel::training_utilization_band},
      {"peak_to_mean", &CostModel::peak_to_mean},
      {"serving_max_batch", &CostModel::serving_max_batch},
      {"inference_bandwidth_utilization", &CostModel::inference_bandwidth_utilization},
      {"serverless_cold_start_s", &CostModel::serverless_cold_start_s},
      {"serverless_idle_s", &CostModel::serverless_idle_s},
      {"api_ttft_ms", &CostModel::api_ttft_ms},
      {"api_output_tokens_per_s", &CostModel::api_output_tokens_per_s},
      {"retrieval_latency_ms", &CostModel::retrieval_latency_ms},
      {"schema_prompt_tokens", &CostModel::schema_prompt_tokens},
      {"quality_tier_risk_low", &CostModel::quality_tier_risk_low},
      {"quality_tier_risk_medium", &CostModel::quality_tier_risk_medium},
      {"quality_tier_risk_high", &CostModel::quality_tier_risk_high},
      {"tuning_quality_credit", &CostModel::tuning_quality_credit},
      {"embedding_model_params", &CostModel::embedding_model_params},
      {"training_min_billing_hours", &CostModel::training_min_billing_hours},
      {"serving_bytes_per_param", &CostModel::serving_bytes_per_param},
      {"prompt_cache_ttl_s", &CostModel::prompt_cache_ttl_s},
      {"prompt_cache_write_premium", &CostModel::prompt_cache_write_premium},
      {"distill_generated_inputs", &CostModel::distill_generated_inputs},
      {"distill_max_examples", &CostModel::distill_max_examples},
      {"preference_reference_compute_share", &CostModel::preference_reference_compute_share},
  };
  return fields;
}
}  // namespace

const std::vector<std::string>& required_cost_constants() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out = {"api_model_default", "default_model_for_tuning"};
    for (const auto& field : model_fields()) out.emplace_back(field.name);
    std::sort(out.begin(), out.end());
    return out;
  }();
  return names;
}

const std::string& catalog_today() {
  // Read once: every plan of a run (a batch, a sweep) is judged against the same day, and the
  // pricing asks for it about thirty times a profile.
  static const std::string today = [] {
    if (const char* env = std::getenv("LLMPLAN_TODAY"); env != nullptr && std::strlen(env) == 10) return std::string(env);
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    return fmt::format("{:04}-{:02}-{:02}", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday);
  }();
  return today;
}

bool older_than_a_year(const std::string& date, const std::string& today) {
  if (date.size() < 10 || today.size() < 10) return false;
  const int year = std::atoi(today.substr(0, 4).c_str()) - 1;
  return date < fmt::format("{:04}{}", year, today.substr(4, 6));
}

bool has_ended(const std::string& date, const std::string& today) {
  return !date.empty() && date <= today;
}

void resolve_cost_model(Catalog& catalog) {
  for (const auto& field : model_fields()) {
    const auto it = catalog.constants.find(field.name);
    if (it != catalog.constants.end()) catalog.model.*field.member = it->second.value;
  }
  resolve_utilization_curves(catalog);
}

namespace {

std::vector<std::pair<double, double>> log10_knots(const UtilizationCurve& curve) {
  std::vector<std::pair<double, double>> knots;
  knots.reserve(curve.points.size());
  for (const auto& [n, u] : curve.points) knots.emplace_back(std::log10(n), u);
  // A curve flat in size is kept as one knot, so reading it takes no logarithm.
  const bool flat = std::all_of(knots.begin(), knots.end(), [&](const auto& k) { return k.second == knots.front().second; });
  if (flat && !knots.empty()) knots.resize(1);
  return knots;
}

}  // namespace

void resolve_utilization_curves(Catalog& catalog) {
  for (auto& gpu : catalog.gpus) {
    gpu.pretrain_knots.clear();
    gpu.finetune_knots.clear();
    gpu.finetune_curve.clear();
    const auto own = catalog.utilization_curves.find(gpu.utilization_curve);
    if (own != catalog.utilization_curves.end()) {
      gpu.pretrain_knots = log10_knots(own->second);
      gpu.finetune_knots = gpu.pretrain_knots;
      gpu.finetune_curve = own->first;
    }
    const auto finetune = catalog.utilization_curves.find(gpu.utilization_curve + "-finetune");
    if (finetune != catalog.utilization_curves.end()) {
      gpu.finetune_knots = log10_knots(finetune->second);
      gpu.finetune_curve = finetune->first;
    }
  }
}

double knots_at(const std::vector<std::pair<double, double>>& knots, double log10_params) {
  if (knots.empty()) return 0;
  if (log10_params <= knots.front().first) return knots.front().second;
  for (std::size_t i = 1; i < knots.size(); ++i) {
    if (log10_params <= knots[i].first) {
      const auto [x0, y0] = knots[i - 1];
      const auto [x1, y1] = knots[i];
      return y0 + (log10_params - x0) / (x1 - x0) * (y1 - y0);
    }
  }
  return knots.back().second;
}

}  // namespace llmplan
