#pragma once

#include <string>
#include <vector>

#include "llmplan/cost/catalog.hpp"
#include "llmplan/cost/costing.hpp"
#include "llmplan/input/diagnostic.hpp"
#include "llmplan/rules/expr.hpp"

namespace llmplan {

/// A rung of the ladder, as the rule set declares it. The program knows no strategy by id: what
/// it does with one follows from its `costing` kind.
struct Strategy {
  std::string id;
  int rung = 0;
  Costing costing = Costing::prompt;
  std::string title;
  std::string summary;
  double base_score = 50;
  SourceLoc loc;
};

/// A rule: when its condition holds for a strategy, it moves that strategy's score or blocks it.
struct Rule {
  std::string id;
  std::vector<std::string> strategies;  ///< the strategy ids it applies to
  Expr when;
  bool blocks = false;  ///< a block makes the strategy infeasible
  double delta = 0;     ///< otherwise, the score change
  std::string message;  ///< for people, with `{fact.path}` placeholders
  std::string source;
  SourceLoc loc;
};

/// Rungs that work together when a condition holds (e.g. RAG plus a tuned model).
struct Combination {
  std::string id;
  Expr when;
  std::vector<std::string> strategies;
  std::string message;
  std::string source;
  SourceLoc loc;
};

/// Everything the advisor knows: the ladder, the rules and the catalogs of the cost model.
struct RuleSet {
  std::string name = "default";
  std::string version = "0";
  double viable_min = 50;            ///< a feasible strategy at or above this score is `viable`
  std::vector<Strategy> strategies;  ///< sorted by rung
  std::vector<Rule> rules;           ///< sorted by id
  std::vector<Combination> combinations;
  Catalog catalog;

  [[nodiscard]] const Strategy* find_strategy(std::string_view id) const;
  [[nodiscard]] const Rule* find_rule(std::string_view id) const;  ///< rules are sorted by id
  /// The ids of the ladder, lowest rung first.
  [[nodiscard]] std::vector<std::string> strategy_ids() const;
  /// What tuned strategies are weighed against for break-even: the lowest rung priced as
  /// prompting (or, without one, the lowest rung that trains nothing); null when there is none.
  [[nodiscard]] const Strategy* break_even_baseline() const;
};

/// The highest rung a strategy may have.
constexpr int k_max_rung = 100;

/// One YAML text of a rule set, with the name diagnostics use for it.
struct RuleSource {
  std::string name;
  std::string text;
  std::string_view tree = {};  ///< the text already parsed (built-in files); empty: parse `text`
};

/// The rule set compiled into the binary (rules/*.yaml at build time).
std::vector<RuleSource> default_rule_sources();

/// The built-in rule set as the build loaded it: what load_ruleset(default_rule_sources())
/// gives, restored from the form the build saved (rules/snapshot.hpp) without parsing,
/// checking or compiling anything at run time. `diags` receives the load's warnings, if any.
RuleSet builtin_ruleset(Diagnostics& diags);

/// The most rules a merged rule set may hold: each rule is evaluated for every profile and
/// strategy, so this bounds the work a rule set from a pull request can cause.
constexpr std::size_t k_max_rules = 10000;

/// Loads rule-set files in order; a later entry replaces an earlier one with the same id
/// (rules, strategies, GPUs, models, APIs, cost constants), and `enabled: false` removes a
/// rule. Every problem in every file is reported; conditions are parsed and type-checked here.
RuleSet load_ruleset(const std::vector<RuleSource>& sources, Diagnostics& diags);

/// Replaces `{fact.path}` placeholders with the facts' values, written for people.
std::string render_message(const std::string& message, const Facts& facts);

}  // namespace llmplan
