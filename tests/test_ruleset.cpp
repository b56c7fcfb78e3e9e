#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "helpers.hpp"
#include "llmplan/output/render.hpp"
#include "llmplan/rules/engine.hpp"
#include "llmplan/rules/outcome.hpp"
#include "llmplan/rules/snapshot.hpp"

using namespace llmplan;
using namespace llmplan::test;

namespace {
RuleSet load_with(const std::string& extra, Diagnostics& diags) {
  auto sources = default_rule_sources();
  sources.push_back({"extra.yaml", extra});
  return load_ruleset(sources, diags);
}
}  // namespace

TEST_CASE("the default rule set loads cleanly", "[rules]") {
  Diagnostics diags;
  const RuleSet rules = load_ruleset(default_rule_sources(), diags);
  for (const auto& d : diags.items()) INFO(format_diagnostic(d));
  CHECK(diags.empty());
  CHECK(rules.name == "default");
  REQUIRE(rules.strategies.size() == 10);
  for (const char* id : {"long-context", "hosted-finetune", "distill", "preference-tune"}) {
    CHECK(std::any_of(rules.strategies.begin(), rules.strategies.end(), [&](const Strategy& s) { return s.id == id; }));
  }
  CHECK(rules.strategies.front().id == "few-shot");
  CHECK(rules.strategies.back().id == "pretrain");
  CHECK(rules.catalog.gpus.size() >= 13);
  for (const char* id : {"v100", "t4", "a10g", "l4", "l40s", "rtx-4090", "rtx-a6000", "a100-40gb", "a100-80gb", "h100-sxm",
                         "h100-pcie", "h200", "mi300x", "h100"}) {
    INFO(id);
    CHECK(rules.catalog.find_gpu(id) != nullptr);
  }
}

TEST_CASE("every default rule has an id a source and a message", "[rules]") {
  const RuleSet& rules = default_rules();
  CHECK(rules.rules.size() >= 40);
  std::set<std::string> ids;
  for (const auto& rule : rules.rules) {
    INFO(rule.id);
    CHECK(ids.insert(rule.id).second);
    CHECK_FALSE(rule.source.empty());
    CHECK_FALSE(rule.message.empty());
    CHECK(rule.when.valid());
    CHECK_FALSE(rule.strategies.empty());
  }
}

TEST_CASE("every default rule reads a profile field or a cost fact", "[rules]") {
  // The rule set covers the profile: each field that matters is read by at least one rule.
  std::set<std::string> read;
  for (const auto& rule : default_rules().rules) {
    for (const auto& path : rule.when.fact_paths()) read.insert(path);
  }
  for (const char* field :
       {"data.labeled_examples", "data.domain_tokens", "data.updates_per_year", "task.needs", "domain.overlap",
        "domain.regulated", "risk.tolerance", "budget.one_time_usd", "budget.monthly_usd", "usage.requests_per_month",
        "constraints.self_hosted", "memory.fits", "team.expertise_level", "constraints.deadline_weeks", "cost.one_time_usd",
        "cost.monthly_usd", "constraints.max_latency_ms"}) {
    INFO(field);
    CHECK(read.count(field) == 1);
  }
}

TEST_CASE("every price and constant carries a source and a date", "[rules]") {
  const Catalog& c = default_rules().catalog;
  for (const auto& gpu : c.gpus) {
    INFO(gpu.id);
    CHECK(gpu.peak_tflops > 0);
    CHECK(gpu.memory_gib > 0);
    // A GPU without a public rental price says why (and is never rented by the advisor).
    REQUIRE((!gpu.prices.empty() || !gpu.price_note.empty()));
    for (const auto& q : gpu.prices) {
      CHECK_FALSE(q.source.empty());
      CHECK(q.date.size() == 10);
    }
  }
  for (const auto& [name, constant] : c.constants) {
    INFO(name);
    CHECK_FALSE(constant.source.empty());
    CHECK_FALSE(constant.date.empty());
    CHECK_FALSE(constant.why.empty());
  }
}

TEST_CASE("a later file overrides a rule by id and can disable one", "[rules]") {
  Diagnostics diags;
  const RuleSet rules = load_with(R"(rules:
  - id: cheap-to-try
    strategies: [peft]
    when: data.labeled_examples > 0
    effect: +40
    message: overridden
    source: test
  - id: pretraining-is-the-last-rung
    enabled: false
)",
                                  diags);
  CHECK(diags.empty());
  bool found = false;
  for (const auto& r : rules.rules) {
    CHECK(r.id != "pretraining-is-the-last-rung");
    if (r.id == "cheap-to-try") {
      found = true;
      CHECK(r.delta == 40);
      CHECK(r.message == "overridden");
    }
  }
  CHECK(found);
  CHECK(rules.rules.size() + 1 == default_rules().rules.size());
}

TEST_CASE("a condition error points at its column inside the YAML scalar", "[rules]") {
  Diagnostics diags;
  load_with(
      "rules:\n  - id: bad-rule\n    strategies: [rag]\n    when: data.labeled_examples > 5 and risk.tolerence == 'low'\n"
      "    effect: +5\n    message: x\n    source: y\n",
      diags);
  REQUIRE(diags.error_count() == 1);
  const Diagnostic& d = diags.items().front();
  CHECK(d.code == "unknown-fact");
  CHECK(d.loc.file == "extra.yaml");
  CHECK(d.loc.line == 4);
  CHECK(d.loc.column == 41);
  CHECK(d.message.find("risk.tolerance") != std::string::npos);
}

TEST_CASE("broken rules report every problem", "[rules]") {
  Diagnostics diags;
  load_with(R"(rules:
  - id: Bad_Id
    strategies: [peft, fine-tune]
    when: data.labeled_examples
    effect: lots
    message: "count {data.labeled_exampels}"
    sorce: typo
)",
            diags);
  CHECK(has_code(diags, "bad-id"));
  CHECK(has_code(diags, "unknown-strategy"));
  CHECK(has_code(diags, "type-error"));
  CHECK(has_code(diags, "bad-effect"));
  CHECK(has_code(diags, "unknown-fact"));
  CHECK(has_code(diags, "unknown-key"));
  CHECK(has_code(diags, "missing-field"));
}

TEST_CASE("a rule set without its constants or strategies is refused", "[rules]") {
  Diagnostics diags;
  load_ruleset({{"only.yaml", "rules: []\n"}}, diags);
  CHECK(has_code(diags, "missing-strategy"));
  CHECK(has_code(diags, "missing-constant"));
}

TEST_CASE("catalog entries are validated", "[rules]") {
  Diagnostics diags;
  load_with(
      "gpus:\n  - {id: x1, name: X, memory_gib: 10, peak_tflops: 10, board_power_w: 100, spec_source: s}\n"
      "cost_model:\n  pue: {value: 1.2, why: w}\n  lora_rank: {low: 8, expected: 4, high: 2, why: w, source: s, date: 2024-13}\n",
      diags);
  CHECK(has_code(diags, "missing-field"));  // no prices; pue without source and date
  CHECK(has_code(diags, "out-of-range"));   // low > high
}

TEST_CASE("messages fill placeholders with formatted facts", "[rules]") {
  Facts f;
  f.set("budget.one_time_usd", Value::of_number(5000));
  f.set("data.domain_tokens", Value::of_number(1.2e6));
  f.set("domain.overlap", Value::of_number(0.4));
  CHECK(render_message("{budget.one_time_usd} for {data.domain_tokens} at {domain.overlap}", f) ==
        "$5,000 for 1.2M tokens at 40%");
  CHECK(render_message("no placeholder {", f) == "no placeholder {");
}

TEST_CASE("a rule set holds at most ten thousand rules across its files", "[rules]") {
  // Two files of 6,000 rules each: the second crosses the limit, which is reported once, at the
  // first rule beyond it; the rules before it are kept.
  std::vector<RuleSource> sources = default_rule_sources();
  for (int file = 0; file < 2; ++file) {
    std::string text = "rules:\n";
    for (int i = 0; i < 6000; ++i) {
      text += fmt::format(
          "  - {{id: r{}-{}, strategies: [peft], when: data.labeled_examples > {}, effect: +1, "
          "message: m, source: s}}\n",
          file, i, i);
    }
    sources.push_back({fmt::format("org-{}.yaml", file), text});
  }
  Diagnostics diags;
  const RuleSet rules = load_ruleset(sources, diags);
  REQUIRE(diags.error_count() == 1);
  const Diagnostic* d = find_code(diags, "too-many-rules");
  REQUIRE(d != nullptr);
  CHECK(d->loc.file == "org-1.yaml");
  Diagnostics builtin_diags;
  const std::size_t builtin = load_ruleset(default_rule_sources(), builtin_diags).rules.size();
  CHECK(rules.rules.size() == k_max_rules);
  CHECK(d->loc.line == static_cast<int>(2 + k_max_rules - 6000 - builtin));
}

TEST_CASE("the built-in rule set restored from the build's snapshot is a fresh load of rules/*.yaml", "[rules]") {
  Diagnostics diags;
  const RuleSet restored = builtin_ruleset(diags);
  CHECK(diags.empty());
  const RuleSet& loaded = default_rules();
  // The same fields, as far as the snapshot's field lists know them...
  CHECK(save_ruleset(restored, Diagnostics{}) == save_ruleset(loaded, Diagnostics{}));
  CHECK(restored.rules.size() == loaded.rules.size());
  CHECK(restored.catalog.apis.size() == loaded.catalog.apis.size());
  // ...and the same advice for every shipped example, rendered in full: a field the lists miss,
  // or a compiled condition read back wrong, shows here.
  const std::filesystem::path dir = std::filesystem::path(LLMPLAN_SOURCE_DIR) / "examples";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 10);
  const auto rendered = [](const std::string& text, const std::string& file, const RuleSet& rules) {
    std::vector<ProfileOutcome> outcomes;
    for (auto& loaded_profile : load_profiles(text, file, rules.catalog)) {
      ProfileOutcome outcome;
      outcome.file = file;
      outcome.name = loaded_profile.profile.name;
      outcome.status = loaded_profile.valid() ? RunStatus::ok : RunStatus::invalid;
      outcome.diagnostics = loaded_profile.diagnostics;
      outcome.profile = std::move(loaded_profile.profile);
      if (outcome.status == RunStatus::ok) outcome.advice = advise(*outcome.profile, rules);
      outcomes.push_back(std::move(outcome));
    }
    return render_jsonl(outcomes) + render_table(outcomes, RenderOptions{});
  };
  for (const auto& file : files) {
    INFO(file.string());
    std::ifstream in(file);
    std::stringstream buffer;
    buffer << in.rdbuf();
    CHECK(rendered(buffer.str(), file.string(), restored) == rendered(buffer.str(), file.string(), loaded));
  }
}
