// `llmplan sweep PROFILE FIELD=LO..HI [FIELD2=LO..HI]`: the advice along a range of one field
// (or a grid of two), the values where the recommendation flips, and the costs.
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/output/render_sweep.hpp"
#include "llmplan/rules/sweep.hpp"

namespace llmplan::cli {

namespace {

struct SweepOptions {
  CommonOptions common;
  std::string profile;
  std::vector<std::string> axes;
  std::size_t steps = 40;
  bool log = false;
  std::string format = "table";
};

int run_sweep(const SweepOptions& opt) {
  const auto rules = load_rules(opt.common.rules);
  if (!rules) return k_cannot_run;
  Diagnostics diags;
  std::vector<SweepAxis> axes;
  for (const auto& text : opt.axes) {
    if (auto axis = parse_sweep_axis(text, diags)) {
      axis->log = opt.log && axis->low > 0;
      if (opt.log && axis->low <= 0) {
        diags.error("bad-axis", fmt::format("`{}`: --log needs a range above 0", text), SourceLoc{"sweep", 1, 1}, axis->field);
      }
      axes.push_back(*axis);
    }
  }
  if (axes.size() == 2 && axes[0].field == axes[1].field) {
    diags.error("bad-axis", "the two fields of a sweep must differ", SourceLoc{"sweep", 1, 1});
  }
  print_diagnostics(diags, opt.common.quiet);
  if (diags.has_errors()) return k_cannot_run;

  std::vector<ProfileOutcome> outcomes = load_outcomes({opt.profile}, opt.common.sets, *rules);
  for (const auto& o : outcomes) print_diagnostics(o.diagnostics, opt.common.quiet);
  if (outcomes.size() != 1 || outcomes.front().status != RunStatus::ok) {
    if (outcomes.size() > 1) print_error("sweep takes one profile (a file with one document)", "one-profile");
    return k_cannot_run;
  }
  const Profile& profile = *outcomes.front().profile;
  const std::optional<SweepAxis> second = axes.size() == 2 ? std::optional<SweepAxis>(axes[1]) : std::nullopt;
  const SweepResult result = sweep(profile, *rules, axes[0], second, opt.steps);
  std::string content;
  if (opt.format == "json")
    content = render_sweep_json(result);
  else if (opt.format == "csv")
    content = render_sweep_csv(result);
  else
    content = render_sweep_table(result, profile);
  return emit(content, opt.common.output) ? k_ok : k_cannot_run;
}

}  // namespace

void setup_sweep(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<SweepOptions>();
  CLI::App* cmd = app.add_subcommand("sweep", "The advice along a range of one field (two with a second FIELD=LO..HI)");
  cmd->footer(
      "Examples:\n"
      "  llmplan sweep examples/shakespeare-voice.yaml usage.requests_per_month=1k..100M --log\n"
      "  llmplan sweep profile.yaml data.labeled_examples=0..50k budget.one_time_usd=$1k..$100k --steps 20\n"
      "  llmplan sweep profile.yaml domain.overlap=0..1 --format json");
  cmd->add_option("profile", opt->profile, "Profile file, or - for standard input")->required()->type_name("PROFILE");
  cmd->add_option("axes", opt->axes, "FIELD=LO..HI, one or two (a numeric profile field and its range)")
      ->required()
      ->expected(1, 2)
      ->type_name("FIELD=LO..HI");
  cmd->add_option("--steps", opt->steps, "Points along each field (default 40)")->check(CLI::Range(2, 100000));
  cmd->add_flag("--log", opt->log, "Geometric steps (for ranges over several orders of magnitude)");
  cmd->add_option("-f,--format", opt->format, "Output format: table (a strip or map and cost lines), json, csv (default table)")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  add_common_flags(*cmd, opt->common, true);
  cmd->callback([opt, &exit_code] { exit_code = run_sweep(*opt); });
}

}  // namespace llmplan::cli
