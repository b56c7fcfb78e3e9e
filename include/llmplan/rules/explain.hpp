#pragma once

#include <optional>
#include <string>
#include <vector>

#include "llmplan/rules/engine.hpp"

namespace llmplan {

/// A rule with the facts its condition read, as they were.
struct RuleTrace {
  std::string rule;
  bool blocks = false;
  double effect = 0;
  std::string condition;
  std::vector<std::pair<std::string, std::string>> facts;  ///< path, value written for people
};

struct StrategyExplanation {
  std::string strategy;
  std::vector<RuleTrace> fired;
  std::vector<RuleTrace> not_fired;  ///< the largest rules that applied to it but did not fire
};

/// "With data.labeled_examples at 12,000 or more, another strategy would rank first": the nearest
/// value of one numeric fact at which the advice changes, found by re-running the engine.
struct Counterfactual {
  std::string fact;
  double value = 0;
  std::string direction;       ///< "at least" or "at most"
  std::string recommendation;  ///< the new top strategy ("none": nothing feasible)
  std::string message;
};

struct Explanation {
  std::vector<StrategyExplanation> strategies;
  std::vector<Counterfactual> counterfactuals;
};

/// Explains advice: every fired rule with its facts, the largest rules that did not fire, and
/// counterfactuals for the numeric profile fields the rules read. `advice` is advise(profile,
/// rules): the searches compare their finds with it.
Explanation explain(const Profile& profile, const RuleSet& rules, const Advice& advice);

}  // namespace llmplan
