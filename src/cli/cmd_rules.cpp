// `llmplan rules list|show|lint|test`: inspect, check and unit-test rule sets.
#include <algorithm>
#include <iostream>
#include <memory>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/input/io.hpp"
#include "llmplan/input/profile.hpp"
#include "llmplan/input/suggest.hpp"
#include "llmplan/output/escape.hpp"
#include "llmplan/rules/parallel.hpp"
#include "llmplan/rules/ruletest.hpp"
#include "output/json_tree.hpp"

namespace llmplan::cli {

namespace {
/// Rule-set and test text may come from a pull request: shown, never obeyed.
std::string t(const std::string& text) {
  return escape_terminal(text);
}
}  // namespace

namespace {

struct RulesOptions {
  std::vector<std::string> rules;
  std::string strategy;
  std::string grep;
  std::string format = "table";
  std::string id;
  std::vector<std::string> paths;
  std::vector<std::string> allow_paths;  ///< folders a rule test's `profile_file` may also read
  bool require_coverage = false;
};

std::string effect_of(const Rule& r) {
  return r.blocks ? "block" : fmt::format("{:+g}", r.delta);
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  const auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  };
  return lower(haystack).find(lower(needle)) != std::string::npos;
}

int run_list(const RulesOptions& opt) {
  const auto rules = load_rules(opt.rules);
  if (!rules) return k_cannot_run;
  std::vector<const Rule*> shown;
  for (const auto& r : rules->rules) {
    const bool strategy_ok =
        opt.strategy.empty() || std::find(r.strategies.begin(), r.strategies.end(), opt.strategy) != r.strategies.end();
    const bool grep_ok = opt.grep.empty() || contains(r.id + " " + r.message + " " + r.source + " " + r.when.text(), opt.grep);
    if (strategy_ok && grep_ok) shown.push_back(&r);
  }
  if (opt.format == "json") {
    nlohmann::ordered_json doc{{"schema_version", 1}, {"rules", nlohmann::ordered_json::array()}};
    for (const Rule* r : shown) {
      doc["rules"].push_back({{"id", r->id},
                              {"strategies", r->strategies},
                              {"when", r->when.text()},
                              {"effect", effect_of(*r)},
                              {"message", r->message},
                              {"source", r->source},
                              {"defined_at", fmt::format("{}:{}", r->loc.file, r->loc.line)}});
    }
    return emit(json_document(doc), "") ? k_ok : k_cannot_run;
  }
  std::string out = fmt::format("{:<44} {:<6} {:<40} {}\n", "id", "effect", "strategies", "source");
  for (const Rule* r : shown) {
    std::string source = r->source.size() > 70 ? r->source.substr(0, 67) + "..." : r->source;
    out += fmt::format("{:<44} {:<6} {:<40} {}\n", t(r->id), effect_of(*r), join(r->strategies, ","), t(source));
  }
  out += fmt::format("{} of {} rules\n", shown.size(), rules->rules.size());
  return emit(out, "") ? k_ok : k_cannot_run;
}

int run_show(const RulesOptions& opt) {
  const auto rules = load_rules(opt.rules);
  if (!rules) return k_cannot_run;
  for (const auto& r : rules->rules) {
    if (r.id != opt.id) continue;
    std::string out = fmt::format(
        "{}\n  defined at  {}:{}\n  strategies  {}\n  when        {}\n  effect      {}\n  message     {}\n  source      {}\n",
        t(r.id), t(r.loc.file), r.loc.line, join(r.strategies, ", "), t(r.when.text()), effect_of(r), t(r.message), t(r.source));
    return emit(out, "") ? k_ok : k_cannot_run;
  }
  std::vector<std::string> ids;
  for (const auto& r : rules->rules) ids.push_back(r.id);
  print_error(fmt::format("no rule `{}`{}; `llmplan rules list` shows them all", opt.id, did_you_mean(opt.id, ids)),
              "unknown-rule");
  return k_cannot_run;
}

/// Every load error, plus warnings: rules with the same condition on the same strategies.
int run_lint(const RulesOptions& opt) {
  std::vector<RuleSource> sources = default_rule_sources();
  Diagnostics diags;
  append_rule_files(opt.paths, sources, diags);
  const RuleSet rules = load_ruleset(sources, diags);
  for (const auto& rule : rules.rules) {
    if (rule.when.valid() && !rule.when.may_hold(&fact_range)) {
      diags.warning(
          "never-fires",
          fmt::format("rule `{}` can never fire: no profile within the fields' ranges satisfies `{}`", rule.id, rule.when.text()),
          rule.loc);
    }
  }
  // Rules with the same condition on the same strategies, found by hashing (comparing every pair
  // of 10,000 rules took minutes and printed millions of warnings); at most k_shown are printed,
  // then one count of the rest.
  constexpr std::size_t k_shown = 100;
  std::unordered_map<std::string, const Rule*> first_with;
  std::size_t same = 0;
  for (const auto& rule : rules.rules) {
    if (!rule.when.valid()) continue;
    std::string key = rule.when.text();
    for (const auto& s : rule.strategies) key += '\n' + s;
    const auto [it, fresh] = first_with.emplace(std::move(key), &rule);
    if (fresh) continue;
    if (++same <= k_shown) {
      diags.warning(
          "same-condition",
          fmt::format("rules `{}` and `{}` have the same condition on the same strategies; merge them", it->second->id, rule.id),
          rule.loc);
    }
  }
  if (same > k_shown) {
    diags.warning(
        "same-condition",
        fmt::format("{} more rule(s) repeat an earlier rule's condition on the same strategies (not listed)", same - k_shown),
        SourceLoc{});
  }
  diags.sort();
  print_diagnostics(diags);
  const std::size_t warnings = diags.items().size() - diags.error_count();
  std::cout << fmt::format("{} rules: {} error(s), {} warning(s)\n", rules.rules.size(), diags.error_count(), warnings);
  return diags.has_errors() ? k_findings : k_ok;
}

int run_test(const RulesOptions& opt) {
  const auto rules = load_rules(opt.rules);
  if (!rules) return k_cannot_run;
  Diagnostics diags;
  std::vector<RuleTestFile> files;
  for (const auto& path : opt.paths) {
    std::vector<std::string> found = expand_yaml_path(path);
    std::erase_if(found, [&](const std::string& f) { return found.size() > 1 && f.find(".test.") == std::string::npos; });
    for (const auto& file : found) {
      std::string text;
      std::string error;
      if (!read_text(file, text, error)) {
        diags.error("unreadable", fmt::format("cannot read the test file: {}", error), SourceLoc{file, 0, 0});
        continue;
      }
      files.push_back(load_rule_tests(text, file, diags, opt.allow_paths));
    }
  }
  print_diagnostics(diags);
  if (diags.has_errors()) return k_cannot_run;  // a broken test file is not a failed test
  std::vector<std::pair<const RuleTestCase*, std::string>> cases;
  for (const auto& f : files) {
    for (const auto& c : f.cases) cases.emplace_back(&c, f.file);
  }
  std::vector<RuleTestResult> results(cases.size());
  parallel_for(cases.size(), [&](std::size_t i) { results[i] = run_rule_test(*cases[i].first, cases[i].second, *rules); });
  int passed = 0;
  std::set<std::string> fired;
  std::string out;
  for (const auto& r : results) {
    fired.insert(r.fired.begin(), r.fired.end());
    if (r.passed) {
      ++passed;
      out += fmt::format("ok: {}\n", t(r.name));
      continue;
    }
    out += fmt::format("FAILED: {} ({}:{})\n", t(r.name), t(r.loc.file), r.loc.line);
    for (const auto& f : r.failures) out += "    " + t(f) + "\n";
  }
  std::vector<std::string> uncovered;
  for (const auto& rule : rules->rules) {
    if (fired.count(rule.id) == 0) uncovered.push_back(rule.id);
  }
  out += fmt::format("coverage: {} of {} rules fired in at least one case\n", rules->rules.size() - uncovered.size(),
                     rules->rules.size());
  if (!uncovered.empty()) out += "not covered: " + join(uncovered, ", ") + "\n";
  int failed = static_cast<int>(results.size()) - passed;
  if (opt.require_coverage && !uncovered.empty()) {
    out += "FAILED: --require-coverage: every rule must fire in some case\n";
    ++failed;
  }
  out += fmt::format("{} passed, {} failed\n", passed, failed);
  if (!emit(out, "")) return k_cannot_run;
  return failed > 0 ? k_findings : k_ok;
}

}  // namespace

void setup_rules(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<RulesOptions>();
  CLI::App* rules = app.add_subcommand("rules", "Inspect, check and unit-test rule sets");
  rules->require_subcommand(1);

  CLI::App* list = rules->add_subcommand("list", "List rules: id, effect, strategies, source");
  list->add_option("--strategy", opt->strategy, "Only rules that apply to this strategy");
  list->add_option("--grep", opt->grep, "Only rules whose id, condition, message or source contains TEXT")->type_name("TEXT");
  list->add_option("-f,--format", opt->format, "table (default) or json")->check(CLI::IsMember({"table", "json"}));
  list->add_option("--rules", opt->rules, "Rule-set file or directory to add")->type_name("FILE|DIR");
  list->callback([opt, &exit_code] { exit_code = run_list(*opt); });

  CLI::App* show = rules->add_subcommand("show", "Show one rule and where it is defined");
  show->add_option("id", opt->id, "Rule id")->required();
  show->add_option("--rules", opt->rules, "Rule-set file or directory to add")->type_name("FILE|DIR");
  show->callback([opt, &exit_code] { exit_code = run_show(*opt); });

  CLI::App* lint =
      rules->add_subcommand("lint", "Load rule files with the built-in rules and report every problem; exit 1 on errors");
  lint->add_option("paths", opt->paths, "Rule-set files or directories")->type_name("PATH");
  lint->callback([opt, &exit_code] { exit_code = run_lint(*opt); });

  CLI::App* test = rules->add_subcommand("test", "Run rule tests (*.test.yaml); exit 1 when one fails, 2 when a file is broken");
  test->add_option("paths", opt->paths, "Test files or directories of *.test.yaml")->required()->type_name("PATH");
  test->add_option("--rules", opt->rules, "Rule-set file or directory to test with the built-in rules")->type_name("FILE|DIR");
  test->add_option("--allow-path", opt->allow_paths,
                   "Let `profile_file` also read files under DIR (by default only under the test file's folder)")
      ->type_name("DIR");
  test->add_flag("--require-coverage", opt->require_coverage, "Fail unless every rule fires in some case");
  test->callback([opt, &exit_code] { exit_code = run_test(*opt); });
}

}  // namespace llmplan::cli
