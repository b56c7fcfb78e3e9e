#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "llmplan/input/profile.hpp"
#include "llmplan/rules/ruleset.hpp"

namespace llmplan {

/// One uncertain input: a profile field written as a range, or the cost model's own ranges
/// (`cost.one_time_usd`, `cost.monthly_usd`: each strategy's low/expected/high).
struct UncertainInput {
  std::string name;
  double low = 0;
  double high = 0;
  bool log = false;  ///< sampled log-uniformly (HI > 10 x LO)
};

/// How far one input moves the pick: the total variation distance between the pick's
/// distribution in the samples where the input was in its lower half and where it was in its
/// upper half (0: no effect, 1: it alone decides).
struct InputInfluence {
  std::string name;
  double shift = 0;
};

struct Uncertainty {
  std::size_t samples = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> strategies;  ///< ids in the rule set's order
  std::vector<double> p_best;           ///< share of samples each ranks first, by strategy index
  double p_none = 0;                    ///< share of samples where nothing is feasible
  std::string recommendation;           ///< the advice at the ranges' middles ("none")
  double confidence = 0;                ///< p_best of the recommendation
  std::string confidence_words;         ///< "high", ...
  std::vector<UncertainInput> inputs;
  std::vector<InputInfluence> influence;  ///< largest first
};

/// The uncertain inputs of a profile: its ranges, then the cost model's.
std::vector<UncertainInput> uncertain_inputs(const Profile& profile);

/// Words for a probability that the pick is right: "very high" (>= 0.95), "high" (>= 0.8),
/// "moderate" (>= 0.6), "low" (>= 0.4), "very low".
std::string confidence_in_words(double p);

/// Samples every uncertain input `samples` times (fields uniformly, or log-uniformly when HI > 10
/// x LO; each strategy's costs from a triangular distribution on the log of low/expected/high)
/// and ranks each sample with the ranking-only path. Deterministic for a seed.
Uncertainty sample_uncertainty(const Profile& profile, const RuleSet& rules, const std::string& recommendation,
                               std::size_t samples, std::uint64_t seed);

}  // namespace llmplan
