#include <catch2/catch.hpp>

#include "helpers.hpp"
#include "llmplan/rules/explain.hpp"

using namespace llmplan;
using namespace llmplan::test;

namespace {

const std::string k_classifier =
    "task: {type: classification, needs: [skill]}\ndata: {labeled_examples: 8k, example_tokens: 300}\n"
    "domain: {overlap: medium, regulated: true}\nbudget: {one_time_usd: $20k, monthly_usd: $2k}\nrisk: {tolerance: low}\n"
    "usage: {requests_per_month: 200k, input_tokens: 350, output_tokens: 10}\nteam: {ml_expertise: experienced}\n";

const Counterfactual* find_counterfactual(const Explanation& e, const std::string& fact, const std::string& direction) {
  for (const auto& c : e.counterfactuals) {
    if (c.fact == fact && c.direction == direction) return &c;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("counterfactuals find thresholds known by construction", "[explain]") {
  LoadedProfile p = load_one(k_classifier);
  REQUIRE(p.valid());
  const Advice advice = advise(p.profile, default_rules());
  REQUIRE(*advice.recommendation == "peft");
  const Explanation e = explain(p.profile, default_rules(), advice);
  // Below 100 examples `tuning-trial-needs-more-examples` weakens the adapter and a teacher that
  // labels inputs generated from the examples (distill) leads.
  const Counterfactual* fewer = find_counterfactual(e, "data.labeled_examples", "at most");
  REQUIRE(fewer);
  CHECK(fewer->value == 99);
  CHECK(fewer->recommendation == "distill");
  // At 300k examples `very-large-labeled-set-favors-full-finetune` starts and full fine-tuning leads;
  // the steps below it (30k) move both rungs and leave adapters ahead.
  const Counterfactual* more = find_counterfactual(e, "data.labeled_examples", "at least");
  REQUIRE(more);
  CHECK(more->value == 300000);
  CHECK(more->recommendation == "full-finetune");
  CHECK(more->message.find("300k") != std::string::npos);
}

TEST_CASE("a budget counterfactual finds where a blocked strategy takes over", "[explain]") {
  // With no corpus and no examples only few-shot is feasible; more budget changes nothing, and
  // a monthly budget below the prompting cost leaves nothing feasible.
  LoadedProfile p = load_one(
      "task: {needs: [format]}\ndata: {labeled_examples: 0}\ndomain: {overlap: high}\nbudget: {one_time_usd: $50, monthly_usd: "
      "$100}\n"
      "risk: {tolerance: high}\nusage: {requests_per_month: 2k, input_tokens: 6k, output_tokens: 400}\n");
  const Advice advice = advise(p.profile, default_rules());
  const Explanation e = explain(p.profile, default_rules(), advice);
  // More budget never changes the top strategy here; it only makes blocked strategies feasible.
  for (const auto& c : e.counterfactuals) {
    if (c.fact == "budget.one_time_usd" && c.direction == "at least")
      CHECK(c.message.find("becomes feasible") != std::string::npos);
  }
  const Counterfactual* monthly = find_counterfactual(e, "budget.monthly_usd", "at most");
  REQUIRE(monthly);
  CHECK(monthly->recommendation == "none");
  // It becomes infeasible below a third of few-shot's monthly cost.
  double few = 0;
  for (const auto& r : advice.ranking) {
    if (r.strategy->id == "few-shot") few = r.cost.monthly_usd.expected;
  }
  CHECK(monthly->value < few / 3 * 1.05);
  CHECK(monthly->value > few / 3 * 0.95);
}

TEST_CASE("explanations list fired rules with the facts they read", "[explain]") {
  LoadedProfile p = load_one(k_classifier);
  const Advice advice = advise(p.profile, default_rules());
  const Explanation e = explain(p.profile, default_rules(), advice);
  REQUIRE(e.strategies.size() == default_rules().strategies.size());
  bool found = false;
  for (const auto& s : e.strategies) {
    if (s.strategy != "peft") continue;
    for (const auto& t : s.fired) {
      if (t.rule != "hundreds-of-examples-suit-peft") continue;
      found = true;
      REQUIRE(t.facts.size() == 1);
      CHECK(t.facts[0].first == "data.labeled_examples");
      CHECK(t.facts[0].second == "8,000");
    }
    CHECK(s.not_fired.size() <= 3);
  }
  CHECK(found);
}

TEST_CASE("a strategy blocked by its cost says what budget would unblock it", "[explain]") {
  // A $5k budget: pretraining the default 7B model costs more (with the calibrated utilization
  // and the cheaper GPUs of the catalog, it costs less than the classifier's $20k).
  std::string profile = k_classifier;
  profile.replace(profile.find("$20k"), 4, "$5k");
  LoadedProfile p = load_one(profile);
  const Advice advice = advise(p.profile, default_rules());
  const Explanation e = explain(p.profile, default_rules(), advice);
  const Counterfactual* unblock = nullptr;
  for (const auto& c : e.counterfactuals) {
    if (c.message.find("pretrain becomes feasible") != std::string::npos) unblock = &c;
  }
  REQUIRE(unblock);
  // Pretraining's expected one-time cost is the budget that unblocks it.
  double expected_cost = 0;
  for (const auto& r : advice.ranking) {
    if (r.strategy->id == "pretrain") expected_cost = r.cost.one_time_usd.expected;
  }
  CHECK(unblock->value == Approx(expected_cost).epsilon(0.03));
}
