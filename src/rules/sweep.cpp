#include "llmplan/rules/sweep.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "llmplan/cost/plan.hpp"
#include "llmplan/input/fields.hpp"
#include "llmplan/input/suggest.hpp"
#include "llmplan/input/units.hpp"
#include "llmplan/rules/engine.hpp"
#include "llmplan/rules/parallel.hpp"
#include "llmplan/rules/rank.hpp"

namespace llmplan {

std::optional<SweepAxis> parse_sweep_axis(std::string_view text, Diagnostics& diags) {
  const SourceLoc where{"sweep", 1, 1};
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) {
    diags.error("bad-axis", fmt::format("`{}`: a sweep axis is written FIELD=LO..HI", text), where);
    return std::nullopt;
  }
  const std::string field(text.substr(0, eq));
  const ProfileField* spec = find_profile_field(field);
  if (spec == nullptr || (spec->kind != FieldKind::quantity && spec->kind != FieldKind::overlap)) {
    std::vector<std::string> numeric;
    for (const auto& f : profile_fields()) {
      if (f.kind == FieldKind::quantity || f.kind == FieldKind::overlap) numeric.emplace_back(f.path);
    }
    diags.error("unknown-key", fmt::format("`{}` is not a numeric profile field{}", field, did_you_mean(field, numeric)), where,
                field);
    return std::nullopt;
  }
  const QuantityRangeResult q = parse_quantity_range(text.substr(eq + 1), spec->dimension);
  if (!q.ok || !q.is_range || q.low == q.high) {
    diags.error("bad-axis",
                fmt::format("`{}`: {}", text, q.ok ? std::string("the range needs two different ends, LO..HI") : q.error), where,
                field);
    return std::nullopt;
  }
  if (q.low < spec->min || (spec->max > 0 && q.high > spec->max)) {
    diags.error(
        "out-of-range",
        fmt::format("`{}`: `{}` takes values between {:g} and {:g}", text, field, spec->min, spec->max > 0 ? spec->max : 1e300),
        where, field);
    return std::nullopt;
  }
  SweepAxis axis;
  axis.field = field;
  axis.low = q.low;
  axis.high = q.high;
  axis.whole = spec->whole;
  return axis;
}

std::vector<double> sweep_values(const SweepAxis& axis, std::size_t steps) {
  std::vector<double> out;
  if (steps < 2) steps = 2;
  const bool log = axis.log && axis.low > 0;
  for (std::size_t i = 0; i < steps; ++i) {
    const double t = static_cast<double>(i) / static_cast<double>(steps - 1);
    double v = log ? axis.low * std::pow(axis.high / axis.low, t) : axis.low + (axis.high - axis.low) * t;
    if (i == steps - 1) v = axis.high;
    if (axis.whole) v = std::round(v);
    out.push_back(v);
  }
  return out;
}

namespace {

/// The advice at a value (and a second value) on a working copy of the profile.
bool evaluate(Profile& work, const PricedProfile& base, const RuleSet& rules, const SweepAxis& axis, double value,
              const SweepAxis* axis2, double value2, SweepPoint& point) {
  Diagnostics ignored;
  if (axis2 != nullptr && !set_profile_number(work, axis2->field, value2, rules.catalog, ignored)) return false;
  if (!set_profile_number(work, axis.field, value, rules.catalog, ignored)) return false;
  const Ranking r = rank_whatif(work, base, rules);
  point.value = value;
  point.value2 = value2;
  point.recommendation = top_id(r, rules);
  point.scores = r.scores;
  point.feasible = r.feasible;
  point.one_time_usd = r.one_time_usd;
  point.monthly_usd = r.monthly_usd;
  return true;
}

/// The first value after `lo` (recommendation `from`) at which it is no longer `from`.
SweepFlip bisect(const PricedProfile& base, const RuleSet& rules, const SweepAxis& axis, const SweepAxis* axis2, double value2,
                 double lo, double hi, const std::string& from, std::string to, std::size_t& evaluations) {
  Profile work = base.profile;
  const TrainingPlanMemo memo;  // the probes of one bisection mostly change what is served
  const bool log = axis.log && lo > 0;
  Diagnostics ignored;
  if (axis2 != nullptr) set_profile_number(work, axis2->field, value2, rules.catalog, ignored);
  for (int i = 0; i < 48; ++i) {
    if (axis.whole && hi - lo <= 1) break;
    double mid = log ? std::sqrt(lo * hi) : (lo + hi) / 2;
    if (axis.whole) mid = std::floor(mid);
    if (mid <= lo || mid >= hi) break;
    if (!set_profile_number(work, axis.field, mid, rules.catalog, ignored)) break;
    ++evaluations;
    const std::string top = top_whatif(work, base, rules);
    if (top == from) {
      lo = mid;
    } else {
      hi = mid;
      to = top;
    }
  }
  return {hi, value2, from, to};
}

}  // namespace

SweepResult sweep(const Profile& profile, const RuleSet& rules, const SweepAxis& axis, const std::optional<SweepAxis>& axis2,
                  std::size_t steps) {
  SweepResult out;
  out.axis = axis;
  out.axis2 = axis2;
  out.steps = steps;
  for (const auto& s : rules.strategies) out.strategies.push_back(s.id);
  const std::vector<double> xs = sweep_values(axis, steps);
  const std::vector<double> ys = axis2 ? sweep_values(*axis2, steps) : std::vector<double>{0.0};
  const SweepAxis* second = axis2 ? &*axis2 : nullptr;

  // Priced once: a field the pricing does not read (a budget, the overlap) only moves scores.
  const PricedProfile base = price_profile(profile, rules);
  std::vector<SweepPoint> grid(xs.size() * ys.size());
  std::vector<char> ok(grid.size(), 0);
  // Contiguous chunks, each with its own working copy of the profile.
  const std::size_t chunks = std::min<std::size_t>(grid.size(), 16);
  parallel_for(chunks, [&](std::size_t c) {
    Profile work = profile;
    const TrainingPlanMemo memo;  // neighbouring points mostly train the same plans
    for (std::size_t k = c * grid.size() / chunks; k < (c + 1) * grid.size() / chunks; ++k) {
      ok[k] = evaluate(work, base, rules, axis, xs[k % xs.size()], second, ys[k / xs.size()], grid[k]) ? 1 : 0;
    }
  });
  for (std::size_t k = 0; k < grid.size(); ++k) {
    if (ok[k] != 0) out.points.push_back(std::move(grid[k]));
  }
  out.evaluations = out.points.size();

  // Flips between neighbouring points of a row, each located by bisection.
  struct Pair {
    std::size_t a;
    std::size_t b;
  };
  std::vector<Pair> pairs;
  for (std::size_t k = 1; k < out.points.size(); ++k) {
    const SweepPoint& a = out.points[k - 1];
    const SweepPoint& b = out.points[k];
    if (a.value2 == b.value2 && a.recommendation != b.recommendation) pairs.push_back({k - 1, k});
  }
  std::vector<SweepFlip> flips(pairs.size());
  std::vector<std::size_t> counts(pairs.size(), 0);
  parallel_for(pairs.size(), [&](std::size_t i) {
    const SweepPoint& a = out.points[pairs[i].a];
    const SweepPoint& b = out.points[pairs[i].b];
    flips[i] = bisect(base, rules, axis, second, a.value2, a.value, b.value, a.recommendation, b.recommendation, counts[i]);
  });
  for (std::size_t i = 0; i < flips.size(); ++i) {
    out.evaluations += counts[i];
    out.flips.push_back(std::move(flips[i]));
  }
  return out;
}

}  // namespace llmplan
