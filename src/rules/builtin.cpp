// The built-in rule set: the files embedded at build time and the rule set the build loaded
// from them. Kept apart from ruleset.cpp so that the build-time generator, which links the
// loader, does not need what it generates.
#include "llmplan/rules/embedded.hpp"
#include "llmplan/rules/ruleset.hpp"
#include "llmplan/rules/snapshot.hpp"

namespace llmplan {

std::vector<RuleSource> default_rule_sources() {
  std::vector<RuleSource> out;
  for (const auto& file : embedded_rule_files()) out.push_back({builtin_file_name(file.name), std::string(file.text), file.tree});
  return out;
}

RuleSet builtin_ruleset(Diagnostics& diags) {
  return restore_ruleset(embedded_ruleset_snapshot(), diags);
}

}  // namespace llmplan
