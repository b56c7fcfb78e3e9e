#include "serving.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "pricing_facts.hpp"

namespace llmplan::detail {

namespace {

constexpr double k_gib = 1024.0 * 1024.0 * 1024.0;
constexpr double k_seconds_per_hour = 3600.0;

/// What one replica (one copy of the weights on `per_replica` GPUs) does.
struct Replica {
  bool fits = false;
  int batch = 1;
  double prefill_tokens_per_s = 0;
  double step_s = 0;   ///< one decode step at `batch`
  double step1_s = 0;  ///< one decode step alone
};

double kv_bytes_per_token(const ModelShape& m) {
  const double head_dim = static_cast<double>(m.hidden) / std::max(1, m.heads);
  return 2.0 * m.layers * std::max(1, m.kv_heads) * head_dim * 2.0;  // K and V, 16 bits
}

Replica replica(const ModelShape& m, const Gpu& g, int per_replica, double context_tokens, const Catalog& c) {
  Replica r;
  const double weights = m.params * c.model.serving_bytes_per_param.expected;
  const double memory = per_replica * g.memory_gib * k_gib;
  r.fits = weights * c.model.inference_memory_factor.expected <= memory;
  if (!r.fits) return r;
  const double kv_budget = std::max(0.0, memory * 0.9 - weights);
  const double per_sequence = std::max(1.0, kv_bytes_per_token(m) * context_tokens);
  // Clamped as a double first: a huge budget (tiny KV cache, big GPU) must not overflow an int.
  const double max_batch = std::max(1.0, c.model.serving_max_batch.expected);
  r.batch = static_cast<int>(std::clamp(std::floor(kv_budget / per_sequence), 1.0, max_batch));
  const double flops = per_replica * g.peak_tflops * 1e12 * c.model.inference_flops_utilization.expected;
  const double active = std::max(1.0, m.active_params);
  r.prefill_tokens_per_s = flops / (2.0 * active);
  // Decoding reads every weight once per step (memory-bound) unless the batch makes it
  // compute-bound; a GPU without a bandwidth figure is taken as compute-bound.
  const double bandwidth = per_replica * g.memory_bandwidth_tbps * 1e12 * c.model.inference_bandwidth_utilization.expected;
  const double read_s = bandwidth > 0 ? weights / bandwidth : 0;
  r.step_s = std::max(read_s, 2.0 * active * r.batch / flops);
  r.step1_s = std::max(read_s, 2.0 * active / flops);
  return r;
}

/// The smallest power-of-two GPU count (up to `max_gpus`) whose memory holds the model.
int gpus_to_hold(const ModelShape& m, const Gpu& g, int max_gpus, const Catalog& c) {
  const double need = m.params * c.model.serving_bytes_per_param.expected * c.model.inference_memory_factor.expected;
  for (int k = 1; k <= max_gpus; k *= 2) {
    if (need <= k * g.memory_gib * k_gib) return k;
  }
  return 0;
}

Range energy_price(const Gpu& g, const Catalog& c) {
  return c.model.electricity_usd_per_kwh * (g.board_power_w / 1000.0 * c.model.pue.expected);
}

/// The busiest hour over the month's mean: the profile's, else the cost model's sourced default.
double peak_to_mean(const Profile& p, const Catalog& c) {
  const Value& v = p.facts.get(slots().usage_peak_to_mean);
  return v.is_null() ? c.model.peak_to_mean.expected : v.number;
}

/// Replicas as a count, bounded so that no volume overflows it.
int replicas_for(double load) {
  return static_cast<int>(std::clamp(std::ceil(load), 1.0, 1e8));
}

/// One way to serve: a GPU type, GPUs per replica, dedicated or scale-to-zero, with owned GPUs.
struct Option {
  const Gpu* gpu = nullptr;
  int per_replica = 0;
  int replicas = 0;
  int owned_gpus = 0;
  int rented_gpus = 0;
  int batch = 1;
  bool serverless = false;
  Range monthly;
  double latency_ms = 0;
};

/// What every option of one serving search shares: the request sizes and the traffic.
struct Traffic {
  double input = 0;  ///< tokens per request, with what the strategy adds
  double output = 0;
  double requests = 0;  ///< a month
  double mean_rps = 0;
  double peak_rps = 0;  ///< at the busiest hour
  // Scale-to-zero workers, with Poisson arrivals and the idle timeout T: the share of requests
  // that find no worker up, e^(-rT), and the share of idle time billed, 1 - e^(-rT) (each from
  // its own function, exact where the other rounds to 0 or 1). Once for every option priced.
  double cold_share = 1;
  double warm_share = 0;
};

Traffic traffic_of(double requests, double input, double output, double peak_over_mean, const Catalog& c) {
  Traffic t;
  t.input = input;
  t.output = output;
  t.requests = requests;
  t.mean_rps = requests / (c.model.hours_per_month.expected * k_seconds_per_hour);
  t.peak_rps = t.mean_rps * peak_over_mean;
  t.cold_share = std::exp(-t.mean_rps * c.model.serverless_idle_s.expected);
  t.warm_share = -std::expm1(-t.mean_rps * c.model.serverless_idle_s.expected);
  return t;
}

Traffic traffic_of(double requests, const Profile& p, const Catalog& c, double extra_tokens) {
  return traffic_of(requests, p.facts.number(slots().usage_input_tokens) + extra_tokens,
                    p.facts.number(slots().usage_output_tokens), peak_to_mean(p, c), c);
}

/// The seconds a month scale-to-zero workers are billed, from the seconds they work. A worker is
/// billed from its start until it stops: after its work it idles until the next request or the
/// idle timeout T, whichever comes first, and a request that finds no worker up pays a start.
/// With Poisson arrivals at rate r a gap outlasts T with probability e^(-rT), and an idle gap
/// is billed E[min(gap, T)] = (1 - e^(-rT)) of its mean: of the month's time not spent working,
/// that share is billed; each of the N requests that arrives after a longer gap bills a start.
/// Rare requests bill a start and T each; requests closer than T keep a worker up all month.
/// Working beyond a month (several workers at once) leaves no idle time to add.
double serverless_billed_s(double busy_s, const Traffic& t, const Catalog& c) {
  const double month_s = c.model.hours_per_month.expected * k_seconds_per_hour;
  return busy_s + std::max(0.0, month_s - busy_s) * t.warm_share +
         t.requests * (1.0 - t.warm_share) * c.model.serverless_cold_start_s.expected;
}

/// Prices one option from its replica (replica() of the same model, GPU and count).
Option price_option(const Replica& r, const Gpu& g, int per_replica, bool serverless, int owned_have, const RequestShape& s,
                    const Traffic& t, const Catalog& c) {
  Option o;
  o.gpu = &g;
  o.per_replica = per_replica;
  o.serverless = serverless;
  const double input = t.input;
  const double output = t.output;
  const double requests = t.requests;
  o.batch = r.batch;
  const double hours = c.model.hours_per_month.expected;
  const double mean_rps = t.mean_rps;
  const double peak_rps = t.peak_rps;
  const double prefill_s = input / r.prefill_tokens_per_s;
  // Replica-seconds per request at full batch, and one request's latency at that load.
  const double busy_s = prefill_s + output * r.step_s / r.batch;
  o.latency_ms = (prefill_s + output * r.step_s) * 1000.0 + s.fixed_latency_ms;
  const Range rent = g.price_range();
  if (serverless) {
    // Billed per busy second: prefill alone per request, decoding shared by the requests that
    // overlap (as many as the mean traffic keeps in flight, up to the batch). The mean count, not
    // a whole one: rounded down, each added request in flight would cut the decoding billed for
    // all, and a higher volume could cost less.
    const double alone_s = prefill_s + output * r.step1_s;
    const double overlap = std::clamp(mean_rps * alone_s, 1.0, static_cast<double>(r.batch));
    const double step = std::max(r.step1_s, r.step_s * overlap / r.batch);
    const double busy = requests * (prefill_s + output * step / overlap);
    const double cold_share = t.cold_share;
    const double billed_s = serverless_billed_s(busy, t, c);
    o.replicas = replicas_for(peak_rps * busy_s);
    o.rented_gpus = gpus_in_use(o.replicas, per_replica);
    o.monthly = rent * (billed_s * per_replica / k_seconds_per_hour * c.model.serverless_premium.expected);
    o.latency_ms =
        alone_s * 1000.0 + s.fixed_latency_ms + (cold_share > 0.5 ? c.model.serverless_cold_start_s.expected * 1000.0 : 0);
    return o;
  }
  // Counted in doubles: a hostile volume must not overflow the GPU count.
  const double replicas = std::max(1.0, std::ceil(peak_rps * busy_s));
  o.replicas = replicas_for(replicas);
  const double owned_used = std::min(replicas, std::floor(owned_have / per_replica)) * per_replica;
  const double rented = replicas * per_replica - owned_used;
  o.owned_gpus = static_cast<int>(owned_used);
  o.rented_gpus = static_cast<int>(std::min(rented, 1e9));
  o.monthly = energy_price(g, c) * (owned_used * hours) + rent * (rented * hours);
  return o;
}

std::string option_kind(const Option& o) {
  if (o.owned_gpus > 0) return "owned";
  return o.serverless ? "serverless" : "dedicated";
}

std::string describe(const Option& o) {
  const std::string per = o.per_replica > 1 ? fmt::format(FMT_COMPILE(" ({} GPUs per replica)"), o.per_replica) : "";
  if (o.serverless)
    return fmt::format(FMT_COMPILE("rented {}, scale-to-zero workers billed per busy second, up to {} at the busiest hour{}"),
                       o.gpu->id, o.replicas, per);
  if (o.owned_gpus > 0 && o.rented_gpus > 0)
    return fmt::format(FMT_COMPILE("{} replicas at the busiest hour: {} owned {} (energy only) and {} rented{}"), o.replicas,
                       o.owned_gpus, o.gpu->id, o.rented_gpus, per);
  if (o.owned_gpus > 0)
    return fmt::format(FMT_COMPILE("owned {} x{}, {} replica{} at the busiest hour (energy only){}"), o.gpu->id, o.owned_gpus,
                       o.replicas, o.replicas == 1 ? "" : "s", per);
  return fmt::format(FMT_COMPILE("rented {} x{}, {} replica{} always on for the busiest hour{}"), o.gpu->id, o.rented_gpus,
                     o.replicas, o.replicas == 1 ? "" : "s", per);
}

double extra_expected(const RequestShape& s) {
  return s.extra.expected;
}

}  // namespace

double tokens_per_request(const Profile& p) {
  return p.facts.number(slots().usage_input_tokens) + p.facts.number(slots().usage_output_tokens);
}

bool interactive(const Profile& p) {
  const Value& v = p.facts.get(slots().usage_interactive);
  return v.is_null() || p.facts.flag(slots().usage_interactive);
}

double latency_limit_ms(const Profile& p) {
  if (!interactive(p) || p.facts.get(slots().constraints_max_latency_ms).is_null()) return 0;
  return p.facts.number(slots().constraints_max_latency_ms);
}

bool ServingContext::operator==(const ServingContext& o) const {
  // Bit for bit, so that no two contexts that compare equal could price differently (0 and -0).
  const auto same = [](double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; };
  return catalog == o.catalog && same(requests, o.requests) && same(input, o.input) && same(output, o.output) &&
         same(peak_to_mean, o.peak_to_mean) && same(limit_ms, o.limit_ms) && own == o.own && have == o.have;
}

ServingContext serving_context(double requests, const Profile& p, const Catalog& c) {
  ServingContext x;
  x.catalog = &c;
  x.requests = requests;
  x.input = p.facts.number(slots().usage_input_tokens);
  x.output = p.facts.number(slots().usage_output_tokens);
  x.peak_to_mean = peak_to_mean(p, c);
  x.limit_ms = latency_limit_ms(p);
  x.own = p.facts.flag(slots().hardware_owned) ? c.find_gpu(p.facts.text(slots().hardware_gpu)) : nullptr;
  x.have = x.own != nullptr ? static_cast<int>(p.facts.number(slots().hardware_count, 1)) : 0;
  return x;
}

namespace {

/// The chosen option of a serving search: the cheapest that meets the latency limit, else the
/// fastest (the first of equals in the search's order, for both).
struct Choice {
  Option cheapest;  ///< meets the limit
  Option fastest;
  int options = 0;
  bool meets = false;

  void offer(const Option& o, double limit) {
    if (options++ == 0 || o.latency_ms < fastest.latency_ms) fastest = o;
    if (limit > 0 && !(o.latency_ms <= limit)) return;  // as written: a NaN latency meets no limit
    if (!meets || o.monthly.expected < cheapest.monthly.expected) cheapest = o;
    meets = true;
  }
};

}  // namespace

Serving plan_self_hosted(const ModelShape& model, const RequestShape& shape, const ServingContext& x) {
  const Catalog& c = *x.catalog;
  Serving out;
  const double limit = x.limit_ms;
  const Gpu* own = x.own;
  const int have = x.have;
  const Traffic t = traffic_of(x.requests, x.input + extra_expected(shape), x.output, x.peak_to_mean, c);
  Choice choice;
  // Rented GPUs hold the model on at most 8: how many each needs is found once, for its floor
  // and its options (0: it cannot hold it).
  std::vector<int> holds(c.gpus.size(), 0);
  bool holds_known = false;
  const auto add = [&](const Gpu& g, int owned_have, bool rentable) {
    const int k = owned_have > 0 || !holds_known ? gpus_to_hold(model, g, std::max(8, owned_have), c)
                                                 : holds[static_cast<std::size_t>(&g - c.gpus.data())];
    if (k == 0) return;
    if (owned_have > 0) {
      if (k > owned_have) return;
      const Option o = price_option(replica(model, g, k, t.input + t.output, c), g, k, false, owned_have, shape, t, c);
      if (o.rented_gpus > 0 && !rentable) return;  // cannot rent the rest of this type
      choice.offer(o, limit);
      return;
    }
    if (k > 8) return;
    // Dedicated and scale-to-zero share one replica.
    const Replica r = replica(model, g, k, t.input + t.output, c);
    choice.offer(price_option(r, g, k, false, 0, shape, t, c), limit);
    choice.offer(price_option(r, g, k, true, 0, shape, t, c), limit);
  };
  if (own != nullptr) add(*own, have, !own->prices.empty());
  // A rented GPU's options cost at least what prefill alone takes: dedicated, the replicas that
  // prefill at the busiest hour needs, always on; scale-to-zero, what serverless_billed_s() bills
  // for the busy seconds of prefill alone (it never falls as the busy seconds grow, and the idle
  // time and cold starts it adds do not depend on the GPU). A GPU whose floor is above the cost
  // of an option that meets the latency limit can neither be the cheapest nor tie it (and the
  // fastest is read only when no option meets it), so it is skipped. The lowest floor is tried
  // first to find such an option early; the GPUs are still offered in catalog order, so ties
  // resolve as without the floor.
  const double hours = c.model.hours_per_month.expected;
  const auto floor_of = [&](const Gpu& g, int k) {
    // A GPU that cannot hold the model offers nothing: it is never the one that sets the bar.
    if (k == 0) return std::numeric_limits<double>::infinity();
    const double flops = k * g.peak_tflops * 1e12 * c.model.inference_flops_utilization.expected;
    if (!(flops > 0)) return 0.0;
    const double prefill_s = t.input * 2.0 * std::max(1.0, model.active_params) / flops;
    const double rent = g.price_range().expected;
    const double dedicated = rent * k * hours * std::max(1.0, std::ceil(t.peak_rps * prefill_s));
    const double serverless =
        rent * k / k_seconds_per_hour * c.model.serverless_premium.expected * serverless_billed_s(t.requests * prefill_s, t, c);
    const double floor = std::min(dedicated, serverless);
    return std::isfinite(floor) ? floor : 0.0;
  };
  std::vector<double> floors(c.gpus.size(), 0.0);
  const Gpu* lowest = nullptr;
  double lowest_floor = 0;
  for (std::size_t g = 0; g < c.gpus.size(); ++g) {
    if (c.gpus[g].prices.empty()) continue;
    holds[g] = gpus_to_hold(model, c.gpus[g], 8, c);
    floors[g] = floor_of(c.gpus[g], holds[g]);
    if (lowest == nullptr || floors[g] < lowest_floor) {
      lowest = &c.gpus[g];
      lowest_floor = floors[g];
    }
  }
  holds_known = true;
  double bar = std::numeric_limits<double>::infinity();
  if (lowest != nullptr && search_floors()) {
    const Choice before = choice;
    add(*lowest, 0, true);
    if (choice.meets) bar = floor_bar(choice.cheapest.monthly.expected);
    choice = before;  // the seed only sets the bar; every GPU is offered below, in order
  }
  for (std::size_t g = 0; g < c.gpus.size(); ++g) {
    if (!c.gpus[g].prices.empty() && !(floors[g] > bar)) add(c.gpus[g], 0, true);
  }
  if (choice.options == 0) {
    out.feasible = false;
    out.problem = fmt::format("no GPU in the catalog holds {} parameters on 8 GPUs", model.params);
    out.description = "no GPU in the catalog can hold the model";
    return out;
  }
  const bool meets = choice.meets;
  const Option& o = meets ? choice.cheapest : choice.fastest;
  out.monthly = o.monthly;
  out.described_on_demand = true;
  if (own != nullptr && o.gpu != own) {
    const int k_own = gpus_to_hold(model, *own, std::max(8, have), c);
    out.owned_elsewhere = own;
    out.owned_count = have;
    out.owned_hold = k_own != 0 && k_own <= have;
  }
  out.where = {
      o.gpu,       gpus_in_use(o.replicas, o.per_replica), o.owned_gpus > 0, o.per_replica, o.replicas, o.owned_gpus, o.batch,
      o.serverless};
  ServingPlan& sp = out.plan;
  sp.kind = option_kind(o);
  sp.model = model.id;
  sp.gpu = o.gpu->id;
  sp.gpus_per_replica = o.per_replica;
  sp.replicas = o.replicas;
  sp.owned_gpus = o.owned_gpus;
  sp.rented_gpus = o.rented_gpus;
  sp.latency_ms = std::round(o.latency_ms);
  sp.meets_latency = meets;
  const double tokens = x.requests * (x.input + x.output + shape.extra.expected) / 1e6;
  sp.usd_per_m_tokens = tokens > 0 ? o.monthly.expected / tokens : 0;
  if (!meets) {
    out.problem = fmt::format("no GPU plan answers within {} ms (fastest {} ms on {})", limit, sp.latency_ms, o.gpu->id);
  }
  return out;
}

const std::string& describe_serving(const Serving& s) {
  if (!s.described_on_demand) return s.description;
  Option o;
  o.gpu = s.where.gpu;
  o.per_replica = s.where.per_replica;
  o.replicas = s.where.replicas;
  o.owned_gpus = s.where.owned_gpus;
  o.rented_gpus = s.plan.rented_gpus;
  o.serverless = s.where.serverless;
  s.description = describe(o);
  const Gpu* own = s.owned_elsewhere;
  if (own != nullptr) {
    s.description += s.owned_hold ? fmt::format(" (cheaper than the owned {} x{} with the rest rented)", own->id, s.owned_count)
                                  : fmt::format(" (the owned {} x{} cannot hold the model)", own->id, s.owned_count);
  }
  s.described_on_demand = false;
  return s.description;
}

Range self_hosted_monthly_at(const ModelShape& model, const ServingGpus& where, const RequestShape& shape, double requests,
                             const Profile& p, const Catalog& c) {
  if (where.gpu == nullptr) return {};
  const int have = where.owned ? static_cast<int>(p.facts.number(slots().hardware_count, 1)) : 0;
  const Traffic t = traffic_of(requests, p, c, shape.extra.expected);
  const Replica r = replica(model, *where.gpu, where.per_replica, t.input + t.output, c);
  return price_option(r, *where.gpu, where.per_replica, where.serverless, have, shape, t, c).monthly;
}

double cache_hit_share(double requests, const Catalog& c) {
  const double mean_rps = requests / (c.model.hours_per_month.expected * k_seconds_per_hour);
  return 1.0 - std::exp(-mean_rps * c.model.prompt_cache_ttl_s.expected);
}

OfflineJob offline_inference(const ModelShape& model, double input_tokens, double output_tokens, double sequences,
                             const Profile& p, const Catalog& c) {
  OfflineJob best;
  const double per_sequence = (input_tokens + output_tokens) / std::max(1.0, sequences);
  // A batch job keeps the replica full: prefill at compute speed, decoding `batch` at a time.
  const auto hours_on = [&](const Gpu& g, int k) {
    const Replica r = replica(model, g, k, per_sequence, c);
    if (!r.fits) return -1.0;
    return (input_tokens / r.prefill_tokens_per_s + output_tokens * r.step_s / r.batch) / k_seconds_per_hour;
  };
  if (p.facts.flag(slots().hardware_owned)) {
    const Gpu* own = c.find_gpu(p.facts.text(slots().hardware_gpu));
    const int have = static_cast<int>(p.facts.number(slots().hardware_count, 1));
    const int k = own != nullptr ? gpus_to_hold(model, *own, have, c) : 0;
    if (k > 0 && k <= have) {
      const double hours = hours_on(*own, k);
      if (hours >= 0) return {own, k, true, energy_price(*own, c) * (hours * k), hours * k};
    }
  }
  for (const auto& g : c.gpus) {
    if (g.prices.empty()) continue;
    const int k = gpus_to_hold(model, g, 8, c);
    if (k == 0) continue;
    const double busy = hours_on(g, k);
    if (busy < 0) continue;
    const double hours = std::max(busy, c.model.training_min_billing_hours.expected);
    const Range cost = g.price_range() * (hours * k);
    if (best.gpu == nullptr || cost.expected < best.cost.expected) best = {&g, k, false, cost, hours * k};
  }
  return best;
}

namespace {

/// What a hosted API bills a month, and how: batch prices, the share of cached prompts.
struct ApiBill {
  Range monthly;
  bool batch = false;
  bool cached = false;
  double hit = 0;
};

ApiBill api_bill(const ApiPrice& api, const RequestShape& shape, double requests, const Profile& p, const Catalog& c) {
  ApiBill b;
  const double input = p.facts.number(slots().usage_input_tokens);
  const double output = p.facts.number(slots().usage_output_tokens);
  b.batch = !interactive(p) && api.batch_discount > 0;
  const double discount = b.batch ? api.batch_discount : 1.0;
  b.cached = shape.cacheable && api.usd_per_m_cached_input > 0;
  // A hit reads the prefix at the cached price; a miss writes it again, at a premium on some APIs.
  b.hit = b.cached ? cache_hit_share(requests, c) : 0.0;
  const double hit = b.hit;
  const double extra_price =
      b.cached ? hit * api.usd_per_m_cached_input + (1 - hit) * api.usd_per_m_input * c.model.prompt_cache_write_premium.expected
               : api.usd_per_m_input;
  const auto monthly = [&](double extra) {
    return requests * discount * (input * api.usd_per_m_input + extra * extra_price + output * api.usd_per_m_output) / 1e6;
  };
  b.monthly = {monthly(shape.extra.low), monthly(shape.extra.expected), monthly(shape.extra.high)};
  return b;
}

}  // namespace

Range api_monthly(const ApiPrice& api, const RequestShape& shape, double requests, const Profile& p, const Catalog& c) {
  return api_bill(api, shape, requests, p, c).monthly;
}

Serving api_serving(const ApiPrice& api, const RequestShape& shape, double requests, const Profile& p, const Catalog& c,
                    bool texts) {
  Serving s;
  const double input = p.facts.number(slots().usage_input_tokens);
  const double output = p.facts.number(slots().usage_output_tokens);
  const ApiBill bill = api_bill(api, shape, requests, p, c);
  const bool batch = bill.batch;
  const bool cached = bill.cached;
  const double hit = bill.hit;
  s.monthly = bill.monthly;
  const double ttft = api.ttft_ms > 0 ? api.ttft_ms : c.model.api_ttft_ms.expected;
  const double speed = api.output_tokens_per_s > 0 ? api.output_tokens_per_s : c.model.api_output_tokens_per_s.expected;
  ServingPlan& sp = s.plan;
  if (texts) {
    sp.kind = "api";
    sp.model = api.id;
  }
  sp.latency_ms = std::round(ttft + output / speed * 1000.0 + shape.fixed_latency_ms);
  const double limit = latency_limit_ms(p);
  sp.meets_latency = limit <= 0 || sp.latency_ms <= limit;
  sp.batch_prices = batch;
  sp.cached_prompt = cached && shape.extra.expected > 0;
  const double tokens = requests * (input + output + shape.extra.expected) / 1e6;
  sp.usd_per_m_tokens = tokens > 0 ? s.monthly.expected / tokens : 0;
  if (!texts) return s;
  const std::string cache =
      sp.cached_prompt ? fmt::format(FMT_COMPILE(", cached prompt ({:.0f}% of requests hit the cache)"), hit * 100) : "";
  s.description =
      fmt::format(FMT_COMPILE("hosted API {}{}{} (prices of {})"), api.id, batch ? ", batch prices" : "", cache, api.date);
  if (!sp.meets_latency) {
    s.problem = fmt::format(FMT_COMPILE("{} answers in about {} ms, over the {} ms limit"), api.id, sp.latency_ms, limit);
  }
  return s;
}

}  // namespace llmplan::detail

namespace llmplan {

int gpus_in_use(int replicas, int per_replica) {
  return static_cast<int>(std::min(static_cast<double>(replicas) * per_replica, 1e9));
}

}  // namespace llmplan
