#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmplan/cost/plan.hpp"
#include "llmplan/input/profile.hpp"
#include "llmplan/rules/ruleset.hpp"

namespace llmplan {

/// A rule that fired for a strategy, with its message filled in from the facts.
struct Reason {
  std::string rule;
  bool blocks = false;
  double effect = 0;
  std::string message;
  std::string source;
};

/// When a strategy that trains becomes cheaper in total than the rule set's prompting baseline
/// (RuleSet::break_even_baseline): the request volume over the horizon, and the month at the
/// profile's own volume. Empty optionals mean never.
struct BreakEven {
  std::optional<double> requests_per_month;
  bool below = false;  ///< cheaper below `requests_per_month` (else from it up)
  std::optional<double> months;
};

/// Where a strategy stands in the ranking (cli.md: `verdict`).
enum class Verdict { recommended, viable, discouraged, infeasible };

/// The word the outputs use for a verdict.
std::string_view verdict_name(Verdict verdict);

/// The verdict a word names, or nullopt (rule tests write verdicts as words).
std::optional<Verdict> verdict_from_name(std::string_view name);

struct StrategyResult {
  const Strategy* strategy = nullptr;
  int rank = 0;
  Verdict verdict = Verdict::infeasible;
  double score = 0;              ///< 0..100
  std::vector<Reason> reasons;   ///< score changes, largest first
  std::vector<Reason> blockers;  ///< why the strategy is infeasible
  StrategyCost cost;
  std::optional<BreakEven> break_even;  ///< for strategies that train, against the baseline
};

/// Rungs that work together for this profile (e.g. RAG plus a tuned model).
struct CombinedAdvice {
  std::string id;
  std::vector<std::string> strategies;
  std::string message;
  std::string source;
};

struct Advice {
  std::vector<StrategyResult> ranking;  ///< best first; infeasible last
  std::optional<std::string> recommendation;
  std::string no_recommendation;  ///< why there is none ("" when there is one)
  std::vector<CombinedAdvice> combinations;
  std::string break_even_baseline;  ///< the recommendation, against which break-even is measured ("" when none)
};

/// Writes the strategy's own facts (`strategy.id`, `strategy.rung`, `strategy.costing`).
void set_strategy_facts(const Strategy& strategy, Facts& facts);

/// Prices every strategy, evaluates every rule against the profile's and the strategy's
/// facts, and ranks: feasible by score, the cheaper rung first on ties.
Advice advise(const Profile& profile, const RuleSet& rules);

/// Some strategies of the rule set (`ids`, those it holds) scored as advise() scores them, with
/// their reasons and blockers, in the order given; ranks and verdicts are not set. What an
/// explanation needs of a what-if's advice, without pricing the whole ladder.
std::vector<StrategyResult> score_strategies(const Profile& profile, const RuleSet& rules, const std::vector<std::string>& ids);

/// The ranking alone, for searches and sampling (sweep, explain, `--uncertainty`): the same
/// scores and order as advise(), without messages, break-even or combinations.
struct Ranking {
  std::vector<double> scores;        ///< by index of RuleSet::strategies
  std::vector<char> feasible;        ///< no rule blocked it
  std::vector<double> one_time_usd;  ///< expected
  std::vector<double> monthly_usd;   ///< expected
  int top = -1;                      ///< index of the recommendation in RuleSet::strategies; -1: none
};

/// Changes a strategy's priced cost before the rules read it (sampling the cost model's ranges).
using CostAdjust = std::function<void(std::size_t strategy, StrategyCost& cost)>;

/// Ranks without rendering anything; `top` is the strategy advise() would recommend.
Ranking rank_strategies(const Profile& profile, const RuleSet& rules, const CostAdjust& adjust = {});

/// The id of a ranking's recommendation, or "none".
std::string top_id(const Ranking& ranking, const RuleSet& rules);

}  // namespace llmplan
