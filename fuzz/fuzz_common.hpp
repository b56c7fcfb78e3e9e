// What several libFuzzer targets share: the built-in rule set, loaded once per process.
#pragma once

#include "llmplan/rules/ruleset.hpp"

namespace llmplan::fuzz {

/// The rule set compiled into the binary, as `llmplan` loads it without --rules.
inline const RuleSet& rules() {
  static const RuleSet set = [] {
    Diagnostics diags;
    return load_ruleset(default_rule_sources(), diags);
  }();
  return set;
}

}  // namespace llmplan::fuzz
