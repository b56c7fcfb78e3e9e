// `llmplan advise PROFILE...`: rank the strategies of each profile, with costs and reasons.
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/engine.hpp"
#include "llmplan/render.hpp"

namespace llmplan::cli {

namespace {

struct AdviseOptions {
  CommonOptions common;
  std::vector<std::string> profiles;
  std::string format;
  int top_reasons = 3;
};

int run_advise(const AdviseOptions& opt) {
  const auto rules = load_rules(opt.common.rules);
  if (!rules) return k_cannot_run;
  std::vector<ProfileOutcome> outcomes = load_outcomes(opt.profiles, opt.common.sets, *rules);
  bool all_ok = true;
  for (auto& o : outcomes) {
    print_diagnostics(o.diagnostics);
    if (o.status == "ok") o.advice = advise(*o.profile, *rules);
    else all_ok = false;
  }
  const std::string format = opt.format.empty() ? (stdout_is_terminal() ? "table" : "json") : opt.format;
  std::string content;
  if (format == "json") content = render_json(outcomes, *rules);
  else if (format == "jsonl") content = render_jsonl(outcomes);
  else if (format == "markdown") content = render_markdown(outcomes);
  else content = render_table(outcomes, RenderOptions{use_color(opt.common.no_color) && opt.common.output.empty(), opt.top_reasons});
  if (!emit(content, opt.common.output)) return k_cannot_run;
  return all_ok ? k_ok : k_cannot_run;
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
  cmd->add_option("-f,--format", opt->format, "table (default on a terminal), json (default otherwise), jsonl, markdown")
      ->check(CLI::IsMember({"table", "json", "jsonl", "markdown"}));
  cmd->add_option("--top", opt->top_reasons, "Reasons shown per strategy in the table")->check(CLI::Range(1, 50));
  add_common_flags(*cmd, opt->common, true);
  cmd->callback([opt, &exit_code] { exit_code = run_advise(*opt); });
}

}  // namespace llmplan::cli
