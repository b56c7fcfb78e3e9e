#pragma once

#include <string>
#include <vector>

#include "llmplan/rules/diff.hpp"
#include "llmplan/rules/uncertainty.hpp"

namespace llmplan {

class JsonWriter;

/// What changed, for people, like `terraform plan`: `~ path: old -> new`, `+` and `-` for paths
/// one side lacks, and a closing line. `indent` prefixes every line.
std::string render_diff_text(const AdviceDiff& diff, const std::string& indent = "");

/// cli.md `diff --format json`, for one or several compared results.
std::string render_diff_json(const std::vector<AdviceDiff>& diffs);

/// The diff as one JSON object (`what_if`, `against`, `recommendation`, `changes`).
void write_diff_json(JsonWriter& w, const AdviceDiff& diff);

/// How sure the advice is, for people: p_best per strategy, the confidence in words and the
/// inputs that move the pick most.
std::string render_uncertainty_text(const Uncertainty& u);

/// `p_best` of a strategy id, or a negative number when it is not in the sample.
double p_best_of(const Uncertainty& u, const std::string& strategy);

/// The result's `uncertainty` object (samples, seed, confidence, inputs and their influence).
void write_uncertainty_json(JsonWriter& w, const Uncertainty& u);

}  // namespace llmplan
