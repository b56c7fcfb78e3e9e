#pragma once

#include <vector>

#include "llmplan/rules/engine.hpp"

namespace llmplan {

/// The costs rank_strategies() would price, one per strategy of the rule set, in its order.
std::vector<StrategyCost> price_strategies(const Profile& profile, const RuleSet& rules);

/// Ranks with costs already priced (changed by `adjust` first, on a copy): sampling the cost
/// model's ranges alone needs no new pricing, only new scores.
Ranking rank_with_costs(const Profile& profile, const RuleSet& rules, const std::vector<StrategyCost>& costs,
                        const CostAdjust& adjust = {});

}  // namespace llmplan
