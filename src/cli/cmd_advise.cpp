// `llmplan advise PROFILE...`: rank the strategies of each profile, with costs and reasons.
#include <algorithm>
#include <iterator>
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/output/advice_format.hpp"
#include "llmplan/rules/engine.hpp"
#include "llmplan/rules/explain.hpp"
#include "llmplan/rules/parallel.hpp"
#include "output.hpp"
#include "whatif.hpp"

namespace llmplan::cli {

namespace {

struct AdviseOptions {
  CommonOptions common;
  std::vector<std::string> profiles;
  std::string format = "table";
  int top_reasons = 3;
  bool explain = false;
  bool uncertainty = false;
  std::size_t samples = 1000;
  std::uint64_t seed = 1;
  std::string baseline;
  bool verbose = false;
};

/// The advice each outcome is compared with: the `--baseline` file's, or with `--set`, the same
/// profiles' own advice without the what-ifs. Empty when there is nothing to compare.
std::optional<std::vector<AdviceSnapshot>> baselines(const AdviseOptions& opt, const RuleSet& rules, const AdviseExtras& extras,
                                                     bool& failed) {
  failed = false;
  AdviseExtras plain = extras;
  plain.explain = false;
  if (!opt.baseline.empty()) {
    auto snapshots = advice_of_file(opt.baseline, {}, rules, plain, true);
    failed = !snapshots;
    return snapshots;
  }
  if (opt.common.sets.empty()) return std::nullopt;
  std::vector<AdviceSnapshot> out;
  for (const auto& profile : opt.profiles) {
    if (profile == "-") return std::nullopt;  // standard input cannot be read twice
    std::vector<ProfileOutcome> own = load_outcomes({profile}, {}, rules);
    for (auto& o : own) {
      advise_outcome(o, rules, plain);
      out.push_back(o.status == RunStatus::ok ? snapshot_of(o) : AdviceSnapshot{o.file, o.name, {}});
    }
  }
  return out;
}

int run_advise(const AdviseOptions& opt) {
  const auto rules = load_rules(opt.common.rules);
  if (!rules) return k_cannot_run;
  std::vector<ProfileOutcome> outcomes = load_outcomes(opt.profiles, opt.common.sets, *rules);
  AdviseExtras extras;
  extras.explain = opt.explain;
  extras.uncertainty = opt.uncertainty;
  extras.samples = opt.samples;
  extras.seed = opt.seed;
  bool baseline_failed = false;
  const auto base = baselines(opt, *rules, extras, baseline_failed);
  if (baseline_failed) return k_cannot_run;
  for (const auto& o : outcomes) print_diagnostics(o.diagnostics, opt.common.quiet);
  RunSummary summary;  // counted as each chunk is advised: an unsound estimate turns `ok` into `error`
  // The format never depends on the terminal (cli.md); only colour, width and the pager do.
  const AdviceFormat& format = *find_advice_format(opt.format);  // CLI11 checked the name against the table
  RenderOptions options{use_color(opt.common.no_color) && opt.common.output.empty(), opt.top_reasons, &*rules};
  options.width = output_width();
  options.verbose = opt.verbose || opt.explain;
  options.hints = !opt.common.quiet && !ui().quiet;
  Output out;
  if (!out.open(opt.common.output) || !out.write(format.head(options))) return k_cannot_run;
  // A batch is advised and written a chunk at a time, each chunk in parallel, so memory stays
  // bounded and output starts early; chunks are written in input order.
  constexpr std::size_t k_chunk = 512;
  for (std::size_t begin = 0; begin < outcomes.size(); begin += k_chunk) {
    const std::size_t end = std::min(outcomes.size(), begin + k_chunk);
    std::vector<ProfileOutcome> chunk(std::make_move_iterator(outcomes.begin() + static_cast<std::ptrdiff_t>(begin)),
                                      std::make_move_iterator(outcomes.begin() + static_cast<std::ptrdiff_t>(end)));
    std::vector<Diagnostics> broken(chunk.size());
    parallel_for(chunk.size(), [&](std::size_t i) {
      if (chunk[i].status != RunStatus::ok) return;
      advise_outcome(chunk[i], *rules, extras, &broken[i]);
      if (!base || chunk[i].status != RunStatus::ok) return;
      // One baseline result is compared with every profile; several, position by position.
      const std::size_t at = base->size() == 1 ? 0 : begin + i;
      if (at >= base->size()) return;
      AdviceDiff d = diff_advice((*base)[at], snapshot_of(chunk[i]));
      d.old_label = opt.baseline.empty() ? "its own advice without --set" : opt.baseline;
      d.new_label = chunk[i].file;
      d.what_if = opt.common.sets;
      chunk[i].baseline = std::move(d);
    });
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      print_diagnostics(broken[i]);
      summary.add(chunk[i].status);
      if (chunk[i].advice) summary.add_pick(chunk[i].advice->recommendation);
    }
    if (!out.write(format.body(chunk, options, begin == 0))) return k_cannot_run;
  }
  if (!out.write(format.tail(options, summary)) || !out.commit()) return k_cannot_run;
  return summary.ok == summary.profiles ? k_ok : k_cannot_run;
}

}  // namespace

void setup_advise(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<AdviseOptions>();
  CLI::App* cmd = app.add_subcommand("advise", "Rank the strategies for each profile, with costs and reasons");
  cmd->footer(
      "Examples:\n"
      "  llmplan advise examples/shakespeare-voice.yaml\n"
      "  llmplan advise examples/ --format jsonl\n"
      "  cat profile.yaml | llmplan advise - --format json -o advice.json");
  cmd->add_option("profiles", opt->profiles, "Profile files, directories of *.yaml, or - for standard input")
      ->required()
      ->type_name("PROFILE");
  cmd->add_option("-f,--format", opt->format,
                  format_help(advice_formats(), "table, whether or not standard output is a terminal"))
      ->check(CLI::IsMember(advice_format_names()));
  cmd->add_flag("--explain", opt->explain,
                "Show every rule that fired with the facts it read, the largest that did not, and what would change the advice");
  cmd->add_flag("--uncertainty", opt->uncertainty,
                "Sample the uncertain inputs (ranges LO..HI, the cost model's ranges): p_best per strategy, the confidence, "
                "what moves the pick most (on by default for profiles with ranges)");
  cmd->add_option("--samples", opt->samples, "Samples of --uncertainty (default 1000)")->check(CLI::Range(1, 10000000));
  cmd->add_option("--seed", opt->seed, "Seed of --uncertainty's sampling: the same seed gives the same figures (default 1)");
  cmd->add_option("--baseline", opt->baseline,
                  "Compare with FILE (a profile or saved `advise --format json`): what changed, like `llmplan diff`")
      ->type_name("FILE");
  cmd->add_flag("-v,--verbose", opt->verbose,
                "Show every strategy's reasons, blockers, cost ranges and break-even (the table shows the pick's)");
  cmd->add_option("--top", opt->top_reasons, "Reasons shown per strategy in the table")->check(CLI::Range(1, 50));
  add_common_flags(*cmd, opt->common, true);
  cmd->callback([opt, &exit_code] { exit_code = run_advise(*opt); });
}

}  // namespace llmplan::cli
