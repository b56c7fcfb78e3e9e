#include <catch2/catch.hpp>

#include "helpers.hpp"
#include "llmplan/rules/check.hpp"
#include "llmplan/rules/engine.hpp"

using namespace llmplan;
using namespace llmplan::test;

namespace {

struct Judged {
  LoadedProfile loaded;
  Advice advice;
  std::optional<Judgement> judgement;
  Diagnostics diags;
};

Judged judge(const std::string& extra, const CheckPolicy& policy = {}) {
  Judged j{load_one(minimal_profile(extra)), {}, std::nullopt, {}};
  REQUIRE(j.loaded.valid());
  j.advice = advise(j.loaded.profile, default_rules());
  j.judgement = judge_proposal(j.loaded.profile, j.advice, policy, j.diags);
  return j;
}

}  // namespace

TEST_CASE("the recommended strategy as a proposal is accepted", "[check]") {
  const Judged first = judge("");
  const std::string top = *first.advice.recommendation;
  const Judged j = judge("proposal: {strategy: " + top + "}\n");
  REQUIRE(j.judgement);
  CHECK(j.judgement->accepted);
  CHECK(j.judgement->rank == 1);
  CHECK(j.judgement->verdict == Verdict::recommended);
  CHECK(j.judgement->message.find("recommended") != std::string::npos);
  CHECK(j.judgement->loc.line == 9);  // where `proposal:` is written
}

TEST_CASE("a lower-ranked proposal is rejected unless the policy allows its rank or margin", "[check]") {
  const Judged base = judge("");
  REQUIRE(base.advice.ranking.size() >= 2);
  const StrategyResult& second = base.advice.ranking[1];
  REQUIRE(second.blockers.empty());
  const std::string proposal = "proposal: {strategy: " + second.strategy->id + "}\n";
  const Judged strict = judge(proposal);
  REQUIRE(strict.judgement);
  CHECK_FALSE(strict.judgement->accepted);
  CHECK(strict.judgement->rank == 2);
  CHECK(strict.judgement->best == *base.advice.recommendation);
  CHECK_FALSE(strict.judgement->reasons.empty());

  CheckPolicy by_rank;
  by_rank.max_rank = 2;
  CHECK(judge(proposal, by_rank).judgement->accepted);

  CheckPolicy by_margin;
  by_margin.margin = base.advice.ranking[0].score - second.score;
  CHECK(judge(proposal, by_margin).judgement->accepted);
  by_margin.margin -= 0.5;
  CHECK_FALSE(judge(proposal, by_margin).judgement->accepted);
}

TEST_CASE("an infeasible proposal is rejected with its blockers whatever the policy", "[check]") {
  CheckPolicy lenient;
  lenient.max_rank = 100;
  lenient.margin = 100;
  // Pretraining a model from scratch on a $10k budget is blocked by cost.
  const Judged j = judge("proposal: {strategy: pretrain}\n", lenient);
  REQUIRE(j.judgement);
  CHECK_FALSE(j.judgement->accepted);
  CHECK(j.judgement->verdict == Verdict::infeasible);
  CHECK_FALSE(j.judgement->reasons.empty());
  CHECK(j.judgement->reasons.front().blocks);
  CHECK(j.judgement->message.find("infeasible") != std::string::npos);
}

TEST_CASE("without a proposal the policy strategy is judged or nothing is", "[check]") {
  const Judged none = judge("");
  CHECK_FALSE(none.judgement);
  CHECK(has_code(none.diags, "no-proposal"));

  CheckPolicy policy;
  policy.strategy = *none.advice.recommendation;
  const Judged j = judge("", policy);
  REQUIRE(j.judgement);
  CHECK(j.judgement->accepted);
  CHECK(j.judgement->loc.line == 1);
}

TEST_CASE("a policy strategy the rule set lacks is a located error", "[check]") {
  CheckPolicy policy;
  policy.strategy = "no-such-rung";
  const Judged j = judge("", policy);
  CHECK_FALSE(j.judgement);
  CHECK(has_code(j.diags, "unknown-strategy"));
}

TEST_CASE("summaries count accepted rejected and errors", "[check]") {
  std::vector<CheckOutcome> outcomes(4);
  outcomes[0].judgement = Judgement{};
  outcomes[0].judgement->accepted = true;
  outcomes[1].judgement = Judgement{};
  outcomes[2].judgement = Judgement{};
  const CheckSummary s = summarize(outcomes);
  CHECK(s.profiles == 4);
  CHECK(s.accepted == 1);
  CHECK(s.rejected == 2);
  CHECK(s.errors == 1);
}
