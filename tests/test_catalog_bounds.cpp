// Rule sets and catalogs are range-checked at load (issue 11).
#include <algorithm>
#include <catch2/catch.hpp>
#include <limits>
#include <string>

#include "helpers.hpp"
#include "llmplan/cost/catalog_bounds.hpp"
#include "llmplan/cost/costing.hpp"

using namespace llmplan;
using namespace llmplan::test;

namespace {

Diagnostics load_with(const std::string& extra) {
  auto sources = default_rule_sources();
  sources.push_back({"extra.yaml", extra});
  Diagnostics diags;
  load_ruleset(sources, diags);
  return diags;
}

std::string constant(const std::string& name, const std::string& value) {
  return "cost_model:\n  " + name + ":\n    value: " + value +
         "\n    unit: x\n    why: test\n    source: test\n    date: 2026-11-25\n";
}

std::string gpu(const std::string& tflops) {
  return "gpus:\n  - id: a100-80gb\n    name: x\n    memory_gib: 80\n    peak_tflops: " + tflops +
         "\n    board_power_w: 400\n    utilization_curve: ampere\n    spec_source: x\n    prices:\n"
         "      - {usd_per_hour: 2.5, vendor: x, date: 2026-11-25, source: x}\n";
}

/// A small catalog model with one more key (`"mlp: plain, "`, or "" for none), loaded.
Diagnostics tiny_model_with(const std::string& key) {
  return load_with(
      "models:\n  - {id: tiny, name: x, params: 1e9, layers: 16, hidden: 2048, ffn: 8192, heads: 16, vocab: 32000, " + key +
      "context: 2048, source: x}\n");
}

bool located_error(const Diagnostics& diags, const std::string& code, const std::string& text) {
  for (const auto& d : diags.items()) {
    if (d.code == code && d.loc.file == "extra.yaml" && d.loc.line > 0 && d.message.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("the default catalog is within its bounds", "[bounds]") {
  Diagnostics diags;
  check_catalog_bounds(default_rules().catalog, diags);
  for (const auto& d : diags.items()) INFO(format_diagnostic(d));
  CHECK(diags.empty());
}

TEST_CASE("GPU caps of zero or a fraction or beyond int are refused", "[bounds]") {
  for (const char* value : {"0", "0.5", "1e300", "2147483647"}) {
    INFO(value);
    CHECK(located_error(load_with(constant("max_gpus_pretrain", value)), "out-of-range", "max_gpus_pretrain"));
  }
  CHECK(located_error(load_with(constant("max_gpus_finetune", "0")), "out-of-range", "max_gpus_finetune"));
  CHECK(located_error(load_with(constant("scaling_reference_gpus", "0")), "out-of-range", "scaling_reference_gpus"));
}

TEST_CASE("a GPU of zero or tiny TFLOPS is refused", "[bounds]") {
  CHECK(located_error(load_with(gpu("0")), "out-of-range", "peak_tflops"));
  CHECK(located_error(load_with(gpu("1e-300")), "out-of-range", "peak_tflops"));
  CHECK_FALSE(load_with(gpu("312")).has_errors());
}

TEST_CASE("a model of 1e300 parameters is refused", "[bounds]") {
  const auto diags = load_with(
      "models:\n  - {id: llama-3.1-8b, name: x, params: 1e300, layers: 32, hidden: 4096, ffn: 14336, heads: 32, kv_heads: 8, "
      "vocab: 128256, context: 131072, source: x}\n");
  CHECK(located_error(diags, "out-of-range", "params"));
}

TEST_CASE("a model's MLP is gated or plain", "[bounds]") {
  CHECK(located_error(tiny_model_with("mlp: swiglu, "), "out-of-range", "`mlp`"));
  CHECK_FALSE(tiny_model_with("mlp: plain, ").has_errors());
  CHECK_FALSE(tiny_model_with("mlp: gated, ").has_errors());
  CHECK_FALSE(tiny_model_with("").has_errors());
}

TEST_CASE("a model's embeddings are tied or untied", "[bounds]") {
  CHECK(located_error(tiny_model_with("embeddings: shared, "), "out-of-range", "`embeddings`"));
  CHECK_FALSE(tiny_model_with("embeddings: tied, ").has_errors());
  CHECK_FALSE(tiny_model_with("embeddings: untied, ").has_errors());
  CHECK_FALSE(tiny_model_with("").has_errors());
}

TEST_CASE("a hexadecimal effect is not a score change", "[bounds]") {
  const std::string rule =
      "rules:\n  - id: hex\n    strategies: [rag]\n    when: \"true\"\n    effect: \"EFFECT\"\n"
      "    message: x\n    source: y\n";
  for (const char* effect : {"0x64", "inf", "1e2", " 5", "+", "5.", "nan"}) {
    INFO(effect);
    std::string text = rule;
    text.replace(text.find("EFFECT"), 6, effect);
    CHECK(located_error(load_with(text), "bad-effect", "effect"));
  }
  for (const char* effect : {"+15", "-20", "5", "2.5", "-100"}) {
    INFO(effect);
    std::string text = rule;
    text.replace(text.find("EFFECT"), 6, effect);
    CHECK_FALSE(load_with(text).has_errors());
  }
}

TEST_CASE("the same rule id twice in one file is an error", "[bounds]") {
  const std::string one =
      "  - id: twice\n    strategies: [rag]\n    when: \"true\"\n    effect: \"+5\"\n    message: x\n"
      "    source: y\n";
  CHECK(located_error(load_with("rules:\n" + one + one), "duplicate-id", "twice"));
  CHECK_FALSE(load_with("rules:\n" + one).has_errors());
}

TEST_CASE("a broken estimate is a located error naming its source", "[bounds]") {
  StrategyCost cost;
  cost.one_time_usd = {1, 2, 3};
  Diagnostics diags;
  CHECK(check_cost_invariants(cost, "rag", default_rules().catalog, SourceLoc{"p.yaml", 0, 0}, diags));
  cost.one_time_usd = {0, std::numeric_limits<double>::infinity(), 1};
  cost.gpu = "a100-80gb";
  CHECK_FALSE(check_cost_invariants(cost, "peft", default_rules().catalog, SourceLoc{"p.yaml", 0, 0}, diags));
  REQUIRE(diags.error_count() == 1);
  CHECK(diags.items().front().code == "broken-estimate");
  CHECK(diags.items().front().message.find("a100-80gb") != std::string::npos);
  CHECK(diags.items().front().loc.line > 0);
  cost.one_time_usd = {-1e-300, 0, 0};  // printed as `$-0` once
  Diagnostics negative;
  CHECK_FALSE(check_cost_invariants(cost, "peft", default_rules().catalog, SourceLoc{"p.yaml", 0, 0}, negative));
  cost.one_time_usd = {3, 2, 1};
  Diagnostics disordered;
  CHECK_FALSE(check_cost_invariants(cost, "peft", default_rules().catalog, SourceLoc{"p.yaml", 0, 0}, disordered));
}

TEST_CASE("every costing kind has all its people's time constants", "[catalog]") {
  // people_cost() reads a missing effort constant as zero hours, so a kind without one would price
  // part of the work as free: the shipped rule set must name every part for every kind.
  const RuleSet& rules = default_rules();
  for (const std::string_view name : costing_names()) {
    const Costing kind = *costing_from_name(name);
    std::string prefix = "effort_" + std::string(name) + "_";
    std::replace(prefix.begin(), prefix.end(), '-', '_');
    std::vector<std::string> parts = {"setup_hours", "data_hours_per_1k", "eval_hours", "upkeep_hours_per_month"};
    if (costing_changes_weights(kind)) parts.push_back("attempt_hours");
    for (const auto& part : parts) {
      INFO(prefix + part);
      const auto it = rules.catalog.constants.find(prefix + part);
      REQUIRE(it != rules.catalog.constants.end());
      CHECK_FALSE(it->second.source.empty());
      CHECK(it->second.value.low <= it->second.value.high);
    }
  }
}
