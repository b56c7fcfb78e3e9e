#include <catch2/catch.hpp>

#include "helpers.hpp"
#include "llmplan/rules/ruletest.hpp"

using namespace llmplan;
using namespace llmplan::test;

namespace {

std::string one_case(const std::string& expect) {
  return "tests:\n  - name: small data\n    profile: |\n"
         "      data: {labeled_examples: 20}\n      domain: {overlap: high}\n"
         "      budget: {one_time_usd: $1k}\n      risk: {tolerance: medium}\n"
         "    expect:\n" +
         expect;
}

RuleTestResult run_first(const std::string& text) {
  Diagnostics diags;
  const RuleTestFile file = load_rule_tests(text, "t.test.yaml", diags);
  REQUIRE_FALSE(diags.has_errors());
  REQUIRE(file.cases.size() == 1);
  return run_rule_test(file.cases.front(), file.file, default_rules());
}

}  // namespace

TEST_CASE("a rule test passes when every expectation holds", "[ruletest]") {
  const RuleTestResult r =
      run_first(one_case("      top: few-shot\n      verdicts: {pretrain: infeasible}\n"
                         "      fires: [tens-of-examples-still-favor-prompting]\n      scores: {few-shot: [50, 100]}\n"));
  INFO(r.failures.size());
  CHECK(r.passed);
  CHECK(r.fired.count("tens-of-examples-still-favor-prompting") == 1);
}

TEST_CASE("a rule test reports each unmet expectation", "[ruletest]") {
  const RuleTestResult r =
      run_first(one_case("      top: pretrain\n      verdicts: {few-shot: infeasible}\n"
                         "      not_fires: [tens-of-examples-still-favor-prompting]\n"
                         "      scores: {few-shot: [0, 1]}\n"));
  CHECK_FALSE(r.passed);
  CHECK(r.failures.size() == 4);
}

TEST_CASE("rule test files are checked key by key", "[ruletest]") {
  Diagnostics diags;
  load_rule_tests(one_case("      topp: few-shot\n      verdicts: {rag: maybe}\n"), "t.test.yaml", diags);
  const Diagnostic* unknown = find_code(diags, "unknown-key");
  REQUIRE(unknown);
  CHECK(unknown->message.find("`top`") != std::string::npos);  // the suggestion
  CHECK(unknown->loc.line == 9);
  CHECK(has_code(diags, "bad-enum"));  // `maybe` is no verdict

  Diagnostics empty;
  load_rule_tests("rules: []\n", "t.test.yaml", empty);
  CHECK(has_code(empty, "bad-type"));
}

TEST_CASE("a case without a profile or expectations is an error", "[ruletest]") {
  Diagnostics diags;
  load_rule_tests("tests:\n  - name: nothing\n", "t.test.yaml", diags);
  CHECK(diags.items().size() == 2);
  CHECK(has_code(diags, "missing-field"));
}
