// `llmplan validate PROFILE...`: check profiles against the format; exit 1 when any is invalid.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/output/escape.hpp"
#include "llmplan/output/json_writer.hpp"
#include "llmplan/rules/outcome.hpp"
#include "output.hpp"

namespace llmplan::cli {

namespace {

struct ValidateOptions {
  CommonOptions common;
  std::vector<std::string> profiles;
  std::string format = "text";
};

std::string_view validity(RunStatus status) {
  switch (status) {
    case RunStatus::ok: return "valid";
    case RunStatus::invalid: return "invalid";
    case RunStatus::error: return "unreadable";
  }
  return "";  // unreachable: every status is handled above
}

int run_validate(const ValidateOptions& opt) {
  const auto rules = load_rules(opt.common.rules);
  if (!rules) return k_cannot_run;
  // Read, judged and written a chunk at a time, as advise does: memory stays bounded whatever
  // the batch's size. The first chunk is read before the output is opened, so that a run whose
  // output cannot be written still reports what is wrong with its input.
  OutcomeStream stream(opt.profiles, opt.common.sets, *rules);
  std::vector<ProfileOutcome> chunk;
  const auto read_chunk = [&] {
    chunk.clear();
    return stream.next(batch_chunk_size(), chunk);
  };
  bool more = read_chunk();
  RunSummary summary;
  std::string content;
  JsonWriter w(content, true);
  Output out;
  if (!out.open(opt.common.output)) {
    for (; more; more = read_chunk()) {
      for (const auto& o : chunk) print_diagnostics(o.diagnostics, opt.common.quiet);
    }
    return k_cannot_run;
  }
  if (opt.format == "json") {
    w.begin_object();
    w.field("schema_version", 1);
    w.key("results");
    w.begin_array();
  }
  for (; more; more = read_chunk()) {
    for (const auto& o : chunk) {
      print_diagnostics(o.diagnostics, opt.common.quiet);
      summary.add(o.status);
      if (opt.format == "json") {
        w.begin_object();
        w.field("file", o.file);
        w.field("name", o.name);
        w.field("status", status_name(o.status));
        w.key("diagnostics");
        w.begin_array();
        for (const auto& d : o.diagnostics.items()) write_diagnostic(w, d);
        w.end_array();
        w.end_object();
      } else if (!opt.common.quiet) {
        content +=
            fmt::format("{}: {}\n", escape_terminal(o.file + (o.name != default_profile_name(o.file) ? " (" + o.name + ")" : "")),
                        validity(o.status));
      }
    }
    if (!out.write(content)) return k_cannot_run;
    content.clear();  // the writer only appends: what is written is let go
  }
  if (opt.format == "json") {
    w.end_array();
    w.key("summary");
    w.begin_object();
    w.field("profiles", summary.profiles);
    w.field("valid", summary.ok);
    w.field("invalid", summary.invalid);
    w.field("error", summary.error);
    w.end_object();
    w.end_object();
    content += "\n";
  } else if (!opt.common.quiet) {
    content += fmt::format("{} valid, {} invalid, {} unreadable\n", summary.ok, summary.invalid, summary.error);
  }
  if (!out.write(content) || !out.commit()) return k_cannot_run;
  if (summary.error > 0) return k_cannot_run;
  return summary.invalid > 0 ? k_findings : k_ok;
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
