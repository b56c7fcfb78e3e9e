#include "llmplan/rules/explain.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "llmplan/cost/plan.hpp"
#include "llmplan/input/fields.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/rules/parallel.hpp"
#include "llmplan/rules/rank.hpp"

namespace llmplan {

namespace {

/// A profile field a counterfactual search explores, over the range its field table gives.
struct SearchableFact {
  const char* path;
  double min;
  double max;
  bool fraction;  ///< searched in steps of 0.05 rather than geometrically
  bool whole;     ///< only whole numbers are valid values
};

const std::vector<SearchableFact>& searchable_facts() {
  static const std::vector<SearchableFact> facts = [] {
    std::vector<SearchableFact> out;
    for (const auto& field : profile_fields()) {
      // The table's paths are string literals, so data() is a NUL-terminated path.
      if (field.search) {
        out.push_back(
            {field.path.data(), field.search->first, field.search->second, field.dimension == Dimension::fraction, field.whole});
      }
    }
    return out;
  }();
  return facts;
}

std::string describe(const std::string& path, const Value& v) {
  const auto index = fact_index(path);
  return index ? format_fact(fact_catalog()[*index], v) : "?";
}

RuleTrace trace(const Rule& rule, const Facts& facts) {
  RuleTrace t{rule.id, rule.blocks, rule.delta, rule.when.text(), {}};
  for (const auto& path : rule.when.fact_paths()) {
    // Facts derived from a profile field are shown in the profile's words.
    if (path == "team.expertise_level") {
      t.facts.emplace_back("team.ml_expertise", describe("team.ml_expertise", facts.get("team.ml_expertise")));
      continue;
    }
    t.facts.emplace_back(path, describe(path, facts.get(path)));
  }
  return t;
}

/// The facts a strategy was judged with: the profile's, plus its plan and costs.
Facts strategy_facts(const Profile& profile, const StrategyResult& r) {
  Facts f = profile.facts;
  set_strategy_facts(*r.strategy, f);
  set_cost_facts(r.cost, f);
  return f;
}

/// Why the pick changes: the rules that start or stop firing (or blocking) for the old and the
/// new top strategy between the advice and a what-if's scores of them, at most three, in words.
std::string why_it_changes(const Advice& before, const std::vector<StrategyResult>& after,
                           const std::vector<std::string>& strategies) {
  const auto rules_of = [](const std::vector<StrategyResult>& ranking, const std::string& id) {
    std::vector<std::pair<std::string, bool>> out;  // rule, blocks
    for (const auto& r : ranking) {
      if (r.strategy->id != id) continue;
      for (const auto& x : r.reasons) out.emplace_back(x.rule, false);
      for (const auto& x : r.blockers) out.emplace_back(x.rule, true);
    }
    return out;
  };
  std::vector<std::string> parts;
  for (const auto& id : strategies) {
    const auto old_rules = rules_of(before.ranking, id);
    const auto new_rules = rules_of(after, id);
    for (const auto& [rule, blocks] : new_rules) {
      if (std::find(old_rules.begin(), old_rules.end(), std::make_pair(rule, blocks)) == old_rules.end())
        parts.push_back(blocks ? fmt::format("`{}` blocks {}", rule, id) : fmt::format("`{}` fires for {}", rule, id));
    }
    for (const auto& [rule, blocks] : old_rules) {
      if (std::find(new_rules.begin(), new_rules.end(), std::make_pair(rule, blocks)) == new_rules.end())
        parts.push_back(blocks ? fmt::format("`{}` no longer blocks {}", rule, id) : fmt::format("`{}` stops for {}", rule, id));
    }
  }
  if (parts.empty()) return "the costs move the scores";
  if (parts.size() > 3) parts.resize(3);
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : ", ") + parts[i];
  return out;
}

/// Sets a fact to a value on a working copy of the profile (the typed setter, no text is
/// formatted or parsed); false when the value is not valid for the field.
bool with_value(Profile& work, const char* path, double value, const RuleSet& rules) {
  if (const ProfileField* field = find_profile_field(path); field != nullptr && field->whole) value = std::round(value);
  Diagnostics ignored;
  return set_profile_number(work, path, value, rules.catalog, ignored);
}

/// The profile being explained, its advice, and its strategies' costs priced once for every
/// probe.
struct Priced {
  PricedProfile priced;
  const Advice& advice;
};

std::string top_at(Profile& work, const char* path, double value, const RuleSet& rules, const Priced& base, bool& valid) {
  valid = with_value(work, path, value, rules);
  return valid ? top_whatif(work, base.priced, rules) : std::string();
}

/// The nearest value, moving one way from the current one, at which the top strategy changes:
/// geometric steps to bracket the change, then bisection.
std::optional<Counterfactual> search(const Priced& base, const RuleSet& rules, const SearchableFact& fact, bool up,
                                     const std::string& current_top) {
  const Profile& profile = base.priced.profile;
  const TrainingPlanMemo memo;  // most probes change what is served, not what is trained
  const Value& now = profile.facts.get(fact.path);
  if (now.is_null()) return std::nullopt;
  const double start = now.number;
  const bool fraction = fact.fraction;
  double last_same = start;
  std::optional<double> changed;
  std::string new_top;
  Profile work = profile;
  bool valid = true;
  for (int step = 1; step <= 40; ++step) {
    double v;
    if (fraction)
      v = up ? start + 0.05 * step : start - 0.05 * step;
    else
      v = up ? std::max(start, fact.min > 0 ? fact.min : 1.0) * std::pow(1.5, step) : start / std::pow(1.5, step);
    if (v > fact.max || v < fact.min) break;
    const std::string top = top_at(work, fact.path, v, rules, base, valid);
    if (!valid) break;
    if (top != current_top) {
      changed = v;
      new_top = top;
      break;
    }
    last_same = v;
  }
  if (!changed) return std::nullopt;
  double lo = last_same;
  double hi = *changed;
  // The value is reported rounded: once both ends of the bracket round alike, so does every
  // point between them, and the search stops.
  const auto shown_value = [&](double x) {
    if (fact.whole) return std::round(x);
    return fraction ? std::round(x * 100) / 100 : round_significant(x, 2);
  };
  for (int i = 0; i < 20 && shown_value(lo) != shown_value(hi); ++i) {
    const double mid = fraction ? (lo + hi) / 2 : std::sqrt(std::max(lo, 1e-9) * hi);
    const std::string top = top_at(work, fact.path, mid, rules, base, valid);
    if (!valid) break;
    if (top != current_top) {
      hi = mid;
      new_top = top;
    } else {
      lo = mid;
    }
  }
  Counterfactual c;
  c.fact = fact.path;
  c.value = shown_value(hi);
  c.direction = up ? "at least" : "at most";
  c.recommendation = new_top;
  const std::string shown = describe(fact.path, Value::of_number(c.value));
  std::string why;
  if (Profile moved = profile; with_value(moved, fact.path, hi, rules)) {
    std::vector<std::string> ids = {current_top};
    if (new_top != "none") ids.push_back(new_top);
    why = " (" + why_it_changes(base.advice, score_strategies(moved, rules, ids), ids) + ")";
  }
  c.message = new_top == "none"
                  ? fmt::format("with {} {} {}, no strategy would be feasible{}", fact.path, c.direction, shown, why)
                  : fmt::format("with {} {} {}, {} would rank first{}", fact.path, c.direction, shown, new_top, why);
  return c;
}

/// The lowest one-time budget at which a strategy blocked by its cost becomes feasible.
std::optional<Counterfactual> budget_to_unblock(const Priced& base, const RuleSet& rules, const std::string& strategy) {
  const Profile& profile = base.priced.profile;
  const TrainingPlanMemo memo;
  Profile work = profile;
  std::size_t index = 0;
  while (index < rules.strategies.size() && rules.strategies[index].id != strategy) ++index;
  const auto feasible = [&](double budget) {
    if (index == rules.strategies.size() || !with_value(work, "budget.one_time_usd", budget, rules)) return false;
    return rank_whatif(work, base.priced, rules).feasible[index] != 0;
  };
  double lo = profile.facts.number("budget.one_time_usd");
  double hi = lo;
  for (int i = 0; i < 40 && !feasible(hi); ++i) {
    lo = hi;
    hi *= 2;
    if (hi > 1e12) return std::nullopt;  // something other than the budget blocks it
  }
  if (hi == lo) return std::nullopt;
  for (int i = 0; i < 20 && round_significant(lo, 2) != round_significant(hi, 2); ++i) {
    const double mid = std::sqrt(lo * hi);
    (feasible(mid) ? hi : lo) = mid;
  }
  Counterfactual c;
  c.fact = "budget.one_time_usd";
  c.value = round_significant(hi, 2);
  c.direction = "at least";
  c.recommendation =
      with_value(work, "budget.one_time_usd", hi, rules) ? top_id(rank_whatif(work, base.priced, rules), rules) : "none";
  c.message = fmt::format("with budget.one_time_usd at least {}, {} becomes feasible", format_usd(c.value), strategy);
  return c;
}

}  // namespace

Explanation explain(const Profile& profile, const RuleSet& rules, const Advice& advice) {
  Explanation out;
  for (const auto& r : advice.ranking) {
    StrategyExplanation s;
    s.strategy = r.strategy->id;
    const Facts facts = strategy_facts(profile, r);
    std::set<std::string> fired;
    for (const auto& reason : r.blockers) fired.insert(reason.rule);
    for (const auto& reason : r.reasons) fired.insert(reason.rule);
    std::vector<const Rule*> silent;
    for (const auto& rule : rules.rules) {
      if (std::find(rule.strategies.begin(), rule.strategies.end(), s.strategy) == rule.strategies.end()) continue;
      if (fired.count(rule.id) > 0)
        s.fired.push_back(trace(rule, facts));
      else
        silent.push_back(&rule);
    }
    // The rules that would have mattered most: blocks first, then by size of effect.
    std::stable_sort(silent.begin(), silent.end(), [](const Rule* a, const Rule* b) {
      if (a->blocks != b->blocks) return a->blocks;
      return std::fabs(a->delta) > std::fabs(b->delta);
    });
    for (std::size_t i = 0; i < silent.size() && i < 3; ++i) s.not_fired.push_back(trace(*silent[i], facts));
    out.strategies.push_back(std::move(s));
  }
  // The searches are independent: run them in parallel, keeping their order in the output.
  std::vector<std::string> blocked_by_budget;
  for (const auto& r : advice.ranking) {
    // A blocker found by what its condition reads, not by its id: a rule set may rename it.
    const bool budget_blocked = std::any_of(r.blockers.begin(), r.blockers.end(), [&](const Reason& b) {
      const Rule* rule = rules.find_rule(b.rule);
      return rule != nullptr && rule->when.reads("budget.one_time_usd");
    });
    if (budget_blocked) blocked_by_budget.push_back(r.strategy->id);
  }
  const std::string current = advice.recommendation.value_or("none");
  const std::size_t searches = blocked_by_budget.size() + 2 * searchable_facts().size();
  std::vector<std::optional<Counterfactual>> found(searches);
  const Priced base{price_profile(profile, rules), advice};
  parallel_for(searches, [&](std::size_t i) {
    if (i < blocked_by_budget.size()) {
      found[i] = budget_to_unblock(base, rules, blocked_by_budget[i]);
      return;
    }
    const std::size_t k = i - blocked_by_budget.size();
    found[i] = search(base, rules, searchable_facts()[k / 2], k % 2 == 1, current);
  });
  for (auto& c : found) {
    if (c) out.counterfactuals.push_back(std::move(*c));
  }
  return out;
}

}  // namespace llmplan
