// `llmplan check PROFILE...`: judge each profile's `proposal.strategy`; exit 1 when one should
// not go ahead, 2 when a profile (or the rule set) cannot be evaluated: never confused.
#include <cstdlib>
#include <fstream>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/input/suggest.hpp"
#include "llmplan/output/check_format.hpp"
#include "llmplan/rules/check.hpp"
#include "llmplan/rules/parallel.hpp"
#include "output.hpp"

namespace llmplan::cli {

namespace {

struct CheckOptions {
  CommonOptions common;
  std::vector<std::string> profiles;
  std::string format = "text";
  int max_rank = 1;
  double margin = 0;
  std::string strategy;
  std::string fail_on = "rejected";
  std::string summary_file;
};

/// GitHub's job summary: appended to the file GitHub names, as Markdown.
bool append_summary(const std::string& path, const std::string& markdown) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << markdown;
  out.close();  // the write happens here: a failure on close counts
  if (!out) {
    print_error(fmt::format("cannot append the job summary to {}", path), "write-failed");
    return false;
  }
  return true;
}

int run_check(const CheckOptions& opt) {
  const auto rules = load_rules(opt.common.rules);
  if (!rules) return k_cannot_run;  // a broken rule set never passes a proposal
  if (!opt.strategy.empty() && rules->find_strategy(opt.strategy) == nullptr) {
    const auto ids = rules->strategy_ids();
    std::string hint = did_you_mean(opt.strategy, ids);
    if (hint.empty()) hint = fmt::format("; the strategies are {}", fmt::join(ids, ", "));
    print_error(fmt::format("--strategy: unknown strategy `{}`{}", opt.strategy, hint), "unknown-strategy");
    return k_cannot_run;
  }
  CheckPolicy policy;
  policy.max_rank = opt.max_rank;
  policy.margin = opt.margin;
  if (!opt.strategy.empty()) policy.strategy = opt.strategy;

  // Read, advised and judged a chunk at a time; each judgement keeps what the reports read and
  // lets the profile and its advice go, so memory stays small whatever the batch's size. The
  // reports are written at the end: JUnit and SARIF put the counts first.
  OutcomeStream stream(opt.profiles, opt.common.sets, *rules);
  std::vector<CheckOutcome> outcomes;
  std::vector<ProfileOutcome> chunk;
  while (stream.next(batch_chunk_size(), chunk)) {
    const std::size_t first = outcomes.size();
    outcomes.resize(first + chunk.size());
    parallel_for(chunk.size(), [&](std::size_t i) {
      CheckOutcome& o = outcomes[first + i];
      o.outcome = std::move(chunk[i]);
      if (o.outcome.status == RunStatus::ok) {
        o.outcome.advice = advise(*o.outcome.profile, *rules);
        Diagnostics broken;  // a broken estimate is never judged, so never passes
        if (keep_sound_advice(o.outcome, *rules, broken))
          o.judgement = judge_proposal(*o.outcome.profile, *o.outcome.advice, policy, o.outcome.diagnostics);
      }
      o.outcome.advice.reset();
      o.outcome.profile.reset();
      o.outcome.unset.reset();
    });
    for (std::size_t i = first; i < outcomes.size(); ++i) print_diagnostics(outcomes[i].outcome.diagnostics, opt.common.quiet);
    chunk.clear();
  }

  const CheckFormat& format = *find_check_format(opt.format);  // CLI11 checked the name against the table
  const CheckRenderOptions options{&*rules, use_color(opt.common.no_color) && opt.common.output.empty()};
  const std::string content = format.render(outcomes, options);
  Output out;
  if (!out.open(opt.common.output) || !out.write(content) || !out.commit()) return k_cannot_run;

  std::string summary_file = opt.summary_file;
  if (summary_file.empty() && opt.format == "github") {
    const char* env = std::getenv("GITHUB_STEP_SUMMARY");
    if (env != nullptr) summary_file = env;
  }
  if (!summary_file.empty() && !append_summary(summary_file, render_check_markdown(outcomes, options))) return k_cannot_run;

  const CheckSummary s = summarize(outcomes);
  if (s.errors > 0) return k_cannot_run;
  if (s.rejected > 0 && opt.fail_on == "rejected") return k_findings;
  return k_ok;
}

}  // namespace

void setup_check(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand("check", "Judge each profile's proposal.strategy; exit 1 when it should not go ahead");
  cmd->footer(
      "A proposal is accepted when it is feasible and ranks within --max-rank or scores within --margin points\n"
      "of the best strategy. Exit codes: 0 all accepted, 1 a proposal rejected, 2 a profile or the rule set\n"
      "could not be evaluated.\n"
      "Examples:\n"
      "  llmplan check examples/\n"
      "  llmplan check examples/helpdesk-bot.yaml --format github --max-rank 2\n"
      "  llmplan check examples/ --format sarif -o llmplan.sarif");
  cmd->add_option("profiles", opt->profiles, "Profile files, directories of *.yaml, or - for standard input")
      ->required()
      ->type_name("PROFILE");
  cmd->add_option("-f,--format", opt->format, format_help(check_formats(), "text"))->check(CLI::IsMember(check_format_names()));
  cmd->add_option("--max-rank", opt->max_rank, "Accept a proposal ranked this high or better (default 1)")
      ->check(CLI::Range(1, k_max_rung));
  cmd->add_option("--margin", opt->margin, "Accept a proposal scoring within this many points of the best (default 0)")
      ->check(finite_range(0.0, 100.0));
  // Checked against the loaded ladder (built-in plus --rules) when the command runs.
  cmd->add_option("--strategy", opt->strategy, "Judge this strategy for profiles without a proposal")->type_name("ID");
  cmd->add_option("--fail-on", opt->fail_on, "rejected (default): exit 1 on a rejected proposal; never: report only")
      ->check(CLI::IsMember({"rejected", "never"}));
  cmd->add_option("--summary-file", opt->summary_file,
                  "Append a Markdown summary here (default with --format github: $GITHUB_STEP_SUMMARY)")
      ->type_name("FILE");
  add_common_flags(*cmd, opt->common, true);
  cmd->callback([opt, &exit_code] { exit_code = run_check(*opt); });
}

}  // namespace llmplan::cli
