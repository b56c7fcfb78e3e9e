#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "llmplan/input/diagnostic.hpp"
#include "llmplan/input/io.hpp"
#include "llmplan/input/profile.hpp"
#include "llmplan/rules/outcome.hpp"
#include "llmplan/rules/ruleset.hpp"

namespace llmplan::cli {

/// Exit codes of cli.md.
enum ExitCode : int { k_ok = 0, k_findings = 1, k_cannot_run = 2, k_internal = 3 };

/// Flags every command that reads profiles shares.
struct CommonOptions {
  std::vector<std::string> rules;
  std::vector<std::string> sets;
  std::string output;
  bool no_color = false;
  bool quiet = false;
};

void add_common_flags(CLI::App& command, CommonOptions& options, bool with_output);

/// Only `--rules` (for commands that read no profile but show what the rule set defines).
void add_rules_flag(CLI::App& command, CommonOptions& options);

/// Prints diagnostics to standard error, one per line, in `file:line:col: error: ...` form;
/// `quiet` leaves out everything but errors.
void print_diagnostics(const Diagnostics& diags, bool quiet = false);

/// Reads the rule files that PATHS name (files, or directories of *.yaml) into `sources`.
void append_rule_files(const std::vector<std::string>& paths, std::vector<RuleSource>& sources, Diagnostics& diags);

/// The built-in rule set plus the `--rules` files, kept until the process ends (never freed);
/// null (after printing why) when broken.
const RuleSet* load_rules(const std::vector<std::string>& paths);

/// load_outcomes() a chunk at a time, for a batch that is advised and written as it is read:
/// files are opened one after another (each read whole: at most 64 MiB), the documents of each step are loaded in parallel across
/// files, and the outcomes come out in input order, identical to load_outcomes()'s whatever the step sizes.
class OutcomeStream {
 public:
  OutcomeStream(const std::vector<std::string>& inputs, std::vector<std::string> sets, const RuleSet& rules);
  ~OutcomeStream();
  OutcomeStream(const OutcomeStream&) = delete;
  OutcomeStream& operator=(const OutcomeStream&) = delete;

  /// Appends the next outcomes to `out`: about `want` of them (at least one document is loaded
  /// a step; a file's first profile waits for its second, a text that is not split comes
  /// whole). False when nothing was left.
  bool next(std::size_t want, std::vector<ProfileOutcome>& out);

 private:
  struct Source;
  bool open_next();
  std::size_t step(std::size_t want, std::vector<ProfileOutcome>& out);
  ProfileOutcome outcome_of(LoadedProfile loaded, const std::string& file) const;

  std::vector<std::pair<std::string, bool>> m_files;  ///< each file, and whether it is an empty directory
  std::size_t m_opened = 0;
  std::vector<std::unique_ptr<Source>> m_active;  ///< opened, not yet handed out in full
  std::vector<std::string> m_sets;
  const RuleSet* m_rules;
};

/// Profiles handled a step when a command streams a batch (advise, validate): the
/// LLMPLAN_BATCH_CHUNK environment variable sets it (tests use small steps to show that the
/// output does not depend on them).
std::size_t batch_chunk_size();

/// Reads every PROFILE argument (files, directories, `-`), applies `--set`, and validates.
std::vector<ProfileOutcome> load_outcomes(const std::vector<std::string>& inputs, const std::vector<std::string>& sets,
                                          const RuleSet& rules);

/// Checks the estimator's invariants on an outcome's advice (see check_cost_invariants()). A
/// broken figure drops the advice, marks the outcome `error` and adds located errors to
/// `found`, which the caller prints: a broken estimate is never rendered nor judged.
bool keep_sound_advice(ProfileOutcome& outcome, const RuleSet& rules, Diagnostics& found);

/// Writes to standard output, or atomically to `path`; false (after printing why) on failure.
bool emit(const std::string& content, const std::string& path);

/// The flags every command takes (`--color`, `--no-color`, `-q`), whatever else it reads.
struct UiOptions {
  std::string color = "auto";  ///< auto, always or never
  bool no_color = false;
  bool quiet = false;
};

/// The run's UI options, filled in by the flags add_ui_flags() adds.
UiOptions& ui();

/// Adds `--color`, `--no-color` and `-q/--quiet` to `app`'s every subcommand (nested ones too)
/// that does not define them already.
void add_ui_flags(CLI::App& app);

/// Whether to colour standard output: `--color always|never` (and `--no-color`) decide; with
/// `auto`, NO_COLOR turns colour off, CLICOLOR_FORCE (other than 0) turns it on, and otherwise
/// colour only on a terminal whose TERM is not `dumb`. `no_color` is a command's own flag.
bool use_color(bool no_color = false);

/// Whether standard output is a terminal.
bool stdout_is_terminal();

/// The width to lay tables out for: COLUMNS when set, else the terminal's, else 80.
int output_width();

/// Writes `text` to standard output; on a terminal, text longer than the screen goes through
/// the pager (LLMPLAN_PAGER, else PAGER, else `less -FRX`; an empty or `cat` pager writes
/// directly). False (after printing why) when standard output cannot be written.
bool write_stdout(const std::string& text);

/// The help of a `--format` option, from a format table: "NAME: what it is; ... (default: ...)".
template <typename Format>
std::string format_help(const std::vector<Format>& formats, const std::string& default_text) {
  std::string out = "Output format:";
  for (const auto& f : formats) out += "\n  " + std::string(f.name) + ": " + std::string(f.description);
  return out + "\n(default: " + default_text + ")";
}

/// CLI::Range for numbers that also refuses NaN (which every comparison lets through).
CLI::Validator finite_range(double min, double max);

/// Prints `llmplan: error: message [code]` to standard error.
void print_error(const std::string& message, const std::string& code);

}  // namespace llmplan::cli
