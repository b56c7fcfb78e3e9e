#include <catch2/catch.hpp>
#include <random>

#include "helpers.hpp"
#include "llmplan/rules/expr.hpp"

using namespace llmplan;

namespace {

Expr compile_ok(const std::string& text) {
  std::vector<ExprError> errors;
  Expr e = Expr::compile(text, errors);
  INFO(text << (errors.empty() ? "" : ": " + errors.front().message));
  REQUIRE(errors.empty());
  REQUIRE(e.valid());
  return e;
}

ExprError compile_error(const std::string& text) {
  std::vector<ExprError> errors;
  Expr e = Expr::compile(text, errors);
  INFO(text);
  REQUIRE_FALSE(e.valid());
  REQUIRE(errors.size() == 1);
  return errors.front();
}

Facts sample_facts() {
  Facts f;
  f.set("data.labeled_examples", Value::of_number(3000));
  f.set("budget.one_time_usd", Value::of_number(5000));
  f.set("task.needs", Value::of_list({"knowledge", "style"}));
  f.set("risk.tolerance", Value::of_string("low"));
  f.set("domain.regulated", Value::of_bool(true));
  return f;
}

}  // namespace

TEST_CASE("conditions compare facts with suffixed numbers", "[expr]") {
  const Facts f = sample_facts();
  CHECK(compile_ok("data.labeled_examples >= 3k").holds(f));
  CHECK_FALSE(compile_ok("data.labeled_examples > 3k").holds(f));
  CHECK(compile_ok("budget.one_time_usd == $5k").holds(f));
  CHECK(compile_ok("budget.one_time_usd < 1.5M and budget.one_time_usd > 50_0").holds(f));
  CHECK(compile_ok("0.5 == 50%").holds(f));
}

TEST_CASE("conditions have arithmetic with precedence", "[expr]") {
  const Facts f = sample_facts();
  CHECK(compile_ok("1 + 2 * 3 == 7").holds(f));
  CHECK(compile_ok("(1 + 2) * 3 == 9").holds(f));
  CHECK(compile_ok("10 - 4 - 3 == 3").holds(f));
  CHECK(compile_ok("-2 * -3 == 6").holds(f));
  CHECK(compile_ok("budget.one_time_usd / data.labeled_examples > 1.6").holds(f));
  CHECK(compile_ok("min(1, 2, 3) == 1 and max(1, 5) == 5 and log10(1000) == 3 and abs(-2) == 2").holds(f));
  CHECK(compile_ok("len(task.needs) == 2").holds(f));
}

TEST_CASE("conditions have boolean logic and membership", "[expr]") {
  const Facts f = sample_facts();
  CHECK(compile_ok("'knowledge' in task.needs").holds(f));
  CHECK(compile_ok("'format' not in task.needs").holds(f));
  CHECK(compile_ok("not ('format' in task.needs)").holds(f));
  CHECK(compile_ok("risk.tolerance in ['low', 'medium']").holds(f));
  CHECK(compile_ok("domain.regulated and not false").holds(f));
  CHECK(compile_ok("false or true and true").holds(f));
  CHECK_FALSE(compile_ok("false and true or false").holds(f));
  CHECK(compile_ok("risk.tolerance == \"low\"").holds(f));
}

TEST_CASE("unset facts make a condition unknown and it does not fire", "[expr]") {
  const Facts f = sample_facts();  // budget.monthly_usd is unset (null)
  CHECK_FALSE(compile_ok("budget.monthly_usd > 5").holds(f));
  CHECK_FALSE(compile_ok("not (budget.monthly_usd > 5)").holds(f));
  CHECK(compile_ok("budget.monthly_usd > 5 or true").holds(f));
  CHECK_FALSE(compile_ok("budget.monthly_usd > 5 and true").holds(f));
  CHECK(compile_ok("budget.monthly_usd > 5 and false").evaluate(f) == Value::of_bool(false));
  CHECK(compile_ok("budget.monthly_usd + 1 > 0").evaluate(f).is_null());
  CHECK(compile_ok("1 / 0 > 0").evaluate(f).is_null());
  CHECK(compile_ok("log10(0) < 1").evaluate(f).is_null());
}

TEST_CASE("unknown facts are load errors with a suggestion and an offset", "[expr]") {
  const ExprError e = compile_error("data.labeled_exmples > 5");
  CHECK(e.code == "unknown-fact");
  CHECK(e.offset == 0);
  CHECK(e.message.find("data.labeled_examples") != std::string::npos);
  const ExprError later = compile_error("true and budjet.one_time_usd > 5");
  CHECK(later.offset == 9);
}

TEST_CASE("type errors are load errors", "[expr]") {
  CHECK(compile_error("task.needs > 5").code == "type-error");
  CHECK(compile_error("'a' + 1 == 2").code == "type-error");
  CHECK(compile_error("domain.regulated == 1").code == "type-error");
  CHECK(compile_error("not 5").code == "type-error");
  CHECK(compile_error("5 in task.needs").code == "type-error");
  CHECK(compile_error("len(5) == 1").code == "type-error");
  CHECK(compile_error("min(1) == 1").code == "type-error");
  CHECK(compile_error("[1, 2] == task.needs").code == "type-error");
}

TEST_CASE("a misspelled enum value in a condition is a load error", "[expr]") {
  const ExprError e = compile_error("risk.tolerance == 'lwo'");
  CHECK(e.code == "unknown-value");
  CHECK(e.offset == 18);
  CHECK(e.message.find("`low`") != std::string::npos);
  CHECK(compile_error("'knowlege' in task.needs").code == "unknown-value");
  CHECK(compile_error("task.type in ['chat', 'chatt']").code == "unknown-value");
}

TEST_CASE("syntax errors point at the offending column", "[expr]") {
  CHECK(compile_error("a = 5").offset == 2);
  CHECK(compile_error("data.labeled_examples >").code == "expr-syntax");
  CHECK(compile_error("(1 + 2").code == "expr-syntax");
  CHECK(compile_error("1 && 2").code == "expr-syntax");
  CHECK(compile_error("'unterminated").code == "expr-syntax");
  CHECK(compile_error("5 5").offset == 2);
  CHECK(compile_error("frobnicate(1) > 0").code == "unknown-function");
  CHECK(compile_error("3m > 1").code == "expr-syntax");
}

TEST_CASE("conditions are bounded in size and depth", "[expr]") {
  CHECK(compile_error(std::string(5000, ' ') + "true").code == "expr-too-long");
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "(";
  deep += "true";
  for (int i = 0; i < 200; ++i) deep += ")";
  CHECK(compile_error(deep).code == "expr-too-deep");
  std::string nots;
  for (int i = 0; i < 200; ++i) nots += "not ";
  CHECK(compile_error(nots + "true").code == "expr-too-deep");
}

TEST_CASE("conditions list the facts they read", "[expr]") {
  const Expr e = compile_ok("data.labeled_examples > 5 and 'style' in task.needs and data.labeled_examples < 9");
  CHECK(e.fact_paths() == std::vector<std::string>{"data.labeled_examples", "task.needs"});
  CHECK(e.type() == Value::Type::boolean);
}

namespace {
std::optional<std::pair<double, double>> test_ranges(std::string_view path) {
  if (path == "domain.overlap") return std::make_pair(0.0, 1.0);
  if (path == "data.labeled_examples") return std::make_pair(0.0, 1e12);
  return std::nullopt;
}
}  // namespace

TEST_CASE("conditions that can never hold are found from fact ranges", "[expr]") {
  CHECK_FALSE(compile_ok("domain.overlap > 1.5").may_hold(&test_ranges));
  CHECK_FALSE(compile_ok("data.labeled_examples < 0").may_hold(&test_ranges));
  CHECK_FALSE(compile_ok("2 < domain.overlap").may_hold(&test_ranges));
  CHECK_FALSE(compile_ok("domain.overlap > 1.5 or data.labeled_examples < 0").may_hold(&test_ranges));
  CHECK_FALSE(compile_ok("not (domain.overlap <= 1)").may_hold(&test_ranges));
  CHECK(compile_ok("domain.overlap >= 1").may_hold(&test_ranges));
  CHECK(compile_ok("domain.overlap > 1.5 or true").may_hold(&test_ranges));
  CHECK(compile_ok("budget.monthly_usd > 1e30").may_hold(&test_ranges));  // no range known: possible
  CHECK_FALSE(compile_ok("false and domain.overlap < 0.5").may_hold(&test_ranges));
}

TEST_CASE("every fact path is found at its index and near misses are not", "[expr]") {
  const auto& facts = fact_catalog();
  // A path is found only as itself: whatever a lookup returns names exactly the text asked for.
  const auto exact = [&](const std::string& text) {
    const auto found = fact_index(text);
    return !found || facts[*found].path == text;
  };
  for (std::size_t i = 0; i < facts.size(); ++i) {
    const std::string& path = facts[i].path;
    INFO(path);
    CHECK(fact_index(path) == i);
    CHECK(fact_index(std::string(path)) == i);  // a copy: found by content, not address
    for (std::size_t at = 0; at < path.size(); ++at) {
      std::string changed = path;
      changed[at] = changed[at] == 'x' ? 'y' : 'x';
      CHECK(exact(changed));
    }
    CHECK(exact(path + "x"));
    CHECK(exact(path.substr(0, path.size() - 1)));
    CHECK(exact(path.substr(1)));
  }
  CHECK(!fact_index(""));
  CHECK(!fact_index("no.such.fact.with.a.long.path"));
}

namespace {

/// Random well-typed conditions for the differential test below.
struct ConditionMaker {
  std::mt19937 rng;
  int pick(int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); }

  std::string number(int depth) {
    const std::vector<std::string> leaves = {
        "data.labeled_examples", "budget.one_time_usd", "budget.monthly_usd", "0", "2.5", "3k", "1e308"};
    if (depth <= 0 || pick(3) == 0) return leaves[static_cast<std::size_t>(pick(static_cast<int>(leaves.size())))];
    switch (pick(6)) {
      case 0: return "(" + number(depth - 1) + " + " + number(depth - 1) + ")";
      case 1: return "(" + number(depth - 1) + " - " + number(depth - 1) + ")";
      case 2: return "(" + number(depth - 1) + " * " + number(depth - 1) + ")";
      case 3: return "(" + number(depth - 1) + " / " + number(depth - 1) + ")";
      case 4: return "-" + number(depth - 1);
      default: return "min(" + number(depth - 1) + ", " + number(depth - 1) + ")";
    }
  }

  std::string condition(int depth) {
    const std::vector<std::string> comparisons = {"<", "<=", ">", ">=", "==", "!="};
    if (depth <= 0 || pick(3) == 0) {
      switch (pick(7)) {
        case 0: return number(2) + " " + comparisons[static_cast<std::size_t>(pick(6))] + " " + number(2);
        case 1: return "risk.tolerance == 'low'";
        case 2: return "risk.tolerance != 'high'";
        case 3: return "'knowledge' in task.needs";
        case 4: return "risk.tolerance not in ['low', 'medium']";
        case 5: return "domain.regulated";
        default: return pick(2) == 0 ? "true" : "false";
      }
    }
    switch (pick(3)) {
      case 0: return "(" + condition(depth - 1) + " and " + condition(depth - 1) + ")";
      case 1: return "(" + condition(depth - 1) + " or " + condition(depth - 1) + ")";
      default: return "not " + condition(depth - 1);
    }
  }

  Facts facts() {
    Facts f;
    const double numbers[] = {0, 3000, 5000, 1e308};
    for (const char* path : {"data.labeled_examples", "budget.one_time_usd", "budget.monthly_usd"}) {
      if (pick(4) != 0) f.set(path, Value::of_number(numbers[pick(4)]));
    }
    if (pick(3) != 0) f.set("risk.tolerance", Value::of_string(pick(2) == 0 ? "low" : "high"));
    if (pick(3) != 0) f.set("domain.regulated", Value::of_bool(pick(2) == 0));
    f.set("task.needs", pick(2) == 0 ? Value::of_list({"knowledge"}) : Value::of_list({}));
    return f;
  }
};

}  // namespace

TEST_CASE("a condition holds exactly when its value is true", "[expr][property]") {
  // holds() walks the tree without building values; evaluate() builds them. Null facts,
  // division by zero, overflow to infinity and every connective must agree.
  ConditionMaker make{std::mt19937(2026)};
  int trues = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const std::string text = make.condition(4);
    const Expr e = compile_ok(text);
    for (int k = 0; k < 4; ++k) {
      const Facts f = make.facts();
      const Value v = e.evaluate(f);
      INFO(text);
      const bool want = v.type == Value::Type::boolean && v.boolean;
      CHECK(e.holds(f) == want);
      trues += want ? 1 : 0;
    }
  }
  CHECK(trues > 1000);  // both outcomes are exercised
  CHECK(trues < 11000);
}
