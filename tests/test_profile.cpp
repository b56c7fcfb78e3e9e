#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "helpers.hpp"

using namespace llmplan;
using namespace llmplan::test;

TEST_CASE("a minimal profile loads with defaults recorded as assumptions", "[profile]") {
  const LoadedProfile p = load_one(minimal_profile(), "dir/my-project.yaml");
  REQUIRE(p.valid());
  const Facts& f = p.profile.facts;
  CHECK(p.profile.name == "my-project");
  CHECK(f.number("data.labeled_examples") == 1000);
  CHECK(f.number("data.example_tokens") == 500);
  CHECK(f.number("usage.requests_per_month") == 10000);
  CHECK(f.number("domain.overlap") == Approx(0.5));
  CHECK(f.text("task.type") == "generation");
  CHECK(f.get("task.needs").list == std::vector<std::string>{"skill"});
  CHECK(f.get("budget.monthly_usd").is_null());
  CHECK_FALSE(f.flag("budget.has_monthly_limit"));
  CHECK_FALSE(f.flag("hardware.owned"));
  std::vector<std::string> assumed;
  for (const auto& a : p.profile.assumptions) assumed.push_back(a.field);
  CHECK(std::is_sorted(assumed.begin(), assumed.end()));
  CHECK(std::find(assumed.begin(), assumed.end(), "usage.requests_per_month") != assumed.end());
  CHECK(std::find(assumed.begin(), assumed.end(), "budget.monthly_usd") != assumed.end());
  CHECK(std::find(assumed.begin(), assumed.end(), "data.labeled_examples") == assumed.end());
}

TEST_CASE("profile quantities accept suffixes units and words", "[profile]") {
  const LoadedProfile p = load_one(minimal_profile("usage:\n  requests_per_month: 50_000\ndata2: 1\n"));
  CHECK(has_code(p.diagnostics, "unknown-key"));
  const LoadedProfile q = load_one(
      "data: {labeled_examples: 3k examples, domain_tokens: 1.2M tokens, freshness: weekly}\n"
      "domain: {overlap: 40%, regulated: true}\nbudget: {one_time_usd: $1.5M, monthly_usd: 500 USD, horizon_months: 2 years}\n"
      "risk: {tolerance: low}\nconstraints: {deadline_weeks: 3 months}\nmodel: {params: 70B params}\n");
  REQUIRE(q.valid());
  const Facts& f = q.profile.facts;
  CHECK(f.number("data.labeled_examples") == 3000);
  CHECK(f.number("data.domain_tokens") == Approx(1.2e6));
  CHECK(f.number("domain.overlap") == Approx(0.4));
  CHECK(f.text("domain.overlap_level") == "medium");
  CHECK(f.number("budget.one_time_usd") == Approx(1.5e6));
  CHECK(f.number("budget.monthly_usd") == 500);
  CHECK(f.number("budget.horizon_months") == 24);
  CHECK(f.number("constraints.deadline_weeks") == Approx(13.04).epsilon(0.01));
  CHECK(f.number("data.updates_per_year") == 52);
  CHECK(f.number("model.params") == Approx(7e10));
  CHECK(f.flag("domain.regulated"));
}

TEST_CASE("profile errors carry file line and column", "[profile]") {
  const LoadedProfile p = load_one(
      "data:\n  labeled_examples: 3m\ndomain:\n  overlap: hgh\nbudjet:\n  one_time_usd: 5k\nrisk:\n  tolerance: lo\n", "p.yaml");
  CHECK_FALSE(p.valid());
  const Diagnostic* quantity = find_code(p.diagnostics, "bad-quantity");
  REQUIRE(quantity);
  CHECK(quantity->loc.file == "p.yaml");
  CHECK(quantity->loc.line == 2);
  CHECK(quantity->loc.column == 22);
  CHECK(quantity->path == "data.labeled_examples");
  const Diagnostic* unknown = find_code(p.diagnostics, "unknown-key");
  REQUIRE(unknown);
  CHECK(unknown->loc.line == 5);
  CHECK(unknown->loc.column == 1);
  CHECK(unknown->message.find("did you mean `budget`") != std::string::npos);
  const Diagnostic* enumeration = find_code(p.diagnostics, "bad-enum");
  REQUIRE(enumeration);
  CHECK(enumeration->message.find("did you mean") != std::string::npos);
  // Every error of the file, not only the first: quantity, overlap, key, tolerance. The
  // misspelled `budjet` is not reported a second time as a missing `budget`.
  CHECK(p.diagnostics.error_count() == 4);
  CHECK_FALSE(has_code(p.diagnostics, "missing-field"));
}

TEST_CASE("required fields missing are each reported", "[profile]") {
  const LoadedProfile p = load_one("task: {type: chat}\n");
  CHECK(p.diagnostics.error_count() == 4);
  CHECK(has_code(p.diagnostics, "missing-field"));
}

TEST_CASE("a misplaced field says where it belongs", "[profile]") {
  const LoadedProfile p = load_one(minimal_profile("labeled_examples: 5\n"));
  const Diagnostic* d = find_code(p.diagnostics, "unknown-key");
  REQUIRE(d);
  CHECK(d->message.find("belongs under `data`") != std::string::npos);
}

TEST_CASE("wrong shapes are errors not crashes", "[profile]") {
  for (const char* text :
       {"[1, 2]", "just text", "data: 5\ndomain: {overlap: high}\nbudget: {one_time_usd: 1}\nrisk: {tolerance: low}\n",
        "data: {labeled_examples: [1]}\n", "task: {needs: {a: b}}\n", "domain: {regulated: maybe}\n", "{? [a] : 1}\n"}) {
    INFO(text);
    const LoadedProfile p = load_one(text);
    CHECK_FALSE(p.valid());
  }
}

TEST_CASE("catalog ids are checked with suggestions", "[profile]") {
  const LoadedProfile p = load_one(minimal_profile("hardware: {gpu: a100-80, count: 2}\nmodel: {name: llama-3.1-8}\n"));
  const Diagnostic* gpu = find_code(p.diagnostics, "unknown-gpu");
  REQUIRE(gpu);
  CHECK(gpu->message.find("a100-80gb") != std::string::npos);
  CHECK(has_code(p.diagnostics, "unknown-model"));
  const LoadedProfile alias = load_one(minimal_profile("hardware: {gpu: h100}\nmodel: {name: llama-3.1-8b}\n"));
  REQUIRE(alias.valid());
  CHECK(alias.profile.facts.text("hardware.gpu") == "h100-sxm");
  CHECK(alias.profile.facts.number("hardware.count") == 1);
  CHECK(alias.profile.facts.number("hardware.gpu_memory_gib") == 80);
  CHECK(alias.profile.facts.number("model.params") == Approx(8.03e9));
}

TEST_CASE("out of range values are refused", "[profile]") {
  CHECK(has_code(load_one(minimal_profile("domain2: 1\n")).diagnostics, "unknown-key"));
  const LoadedProfile p = load_one(
      "data: {labeled_examples: 2.5}\ndomain: {overlap: 150%}\nbudget: {one_time_usd: 1}\nrisk: {tolerance: low}\n"
      "version: 2\n");
  CHECK(p.diagnostics.error_count() == 3);
}

TEST_CASE("task needs are deduplicated and sorted", "[profile]") {
  const LoadedProfile p = load_one(minimal_profile("task: {needs: [style, knowledge, style]}\n"));
  REQUIRE(p.valid());
  CHECK(p.profile.facts.get("task.needs").list == std::vector<std::string>{"knowledge", "style"});
  CHECK(has_code(p.diagnostics, "duplicate-item"));
}

TEST_CASE("several documents are several profiles", "[profile]") {
  auto all = load_profiles(minimal_profile() + "---\n" + minimal_profile(), "many.yaml", default_rules().catalog);
  REQUIRE(all.size() == 2);
  CHECK(all[0].profile.name == "many#1");
  CHECK(all[1].profile.name == "many#2");
  CHECK(all[1].valid());
}

TEST_CASE("set_profile_field overrides with the same checks", "[profile]") {
  LoadedProfile p = load_one(minimal_profile());
  Diagnostics diags;
  CHECK(set_profile_field(p.profile, "data.labeled_examples", "10", default_rules().catalog, diags));
  CHECK(p.profile.facts.number("data.labeled_examples") == 10);
  CHECK(p.profile.facts.number("data.labeled_tokens") == 5000);
  CHECK_FALSE(set_profile_field(p.profile, "data.labeled_exmples", "10", default_rules().catalog, diags));
  CHECK(diags.items().back().message.find("data.labeled_examples") != std::string::npos);
  CHECK_FALSE(set_profile_field(p.profile, "budget.one_time_usd", "-5", default_rules().catalog, diags));
  CHECK(set_profile_field(p.profile, "task.needs", "[knowledge, format]", default_rules().catalog, diags));
  CHECK(p.profile.facts.get("task.needs").list == std::vector<std::string>{"format", "knowledge"});
}

TEST_CASE("errors in later documents carry their own line numbers", "[profile]") {
  auto all = load_profiles(minimal_profile() + "---\n" + minimal_profile("risk2: 1\n"), "many.yaml", default_rules().catalog);
  REQUIRE(all.size() == 2);
  const Diagnostic* d = find_code(all[1].diagnostics, "unknown-key");
  REQUIRE(d);
  CHECK(d->loc.line == 18);
  CHECK(all[0].valid());
}

TEST_CASE("the profile schema and the loader accept the same fields", "[profile][schema]") {
  const auto schema = nlohmann::json::parse(profile_json_schema(default_rules().strategy_ids()));
  CHECK(schema["$schema"] == "http://json-schema.org/draft-07/schema#");
  std::size_t leaves = 0;
  for (const auto& path : profile_field_paths()) {
    INFO(path);
    const auto dot = path.find('.');
    if (dot == std::string::npos) {
      CHECK(schema["properties"].contains(path));
    } else {
      const auto& section = schema["properties"][path.substr(0, dot)];
      CHECK(section["additionalProperties"] == false);
      CHECK(section["properties"].contains(path.substr(dot + 1)));
    }
    ++leaves;
  }
  std::size_t schema_leaves = 0;
  for (const auto& [name, property] : schema["properties"].items()) {
    schema_leaves += property.contains("properties") ? property["properties"].size() : 1;
  }
  CHECK(schema_leaves == leaves);
}

TEST_CASE("empty documents in a stream hold no profile and cost nothing", "[profile]") {
  const std::string one = minimal_profile();
  const auto two = load_profiles(one + "---\n---\n" + one, "s.yaml", default_rules().catalog);
  CHECK(two.size() == 2);
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "---\n";
  const auto none = load_profiles(many, "e.yaml", default_rules().catalog);
  REQUIRE(none.size() == 1);  // a stream without a profile is still one error
  CHECK(has_code(none.front().diagnostics, "empty-profile"));
}
