#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "llmplan/rules/diff.hpp"
#include "llmplan/rules/outcome.hpp"
#include "llmplan/rules/ruleset.hpp"

namespace llmplan::cli {

/// The largest `--seed`: the output records the seed as a JSON number, written with at most 12
/// significant digits (cli.md), so a larger seed could not be read back to repeat a run.
inline constexpr std::uint64_t k_max_seed = 999'999'999'999;

/// What `advise` adds to the plain advice of a profile.
struct AdviseExtras {
  bool explain = false;
  bool uncertainty = false;  ///< sample even without ranges
  std::size_t samples = 1000;
  std::uint64_t seed = 1;
};

/// Advises one valid outcome in place: the advice, and the explanation and the sampled
/// uncertainty when asked (sampling also whenever the profile holds ranges).
/// `broken` collects the errors of an estimate that breaks the cost model's invariants (the advice is dropped).
void advise_outcome(ProfileOutcome& outcome, const RuleSet& rules, const AdviseExtras& extras, Diagnostics* broken = nullptr);

/// The advice of a file to compare: a saved `advise --format json` document (or JSONL) as it
/// is, or a profile advised now with `sets`. nullopt after printing why it cannot be compared.
std::optional<std::vector<AdviceSnapshot>> advice_of_file(const std::string& file, const std::vector<std::string>& sets,
                                                          const RuleSet& rules, const AdviseExtras& extras, bool quiet);

}  // namespace llmplan::cli
