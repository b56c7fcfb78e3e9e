// `llmplan init [FILE]`: write a commented profile; on a terminal, ask the few questions that
// matter first (with defaults and the same checks as a profile), then print the advice.
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <unistd.h>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/input/profile.hpp"
#include "llmplan/output/escape.hpp"
#include "llmplan/output/render.hpp"
#include "llmplan/rules/engine.hpp"
#include "output.hpp"

namespace llmplan::cli {

namespace {

struct InitOptions {
  std::string file = "llmplan-profile.yaml";
  bool no_input = false;
  bool force = false;
  bool no_color = false;
};

/// A question: the profile field it fills, the prompt, and the default answer.
struct Question {
  const char* path;
  const char* prompt;
  const char* fallback;
};

constexpr Question k_questions[] = {
    {"task.type",
     "What kind of task? (classification, extraction, summarization, generation, chat, qa, code, translation, other)",
     "generation"},
    {"task.needs", "What does the base model lack? (format, style, knowledge, skill, language; several as [a, b])", "[skill]"},
    {"data.labeled_examples", "How many labeled input->output examples do you have? (e.g. 0, 500, 3k)", "0"},
    {"data.domain_tokens", "How much unlabeled domain text, in tokens? (e.g. 0, 2M, 5B)", "0"},
    {"budget.one_time_usd", "One-time budget for data and training, in dollars? (e.g. $5k)", "$5k"},
    {"risk.tolerance", "How acceptable is an off-target or made-up answer? (low, medium, high)", "medium"},
    {"usage.requests_per_month", "Requests per month? (e.g. 10k, 2M)", "10k"},
};

const char* k_template = R"(# llmplan project profile (format version 1). Reference: docs/profile.md
# Check it with `llmplan validate {file}` and get advice with `llmplan advise {file}`.
# yaml-language-server: $schema=./llmplan-profile.schema.json   (llmplan schema profile > llmplan-profile.schema.json)
version: 1
name: {name}
description: what the model should do, in one sentence

task:
  type: {task.type}         # classification | extraction | summarization | generation | chat | qa | code | translation | other
  needs: {task.needs}       # what the base model lacks: format, style, knowledge, skill, language

data:
  labeled_examples: {data.labeled_examples}   # input->output pairs usable for supervised tuning
  example_tokens: 500       # average tokens per example
  domain_tokens: {data.domain_tokens}      # unlabeled in-domain text: documents, books, logs, code
  freshness: static         # static | yearly | monthly | weekly | daily

domain:
  overlap: medium           # high | medium | low | none, or a fraction such as 40%
  language: en
  regulated: false          # health, finance, law and other high-stakes fields

budget:
  one_time_usd: {budget.one_time_usd}       # data preparation and training
  # monthly_usd: $500       # inference and hosting per month (no limit when absent)
  horizon_months: 12

risk:
  tolerance: {risk.tolerance}       # low | medium | high

usage:
  requests_per_month: {usage.requests_per_month}
  input_tokens: 500
  output_tokens: 250

constraints:
  self_hosted: false        # true: data may not leave your infrastructure
  # deadline_weeks: 8
  # max_latency_ms: 2000

team:
  ml_expertise: basic       # none | basic | experienced | expert

# hardware:                 # GPUs you own (see `llmplan gpus`)
#   gpu: a100-80gb
#   count: 1
# model:                    # the base model to adapt (see `llmplan models`)
#   name: llama-3.1-8b
# proposal:                 # what you intend to do, judged by `llmplan check`
#   strategy: peft
)";

std::string fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values) {
    const std::string placeholder = "{" + key + "}";
    for (auto pos = text.find(placeholder); pos != std::string::npos; pos = text.find(placeholder, pos + value.size())) {
      text.replace(pos, placeholder.size(), value);
    }
  }
  return text;
}

/// Asks until the answer passes the same checks as the profile field (an empty answer takes the default).
std::string ask(const Question& q, const RuleSet& rules, Profile& scratch) {
  for (;;) {
    std::cerr << fmt::format("{} [{}] ", q.prompt, q.fallback) << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) return q.fallback;  // end of input: keep the default
    if (answer.find_first_not_of(" \t") == std::string::npos) return q.fallback;
    Diagnostics diags;
    if (set_profile_field(scratch, q.path, answer, rules.catalog, diags)) return answer;
    for (const auto& d : diags.items()) std::cerr << "  " << d.message << "\n";
  }
}

/// A valid profile to check answers against, field by field.
std::string minimal_template() {
  return "data: {labeled_examples: 0}\ndomain: {overlap: medium}\nbudget: {one_time_usd: 1}\nrisk: {tolerance: medium}\n";
}

int run_init(const InitOptions& opt) {
  if (std::filesystem::exists(opt.file) && !opt.force) {
    print_error(fmt::format("`{}` exists; pass --force to overwrite it", opt.file), "file-exists");
    return k_cannot_run;
  }
  const auto rules = load_rules({});
  if (!rules) return k_cannot_run;
  std::map<std::string, std::string> values;
  std::string stem = std::filesystem::path(opt.file).stem().string();
  values["name"] = stem.empty() ? "my-project" : stem;
  // Questions only for a person at a terminal; scripts and pipes get the template.
  const bool interactive = !opt.no_input && ::isatty(STDIN_FILENO) == 1;
  Profile scratch = load_profiles(minimal_template(), "init", rules->catalog).front().profile;
  for (const auto& q : k_questions) values[q.path] = interactive ? ask(q, *rules, scratch) : q.fallback;
  const std::string text = fill(fill(k_template, values), {{"file", opt.file}});
  Output out;
  if (!out.open(opt.file) || !out.write(text) || !out.commit()) return k_cannot_run;
  std::cerr << fmt::format("wrote {}\n", escape_terminal(opt.file));
  if (!interactive) return k_ok;
  auto loaded = load_profiles(text, opt.file, rules->catalog);
  if (loaded.empty() || !loaded.front().valid()) return k_ok;
  ProfileOutcome o{opt.file, loaded.front().profile.name, "ok", loaded.front().profile, std::nullopt, {}, std::nullopt};
  o.advice = advise(*o.profile, *rules);
  Diagnostics broken;
  if (!keep_sound_advice(o, *rules, broken)) {
    print_diagnostics(broken);
    return k_cannot_run;
  }
  return emit(render_table({o}, RenderOptions{use_color(opt.no_color), 3}), "") ? k_ok : k_cannot_run;
}

}  // namespace

void setup_init(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<InitOptions>();
  CLI::App* cmd = app.add_subcommand("init", "Write a commented profile; on a terminal, ask the questions that matter first");
  cmd->footer("Examples:\n  llmplan init\n  llmplan init support-bot.yaml --no-input");
  cmd->add_option("file", opt->file, "Profile to write (default llmplan-profile.yaml)");
  cmd->add_flag("--no-input", opt->no_input, "Never ask: write the template with defaults");
  cmd->add_flag("--force", opt->force, "Overwrite an existing file");
  cmd->add_flag("--no-color", opt->no_color, "Never colour the output");
  cmd->callback([opt, &exit_code] { exit_code = run_init(*opt); });
}

}  // namespace llmplan::cli
