#include "llmplan/rules/engine.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "llmplan/cost/plan.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/rules/rank.hpp"

namespace llmplan {

namespace {

bool applies_to(const Rule& rule, const std::string& strategy) {
  return std::find(rule.strategies.begin(), rule.strategies.end(), strategy) != rule.strategies.end();
}

StrategyResult score_strategy(const Strategy& strategy, const Profile& profile, const RuleSet& rules, Facts& facts) {
  StrategyResult result;
  result.strategy = &strategy;
  result.cost = estimate_strategy(strategy.costing, profile, rules.catalog);
  set_strategy_facts(strategy, facts);
  set_cost_facts(result.cost, facts);

  double score = strategy.base_score;
  for (const Rule& rule : rules.rules) {
    if (!applies_to(rule, strategy.id) || !rule.when.holds(facts)) continue;
    Reason reason{rule.id, rule.blocks, rule.delta, render_message(rule.message, facts), rule.source};
    if (rule.blocks) {
      result.blockers.push_back(std::move(reason));
    } else {
      score += rule.delta;
      result.reasons.push_back(std::move(reason));
    }
  }
  std::stable_sort(result.reasons.begin(), result.reasons.end(), [](const Reason& a, const Reason& b) {
    if (std::fabs(a.effect) != std::fabs(b.effect)) return std::fabs(a.effect) > std::fabs(b.effect);
    return a.rule < b.rule;
  });
  result.score = std::round(std::clamp(score, 0.0, 100.0) * 10) / 10;
  return result;
}

/// Total over the horizon at a volume, expected figures.
double horizon_total(const StrategyCost& cost, double requests, const Profile& p, const Catalog& c) {
  static const std::size_t k_horizon = fact_slot("budget.horizon_months");  // read at every step of a break-even search
  return cost.one_time_usd.expected + p.facts.number(k_horizon) * monthly_usd_at(cost, requests, p, c).expected;
}

BreakEven break_even(const StrategyCost& tuned, const StrategyCost& prompting, const Profile& p, const Catalog& c) {
  BreakEven out;
  const auto gap = [&](double requests) {
    return horizon_total(tuned, requests, p, c) - horizon_total(prompting, requests, p, c);
  };
  // One plan pays more per request, the other more up front: the gap changes sign at most once
  // along the volume. Find where, searching in log10; `below` when the candidate is the cheaper
  // one at low volume.
  double lo = 0;   // log10 of 1 request
  double hi = 13;  // log10 of 10 trillion requests
  const bool cheaper_low = gap(1) <= 0;
  const bool cheaper_high = gap(std::pow(10.0, hi)) <= 0;
  if (cheaper_low && cheaper_high) {
    out.requests_per_month = 1;
  } else if (cheaper_low || cheaper_high) {
    out.below = cheaper_low;
    // The volume reported: two significant figures of the bracket's end, a rounding that never
    // decreases along the volume. Once both ends report the same figure, every point between
    // them does, so the search stops there (the answer of the full 24 steps, in about half).
    const auto reported = [](double log_requests) { return round_significant(std::ceil(std::pow(10.0, log_requests)), 2); };
    for (int i = 0; i < 24 && reported(lo) != reported(hi); ++i) {  // 13 decades / 2^24: finer than reported
      const double mid = (lo + hi) / 2;
      ((gap(std::pow(10.0, mid)) <= 0) == cheaper_high ? hi : lo) = mid;
    }
    out.requests_per_month = reported(cheaper_high ? hi : lo);
  }
  const double monthly_gap = prompting.monthly_usd.expected - tuned.monthly_usd.expected;
  const double one_time_gap = tuned.one_time_usd.expected - prompting.one_time_usd.expected;
  if (one_time_gap <= 0 && monthly_gap >= 0)
    out.months = 0;
  else if (monthly_gap > 0)
    out.months = round_significant(one_time_gap / monthly_gap, 2);
  return out;
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::recommended: return "recommended";
    case Verdict::viable: return "viable";
    case Verdict::discouraged: return "discouraged";
    case Verdict::infeasible: return "infeasible";
  }
  return "";  // unreachable: every verdict is handled above
}

std::optional<Verdict> verdict_from_name(std::string_view name) {
  for (const Verdict v : {Verdict::recommended, Verdict::viable, Verdict::discouraged, Verdict::infeasible}) {
    if (verdict_name(v) == name) return v;
  }
  return std::nullopt;
}

void set_strategy_facts(const Strategy& strategy, Facts& facts) {
  static const std::size_t k_id = fact_slot("strategy.id");
  static const std::size_t k_rung = fact_slot("strategy.rung");
  static const std::size_t k_costing = fact_slot("strategy.costing");
  facts.set_at(k_id, Value::of_string(strategy.id));
  facts.set_at(k_rung, Value::of_number(strategy.rung));
  facts.set_at(k_costing, Value::of_string(std::string(costing_name(strategy.costing))));
}

std::vector<StrategyResult> score_strategies(const Profile& profile, const RuleSet& rules, const std::vector<std::string>& ids) {
  std::vector<StrategyResult> out;
  Facts facts = profile.facts;
  const PricingScope pricing;
  for (const std::string& id : ids) {
    for (const Strategy& strategy : rules.strategies) {
      if (strategy.id == id) out.push_back(score_strategy(strategy, profile, rules, facts));
    }
  }
  return out;
}

Advice advise(const Profile& profile, const RuleSet& rules) {
  Advice advice;
  Facts facts = profile.facts;
  advice.ranking.reserve(rules.strategies.size());
  {
    const PricingScope pricing;  // strategies that train serve the same candidate models
    for (const Strategy& strategy : rules.strategies) advice.ranking.push_back(score_strategy(strategy, profile, rules, facts));
  }

  std::vector<std::size_t> order(advice.ranking.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t ia, std::size_t ib) {
    const StrategyResult& a = advice.ranking[ia];
    const StrategyResult& b = advice.ranking[ib];
    const bool a_ok = a.blockers.empty();
    const bool b_ok = b.blockers.empty();
    if (a_ok != b_ok) return a_ok;
    if (a.score != b.score) return a.score > b.score;
    return a.strategy->rung < b.strategy->rung;  // climb only when the rung below will not do
  });
  std::vector<StrategyResult> ranked;
  ranked.reserve(order.size());
  for (std::size_t i : order) ranked.push_back(std::move(advice.ranking[i]));
  advice.ranking = std::move(ranked);

  // Rank 1 is recommended only when it is feasible and reaches viable_min: a weak pick is no pick.
  for (std::size_t i = 0; i < advice.ranking.size(); ++i) {
    StrategyResult& r = advice.ranking[i];
    r.rank = static_cast<int>(i) + 1;
    if (!r.blockers.empty())
      r.verdict = Verdict::infeasible;
    else if (i == 0 && r.score >= rules.viable_min)
      r.verdict = Verdict::recommended;
    else
      r.verdict = r.score >= rules.viable_min ? Verdict::viable : Verdict::discouraged;
  }
  if (!advice.ranking.empty() && advice.ranking.front().verdict == Verdict::recommended) {
    advice.recommendation = advice.ranking.front().strategy->id;
  } else if (!advice.ranking.empty()) {
    const StrategyResult& top = advice.ranking.front();
    advice.no_recommendation =
        !top.blockers.empty() ? "every strategy is infeasible: see the blockers"
                              : fmt::format("the best strategy, {}, scores {}, under the rule set's viable_min of {}",
                                            top.strategy->id, format_number(top.score, 1), format_number(rules.viable_min, 0));
  }

  // Break-even against the recommendation, for every other feasible strategy.
  if (advice.recommendation) {
    const StrategyResult& rec = advice.ranking.front();
    advice.break_even_baseline = rec.strategy->id;
    for (std::size_t i = 1; i < advice.ranking.size(); ++i) {
      StrategyResult& r = advice.ranking[i];
      if (r.blockers.empty()) r.break_even = break_even(r.cost, rec.cost, profile, rules.catalog);
    }
  }

  // Combinations are judged with the recommended strategy's facts, and shown only when every
  // rung they name is feasible.
  if (advice.recommendation) {
    // The facts the recommended strategy was scored with: scoring sets every strategy and cost
    // fact over the profile's, so they are made again rather than kept for every strategy.
    const StrategyResult& top = advice.ranking.front();
    Facts top_facts = profile.facts;
    set_strategy_facts(*top.strategy, top_facts);
    set_cost_facts(top.cost, top_facts);
    for (const Combination& combo : rules.combinations) {
      if (!combo.when.holds(top_facts)) continue;
      const bool all_feasible = std::all_of(combo.strategies.begin(), combo.strategies.end(), [&](const std::string& id) {
        return std::any_of(advice.ranking.begin(), advice.ranking.end(),
                           [&](const StrategyResult& r) { return r.strategy->id == id && r.blockers.empty(); });
      });
      if (!all_feasible) continue;
      advice.combinations.push_back({combo.id, combo.strategies, render_message(combo.message, top_facts), combo.source});
    }
  }
  return advice;
}

std::vector<StrategyCost> price_strategies(const Profile& profile, const RuleSet& rules) {
  std::vector<StrategyCost> out;
  out.reserve(rules.strategies.size());
  const PricingScope pricing;
  for (const Strategy& strategy : rules.strategies)
    out.push_back(estimate_strategy(strategy.costing, profile, rules.catalog, PlanDetail::ranking));
  return out;
}

namespace {

/// What a what-if may take from its base profile's judgement (PricedProfile::holds): a rule
/// that reads no fact the what-if changed holds as it did for the base, if it reads no cost
/// either or the costs are the base's.
struct Unchanged {
  const PricedProfile& base;
  std::vector<char> changed;  ///< per fact slot: the what-if holds another value there

  /// The base itself: nothing changed (its costs may still be changed by the caller).
  explicit Unchanged(const PricedProfile& b) : base(b), changed(fact_catalog().size(), 0) {}
  Unchanged(const PricedProfile& b, const Facts& work) : Unchanged(b) {
    for (std::size_t slot = 0; slot < changed.size(); ++slot) changed[slot] = work.get(slot) == b.profile.facts.get(slot) ? 0 : 1;
  }
  /// Whether the base's judgement of rule `r` stands (`same_costs`: the strategy's costs are the base's).
  [[nodiscard]] bool stands(std::size_t r, bool same_costs) const {
    if (!same_costs && base.index.reads_priced[r] != 0) return false;
    for (const std::size_t slot : base.index.reads[r]) {
      if (slot >= changed.size() || changed[slot] != 0) return false;
    }
    return true;
  }
};

/// Scores one strategy with its priced cost, as score_strategy() does, without messages.
/// `applicable`: the indices of the rules that apply to the strategy (RuleIndex::rules_of), or
/// nullptr to test every rule. With `unchanged` (and `applicable`, the base's list), a rule whose
/// judgement stands is not judged again; `same_costs` when `cost` is the base's.
void score_only(std::size_t i, const Strategy& strategy, const StrategyCost& cost, const RuleSet& rules, Facts& facts,
                Ranking& out, const std::vector<std::size_t>* applicable = nullptr, const Unchanged* unchanged = nullptr,
                bool same_costs = false) {
  set_strategy_facts(strategy, facts);
  set_cost_facts(cost, facts);
  double score = strategy.base_score;
  bool blocked = false;
  const auto fired = [&](const Rule& rule) {
    if (rule.blocks)
      blocked = true;
    else
      score += rule.delta;
  };
  if (applicable != nullptr && unchanged != nullptr) {
    const std::vector<char>& held = unchanged->base.holds[i];
    for (std::size_t k = 0; k < applicable->size(); ++k) {
      const Rule& rule = rules.rules[(*applicable)[k]];
      if (unchanged->stands((*applicable)[k], same_costs) ? held[k] != 0 : rule.when.holds(facts)) fired(rule);
    }
  } else if (applicable != nullptr) {
    for (const std::size_t r : *applicable) {
      if (rules.rules[r].when.holds(facts)) fired(rules.rules[r]);
    }
  } else {
    for (const Rule& rule : rules.rules) {
      if (applies_to(rule, strategy.id) && rule.when.holds(facts)) fired(rule);
    }
  }
  out.scores[i] = std::round(std::clamp(score, 0.0, 100.0) * 10) / 10;
  out.feasible[i] = blocked ? 0 : 1;
  out.one_time_usd[i] = cost.one_time_usd.expected;
  out.monthly_usd[i] = cost.monthly_usd.expected;
}

/// The order of advise(): feasible by score, the lower rung on ties, then the ladder's order.
void find_top(const RuleSet& rules, Ranking& out) {
  for (std::size_t i = 0; i < out.scores.size(); ++i) {
    if (out.feasible[i] == 0) continue;
    if (out.top < 0) {
      out.top = static_cast<int>(i);
      continue;
    }
    const auto t = static_cast<std::size_t>(out.top);
    if (out.scores[i] > out.scores[t] || (out.scores[i] == out.scores[t] && rules.strategies[i].rung < rules.strategies[t].rung))
      out.top = static_cast<int>(i);
  }
}

Ranking empty_ranking(std::size_t n) {
  Ranking out;
  out.scores.resize(n);
  out.feasible.resize(n);
  out.one_time_usd.resize(n);
  out.monthly_usd.resize(n);
  return out;
}

/// Prices every strategy and scores it; with `index` (and `unchanged`, its base's judgements)
/// the rules of each strategy are listed once and those whose judgement stands are not judged.
Ranking price_and_score(const Profile& profile, const RuleSet& rules, const CostAdjust& adjust, const RuleIndex* index,
                        const Unchanged* unchanged) {
  const std::size_t n = rules.strategies.size();
  Ranking out = empty_ranking(n);
  Facts facts = profile.facts;
  const PricingScope pricing;
  for (std::size_t i = 0; i < n; ++i) {
    StrategyCost cost = estimate_strategy(rules.strategies[i].costing, profile, rules.catalog, PlanDetail::ranking);
    if (adjust) adjust(i, cost);
    score_only(i, rules.strategies[i], cost, rules, facts, out, index != nullptr ? &index->rules_of[i] : nullptr, unchanged,
               false);
  }
  find_top(rules, out);
  return out;
}

}  // namespace

Ranking rank_strategies(const Profile& profile, const RuleSet& rules, const CostAdjust& adjust) {
  return price_and_score(profile, rules, adjust, nullptr, nullptr);
}

namespace {

/// Scores priced costs (changed by `adjust` first, on a copy); `index`, when given, lists the
/// rules that apply to each strategy; `unchanged`, when given, the base whose costs these are.
Ranking score_costs(const Profile& profile, const RuleSet& rules, const std::vector<StrategyCost>& costs,
                    const CostAdjust& adjust, const RuleIndex* index, const Unchanged* unchanged = nullptr) {
  const std::size_t n = rules.strategies.size();
  Ranking out = empty_ranking(n);
  Facts facts = profile.facts;
  for (std::size_t i = 0; i < n; ++i) {
    const std::vector<std::size_t>* applicable = index != nullptr ? &index->rules_of[i] : nullptr;
    if (adjust) {
      StrategyCost cost = costs[i];
      adjust(i, cost);
      score_only(i, rules.strategies[i], cost, rules, facts, out, applicable, unchanged, false);
    } else {
      score_only(i, rules.strategies[i], costs[i], rules, facts, out, applicable, unchanged, true);
    }
  }
  find_top(rules, out);
  return out;
}

/// The base's judgements to reuse for `work`, when the base has them.
std::optional<Unchanged> unchanged_from(const PricedProfile& base, const Profile& work) {
  if (base.holds.empty()) return std::nullopt;
  return std::optional<Unchanged>(std::in_place, base, work.facts);
}

}  // namespace

Ranking rank_with_costs(const Profile& profile, const RuleSet& rules, const std::vector<StrategyCost>& costs,
                        const CostAdjust& adjust) {
  return score_costs(profile, rules, costs, adjust, nullptr);
}

Ranking rank_whatif(const Profile& work, const PricedProfile& base, const RuleSet& rules) {
  const std::optional<Unchanged> unchanged = unchanged_from(base, work);
  const Unchanged* reuse = unchanged ? &*unchanged : nullptr;
  if (same_pricing_inputs(work.facts, base.profile.facts)) return score_costs(work, rules, base.costs, {}, &base.index, reuse);
  return price_and_score(work, rules, {}, &base.index, reuse);
}

Ranking rank_base_with_costs(const PricedProfile& base, const RuleSet& rules, const CostAdjust& adjust) {
  if (base.holds.empty()) return score_costs(base.profile, rules, base.costs, adjust, &base.index);
  const Unchanged unchanged(base);
  return score_costs(base.profile, rules, base.costs, adjust, &base.index, &unchanged);
}

namespace {

/// The facts that pricing a strategy sets (every per-strategy fact but the strategy's id, rung
/// and costing, which set_strategy_facts() writes first), marked by fact_catalog() index.
const std::vector<char>& priced_facts() {
  static const std::vector<char> marked = [] {
    const auto& catalog = fact_catalog();
    std::vector<char> out(catalog.size(), 0);
    for (std::size_t i = 0; i < catalog.size(); ++i) {
      const std::string& path = catalog[i].path;
      out[i] = catalog[i].per_strategy && path != "strategy.id" && path != "strategy.rung" && path != "strategy.costing";
    }
    return out;
  }();
  return marked;
}

/// What a strategy's ranking can be before it is priced: the rules that read no priced fact are
/// judged exactly; the others count as firing when they add to the score and as silent when
/// they block or subtract. So `blocked` is certain and `score` is at least its score.
struct ScoreBound {
  bool blocked = false;
  double score = 0;  ///< clamped and rounded as scores are
};

/// ScoreBound for one strategy; `reads_priced` marks the rules that read a priced fact. With
/// `unchanged`, a rule whose base judgement stands is not judged again.
ScoreBound bound_before_pricing(const Strategy& strategy, const RuleSet& rules, const RuleIndex& index, std::size_t i,
                                Facts& facts, const Unchanged* unchanged) {
  set_strategy_facts(strategy, facts);
  double upper = strategy.base_score;
  bool blocked = false;
  const std::vector<std::size_t>& applicable = index.rules_of[i];
  for (std::size_t k = 0; k < applicable.size(); ++k) {
    const std::size_t r = applicable[k];
    const Rule& rule = rules.rules[r];
    if (index.reads_priced[r] != 0) {
      if (!rule.blocks && rule.delta > 0) upper += rule.delta;
      continue;
    }
    const bool fires =
        unchanged != nullptr && unchanged->stands(r, false) ? unchanged->base.holds[i][k] != 0 : rule.when.holds(facts);
    if (!fires) continue;
    if (rule.blocks)
      blocked = true;
    else
      upper += rule.delta;
  }
  // The scores add the same deltas in another order: the margin covers their rounding error
  // (far below the 0.1 a score is rounded to), so that the bound can only be too high.
  upper += 1e-6;
  return {blocked, std::round(std::clamp(upper, 0.0, 100.0) * 10) / 10};
}

}  // namespace

RuleIndex index_rules(const RuleSet& rules) {
  RuleIndex out;
  out.reads_priced.resize(rules.rules.size());
  for (std::size_t r = 0; r < rules.rules.size(); ++r)
    out.reads_priced[r] = rules.rules[r].when.reads_any(priced_facts()) ? 1 : 0;
  out.rules_of.resize(rules.strategies.size());
  for (std::size_t i = 0; i < rules.strategies.size(); ++i) {
    for (std::size_t r = 0; r < rules.rules.size(); ++r) {
      if (applies_to(rules.rules[r], rules.strategies[i].id)) out.rules_of[i].push_back(r);
    }
  }
  out.reads.reserve(rules.rules.size());
  for (const Rule& rule : rules.rules) out.reads.push_back(rule.when.fact_slots());
  return out;
}

PricedProfile price_profile(const Profile& profile, const RuleSet& rules) {
  PricedProfile out{profile, price_strategies(profile, rules), index_rules(rules), {}};
  Facts facts = profile.facts;
  out.holds.resize(rules.strategies.size());
  for (std::size_t i = 0; i < rules.strategies.size(); ++i) {
    set_strategy_facts(rules.strategies[i], facts);
    set_cost_facts(out.costs[i], facts);
    for (const std::size_t r : out.index.rules_of[i]) out.holds[i].push_back(rules.rules[r].when.holds(facts) ? 1 : 0);
  }
  return out;
}

namespace {

/// top_bounded() with the judgements of `unchanged`'s base reused where they stand.
int top_bounded_from(const Profile& work, const RuleSet& rules, const RuleIndex& index, const CostAdjust& adjust,
                     const Unchanged* unchanged) {
  // Priced in the order of their bounds, highest first; a strategy whose bound is under the
  // best score found so far cannot rank first, so it is not priced. The first is the first of
  // rank_strategies() over the strategies priced, which include it: it is never skipped (its
  // score is at least every other feasible one's) and never blocked for certain.
  const std::size_t n = rules.strategies.size();
  Facts facts = work.facts;
  std::vector<ScoreBound> bounds(n);
  for (std::size_t i = 0; i < n; ++i) bounds[i] = bound_before_pricing(rules.strategies[i], rules, index, i, facts, unchanged);
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return bounds[a].score > bounds[b].score; });
  Ranking out = empty_ranking(n);  // not priced: not feasible, so never first
  const PricingScope pricing;
  bool found = false;
  double best = 0;
  for (const std::size_t i : order) {
    if (bounds[i].blocked || (found && bounds[i].score < best)) continue;
    StrategyCost cost = estimate_strategy(rules.strategies[i].costing, work, rules.catalog, PlanDetail::ranking);
    if (adjust) adjust(i, cost);
    score_only(i, rules.strategies[i], cost, rules, facts, out, &index.rules_of[i], unchanged, false);
    if (out.feasible[i] != 0 && (!found || out.scores[i] > best)) {
      found = true;
      best = out.scores[i];
    }
  }
  find_top(rules, out);
  return out.top;
}

}  // namespace

int top_bounded(const Profile& work, const RuleSet& rules, const RuleIndex& index, const CostAdjust& adjust) {
  return top_bounded_from(work, rules, index, adjust, nullptr);
}

int top_bounded(const Profile& work, const PricedProfile& base, const RuleSet& rules, const CostAdjust& adjust) {
  const std::optional<Unchanged> unchanged = unchanged_from(base, work);
  return top_bounded_from(work, rules, base.index, adjust, unchanged ? &*unchanged : nullptr);
}

std::string top_whatif(const Profile& work, const PricedProfile& base, const RuleSet& rules) {
  const std::optional<Unchanged> unchanged = unchanged_from(base, work);
  const Unchanged* reuse = unchanged ? &*unchanged : nullptr;
  if (same_pricing_inputs(work.facts, base.profile.facts))
    return top_id(score_costs(work, rules, base.costs, {}, &base.index, reuse), rules);
  const int top = top_bounded_from(work, rules, base.index, {}, reuse);
  return top < 0 ? "none" : rules.strategies[static_cast<std::size_t>(top)].id;
}

std::string top_id(const Ranking& ranking, const RuleSet& rules) {
  return ranking.top < 0 ? "none" : rules.strategies[static_cast<std::size_t>(ranking.top)].id;
}

}  // namespace llmplan
