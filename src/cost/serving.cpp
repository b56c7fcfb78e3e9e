#include "serving.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace llmplan::detail {

namespace {
constexpr double k_gib = 1024.0 * 1024.0 * 1024.0;
}  // namespace

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
      s.description = fmt::format("rented {} x{}, scale-to-zero workers billed per busy second", gpu->id, where.count);
  } else {
    s.monthly = dedicated;
    if (describe) {
      s.description = fmt::format("{} {} x{}, one replica always on{}", where.owned ? "owned" : "rented", gpu->id, where.count,
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

}  // namespace llmplan::detail
