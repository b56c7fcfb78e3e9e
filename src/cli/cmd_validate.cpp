// `llmplan validate PROFILE...`: check profiles against the format; exit 1 when any is invalid.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/output/escape.hpp"
#include "llmplan/output/render.hpp"

namespace llmplan::cli {

namespace {

struct ValidateOptions {
  CommonOptions common;
  std::vector<std::string> profiles;
  std::string format = "text";
};

int run_validate(const ValidateOptions& opt) {
  const auto rules = load_rules(opt.common.rules);
  if (!rules) return k_cannot_run;
  const std::vector<ProfileOutcome> outcomes = load_outcomes(opt.profiles, opt.common.sets, *rules);
  int invalid = 0;
  int unreadable = 0;
  std::string content;
  nlohmann::ordered_json doc{{"schema_version", 1}, {"results", nlohmann::ordered_json::array()}};
  for (const auto& o : outcomes) {
    print_diagnostics(o.diagnostics, opt.common.quiet);
    if (o.status == "invalid") ++invalid;
    if (o.status == "error") ++unreadable;
    if (opt.format == "json") {
      nlohmann::ordered_json item{
          {"file", o.file}, {"name", o.name}, {"status", o.status}, {"diagnostics", nlohmann::ordered_json::array()}};
      for (const auto& d : o.diagnostics.items()) item["diagnostics"].push_back(diagnostic_to_json(d));
      doc["results"].push_back(item);
    } else if (!opt.common.quiet) {
      content +=
          fmt::format("{}: {}\n", escape_terminal(o.file + (o.name != default_profile_name(o.file) ? " (" + o.name + ")" : "")),
                      o.status == "ok"        ? "valid"
                      : o.status == "invalid" ? "invalid"
                                              : "unreadable");
    }
  }
  const int valid = static_cast<int>(outcomes.size()) - invalid - unreadable;
  if (opt.format == "json") {
    doc["summary"] = {{"profiles", outcomes.size()}, {"valid", valid}, {"invalid", invalid}, {"error", unreadable}};
    content = json_visible(doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)) + "\n";
  } else if (!opt.common.quiet) {
    content += fmt::format("{} valid, {} invalid, {} unreadable\n", valid, invalid, unreadable);
  }
  if (!emit(content, opt.common.output)) return k_cannot_run;
  if (unreadable > 0) return k_cannot_run;
  return invalid > 0 ? k_findings : k_ok;
}

}  // namespace

void setup_validate(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand("validate", "Only validate profiles; exit 1 when any is invalid");
  cmd->footer("Examples:\n  llmplan validate examples/\n  llmplan validate profile.yaml --format json");
  cmd->add_option("profiles", opt->profiles, "Profile files, directories of *.yaml, or - for standard input")
      ->required()
      ->type_name("PROFILE");
  cmd->add_option("-f,--format", opt->format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  add_common_flags(*cmd, opt->common, true);
  cmd->callback([opt, &exit_code] { exit_code = run_validate(*opt); });
}

}  // namespace llmplan::cli
