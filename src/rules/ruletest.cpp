#include "llmplan/rules/ruletest.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "llmplan/input/io.hpp"
#include "llmplan/input/profile.hpp"
#include "llmplan/input/suggest.hpp"
#include "llmplan/input/units.hpp"
#include "llmplan/input/yaml_map.hpp"
#include "llmplan/input/yaml_tree.hpp"
#include "llmplan/output/escape.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/rules/engine.hpp"

namespace llmplan {

namespace {

const std::vector<std::string> k_case_keys = {"name", "profile", "profile_file", "expect"};
const std::vector<std::string> k_expect_keys = {"top", "verdicts", "fires", "not_fires", "scores"};

std::vector<std::string> words(const YamlNode* node, Diagnostics& diags) {
  std::vector<std::string> out;
  if (node == nullptr) return out;
  if (node->is_scalar()) return {node->value};
  if (!node->is_sequence()) {
    diags.error("bad-type", "expected a list of rule ids", node->loc);
    return out;
  }
  for (const auto& item : node->items) out.push_back(item.value);
  return out;
}

void read_expectations(const YamlNode& expect, RuleTestCase& test, Diagnostics& diags) {
  MappingReader(expect, diags, "`expect`", k_expect_keys);
  if (const YamlNode* top = expect.find("top")) test.top = top->value;
  if (const YamlNode* verdicts = expect.find("verdicts"); verdicts && verdicts->is_map()) {
    for (const auto& [k, v] : verdicts->entries) {
      if (!verdict_from_name(v.value)) {
        std::vector<std::string> names;
        for (const Verdict verdict : {Verdict::recommended, Verdict::viable, Verdict::discouraged, Verdict::infeasible})
          names.emplace_back(verdict_name(verdict));
        diags.error(
            "bad-enum",
            fmt::format("a verdict is `{}`, found `{}`{}", fmt::join(names, "`, `"), v.value, did_you_mean(v.value, names)),
            v.loc);
        continue;
      }
      test.verdicts[k.value] = v.value;
    }
  }
  test.fires = words(expect.find("fires"), diags);
  test.not_fires = words(expect.find("not_fires"), diags);
  if (const YamlNode* scores = expect.find("scores"); scores && scores->is_map()) {
    for (const auto& [k, v] : scores->entries) {
      const bool pair = v.is_sequence() && v.items.size() == 2;
      const QuantityResult lo = pair ? parse_quantity(v.items[0].value, Dimension::number) : QuantityResult{};
      const QuantityResult hi = pair ? parse_quantity(v.items[1].value, Dimension::number) : QuantityResult{};
      if (!lo.ok || !hi.ok) {
        diags.error("bad-type", "a score range is [min, max]", v.loc);
        continue;
      }
      test.scores[k.value] = {lo.value, hi.value};
    }
  }
}

}  // namespace

namespace {

/// Whether `path` lies inside `folder` (both resolved).
bool inside(const std::filesystem::path& path, const std::filesystem::path& folder) {
  const auto [f, p] = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
  return f == folder.end();
}

std::filesystem::path resolved(const std::filesystem::path& path) {
  std::error_code ec;
  auto out = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  return ec ? std::filesystem::path() : out;
}

}  // namespace

RuleTestFile load_rule_tests(const std::string& text, const std::string& file, Diagnostics& diags,
                             const std::vector<std::string>& allowed) {
  RuleTestFile out{file, {}};
  const auto docs = parse_yaml(text, file, diags);
  if (docs.empty() || !docs.front().is_map() || docs.front().find("tests") == nullptr) {
    if (!diags.has_errors()) diags.error("bad-type", "a rule test file is a mapping with a `tests:` list", SourceLoc{file, 1, 1});
    return out;
  }
  const YamlNode& tests = *docs.front().find("tests");
  if (!tests.is_sequence()) {
    diags.error("bad-type", "`tests` is a list of cases", tests.loc);
    return out;
  }
  const std::filesystem::path dir = std::filesystem::path(file).parent_path();
  for (const auto& node : tests.items) {
    if (!node.is_map()) {
      diags.error("bad-type", "each test case is a mapping", node.loc);
      continue;
    }
    MappingReader(node, diags, "a test case", k_case_keys);
    RuleTestCase test;
    test.loc = node.loc;
    test.name = node.find("name") ? node.find("name")->value : fmt::format("case at line {}", node.loc.line);
    if (const YamlNode* profile = node.find("profile"); profile && profile->is_scalar()) {
      test.profile_text = profile->value;
      test.profile_name = fmt::format("{}:{}", file, profile->loc.line);
    } else if (const YamlNode* path = node.find("profile_file")) {
      std::string error;
      const std::string full = (dir / path->value).string();
      test.profile_name = full;
      test.from_file = true;
      // A test file from a pull request must not read /etc/passwd or ../../secrets: the path
      // resolves inside the test file's folder, or inside a folder given with --allow-path.
      const std::filesystem::path target = resolved(full);
      bool permitted = !target.empty() && !path->value.empty() && inside(target, resolved(dir.empty() ? "." : dir));
      for (const auto& root : allowed) permitted = permitted || (!target.empty() && inside(target, resolved(root)));
      if (!permitted) {
        diags.error(
            "path-not-allowed",
            fmt::format("`profile_file` `{}` is outside the test file's folder; allow its folder with --allow-path", path->value),
            path->loc);
      } else if (!read_text(full, test.profile_text, error)) {
        diags.error("unreadable", fmt::format("{}: {}", full, error), path->loc);
      }
    } else {
      diags.error("missing-field", "a test case needs `profile: |` (the profile's text) or `profile_file`", node.loc);
    }
    if (const YamlNode* expect = node.find("expect"); expect && expect->is_map()) {
      read_expectations(*expect, test, diags);
    } else {
      diags.error("missing-field", "a test case needs `expect:`", node.loc);
    }
    out.cases.push_back(std::move(test));
  }
  return out;
}

RuleTestResult run_rule_test(const RuleTestCase& test, const std::string& file, const RuleSet& rules) {
  RuleTestResult r{file, test.name, test.loc, false, {}, {}};
  auto profiles = load_profiles(test.profile_text, test.profile_name, rules.catalog);
  if (profiles.empty() || !profiles.front().valid()) {
    for (const auto& d : profiles.front().diagnostics.items()) {
      // A file named by `profile_file` may not be a profile at all: say where and what, never
      // what it holds (messages quote the text they complain about).
      if (test.from_file)
        r.failures.push_back(fmt::format("profile: {}:{}:{}: {}: not a valid profile here [{}]", escape_terminal(d.loc.file),
                                         d.loc.line, d.loc.column, severity_name(d.severity), d.code));
      else
        r.failures.push_back("profile: " + format_diagnostic(d));
    }
    return r;
  }
  const Advice advice = advise(profiles.front().profile, rules);
  for (const auto& s : advice.ranking) {
    for (const auto& reason : s.reasons) r.fired.insert(reason.rule);
    for (const auto& reason : s.blockers) r.fired.insert(reason.rule);
  }
  if (test.top) {
    const std::string got = advice.recommendation.value_or("none");
    if (got != *test.top) r.failures.push_back(fmt::format("top: expected `{}`, got `{}`", *test.top, got));
  }
  for (const auto& s : advice.ranking) {
    const auto verdict = test.verdicts.find(s.strategy->id);
    if (verdict != test.verdicts.end() && verdict->second != verdict_name(s.verdict)) {
      r.failures.push_back(
          fmt::format("verdict of `{}`: expected {}, got {}", s.strategy->id, verdict->second, verdict_name(s.verdict)));
    }
    const auto score = test.scores.find(s.strategy->id);
    if (score != test.scores.end() && (s.score < score->second.first || s.score > score->second.second)) {
      r.failures.push_back(fmt::format("score of `{}`: expected {}..{}, got {}", s.strategy->id,
                                       format_number(score->second.first), format_number(score->second.second),
                                       format_number(s.score, 1)));
    }
  }
  for (const auto& id : test.fires) {
    if (r.fired.count(id) == 0) r.failures.push_back(fmt::format("rule `{}` should fire and did not", id));
  }
  for (const auto& id : test.not_fires) {
    if (r.fired.count(id) > 0) r.failures.push_back(fmt::format("rule `{}` fired and should not", id));
  }
  r.passed = r.failures.empty();
  return r;
}

}  // namespace llmplan
