// libFuzzer target: the rule-set loader with the input as an extra rule file (overrides, conditions,
// placeholders, catalogs, cost constants).
#include <cstddef>
#include <cstdint>
#include <string>

#include "llmplan/rules/ruleset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<llmplan::RuleSource> defaults = llmplan::default_rule_sources();
  std::vector<llmplan::RuleSource> sources = defaults;
  sources.push_back({"fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size)});
  llmplan::Diagnostics diags;
  (void)llmplan::load_ruleset(sources, diags);
  return 0;
}
