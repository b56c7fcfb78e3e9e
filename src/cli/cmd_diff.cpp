// `llmplan diff OLD NEW`: what changed between the advice of two profiles or two saved advice
// documents, like `terraform plan`; exit 0 same, 1 changed, 2 could not compare (like diff(1)).
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/input/io.hpp"
#include "llmplan/output/escape.hpp"
#include "llmplan/output/render_diff.hpp"
#include "llmplan/rules/engine.hpp"
#include "llmplan/rules/explain.hpp"
#include "llmplan/rules/uncertainty.hpp"
#include "output.hpp"
#include "whatif.hpp"

namespace llmplan::cli {

void advise_outcome(ProfileOutcome& o, const RuleSet& rules, const AdviseExtras& extras, Diagnostics* broken) {
  if (o.status != RunStatus::ok || !o.profile) return;
  o.advice = advise(*o.profile, rules);
  // An estimate that breaks the cost model's invariants is never shown or judged.
  Diagnostics found;
  if (!keep_sound_advice(o, rules, found)) {
    if (broken != nullptr) broken->append(found);
    return;
  }
  if (extras.explain) o.explanation = explain(*o.profile, rules, *o.advice);
  if (extras.uncertainty || !o.profile->ranges.empty()) {
    o.uncertainty = sample_uncertainty(*o.profile, rules, o.advice->recommendation.value_or("none"), extras.samples, extras.seed);
  }
}

std::optional<std::vector<AdviceSnapshot>> advice_of_file(const std::string& file, const std::vector<std::string>& sets,
                                                          const RuleSet& rules, const AdviseExtras& extras, bool quiet) {
  std::string text;
  std::string error;
  if (file != "-" && read_text(file, text, error) && looks_like_advice_json(text)) {
    if (!sets.empty()) {
      print_error(fmt::format("`{}` is saved advice: --set applies to a profile", file), "bad-set");
      return std::nullopt;
    }
    auto snapshots = snapshots_from_json(text, error);
    if (!snapshots) {
      print_error(fmt::format("{}: {}", file, error), "bad-advice");
      return std::nullopt;
    }
    for (auto& s : *snapshots) {
      if (s.file.empty()) s.file = file;
    }
    return snapshots;
  }
  std::vector<ProfileOutcome> outcomes = load_outcomes({file}, sets, rules);
  std::vector<AdviceSnapshot> out;
  bool ok = true;
  for (auto& o : outcomes) {
    print_diagnostics(o.diagnostics, quiet);
    if (o.status != RunStatus::ok) {
      ok = false;
      continue;
    }
    advise_outcome(o, rules, extras);
    out.push_back(snapshot_of(o));
  }
  if (!ok) return std::nullopt;
  return out;
}

namespace {

struct DiffOptions {
  CommonOptions common;
  std::vector<std::string> files;
  std::string format = "text";
  bool uncertainty = false;
  std::size_t samples = 1000;
  std::uint64_t seed = 1;
};

int run_diff(const DiffOptions& opt) {
  const auto rules = load_rules(opt.common.rules);
  if (!rules) return k_cannot_run;
  if (opt.files.size() == 1 && opt.common.sets.empty()) {
    print_error("diff needs OLD and NEW, or one profile and the --set what-ifs to compare it with", "missing-argument");
    return k_cannot_run;
  }
  AdviseExtras extras;
  extras.uncertainty = opt.uncertainty;
  extras.samples = opt.samples;
  extras.seed = opt.seed;
  // One file: its own advice against the same profile with the --set what-ifs. Two: --set
  // applies to NEW.
  const std::string& old_file = opt.files.front();
  const std::string& new_file = opt.files.back();
  const auto old_side = advice_of_file(old_file, {}, *rules, extras, opt.common.quiet);
  if (!old_side) return k_cannot_run;
  const auto new_side = advice_of_file(new_file, opt.common.sets, *rules, extras, opt.common.quiet);
  if (!new_side) return k_cannot_run;
  if (old_side->size() != new_side->size()) {
    print_error(fmt::format("cannot compare {} result(s) with {}", old_side->size(), new_side->size()), "cannot-compare");
    return k_cannot_run;
  }
  std::vector<AdviceDiff> diffs;
  bool changed = false;
  for (std::size_t i = 0; i < old_side->size(); ++i) {
    AdviceDiff d = diff_advice((*old_side)[i], (*new_side)[i]);
    d.old_label = old_file;
    d.new_label = opt.files.size() == 1 ? new_file + " with --set" : new_file;
    d.what_if = opt.common.sets;
    changed = changed || d.changed();
    diffs.push_back(std::move(d));
  }
  std::string content;
  if (opt.format == "json") {
    content = render_diff_json(diffs);
  } else {
    content = fmt::format("llmplan diff: {} -> {}\n", escape_terminal(diffs.front().old_label),
                          escape_terminal(diffs.front().new_label));
    for (std::size_t i = 0; i < diffs.size(); ++i) {
      if (diffs.size() > 1) content += fmt::format("\n{}:\n", escape_terminal((*new_side)[i].name));
      content += render_diff_text(diffs[i], diffs.size() > 1 ? "  " : "");
    }
  }
  if (!emit(content, opt.common.output)) return k_cannot_run;
  return changed ? k_findings : k_ok;
}

}  // namespace

void setup_diff(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<DiffOptions>();
  CLI::App* cmd = app.add_subcommand("diff", "What changed between two profiles or two saved advice documents");
  cmd->footer(
      "Examples:\n"
      "  llmplan diff old.yaml new.yaml\n"
      "  llmplan diff advice-before.json advice-after.json --format json\n"
      "  llmplan diff profile.yaml --set budget.one_time_usd=50k\n"
      "Exit codes: 0 the advice is the same, 1 something changed, 2 could not compare.");
  cmd->add_option("files", opt->files, "OLD and NEW: profiles, or files written by `advise --format json`")
      ->required()
      ->expected(1, 2)
      ->type_name("FILE");
  cmd->add_option("-f,--format", opt->format, "Output format: text (like terraform plan), json (default text)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_flag("--uncertainty", opt->uncertainty, "Sample the uncertain inputs of profiles and compare p_best too");
  cmd->add_option("--samples", opt->samples, "Samples with --uncertainty (default 1000)")->check(CLI::Range(1, 10000000));
  cmd->add_option("--seed", opt->seed, "Seed of the sampling (default 1)")->check(CLI::Range(std::uint64_t{0}, k_max_seed));
  add_common_flags(*cmd, opt->common, true);
  cmd->callback([opt, &exit_code] { exit_code = run_diff(*opt); });
}

}  // namespace llmplan::cli
