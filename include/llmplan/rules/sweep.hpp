#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmplan/input/diagnostic.hpp"
#include "llmplan/input/profile.hpp"
#include "llmplan/rules/ruleset.hpp"

namespace llmplan {

/// One axis of a sweep: a numeric profile field from `low` to `high`.
struct SweepAxis {
  std::string field;
  double low = 0;
  double high = 0;
  bool log = false;  ///< geometric steps (needs low > 0)
  bool whole = false;
};

/// Reads `FIELD=LO..HI` against the field table (a numeric field, LO and HI in its own units and
/// bounds); nullopt with a diagnostic when it is wrong.
std::optional<SweepAxis> parse_sweep_axis(std::string_view text, Diagnostics& diags);

/// The advice at one point of a sweep; scores and costs by index of RuleSet::strategies.
struct SweepPoint {
  double value = 0;
  double value2 = 0;
  std::string recommendation;  ///< a strategy id or "none"
  std::vector<double> scores;
  std::vector<char> feasible;
  std::vector<double> one_time_usd;
  std::vector<double> monthly_usd;
};

/// A value at which the recommendation changes, found by bisection between two points.
struct SweepFlip {
  double value = 0;
  double value2 = 0;  ///< the second field's value of the row (two-field sweeps)
  std::string from;
  std::string to;
};

struct SweepResult {
  SweepAxis axis;
  std::optional<SweepAxis> axis2;
  std::vector<std::string> strategies;  ///< ids, in the order of the rule set
  std::vector<SweepPoint> points;       ///< one field: along the axis; two: row by row (axis2 outer)
  std::vector<SweepFlip> flips;         ///< along the first axis (in each row for two fields)
  std::size_t steps = 0;
  std::size_t evaluations = 0;  ///< ranking-only evaluations, bisections included
};

/// The values of an axis: `steps` points from low to high, evenly or geometrically spaced.
std::vector<double> sweep_values(const SweepAxis& axis, std::size_t steps);

/// The advice along one axis (or a grid of two), with every flip of the recommendation along the
/// first axis located by bisection. Uses the ranking-only path and the typed setter.
SweepResult sweep(const Profile& profile, const RuleSet& rules, const SweepAxis& axis, const std::optional<SweepAxis>& axis2,
                  std::size_t steps);

}  // namespace llmplan
