// Property tests over random inputs: whatever a valid profile or estimate request holds, within
// the bounds the loader and the CLI accept, no figure anywhere is NaN or infinite, ranges are
// ordered, scores stay in 0..100, and no output format prints `nan` or `inf`.
//
// The inputs come from a fixed seed, so a failure repeats; LLMPLAN_PROPERTY_SEED and
// LLMPLAN_PROPERTY_CASES run other or more cases.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <random>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "helpers.hpp"
#include "llmplan/cost/plan.hpp"
#include "llmplan/input/fields.hpp"
#include "llmplan/output/render.hpp"
#include "llmplan/rules/explain.hpp"
#include "llmplan/rules/rank.hpp"

using namespace llmplan;
using namespace llmplan::test;
using json = nlohmann::json;

namespace {

unsigned long env_or(const char* name, unsigned long fallback) {
  const char* text = std::getenv(name);
  return text != nullptr ? std::strtoul(text, nullptr, 10) : fallback;
}

class Sampler {
 public:
  explicit Sampler(unsigned long seed) : rng_(seed) {}

  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  std::size_t index(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[index(items.size())];
  }

  /// A number in [lo, hi], often at an edge: the bounds, zero, one, or log-uniform in between.
  double number(double lo, double hi, bool whole) {
    double v = 0;
    switch (index(6)) {
      case 0: v = lo; break;
      case 1: v = hi; break;
      case 2: v = std::clamp(1.0, lo, hi); break;
      default: {
        const double a = std::log10(std::max(lo, 1e-3));
        const double b = std::log10(std::max(hi, 1e-3));
        v = std::clamp(std::pow(10.0, std::uniform_real_distribution<double>(a, b)(rng_)), lo, hi);
      }
    }
    return whole ? std::clamp(std::round(v), std::ceil(lo), std::floor(hi)) : v;
  }

 private:
  std::mt19937_64 rng_;
};

/// Whole-number fields, from the field table (counts of examples, pairs, inputs, GPUs).
bool whole_field(const std::string& path) {
  for (const auto& field : profile_fields()) {
    if (field.path == path) return field.whole;
  }
  return path == "version";
}
const std::set<std::string> k_text_fields = {"name", "description", "domain.language"};
const std::set<std::string> k_boolean_fields = {"domain.regulated", "constraints.self_hosted", "usage.interactive"};
const std::set<std::string> k_required = {"data.labeled_examples", "domain.overlap", "budget.one_time_usd", "risk.tolerance"};

std::vector<std::string> ids_of(const auto& items) {
  std::vector<std::string> ids;
  for (const auto& item : items) ids.push_back(item.id);
  return ids;
}

/// A YAML line `path: value` for one field, or "" to leave the field out.
std::string random_field(Sampler& s, const std::string& path) {
  if (!k_required.contains(path) && s.chance(0.4)) return "";
  const Catalog& catalog = default_rules().catalog;
  std::string value;
  if (path == "hardware.gpu") {
    value = s.pick(ids_of(catalog.gpus));
  } else if (path == "model.name") {
    value = s.pick(ids_of(catalog.models));
  } else if (path == "model.api") {
    value = s.pick(ids_of(catalog.apis));
  } else if (k_text_fields.contains(path)) {
    value = s.pick(std::vector<std::string>{"x", "kn", "a project", "\"\""});
  } else if (k_boolean_fields.contains(path)) {
    value = s.chance(0.5) ? "true" : "false";
  } else if (path == "task.needs") {
    const auto& allowed = fact_catalog()[*fact_index(path)].allowed;
    value = "[";
    for (const auto& need : allowed) {
      if (s.chance(0.4)) value += (value.size() > 1 ? ", " : "") + need;
    }
    value += "]";
  } else if (path == "proposal.strategy") {
    value = s.pick(default_rules().strategy_ids());
  } else if (path == "hardware.count") {
    value = fmt::format("{:.17g}", s.number(1, 1e6, true));
  } else if (const auto range = fact_range(path)) {
    value = fmt::format("{:.17g}", s.number(range->first, std::min(range->second, 1e300), whole_field(path)));
  } else {
    const auto index = fact_index(path);
    REQUIRE(index);
    REQUIRE_FALSE(fact_catalog()[*index].allowed.empty());
    value = s.pick(fact_catalog()[*index].allowed);
  }
  return path + ": " + value;
}

/// A random profile over every field of the format, as nested YAML.
std::string random_profile(Sampler& s) {
  std::map<std::string, std::vector<std::string>> sections;
  std::string top;
  for (const auto& path : profile_field_paths()) {
    const std::string line = random_field(s, path);
    if (line.empty()) continue;
    const auto dot = path.find('.');
    if (dot == std::string::npos)
      top += line + "\n";
    else
      sections[path.substr(0, dot)].push_back(line.substr(dot + 1));
  }
  // `hardware.count` counts the GPUs `hardware.gpu` names; alone it is an error.
  auto& hardware = sections["hardware"];
  const bool has_gpu = std::any_of(hardware.begin(), hardware.end(), [](const auto& l) { return l.starts_with("gpu:"); });
  if (!has_gpu) std::erase_if(hardware, [](const auto& l) { return l.starts_with("count:"); });
  if (hardware.empty()) sections.erase("hardware");
  std::string yaml = top;
  for (const auto& [section, lines] : sections) {
    yaml += section + ":\n";
    for (const auto& line : lines) yaml += "  " + line + "\n";
  }
  return yaml;
}

/// Runs `check` on `cases` random valid profiles drawn from `s`; an assertion that fails shows the
/// case's number and YAML.
template <typename Check>
void for_random_profiles(Sampler& s, unsigned long cases, Check&& check) {
  for (unsigned long i = 0; i < cases; ++i) {
    const std::string yaml = random_profile(s);
    INFO("case " << i << ":\n" << yaml);
    const LoadedProfile loaded = load_one(yaml, "random.yaml");
    REQUIRE(loaded.valid());
    check(loaded);
  }
}

bool finite_range(const Range& r) {
  return std::isfinite(r.low) && std::isfinite(r.expected) && std::isfinite(r.high) && r.low >= 0 &&
         r.low <= r.expected * (1 + 1e-12) && r.expected <= r.high * (1 + 1e-12);
}

bool finite_memory(const MemoryEstimate& m) {
  for (double v : {m.weights, m.gradients, m.optimizer, m.activations, m.overhead, m.total, m.gpu_gib}) {
    if (!std::isfinite(v) || v < 0) return false;
  }
  return true;
}

void check_cost(const StrategyCost& c) {
  INFO("costing " << costing_name(c.costing));
  CHECK(std::isfinite(c.params));
  CHECK(std::isfinite(c.training_tokens));
  CHECK(std::isfinite(c.training_flops));
  for (const Range* r : {&c.one_time_usd, &c.monthly_usd, &c.horizon_usd, &c.gpu_hours, &c.wall_clock_days, &c.energy_kwh,
                         &c.emissions_kgco2e, &c.added_prompt_tokens}) {
    CHECK(finite_range(*r));
  }
  CHECK(finite_memory(c.memory));
}

/// Every number in the JSON is finite, and null only where the contract allows it.
void walk_json(const json& j, const std::string& key, std::set<std::string>& null_keys) {
  if (j.is_null()) null_keys.insert(key);
  if (j.is_number_float()) CHECK(std::isfinite(j.get<double>()));
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) walk_json(v, k, null_keys);
  }
  if (j.is_array()) {
    for (const auto& v : j) walk_json(v, key, null_keys);
  }
}

const std::regex k_not_a_number(R"((^|[^A-Za-z])(nan|inf|infinity)([^A-Za-z]|$))", std::regex::icase);

}  // namespace

TEST_CASE("random profiles never produce NaN or infinity in any output", "[property]") {
  Sampler s(env_or("LLMPLAN_PROPERTY_SEED", 20261122));
  const unsigned long cases = env_or("LLMPLAN_PROPERTY_CASES", 400);
  // Null is the contract's word for "none", "never" or "does not apply": no recommendation when
  // nothing is feasible, no break-even (or none to compute: few-shot, rag), no training GPU, an
  // unset optional field in the assumptions. Never for a figure that went wrong.
  const std::set<std::string> nullable = {
      "recommendation", "break_even", "requests_per_month", "months",  "gpu",       "value",      "model",
      "api_model",      "training",   "price_date",         "problem", "runner_up", "people_usd", "no_recommendation",
      "teacher",        "retirement"};
  unsigned long valid = 0;
  std::vector<ProfileOutcome> batch;
  for (unsigned long i = 0; i < cases; ++i) {
    const std::string yaml = random_profile(s);
    INFO("case " << i << ":\n" << yaml);
    const LoadedProfile loaded = load_one(yaml, "random.yaml");
    if (!loaded.valid()) {
      for (const auto& d : loaded.diagnostics.items()) UNSCOPED_INFO(format_diagnostic(d));
      CHECK(loaded.valid());
      continue;
    }
    ++valid;
    const Advice advice = advise(loaded.profile, default_rules());
    for (const auto& result : advice.ranking) {
      CHECK(std::isfinite(result.score));
      CHECK(result.score >= 0);
      CHECK(result.score <= 100);
      for (const auto& reason : result.reasons) CHECK(std::isfinite(reason.effect));
      if (result.break_even) {
        if (result.break_even->requests_per_month) CHECK(std::isfinite(*result.break_even->requests_per_month));
        if (result.break_even->months) CHECK(std::isfinite(*result.break_even->months));
      }
      check_cost(result.cost);
    }
    ProfileOutcome outcome{"random.yaml", loaded.profile.name, RunStatus::ok, loaded.profile,
                           advice,        loaded.diagnostics,  std::nullopt};
    // Counterfactuals re-run the engine many times; every tenth case is enough to reach them.
    if (i % 10 == 0) {
      outcome.explanation = explain(loaded.profile, default_rules(), advice);
      for (const auto& cf : outcome.explanation->counterfactuals) CHECK(std::isfinite(cf.value));
    }
    std::set<std::string> null_keys;
    walk_json(json::parse(render_json({outcome}, default_rules())), "", null_keys);
    for (const auto& key : null_keys) {
      INFO("null at key " << key);
      CHECK(nullable.contains(key));
    }
    for (const std::string& text : {render_table({outcome}, RenderOptions{}), render_markdown({outcome})}) {
      CHECK_FALSE(std::regex_search(text, k_not_a_number));
    }
  }
  // The generator must mostly produce profiles the loader accepts, or the property is vacuous.
  CHECK(valid == cases);
}

TEST_CASE("the searches with their cost floors find the plans of the searches over every GPU", "[property]") {
  Sampler s(env_or("LLMPLAN_PROPERTY_SEED", 20261126));
  const unsigned long cases = env_or("LLMPLAN_PROPERTY_CASES", 400) / 2;
  unsigned long trained = 0;
  for_random_profiles(s, cases, [&](const LoadedProfile& loaded) {
    const auto rendered = [&] {
      const Advice advice = advise(loaded.profile, default_rules());
      for (const auto& r : advice.ranking) trained += r.cost.gpu.empty() ? 0 : 1;
      return render_json({ProfileOutcome{"random.yaml", loaded.profile.name, RunStatus::ok, loaded.profile, advice,
                                         loaded.diagnostics, std::nullopt}},
                         default_rules());
    };
    const std::string with_floor = rendered();
    set_search_floors(false);
    const std::string every_gpu = rendered();
    set_search_floors(true);
    CHECK(with_floor == every_gpu);
  });
  CHECK(trained > cases);  // the profiles do train on GPUs: the comparison is not vacuous
}

TEST_CASE("a self-hosted plan costs no less a month when its volume doubles", "[property]") {
  // More requests on the same GPUs in the same mode never cost much less: dedicated replicas
  // only grow, and scale-to-zero workers bill the idle time the requests leave as well as the
  // work. The one saving is real: a request that arrives before the idle timeout spares the
  // next one a cold start, which can lower the bill by a few percent; 10% bounds it with room.
  Sampler s(env_or("LLMPLAN_PROPERTY_SEED", 20261127));
  const unsigned long cases = env_or("LLMPLAN_PROPERTY_CASES", 400) / 4;
  const Catalog& c = default_rules().catalog;
  unsigned long serverless = 0;
  for_random_profiles(s, cases, [&](const LoadedProfile& loaded) {
    for (const Costing kind : {Costing::adapter, Costing::prompt}) {
      const StrategyCost cost = estimate_strategy(kind, loaded.profile, c, PlanDetail::ranking);
      if (cost.serving_gpus.gpu == nullptr) continue;  // served by an API
      serverless += cost.serving_gpus.serverless ? 1 : 0;
      double before = monthly_usd_at(cost, 10, loaded.profile, c).expected;
      for (double requests = 20; requests <= 1e10; requests *= 2) {
        const double now = monthly_usd_at(cost, requests, loaded.profile, c).expected;
        INFO(costing_name(kind) << " on " << cost.serving_gpus.gpu->id << (cost.serving_gpus.serverless ? " serverless" : "")
                                << " at " << requests << " requests a month");
        CHECK(now >= 0.9 * before);
        before = now;
      }
    }
  });
  CHECK(serverless > cases / 10);  // scale-to-zero plans are among those checked
}

TEST_CASE("a strategy priced for ranking has the figures of the plan priced in full", "[property]") {
  Sampler s(env_or("LLMPLAN_PROPERTY_SEED", 20261128));
  const unsigned long cases = env_or("LLMPLAN_PROPERTY_CASES", 400) / 4;
  const auto same = [](const Range& a, const Range& b) { return a.low == b.low && a.expected == b.expected && a.high == b.high; };
  for_random_profiles(s, cases, [&](const LoadedProfile& loaded) {
    for (const auto& strategy : default_rules().strategies) {
      INFO("strategy " << strategy.id);
      const Catalog& c = default_rules().catalog;
      const StrategyCost full = estimate_strategy(strategy.costing, loaded.profile, c, PlanDetail::full);
      const StrategyCost ranking = estimate_strategy(strategy.costing, loaded.profile, c, PlanDetail::ranking);
      CHECK(same(full.one_time_usd, ranking.one_time_usd));
      CHECK(same(full.monthly_usd, ranking.monthly_usd));
      CHECK(same(full.horizon_usd, ranking.horizon_usd));
      CHECK(same(full.gpu_hours, ranking.gpu_hours));
      CHECK(full.feasible == ranking.feasible);
      CHECK(full.gpu == ranking.gpu);
      CHECK(full.plan_model == ranking.plan_model);
      CHECK(full.memory.total == ranking.memory.total);
      CHECK(full.limit == ranking.limit);
    }
  });
}

namespace {

/// Each cost drawn at quantile q of its range, as uncertainty sampling does (monthly from the top).
CostAdjust drawn_costs(double q) {
  return [q](std::size_t, StrategyCost& cost) {
    cost.one_time_usd.expected = cost.one_time_usd.low + q * (cost.one_time_usd.high - cost.one_time_usd.low);
    cost.monthly_usd.expected = cost.monthly_usd.high - q * (cost.monthly_usd.high - cost.monthly_usd.low);
    cost.horizon_usd.expected = cost.one_time_usd.expected + 12 * cost.monthly_usd.expected;
  };
}

/// The fields explain searches: every probe of a counterfactual sets one of them.
std::vector<const ProfileField*> searched_fields() {
  std::vector<const ProfileField*> searched;
  for (const auto& field : profile_fields()) {
    if (field.search) searched.push_back(&field);
  }
  return searched;
}

/// A PricedProfile whose every remembered judgement is wrong: a reuse test must notice it.
PricedProfile with_judgements_inverted(PricedProfile priced) {
  for (auto& held : priced.holds) {
    for (auto& h : held) h = h != 0 ? 0 : 1;
  }
  return priced;
}

}  // namespace

TEST_CASE("the bounded ranking of a sample puts first what the full ranking does", "[property]") {
  Sampler s(env_or("LLMPLAN_PROPERTY_SEED", 20261127));
  const unsigned long cases = env_or("LLMPLAN_PROPERTY_CASES", 400) / 2;
  const RuleIndex index = index_rules(default_rules());
  std::set<int> tops;
  for_random_profiles(s, cases, [&](const LoadedProfile& loaded) {
    // A cost drawn anywhere in its range, as uncertainty sampling does.
    const double q = static_cast<double>(s.index(1001)) / 1000;
    const CostAdjust adjust = drawn_costs(q);
    const int full = rank_strategies(loaded.profile, default_rules(), adjust).top;
    CHECK(top_bounded(loaded.profile, default_rules(), index, adjust) == full);
    tops.insert(full);
    // The same with the profile's own judgements reused (sampling without ranged fields).
    const PricedProfile base = price_profile(loaded.profile, default_rules());
    const Ranking reused = rank_base_with_costs(base, default_rules(), adjust);
    CHECK(reused.top == full);
    CHECK(reused.scores == rank_with_costs(loaded.profile, default_rules(), base.costs, adjust).scores);
    CHECK(top_bounded(loaded.profile, base, default_rules(), adjust) == full);
  });
  CHECK(tops.size() >= 3);  // the cases reach several different picks
}

TEST_CASE("a sample with drawn fields and costs puts first what the full ranking does", "[property]") {
  Sampler s(env_or("LLMPLAN_PROPERTY_SEED", 20261129));
  const unsigned long cases = env_or("LLMPLAN_PROPERTY_CASES", 400) / 4;
  const RuleSet& rules = default_rules();
  const std::vector<const ProfileField*> searched = searched_fields();
  unsigned long wrong_reuse_differs = 0;
  for (unsigned long i = 0; i < cases; ++i) {
    const std::string yaml = random_profile(s);
    const LoadedProfile loaded = load_one(yaml, "random.yaml");
    REQUIRE(loaded.valid());
    const PricedProfile base = price_profile(loaded.profile, rules);
    const PricedProfile inverted = with_judgements_inverted(price_profile(loaded.profile, rules));
    const double q = static_cast<double>(s.index(1001)) / 1000;
    const CostAdjust adjust = drawn_costs(q);
    Profile work = loaded.profile;
    Diagnostics diags;
    const ProfileField& field = *s.pick(searched);
    const double value = s.number(field.search->first, field.search->second, field.whole);
    INFO("case " << i << ", " << field.path << " = " << value << ":\n" << yaml);
    if (!set_profile_number(work, field.path, value, rules.catalog, diags)) continue;
    const int full = rank_strategies(work, rules, adjust).top;
    CHECK(top_bounded(work, base, rules, adjust) == full);
    if (rank_base_with_costs(inverted, rules, adjust).scores != rank_base_with_costs(base, rules, adjust).scores)
      ++wrong_reuse_differs;
  }
  CHECK(wrong_reuse_differs > 0);  // a wrong reuse would be seen
}

TEST_CASE("a what-if that reuses its base's judgements ranks as a full ranking does", "[property]") {
  Sampler s(env_or("LLMPLAN_PROPERTY_SEED", 20261128));
  const unsigned long cases = env_or("LLMPLAN_PROPERTY_CASES", 400) / 2;
  const RuleSet& rules = default_rules();
  const std::vector<const ProfileField*> searched = searched_fields();
  REQUIRE(searched.size() >= 5);
  unsigned long reused_differs = 0;
  for (unsigned long i = 0; i < cases; ++i) {
    const std::string yaml = random_profile(s);
    const LoadedProfile loaded = load_one(yaml, "random.yaml");
    REQUIRE(loaded.valid());
    const PricedProfile base = price_profile(loaded.profile, rules);
    for (int probe = 0; probe < 3; ++probe) {
      const ProfileField& field = *s.pick(searched);
      const double value = s.number(field.search->first, field.search->second, field.whole);
      INFO("case " << i << ", " << field.path << " = " << value << ":\n" << yaml);
      Profile work = loaded.profile;
      Diagnostics diags;
      if (!set_profile_number(work, field.path, value, rules.catalog, diags)) continue;
      const Ranking full = rank_strategies(work, rules);
      const Ranking whatif = rank_whatif(work, base, rules);
      CHECK(whatif.top == full.top);
      if (same_pricing_inputs(work.facts, loaded.profile.facts)) CHECK(whatif.scores == full.scores);
      CHECK(top_whatif(work, base, rules) == top_id(full, rules));
      // The test can fail: with every reused judgement inverted, some what-ifs rank otherwise.
      const PricedProfile inverted = with_judgements_inverted(price_profile(loaded.profile, rules));
      if (rank_whatif(work, inverted, rules).scores != full.scores) ++reused_differs;
    }
  }
  CHECK(reused_differs > 0);
}

TEST_CASE("random estimate requests never produce NaN or infinity", "[property]") {
  Sampler s(env_or("LLMPLAN_PROPERTY_SEED", 20261122) + 1);
  const unsigned long cases = env_or("LLMPLAN_PROPERTY_CASES", 400) * 5;
  const Catalog& catalog = default_rules().catalog;
  for (unsigned long i = 0; i < cases; ++i) {
    TrainingRequest r;
    // The bounds of the `estimate` command's flags.
    r.method = s.pick(std::vector<std::string>{"full", "lora", "qlora"});
    r.model = s.chance(0.3) ? s.pick(catalog.models).shape : shape_for_params(s.number(1e6, 1e14, false));
    r.tokens = s.number(0, 1e16, false);
    r.gpu = &s.pick(catalog.gpus);
    r.gpus = static_cast<int>(s.number(1, 1e6, true));
    r.seq_len = static_cast<int>(s.number(1, 1e7, true));
    r.micro_batch = static_cast<int>(s.number(1, 1e5, true));
    r.checkpointing = s.chance(0.5);
    r.lora_rank = static_cast<int>(s.number(1, 4096, true));
    r.lora_targets = s.pick(std::vector<std::string>{"all", "attention", "qv"});
    r.zero_stage = static_cast<int>(s.number(-1, 3, true));
    if (s.chance(0.3)) r.grid_kgco2e_per_kwh = s.number(0, 5, false);
    if (s.chance(0.3)) r.pue = s.number(1, 5, false);
    if (s.chance(0.3)) r.utilization = s.number(0.01, 1, false);
    if (s.chance(0.3)) r.price_per_gpu_hour = s.number(0, 1000, false);
    r.finetune = s.chance(0.5);
    r.owned = s.chance(0.2);
    INFO("case " << i << ": " << r.method << " params " << r.model.params << " tokens " << r.tokens << " gpu " << r.gpu->id
                 << " x" << r.gpus << " seq " << r.seq_len << " micro-batch " << r.micro_batch);
    const TrainingEstimate e = estimate_training(r, catalog);
    CHECK(std::isfinite(e.flops));
    CHECK(std::isfinite(e.trainable_params));
    for (const Range* range : {&e.gpu_hours, &e.wall_clock_days, &e.cost_usd, &e.energy_kwh, &e.emissions_kgco2e})
      CHECK(finite_range(*range));
    CHECK(finite_memory(e.memory));
  }
}
