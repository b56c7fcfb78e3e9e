#pragma once

#include <string>

#include "llmplan/input/profile.hpp"
#include "llmplan/rules/sweep.hpp"

namespace llmplan {

/// The sweep for people: a strip of the recommendation along the axis (or a map of two fields),
/// the flips, and a line of expected cost per strategy picked somewhere; plain text, 80 columns.
std::string render_sweep_table(const SweepResult& sweep, const Profile& profile);

/// cli.md `sweep --format json`.
std::string render_sweep_json(const SweepResult& sweep);

/// One row per point: value(s), recommendation, then score, one-time and monthly cost per strategy.
std::string render_sweep_csv(const SweepResult& sweep);

}  // namespace llmplan
