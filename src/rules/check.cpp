#include "llmplan/rules/check.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "llmplan/output/format.hpp"

namespace llmplan {

namespace {

std::string ordinal(int n) {
  const int tens = n % 100;
  const char* suffix = (tens >= 11 && tens <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
  return fmt::format("{}{}", n, suffix);
}

const StrategyResult* find(const Advice& advice, const std::string& id) {
  for (const auto& r : advice.ranking) {
    if (r.strategy->id == id) return &r;
  }
  return nullptr;
}

}  // namespace

std::optional<Judgement> judge_proposal(const Profile& profile, const Advice& advice, const CheckPolicy& policy,
                                        Diagnostics& diags) {
  Judgement j;
  const Value& proposed = profile.facts.get("proposal.strategy");
  if (!proposed.is_null()) {
    j.strategy = proposed.text;
    const auto it = profile.locations.find("proposal.strategy");
    j.loc = it != profile.locations.end() ? it->second : SourceLoc{profile.file, 1, 1};
  } else if (policy.strategy) {
    j.strategy = *policy.strategy;
    j.loc = SourceLoc{profile.file, 1, 1};
  } else {
    diags.error("no-proposal", "the profile has no `proposal.strategy` to judge; add one or pass --strategy ID",
                SourceLoc{profile.file, 1, 1}, "proposal.strategy");
    return std::nullopt;
  }
  const StrategyResult* mine = find(advice, j.strategy);
  if (mine == nullptr) {
    diags.error("unknown-strategy", fmt::format("the rule set has no strategy `{}`", j.strategy), j.loc, "proposal.strategy");
    return std::nullopt;
  }
  j.rank = mine->rank;
  j.score = mine->score;
  j.verdict = mine->verdict;
  const StrategyResult* best = advice.recommendation ? find(advice, *advice.recommendation) : nullptr;
  if (best != nullptr) {
    j.best = best->strategy->id;
    j.best_score = best->score;
  }
  const double gap = j.best_score - j.score;

  if (!mine->blockers.empty()) {
    j.accepted = false;
    j.reasons = mine->blockers;
    j.message = fmt::format("`{}` is infeasible: {}", j.strategy, mine->blockers.front().message);
    if (best != nullptr)
      j.message += fmt::format("; `{}` ranks first with a score of {}", j.best, format_number(j.best_score, 1));
    return j;
  }
  j.accepted = j.rank <= policy.max_rank || gap <= policy.margin;
  if (j.accepted) {
    j.message = j.rank == 1 ? fmt::format("`{}` is the recommended strategy (score {})", j.strategy, format_number(j.score, 1))
                            : fmt::format("`{}` ranks {} with a score of {}, within the policy (best: `{}` with {})", j.strategy,
                                          ordinal(j.rank), format_number(j.score, 1), j.best, format_number(j.best_score, 1));
    for (std::size_t i = 0; i < mine->reasons.size() && i < 3; ++i) j.reasons.push_back(mine->reasons[i]);
    return j;
  }
  j.message =
      fmt::format("`{}` ranks {} with a score of {}; `{}` ranks first with {}, {} points better", j.strategy, ordinal(j.rank),
                  format_number(j.score, 1), j.best, format_number(j.best_score, 1), format_number(gap, 1));
  // The rules behind it: what held the proposal back, then what lifts the better strategy.
  for (const auto& r : mine->reasons) {
    if (r.effect < 0 && j.reasons.size() < 2) j.reasons.push_back(r);
  }
  if (best != nullptr) {  // none when the advice recommends nothing
    for (const auto& r : best->reasons) {
      if (r.effect > 0 && j.reasons.size() < 4) j.reasons.push_back(r);
    }
  }
  return j;
}

CheckSummary summarize(const std::vector<CheckOutcome>& outcomes) {
  CheckSummary s;
  for (const auto& o : outcomes) {
    ++s.profiles;
    if (!o.judgement)
      ++s.errors;
    else if (o.judgement->accepted)
      ++s.accepted;
    else
      ++s.rejected;
  }
  return s;
}

}  // namespace llmplan
