#include <catch2/catch.hpp>

#include <algorithm>

#include "helpers.hpp"
#include "llmplan/rules/engine.hpp"

using namespace llmplan;
using namespace llmplan::test;

namespace {

Advice advise_text(const std::string& text) {
  LoadedProfile p = load_one(text);
  for (const auto& d : p.diagnostics.items()) INFO(format_diagnostic(d));
  REQUIRE(p.valid());
  return advise(p.profile, default_rules());
}

const StrategyResult& result_for(const Advice& a, const std::string& id) {
  for (const auto& r : a.ranking) {
    if (r.strategy->id == id) return r;
  }
  throw std::runtime_error("no strategy " + id);
}

RuleSet custom_rules(const std::string& extra) {
  auto sources = default_rule_sources();
  sources.push_back({"extra.yaml", extra});
  Diagnostics diags;
  RuleSet rules = load_ruleset(sources, diags);
  REQUIRE_FALSE(diags.has_errors());
  return rules;
}

}  // namespace

TEST_CASE("every strategy is ranked with verdicts and ranks in order", "[engine]") {
  const Advice a = advise_text(minimal_profile());
  REQUIRE(a.ranking.size() == default_rules().strategies.size());
  for (std::size_t i = 0; i < a.ranking.size(); ++i) {
    CHECK(a.ranking[i].rank == static_cast<int>(i) + 1);
    CHECK(a.ranking[i].score >= 0);
    CHECK(a.ranking[i].score <= 100);
  }
  REQUIRE(a.recommendation);
  CHECK(*a.recommendation == a.ranking.front().strategy->id);
  CHECK(a.ranking.front().verdict == Verdict::recommended);
}

TEST_CASE("infeasible strategies rank last and name their blockers", "[engine]") {
  const Advice a = advise_text(minimal_profile());
  bool seen_infeasible = false;
  for (const auto& r : a.ranking) {
    if (r.verdict == Verdict::infeasible) {
      seen_infeasible = true;
      CHECK_FALSE(r.blockers.empty());
    } else {
      CHECK_FALSE(seen_infeasible);
    }
  }
  // The profile has no corpus, so retrieval is blocked.
  CHECK(result_for(a, "rag").verdict == Verdict::infeasible);
}

TEST_CASE("a cost over the budget blocks with the numbers", "[engine]") {
  const Advice a = advise_text(
      "data: {labeled_examples: 5k}\ndomain: {overlap: low}\nbudget: {one_time_usd: $100}\nrisk: {tolerance: medium}\n");
  const StrategyResult& pretrain = result_for(a, "pretrain");
  REQUIRE(pretrain.verdict == Verdict::infeasible);
  bool found = false;
  for (const auto& b : pretrain.blockers) {
    if (b.rule == "one-time-cost-over-budget") {
      found = true;
      CHECK(b.message.find("$100") != std::string::npos);
      CHECK(b.message.find("exceeds") != std::string::npos);
    }
  }
  CHECK(found);
}

TEST_CASE("few examples lead to few-shot and many to tuning", "[engine]") {
  const std::string base =
      "domain: {overlap: high}\nbudget: {one_time_usd: $5k}\nrisk: {tolerance: medium}\ntask: {needs: [style]}\n";
  CHECK(*advise_text(base + "data: {labeled_examples: 10}\n").recommendation == "few-shot");
  CHECK(*advise_text(base + "data: {labeled_examples: 5k}\n").recommendation == "peft");
}

TEST_CASE("ties go to the cheaper rung", "[engine]") {
  // Every rule off: all strategies keep their equal base score.
  std::string disable = "rules:\n";
  for (const auto& r : default_rules().rules) disable += "  - {id: " + r.id + ", enabled: false}\n";
  const RuleSet rules = custom_rules(disable);
  REQUIRE(rules.rules.empty());
  LoadedProfile p = load_one(minimal_profile());
  const Advice a = advise(p.profile, rules);
  std::vector<int> rungs;
  for (const auto& r : a.ranking) rungs.push_back(r.strategy->rung);
  REQUIRE(rungs.size() == 10);
  CHECK(std::is_sorted(rungs.begin(), rungs.end()));
  CHECK(rungs.front() == 1);
  CHECK(rungs.back() == 6);
}

TEST_CASE("knowledge and style gaps say which rungs combine", "[engine]") {
  const Advice a = advise_text(
      "task: {needs: [knowledge, style]}\ndata: {labeled_examples: 2k, domain_tokens: 50M}\ndomain: {overlap: medium}\n"
      "budget: {one_time_usd: $20k}\nrisk: {tolerance: medium}\n");
  REQUIRE(a.combinations.size() == 1);
  CHECK(a.combinations.front().strategies == std::vector<std::string>{"rag", "peft"});
  CHECK(*a.recommendation == "rag");
}

TEST_CASE("scores are clamped to 0 to 100", "[engine]") {
  const RuleSet rules =
      custom_rules("rules:\n  - {id: huge-bonus, strategies: [all], when: 'true', effect: +100, message: m, source: s}\n");
  LoadedProfile p = load_one(minimal_profile());
  for (const auto& r : advise(p.profile, rules).ranking) CHECK(r.score <= 100);
}

TEST_CASE("reasons are sorted by size of effect", "[engine]") {
  const Advice a = advise_text(minimal_profile("task: {needs: [skill]}\n"));
  for (const auto& r : a.ranking) {
    for (std::size_t i = 1; i < r.reasons.size(); ++i)
      CHECK(std::fabs(r.reasons[i - 1].effect) >= std::fabs(r.reasons[i].effect));
  }
}

TEST_CASE("advice is deterministic", "[engine]") {
  LoadedProfile p = load_one(minimal_profile("task: {needs: [knowledge, format]}\n"));
  const Advice a = advise(p.profile, default_rules());
  const Advice b = advise(p.profile, default_rules());
  for (std::size_t i = 0; i < a.ranking.size(); ++i) {
    CHECK(a.ranking[i].strategy->id == b.ranking[i].strategy->id);
    CHECK(a.ranking[i].score == b.ranking[i].score);
    CHECK(a.ranking[i].cost.one_time_usd.expected == b.ranking[i].cost.one_time_usd.expected);
  }
}

TEST_CASE("break-even against the recommendation is found by searching the costs", "[engine]") {
  const std::string text =
      "task: {needs: [skill]}\ndata: {labeled_examples: 5k, example_tokens: 400}\ndomain: {overlap: high}\n"
      "budget: {one_time_usd: $50k, horizon_months: 12}\nrisk: {tolerance: medium}\nusage: {requests_per_month: 2M}\n";
  const Advice a = advise_text(text);
  REQUIRE(a.recommendation);
  const StrategyResult& top = result_for(a, *a.recommendation);
  CHECK_FALSE(top.break_even);
  LoadedProfile p = load_one(text);
  const auto total = [&](const StrategyCost& c, double requests) {
    return c.one_time_usd.expected + 12 * monthly_usd_at(c, requests, p.profile, default_rules().catalog).expected;
  };
  int checked = 0;
  for (const auto& r : a.ranking) {
    if (!r.break_even || !r.break_even->requests_per_month || *r.break_even->requests_per_month <= 2) continue;
    // At the break-even volume the totals cross.
    const double v = *r.break_even->requests_per_month;
    const double above = r.break_even->below ? v / 1.5 : v * 1.1;
    const double other = r.break_even->below ? v * 1.1 : v / 1.5;
    CHECK(total(r.cost, above) <= total(top.cost, above));
    CHECK(total(r.cost, other) > total(top.cost, other));
    ++checked;
  }
  CHECK(checked > 0);
}

TEST_CASE("training emissions follow energy and grid intensity", "[engine]") {
  const Advice a = advise_text(minimal_profile());
  for (const auto& r : a.ranking) {
    if (r.cost.gpu.empty()) {
      CHECK(r.cost.emissions_kgco2e.expected == 0);
      continue;
    }
    CHECK(r.cost.energy_kwh.expected > 0);
    CHECK(r.cost.emissions_kgco2e.expected == Approx(r.cost.energy_kwh.expected * 0.385));
  }
}

TEST_CASE("setting a fact in place gives the value a fresh one would", "[engine]") {
  const auto same = [](const Value& a, const Value& b) {
    return a.type == b.type && a.boolean == b.boolean && a.number == b.number && a.text == b.text && a.list == b.list;
  };
  Facts facts;
  const std::size_t slot = fact_slot("plan.gpu");
  // Each setter after every kind of earlier value, lists included: nothing of the old one stays.
  const std::vector<Value> earlier = {Value::of_null(), Value::of_bool(true), Value::of_number(7.5),
                                      Value::of_string("a text longer than the small-string buffer"), Value::of_list({"x", "y"})};
  for (const Value& before : earlier) {
    facts.set_at(slot, before);
    facts.set_number_at(slot, 2.5);
    CHECK(same(facts.get(slot), Value::of_number(2.5)));
    facts.set_at(slot, before);
    facts.set_bool_at(slot, true);
    CHECK(same(facts.get(slot), Value::of_bool(true)));
    facts.set_at(slot, before);
    facts.set_text_at(slot, "h100-sxm");
    CHECK(same(facts.get(slot), Value::of_string("h100-sxm")));
    facts.set_at(slot, before);
    facts.set_null_at(slot);
    CHECK(same(facts.get(slot), Value::of_null()));
  }
}
