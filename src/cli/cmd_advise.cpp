// `llmplan advise PROFILE...`: rank the strategies of each profile, with costs and reasons.
#include <algorithm>
#include <iterator>
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/output/render.hpp"
#include "llmplan/rules/engine.hpp"
#include "llmplan/rules/explain.hpp"
#include "llmplan/rules/parallel.hpp"
#include "output.hpp"

namespace llmplan::cli {

namespace {

struct AdviseOptions {
  CommonOptions common;
  std::vector<std::string> profiles;
  std::string format;
  int top_reasons = 3;
  bool explain = false;
};

/// Renders one chunk of advised profiles in the chosen format.
std::string render_chunk(const std::vector<ProfileOutcome>& chunk, const std::string& format, bool first_chunk,
                         const RenderOptions& options) {
  if (format == "jsonl") return render_jsonl(chunk);
  if (format == "markdown") return render_markdown_body(chunk);
  if (format == "json") {
    std::vector<std::string> parts(chunk.size());
    parallel_for(chunk.size(), [&](std::size_t i) { parts[i] = render_json_result(chunk[i], first_chunk && i == 0); });
    std::string out;
    for (const auto& part : parts) out += part;
    return out;
  }
  return (first_chunk ? "" : "\n") + render_table(chunk, options);
}

int run_advise(const AdviseOptions& opt) {
  const auto rules = load_rules(opt.common.rules);
  if (!rules) return k_cannot_run;
  std::vector<ProfileOutcome> outcomes = load_outcomes(opt.profiles, opt.common.sets, *rules);
  bool all_ok = true;
  std::vector<std::string> statuses;
  for (const auto& o : outcomes) {
    print_diagnostics(o.diagnostics, opt.common.quiet);
    all_ok = all_ok && o.status == "ok";
    statuses.push_back(o.status);
  }
  const std::string format = opt.format.empty() ? (stdout_is_terminal() ? "table" : "json") : opt.format;
  const RenderOptions options{use_color(opt.common.no_color) && opt.common.output.empty(), opt.top_reasons};
  Output out;
  if (!out.open(opt.common.output)) return k_cannot_run;
  if (format == "json") out.write(render_json_head(*rules));
  if (format == "markdown") out.write("# llmplan advice\n\n");
  // A batch is advised and written a chunk at a time, each chunk in parallel, so memory stays
  // bounded and output starts early; chunks are written in input order.
  constexpr std::size_t k_chunk = 512;
  for (std::size_t begin = 0; begin < outcomes.size(); begin += k_chunk) {
    const std::size_t end = std::min(outcomes.size(), begin + k_chunk);
    std::vector<ProfileOutcome> chunk(std::make_move_iterator(outcomes.begin() + static_cast<std::ptrdiff_t>(begin)),
                                      std::make_move_iterator(outcomes.begin() + static_cast<std::ptrdiff_t>(end)));
    std::vector<Diagnostics> broken(chunk.size());
    parallel_for(chunk.size(), [&](std::size_t i) {
      if (chunk[i].status != "ok") return;
      chunk[i].advice = advise(*chunk[i].profile, *rules);
      if (!keep_sound_advice(chunk[i], *rules, broken[i])) return;
      if (opt.explain) chunk[i].explanation = explain(*chunk[i].profile, *rules, *chunk[i].advice);
    });
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      print_diagnostics(broken[i]);
      if (!broken[i].empty()) all_ok = false;
      statuses[begin + i] = chunk[i].status;
    }
    if (!out.write(render_chunk(chunk, format, begin == 0, options))) return k_cannot_run;
  }
  if (format == "json") out.write(render_json_tail(statuses));
  if (!out.commit()) return k_cannot_run;
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
  cmd->add_flag("--explain", opt->explain,
                "Show every rule that fired with the facts it read, the largest that did not, and what would change the advice");
  cmd->add_option("--top", opt->top_reasons, "Reasons shown per strategy in the table")->check(CLI::Range(1, 50));
  add_common_flags(*cmd, opt->common, true);
  cmd->callback([opt, &exit_code] { exit_code = run_advise(*opt); });
}

}  // namespace llmplan::cli
