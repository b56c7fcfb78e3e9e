#include <catch2/catch.hpp>

#include <cmath>

#include "helpers.hpp"
#include "llmplan/input/units.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/rules/diff.hpp"
#include "llmplan/rules/explain.hpp"
#include "llmplan/rules/outcome.hpp"
#include "llmplan/rules/prng.hpp"
#include "llmplan/rules/sweep.hpp"
#include "llmplan/rules/uncertainty.hpp"

using namespace llmplan;
using namespace llmplan::test;

namespace {

const std::string k_classifier =
    "task: {type: classification, needs: [skill]}\ndata: {labeled_examples: 8k, example_tokens: 300}\n"
    "domain: {overlap: medium, regulated: true}\nbudget: {one_time_usd: $20k, monthly_usd: $2k}\nrisk: {tolerance: low}\n"
    "usage: {requests_per_month: 200k, input_tokens: 350, output_tokens: 10}\nteam: {ml_expertise: experienced}\n";

SweepAxis axis_of(const std::string& text, bool log) {
  Diagnostics diags;
  auto axis = parse_sweep_axis(text, diags);
  REQUIRE(axis);
  axis->log = log;
  return *axis;
}

}  // namespace

TEST_CASE("ranges LO..HI are read in the field's units", "[units]") {
  const auto r = parse_quantity_range("$10k..$40k", Dimension::usd);
  REQUIRE(r.ok);
  CHECK(r.is_range);
  CHECK(r.low == 10000);
  CHECK(r.high == 40000);
  const auto f = parse_quantity_range("20%..60%", Dimension::fraction);
  REQUIRE(f.ok);
  CHECK(f.low == Approx(0.2));
  CHECK(f.high == Approx(0.6));
  const auto single = parse_quantity_range("0.5", Dimension::fraction);
  REQUIRE(single.ok);
  CHECK_FALSE(single.is_range);
  CHECK_FALSE(parse_quantity_range("5k..2k", Dimension::count).ok);
  CHECK_FALSE(parse_quantity_range("5k..", Dimension::count).ok);
}

TEST_CASE("a profile range is advised at its middle and recorded", "[profile]") {
  LoadedProfile lin = load_one(minimal_profile("usage:\n  requests_per_month: 2k..5k\n"));
  REQUIRE(lin.valid());
  CHECK(lin.profile.facts.number("usage.requests_per_month") == 3500);
  REQUIRE(lin.profile.ranges.count("usage.requests_per_month") == 1);
  LoadedProfile geo = load_one(minimal_profile("usage:\n  requests_per_month: 1k..100k\n"));
  REQUIRE(geo.valid());
  CHECK(geo.profile.facts.number("usage.requests_per_month") == Approx(10000));
  LoadedProfile bad = load_one(minimal_profile("usage:\n  requests_per_month: 100k..1k\n"));
  CHECK_FALSE(bad.valid());
  LoadedProfile whole = load_one(
      "data:\n  labeled_examples: 10..15\ndomain:\n  overlap: medium\nbudget:\n  one_time_usd: $10k\nrisk:\n  tolerance: "
      "medium\n");
  REQUIRE(whole.valid());
  CHECK(whole.profile.facts.number("data.labeled_examples") == 13);
}

TEST_CASE("the typed setter checks values like the loader", "[profile]") {
  LoadedProfile p = load_one(minimal_profile());
  REQUIRE(p.valid());
  Diagnostics diags;
  CHECK(set_profile_number(p.profile, "data.labeled_examples", 5000, default_rules().catalog, diags));
  CHECK(p.profile.facts.number("data.labeled_tokens") == 5000 * 500);
  CHECK_FALSE(set_profile_number(p.profile, "data.labeled_examples", 2.5, default_rules().catalog, diags));
  CHECK_FALSE(set_profile_number(p.profile, "domain.overlap", 1.5, default_rules().catalog, diags));
  CHECK_FALSE(set_profile_number(p.profile, "task.type", 1, default_rules().catalog, diags));
  CHECK(has_code(diags, "out-of-range"));
}

TEST_CASE("the ranking-only path agrees with advise", "[engine]") {
  for (const std::string& text : {k_classifier, minimal_profile(), minimal_profile("task:\n  needs: [knowledge]\n")}) {
    LoadedProfile p = load_one(text);
    REQUIRE(p.valid());
    const Advice advice = advise(p.profile, default_rules());
    const Ranking r = rank_strategies(p.profile, default_rules());
    CHECK(top_id(r, default_rules()) == advice.recommendation.value_or("none"));
    for (const auto& s : advice.ranking) {
      std::size_t i = 0;
      while (default_rules().strategies[i].id != s.strategy->id) ++i;
      CHECK(r.scores[i] == s.score);
      CHECK((r.feasible[i] != 0) == s.blockers.empty());
    }
  }
}

TEST_CASE("sweep flip points agree with the counterfactuals of explain", "[sweep]") {
  LoadedProfile p = load_one(k_classifier);
  REQUIRE(p.valid());
  const Advice advice = advise(p.profile, default_rules());
  const Explanation e = explain(p.profile, default_rules(), advice);
  int compared = 0;
  for (const auto& c : e.counterfactuals) {
    if (c.fact == "budget.one_time_usd" && c.message.find("becomes feasible") != std::string::npos) continue;
    // Sweep from the profile's own value to the counterfactual's side of it.
    const double now = p.profile.facts.number(c.fact);
    const bool fraction = c.fact == "domain.overlap";
    const double lo = c.direction == "at least" ? now : std::max(c.value / (fraction ? 1.0 : 4.0) - (fraction ? 0.04 : 0), 0.0);
    const double hi = c.direction == "at least" ? c.value * (fraction ? 1.0 : 4.0) + (fraction ? 0.04 : 0) : now;
    SweepAxis axis = axis_of(c.fact + "=0..1", false);
    axis.low = std::max(lo, 0.0);
    axis.high = fraction ? std::min(hi, 1.0) : hi;
    axis.log = !fraction && axis.low > 0;
    const SweepResult s = sweep(p.profile, default_rules(), axis, std::nullopt, 200);
    // The flip nearest the profile's value is the counterfactual.
    REQUIRE_FALSE(s.flips.empty());
    const SweepFlip& f = c.direction == "at least" ? s.flips.front() : s.flips.back();
    INFO(c.message);
    const double shown = fraction ? std::round(f.value * 100) / 100 : round_significant(f.value, 2);
    if (c.direction == "at least") {
      CHECK(f.to == c.recommendation);
      CHECK(shown == Approx(c.value).epsilon(0.06));
    } else {
      CHECK(f.from == c.recommendation);
      CHECK(shown == Approx(c.value).epsilon(0.06));
    }
    ++compared;
  }
  CHECK(compared >= 2);
}

TEST_CASE("sweep values cover the range evenly or geometrically", "[sweep]") {
  SweepAxis a = axis_of("usage.requests_per_month=1k..1M", true);
  const auto v = sweep_values(a, 4);
  REQUIRE(v.size() == 4);
  CHECK(v[1] == Approx(1e4));
  CHECK(v[3] == 1e6);
  a.log = false;
  CHECK(sweep_values(a, 3)[1] == Approx(500500));
  Diagnostics diags;
  CHECK_FALSE(parse_sweep_axis("task.type=1..2", diags));
  CHECK_FALSE(parse_sweep_axis("usage.requests_per_month=5", diags));
}

TEST_CASE("uncertainty sampling is deterministic for a seed", "[uncertainty]") {
  LoadedProfile p = load_one(minimal_profile("usage:\n  requests_per_month: 1k..10M\n"));
  REQUIRE(p.valid());
  const Advice advice = advise(p.profile, default_rules());
  const Uncertainty a = sample_uncertainty(p.profile, default_rules(), advice.recommendation.value_or("none"), 500, 7);
  const Uncertainty b = sample_uncertainty(p.profile, default_rules(), advice.recommendation.value_or("none"), 500, 7);
  CHECK(a.p_best == b.p_best);
  double total = a.p_none;
  for (const double x : a.p_best) total += x;
  CHECK(total == Approx(1.0));
  CHECK(a.inputs.size() == 3);  // the range and the cost model's two
  CHECK_FALSE(a.confidence_words.empty());
  SplitMix64 r1(42);
  SplitMix64 r2(42);
  CHECK(r1.next() == r2.next());
  CHECK(confidence_in_words(0.97) == "very high");
  CHECK(confidence_in_words(0.3) == "very low");
}

TEST_CASE("diff finds no change between equal advice and names what changed", "[diff]") {
  LoadedProfile p = load_one(k_classifier);
  REQUIRE(p.valid());
  ProfileOutcome o;
  o.file = "a.yaml";
  o.status = RunStatus::ok;
  o.profile = p.profile;
  o.advice = advise(p.profile, default_rules());
  const AdviceSnapshot before = snapshot_of(o);
  CHECK_FALSE(diff_advice(before, before).changed());
  Diagnostics diags;
  REQUIRE(set_profile_number(*o.profile, "data.labeled_examples", 10, default_rules().catalog, diags));
  o.advice = advise(*o.profile, default_rules());
  const AdviceDiff d = diff_advice(before, snapshot_of(o));
  REQUIRE(d.changed());
  CHECK(d.changes.front().path == "recommendation");
  CHECK(d.old_recommendation == "\"peft\"");
  CHECK(d.new_recommendation == "\"few-shot\"");
}
