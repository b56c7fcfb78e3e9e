// libFuzzer target: the condition language: lexing, parsing, type checking, range analysis and
// evaluation against a set of facts with values and unset (null) entries.
#include <cstddef>
#include <cstdint>
#include <string>

#include "llmplan/input/profile.hpp"
#include "llmplan/rules/expr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const llmplan::Facts facts = [] {
    llmplan::Facts f;
    f.set("data.labeled_examples", llmplan::Value::of_number(3000));
    f.set("task.needs", llmplan::Value::of_list({"knowledge", "style"}));
    f.set("risk.tolerance", llmplan::Value::of_string("low"));
    f.set("domain.overlap", llmplan::Value::of_number(0.4));
    f.set("domain.regulated", llmplan::Value::of_bool(true));
    return f;
  }();
  std::vector<llmplan::ExprError> errors;
  const llmplan::Expr e = llmplan::Expr::compile(std::string(reinterpret_cast<const char*>(data), size), errors);
  if (e.valid()) {
    (void)e.evaluate(facts);
    (void)e.may_hold(&llmplan::fact_range);
    (void)e.fact_paths();
  }
  return 0;
}
