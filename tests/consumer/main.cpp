// Advises on one profile through the installed library and prints the recommendation.
#include <fstream>
#include <iostream>
#include <sstream>

#include <llmplan/rules/engine.hpp>
#include <llmplan/rules/ruleset.hpp>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  llmplan::Diagnostics diags;
  const llmplan::RuleSet rules = llmplan::load_ruleset(llmplan::default_rule_sources(), diags);
  std::ifstream in(argv[1]);
  std::stringstream text;
  text << in.rdbuf();
  const auto profiles = llmplan::load_profiles(text.str(), argv[1], rules.catalog);
  if (diags.has_errors() || profiles.empty() || !profiles.front().valid()) return 2;
  const llmplan::Advice advice = llmplan::advise(profiles.front().profile, rules);
  std::cout << advice.recommendation.value_or("none") << "\n";
  return 0;
}
