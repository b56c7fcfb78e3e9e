#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "llmplan/input/diagnostic.hpp"
#include "llmplan/input/profile.hpp"
#include "llmplan/rules/diff.hpp"
#include "llmplan/rules/engine.hpp"
#include "llmplan/rules/explain.hpp"
#include "llmplan/rules/uncertainty.hpp"

namespace llmplan {

/// What became of one profile of a run (cli.md: `status`).
enum class RunStatus {
  ok,       ///< read, valid and advised
  invalid,  ///< read, but it breaks the profile format (see its diagnostics)
  error,    ///< could not be read
};

/// The word the outputs use for a status.
std::string_view status_name(RunStatus status);

/// One profile of a run: what was read, and the advice when it could be given.
struct ProfileOutcome {
  std::string file;
  std::string name;
  RunStatus status = RunStatus::error;
  std::optional<Profile> profile;
  std::optional<Advice> advice;
  Diagnostics diagnostics;
  std::optional<Explanation> explanation;                 ///< with `advise --explain`
  std::optional<Uncertainty> uncertainty = std::nullopt;  ///< with `--uncertainty`, or when the profile holds ranges
  std::optional<AdviceDiff> baseline = std::nullopt;      ///< with `--baseline FILE` or `--set`: against the file's own advice
  std::optional<Profile> unset = std::nullopt;            ///< with `--set`: the profile as its file gives it, to compare with
};

/// Counts of a run's statuses, for summaries.
struct RunSummary {
  int profiles = 0;
  int ok = 0;
  int invalid = 0;
  int error = 0;
  std::vector<std::pair<std::string, int>> picks;  ///< recommendations and how many profiles got each, first seen first
  int no_pick = 0;                                 ///< advised profiles with no recommendation

  void add(RunStatus status);
  /// Counts an advised profile's recommendation (nullopt: none) for the closing summary.
  void add_pick(const std::optional<std::string>& recommendation);
};

}  // namespace llmplan
