#pragma once

#include <string>

#include "llmplan/input/diagnostic.hpp"
#include "llmplan/input/profile.hpp"
#include "llmplan/rules/ruleset.hpp"

namespace llmplan::test {

/// The built-in rule set, loaded once.
inline const RuleSet& default_rules() {
  static const RuleSet rules = [] {
    Diagnostics diags;
    RuleSet r = load_ruleset(default_rule_sources(), diags);
    if (diags.has_errors()) throw std::runtime_error(format_diagnostic(diags.items().front()));
    return r;
  }();
  return rules;
}

/// A minimal valid profile, with extra YAML appended.
inline std::string minimal_profile(const std::string& extra = "") {
  return "data:\n  labeled_examples: 1000\ndomain:\n  overlap: medium\nbudget:\n  one_time_usd: $10k\nrisk:\n  tolerance: "
         "medium\n" +
         extra;
}

inline LoadedProfile load_one(const std::string& text, const std::string& file = "test.yaml") {
  auto all = load_profiles(text, file, default_rules().catalog);
  return all.front();
}

inline bool has_code(const Diagnostics& diags, const std::string& code) {
  for (const auto& d : diags.items()) {
    if (d.code == code) return true;
  }
  return false;
}

inline const Diagnostic* find_code(const Diagnostics& diags, const std::string& code) {
  for (const auto& d : diags.items()) {
    if (d.code == code) return &d;
  }
  return nullptr;
}

}  // namespace llmplan::test
