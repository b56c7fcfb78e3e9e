#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "llmplan/input/diagnostic.hpp"
#include "llmplan/rules/ruleset.hpp"

namespace llmplan {

/// One case of a rule test file (`*.test.yaml`): a profile and what the advice must show.
struct RuleTestCase {
  std::string name;
  std::string profile_text;  ///< the profile, inline (`profile: |`) or read from `profile_file`
  std::string profile_name;  ///< for diagnostics
  bool from_file = false;    ///< read from `profile_file`: its content is never quoted back
  SourceLoc loc;
  std::optional<std::string> top;                           ///< expected recommendation ("none": nothing feasible)
  std::map<std::string, std::string> verdicts;              ///< strategy -> expected verdict
  std::vector<std::string> fires;                           ///< rules that must fire (for any strategy)
  std::vector<std::string> not_fires;                       ///< rules that must not fire
  std::map<std::string, std::pair<double, double>> scores;  ///< strategy -> [min, max]
};

struct RuleTestFile {
  std::string file;
  std::vector<RuleTestCase> cases;
};

/// Reads a rule test file; problems (a broken file) go to `diags`. A case's `profile_file` is
/// read only when it resolves (symbolic links and `..` followed) inside the test file's folder
/// or inside one of `allowed` (`rules test --allow-path`); anything else is refused unread.
RuleTestFile load_rule_tests(const std::string& text, const std::string& file, Diagnostics& diags,
                             const std::vector<std::string>& allowed = {});

struct RuleTestResult {
  std::string file;
  std::string name;
  SourceLoc loc;
  bool passed = false;
  std::vector<std::string> failures;  ///< one line per unmet expectation
  std::set<std::string> fired;        ///< every rule that fired in this case
};

/// Runs one case against a rule set.
RuleTestResult run_rule_test(const RuleTestCase& test, const std::string& file, const RuleSet& rules);

}  // namespace llmplan
