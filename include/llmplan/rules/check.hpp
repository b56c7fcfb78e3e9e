#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmplan/rules/engine.hpp"
#include "llmplan/rules/outcome.hpp"

namespace llmplan {

/// When a proposal passes: it must be feasible, and rank within `max_rank` or score within
/// `margin` points of the best strategy.
struct CheckPolicy {
  int max_rank = 1;
  double margin = 0;
  std::optional<std::string> strategy;  ///< judge this strategy when a profile proposes none
};

/// The judgement of one profile's proposal.
struct Judgement {
  std::string strategy;  ///< the proposed strategy
  bool accepted = false;
  int rank = 0;
  double score = 0;
  Verdict verdict = Verdict::infeasible;  ///< the proposal's verdict in the ranking
  std::string best;                       ///< the top feasible strategy ("" when none is feasible)
  double best_score = 0;
  std::string message;          ///< one sentence for people: what was decided and why
  std::vector<Reason> reasons;  ///< the rules behind the decision: the proposal's blockers or
                                ///< penalties, then the best strategy's strongest reasons
  SourceLoc loc;                ///< where the proposal is written (the profile's start if --strategy)
};

/// One profile of a `check` run: its advice outcome and, when it could be evaluated, the judgement.
struct CheckOutcome {
  ProfileOutcome outcome;
  std::optional<Judgement> judgement;
};

/// Judges a profile's proposal against its advice. Returns nullopt (with a diagnostic added to
/// `diags`) when there is nothing to judge: no proposal and no --strategy.
std::optional<Judgement> judge_proposal(const Profile& profile, const Advice& advice, const CheckPolicy& policy,
                                        Diagnostics& diags);

/// Counts of a check run.
struct CheckSummary {
  int profiles = 0;
  int accepted = 0;
  int rejected = 0;
  int errors = 0;  ///< could not be evaluated: unreadable, invalid, or nothing to judge
};
CheckSummary summarize(const std::vector<CheckOutcome>& outcomes);

}  // namespace llmplan
