// libFuzzer target: mutates the numbers of the rule set, the catalogs and the cost model (every
// cost constant, GPU figures and prices, model shapes, rule effects) to values the input picks:
// zero, negative zero, fractions, 1e-300, 1e300, INT_MAX, or the input's own bytes as a double.
// The mutated file goes through the loader; a rule set that loads without errors then runs the
// engine on every example profile, and every estimate must keep its invariants (finite, not
// negative, ordered ranges): a rule set that passes the load-time bounds but breaks them is a
// finding (the bounds table of src/cost/catalog_bounds.cpp misses a case).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "llmplan/cost/catalog_bounds.hpp"
#include "llmplan/output/render.hpp"
#include "llmplan/rules/engine.hpp"
#include "llmplan/rules/ruleset.hpp"

namespace {

const std::vector<std::string>& profiles() {
  static const std::vector<std::string> texts = {
      "data: {labeled_examples: 2000}\ndomain: {overlap: low}\nbudget: {one_time_usd: 50k}\nrisk: {tolerance: medium}\n"
      "task: {needs: [style, skill]}\n",
      "data: {labeled_examples: 0, domain_tokens: 2T}\ndomain: {overlap: none}\nbudget: {one_time_usd: 10M}\n"
      "risk: {tolerance: high}\nconstraints: {self_hosted: true}\n",
      "data: {labeled_examples: 50}\ndomain: {overlap: high}\nbudget: {one_time_usd: 500}\nrisk: {tolerance: low}\n"
      "usage: {requests_per_month: 10M}\nmodel: {params: 70B}\n",
  };
  return texts;
}

class Input {
 public:
  Input(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}
  bool empty() const { return m_pos >= m_size; }
  uint8_t byte() { return m_pos < m_size ? m_data[m_pos++] : 0; }
  double number() {
    static const double k_interesting[] = {0,    -0.0, 0.5,  1,        2,     1e-300,     1e300, 2147483647, 4294967296,
                                           1e15, 1e16, 0.01, 0.999999, 1e-12, 65536.5,    3,     8,          1048577,
                                           100,  101,  -1,   1e6,      1e14,  1.00000001, 7e9,   0.001};
    const uint8_t pick = byte();
    if (pick < 200) return k_interesting[pick % (sizeof k_interesting / sizeof k_interesting[0])];
    double value = 0;
    uint8_t bytes[8] = {};
    for (auto& b : bytes) b = byte();
    std::memcpy(&value, bytes, sizeof value);
    return value;
  }

 private:
  const uint8_t* m_data;
  size_t m_size;
  size_t m_pos = 0;
};

std::string yaml_number(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  return fmt::format("{:.17g}", v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<llmplan::RuleSource> defaults = llmplan::default_rule_sources();
  static const std::vector<std::string> constants = llmplan::required_cost_constants();
  static const char* const gpu_keys[] = {"memory_gib", "peak_tflops", "board_power_w"};
  static const char* const model_keys[] = {"params", "layers", "hidden", "ffn", "heads", "kv_heads", "vocab", "context"};
  Input in(data, size);
  std::string cost = "cost_model:\n";
  std::string gpus = "gpus:\n";
  std::string models = "models:\n";
  std::string rules = "rules:\n";
  int edits = 0;
  while (!in.empty() && edits++ < 12) {
    const uint8_t kind = in.byte() % 4;
    if (kind == 0) {
      const std::string& name = constants[in.byte() % constants.size()];
      if (name == "api_model_default" || name == "default_model_for_tuning") continue;
      if (in.byte() % 2 == 0) {
        cost += fmt::format("  {}: {{value: {}, unit: x, why: fuzz, source: fuzz, date: 2026-11-25}}\n", name,
                            yaml_number(in.number()));
      } else {
        cost += fmt::format("  {}: {{low: {}, expected: {}, high: {}, unit: x, why: fuzz, source: fuzz, date: 2026-11-25}}\n",
                            name, yaml_number(in.number()), yaml_number(in.number()), yaml_number(in.number()));
      }
    } else if (kind == 1) {
      double v[3] = {80, 312, 400};
      v[in.byte() % 3] = in.number();
      gpus += fmt::format(
          "  - {{id: a100-80gb, name: fuzz, {}: {}, {}: {}, {}: {}, utilization_curve: ampere, spec_source: fuzz, "
          "prices: [{{usd_per_hour: {}, vendor: fuzz, date: 2026-11-25, source: fuzz}}]}}\n",
          gpu_keys[0], yaml_number(v[0]), gpu_keys[1], yaml_number(v[1]), gpu_keys[2], yaml_number(v[2]),
          yaml_number(in.byte() % 2 ? in.number() : 2.5));
    } else if (kind == 2) {
      double v[8] = {8.03e9, 32, 4096, 14336, 32, 8, 128256, 131072};
      v[in.byte() % 8] = in.number();
      std::string fields;
      for (int i = 0; i < 8; ++i) fields += fmt::format("{}: {}, ", model_keys[i], yaml_number(v[i]));
      models += "  - {id: llama-3.1-8b, name: fuzz, " + fields + "source: fuzz}\n";
    } else {
      rules += fmt::format(
          "  - {{id: fuzz-rule-{}, strategies: [all], when: \"true\", effect: \"{}\", message: fuzz, source: fuzz}}\n", edits,
          yaml_number(in.number()));
    }
  }
  std::string text;
  if (cost.size() > 12) text += cost;
  if (gpus.size() > 6) text += gpus;
  if (models.size() > 8) text += models;
  if (rules.size() > 7) text += rules;
  std::vector<llmplan::RuleSource> sources = defaults;
  sources.push_back({"fuzz.yaml", text});
  llmplan::Diagnostics diags;
  const llmplan::RuleSet set = llmplan::load_ruleset(sources, diags);
  if (diags.has_errors()) return 0;
  for (const auto& profile_text : profiles()) {
    for (auto& loaded : llmplan::load_profiles(profile_text, "fuzz-profile.yaml", set.catalog)) {
      if (!loaded.valid()) continue;
      const llmplan::Advice advice = llmplan::advise(loaded.profile, set);
      // The property the program guarantees: an estimate that breaks its invariants is caught as a
      // located `broken-estimate` error and never rendered (every advise and check path drops it).
      // Constants within their bounds can still combine into one (docs/security.md), so a catch
      // is not a finding; an uncaught or unlocated one is.
      llmplan::Diagnostics broken;
      bool sound = true;
      for (const auto& r : advice.ranking) {
        sound = llmplan::check_cost_invariants(r.cost, r.strategy->id, set.catalog, {"fuzz-profile.yaml", 1, 1}, broken) && sound;
      }
      if (!sound) {
        const auto& d = broken.items().front();
        if (d.code != "broken-estimate" || d.loc.file.empty() || d.message.empty()) {
          fmt::print(stderr, "a broken estimate was not reported as a located error:\n{}\n{}\n", text, d.message);
          std::abort();
        }
        continue;
      }
      llmplan::ProfileOutcome o{"fuzz-profile.yaml", loaded.profile.name, llmplan::RunStatus::ok, loaded.profile, advice,
                                loaded.diagnostics,  std::nullopt};
      (void)llmplan::render_jsonl({o});
      (void)llmplan::render_table({o}, llmplan::RenderOptions{});
    }
  }
  return 0;
}
