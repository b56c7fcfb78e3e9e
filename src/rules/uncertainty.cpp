#include "llmplan/rules/uncertainty.hpp"

#include <algorithm>
#include <cmath>

#include "llmplan/input/fields.hpp"
#include "llmplan/input/profile_set.hpp"
#include "llmplan/rules/engine.hpp"
#include "llmplan/rules/parallel.hpp"
#include "llmplan/rules/prng.hpp"
#include "llmplan/rules/rank.hpp"

namespace llmplan {

namespace {

constexpr const char* k_cost_one_time = "cost.one_time_usd";
constexpr const char* k_cost_monthly = "cost.monthly_usd";

/// Inverse CDF of a triangular distribution with mode `c` on [a, b].
double triangular(double a, double c, double b, double u) {
  if (!(b > a)) return c;
  c = std::clamp(c, a, b);
  const double split = (c - a) / (b - a);
  if (u < split) return a + std::sqrt(u * (b - a) * (c - a));
  return b - std::sqrt((1 - u) * (b - a) * (b - c));
}

/// A draw from a cost range: triangular on the logarithm when every figure is above zero.
double draw_cost(const Range& r, double u) {
  if (r.low > 0 && r.expected > 0 && r.high > 0)
    return std::exp(triangular(std::log(r.low), std::log(r.expected), std::log(r.high), u));
  return triangular(r.low, r.expected, r.high, u);
}

}  // namespace

std::vector<UncertainInput> uncertain_inputs(const Profile& profile) {
  std::vector<UncertainInput> out;
  for (const auto& field : profile_fields()) {  // in the order of the profile reference
    const auto it = profile.ranges.find(std::string(field.path));
    if (it == profile.ranges.end()) continue;
    const auto [lo, hi] = it->second;
    out.push_back({it->first, lo, hi, lo > 0 && hi > 10 * lo});
  }
  out.push_back({k_cost_one_time, 0, 1, false});
  out.push_back({k_cost_monthly, 0, 1, false});
  return out;
}

std::string confidence_in_words(double p) {
  if (p >= 0.95) return "very high";
  if (p >= 0.8) return "high";
  if (p >= 0.6) return "moderate";
  if (p >= 0.4) return "low";
  return "very low";
}

Uncertainty sample_uncertainty(const Profile& profile, const RuleSet& rules, const std::string& recommendation,
                               std::size_t samples, std::uint64_t seed) {
  Uncertainty out;
  out.samples = samples;
  out.seed = seed;
  out.recommendation = recommendation;
  out.inputs = uncertain_inputs(profile);
  for (const auto& s : rules.strategies) out.strategies.push_back(s.id);
  const std::size_t n_inputs = out.inputs.size();
  const std::size_t n_fields = n_inputs - 2;  // the last two are the cost model's
  std::vector<double> draws(samples * n_inputs);
  std::vector<int> picks(samples, -1);
  std::vector<char> whole(n_fields, 0);
  for (std::size_t k = 0; k < n_fields; ++k) {
    const ProfileField* f = find_profile_field(out.inputs[k].name);
    whole[k] = f != nullptr && f->whole ? 1 : 0;
  }

  // Every rule judged once for the profile: a sample judges again only the rules that read a
  // field it drew or a cost.
  PricedProfile base = price_profile(profile, rules);
  for (auto& c : base.costs) c.notes.clear();  // words for people, copied per sample otherwise
  const std::size_t chunks = std::min<std::size_t>(samples, 64);
  parallel_for(chunks, [&](std::size_t c) {
    Profile work = profile;
    Diagnostics ignored;
    std::vector<std::pair<std::string_view, double>> values;
    for (std::size_t i = c * samples / chunks; i < (c + 1) * samples / chunks; ++i) {
      SplitMix64 rng(stream_seed(seed, i));
      double* u = &draws[i * n_inputs];
      for (std::size_t k = 0; k < n_inputs; ++k) u[k] = rng.uniform();
      values.clear();
      for (std::size_t k = 0; k < n_fields; ++k) {
        const UncertainInput& in = out.inputs[k];
        double v = in.log ? in.low * std::pow(in.high / in.low, u[k]) : in.low + (in.high - in.low) * u[k];
        if (whole[k]) v = std::round(v);
        values.emplace_back(in.name, std::clamp(v, in.low, in.high));
      }
      if (!values.empty()) set_profile_numbers(work, values, rules.catalog, ignored, false);
      const double horizon = work.facts.number("budget.horizon_months", 12);  // it may be sampled too
      const double q_one = u[n_fields];
      const double q_month = u[n_fields + 1];
      const CostAdjust adjust = [&](std::size_t, StrategyCost& cost) {
        cost.one_time_usd.expected = draw_cost(cost.one_time_usd, q_one);
        cost.monthly_usd.expected = draw_cost(cost.monthly_usd, q_month);
        cost.horizon_usd.expected = cost.one_time_usd.expected + horizon * cost.monthly_usd.expected;
      };
      // Without uncertain fields the plan and its priced ranges are the same in every sample;
      // with them each sample prices again, only the strategies that could rank first.
      picks[i] = n_fields == 0 ? rank_base_with_costs(base, rules, adjust).top : top_bounded(work, base, rules, adjust);
    }
  });

  const std::size_t n = rules.strategies.size();
  std::vector<std::size_t> counts(n + 1, 0);  // the last: nothing feasible
  for (const int p : picks) ++counts[p < 0 ? n : static_cast<std::size_t>(p)];
  const double total = samples == 0 ? 1.0 : static_cast<double>(samples);
  for (std::size_t s = 0; s < n; ++s) out.p_best.push_back(static_cast<double>(counts[s]) / total);
  out.p_none = static_cast<double>(counts[n]) / total;
  const auto it = std::find(out.strategies.begin(), out.strategies.end(), recommendation);
  out.confidence = it == out.strategies.end() ? out.p_none : out.p_best[static_cast<std::size_t>(it - out.strategies.begin())];
  out.confidence_words = confidence_in_words(out.confidence);

  for (std::size_t k = 0; k < n_inputs; ++k) {
    std::vector<double> lower(n + 1, 0);
    std::vector<double> upper(n + 1, 0);
    double n_lower = 0;
    double n_upper = 0;
    for (std::size_t i = 0; i < samples; ++i) {
      const std::size_t p = picks[i] < 0 ? n : static_cast<std::size_t>(picks[i]);
      if (draws[i * n_inputs + k] < 0.5) {
        lower[p] += 1;
        n_lower += 1;
      } else {
        upper[p] += 1;
        n_upper += 1;
      }
    }
    double shift = 0;
    if (n_lower > 0 && n_upper > 0) {
      for (std::size_t p = 0; p <= n; ++p) shift += std::fabs(lower[p] / n_lower - upper[p] / n_upper);
      shift /= 2;
    }
    out.influence.push_back({out.inputs[k].name, std::round(shift * 1000) / 1000});
  }
  std::stable_sort(out.influence.begin(), out.influence.end(),
                   [](const InputInfluence& a, const InputInfluence& b) { return a.shift > b.shift; });
  return out;
}

}  // namespace llmplan
