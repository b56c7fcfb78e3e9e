#pragma once

#include <string>
#include <vector>

#include "llmplan/rules/engine.hpp"

namespace llmplan {

/// The costs rank_strategies() would price, one per strategy of the rule set, in its order (the
/// kept plans without their runner-ups: PlanDetail::ranking).
std::vector<StrategyCost> price_strategies(const Profile& profile, const RuleSet& rules);

/// Ranks with costs already priced (changed by `adjust` first, on a copy): sampling the cost
/// model's ranges alone needs no new pricing, only new scores.
Ranking rank_with_costs(const Profile& profile, const RuleSet& rules, const std::vector<StrategyCost>& costs,
                        const CostAdjust& adjust = {});

/// What every probe of a what-if search asks of the rule set, found once per search.
struct RuleIndex {
  std::vector<char> reads_priced;                  ///< per rule: its condition reads a fact pricing sets
  std::vector<std::vector<std::size_t>> rules_of;  ///< per strategy: the rules that apply to it, in order
  std::vector<std::vector<std::size_t>> reads;     ///< per rule: the fact slots its condition reads
};

RuleIndex index_rules(const RuleSet& rules);

/// A profile and its strategies' costs (price_strategies()), priced once for many what-ifs.
struct PricedProfile {
  const Profile& profile;
  std::vector<StrategyCost> costs;
  RuleIndex index;
  /// Per strategy, per rule of index.rules_of: whether it holds for the profile with its costs.
  /// A what-if judges again only the rules that read a fact it changed (or a cost it priced
  /// again); empty: every rule is judged.
  std::vector<std::vector<char>> holds;
};

/// The PricedProfile of a profile, with every rule judged once for it.
PricedProfile price_profile(const Profile& profile, const RuleSet& rules);

/// Ranks a what-if (`work`, the profile of `base` with some fields set): with `base`'s costs
/// when `work` agrees with it on every fact the pricing reads (a budget, the overlap: only the
/// scores move), else priced again. The same ranking as rank_strategies(work, rules).
Ranking rank_whatif(const Profile& work, const PricedProfile& base, const RuleSet& rules);

/// The strategy rank_whatif() would put first (top_id() of it), pricing only the strategies
/// that could rank first: before pricing, the rules that read no cost, plan or memory fact give
/// each strategy a bound on its score.
std::string top_whatif(const Profile& work, const PricedProfile& base, const RuleSet& rules);

/// rank_with_costs() of `base`'s own profile and costs, changed by `adjust`: the rules that read
/// no cost keep the base's judgements (sampling the cost model's ranges changes only costs).
Ranking rank_base_with_costs(const PricedProfile& base, const RuleSet& rules, const CostAdjust& adjust);

/// The strategy rank_strategies(profile, rules, adjust) puts first (Ranking::top, -1 when none
/// is feasible), pricing only the strategies whose bound before pricing (top_whatif()) could
/// still reach the best score found. `adjust` may change each priced cost before it is scored
/// (the bound reads no cost). The other strategies' entries of the ranking are not filled.
int top_bounded(const Profile& profile, const RuleSet& rules, const RuleIndex& index, const CostAdjust& adjust = {});
/// top_bounded() of a what-if of `base` (`work`: its profile with some fields set), with the
/// base's judgements of the rules that read neither a changed fact nor a cost.
int top_bounded(const Profile& work, const PricedProfile& base, const RuleSet& rules, const CostAdjust& adjust = {});

}  // namespace llmplan
