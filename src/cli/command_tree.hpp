#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "llmplan/rules/ruleset.hpp"

namespace llmplan::cli {

/// What a flag's or argument's value is, for completion: a word from a fixed set, a path, or an
/// id from the loaded catalogs and ladder.
enum class ValueKind { none, choice, file, directory, gpu, model, strategy, text };

/// One flag or positional argument as the command line defines it.
struct ArgumentSpec {
  std::vector<std::string> names;  ///< `--format`, `-f`; the positional's name for arguments
  std::string description;
  std::string type;  ///< what the help shows for its value (`FILE`, `TEXT`)
  ValueKind kind = ValueKind::none;
  std::vector<std::string> choices;
  bool positional = false;
  bool repeats = false;  ///< takes several values (PROFILE...)

  /// How the help names its value: `table|json`, `FILE`.
  [[nodiscard]] std::string value_name() const;
};

/// One command with its flags and subcommands, read from the CLI11 definitions: completions
/// and the man page are generated from this, so they cannot miss a command or a flag.
struct CommandSpec {
  std::string name;
  std::string description;
  std::string footer;
  std::vector<ArgumentSpec> arguments;
  std::vector<CommandSpec> subcommands;
};

/// The command tree of `app`, hidden commands left out; ids for GPU, model and strategy values
/// come from `rules`.
CommandSpec describe_commands(const CLI::App& app, const RuleSet& rules);

/// The ids a value of `kind` may take (catalog GPUs and models, the ladder's strategies).
std::vector<std::string> ids_for(ValueKind kind, const RuleSet& rules);

std::string bash_completion(const CommandSpec& root, const RuleSet& rules);
std::string zsh_completion(const CommandSpec& root, const RuleSet& rules);
std::string fish_completion(const CommandSpec& root, const RuleSet& rules);
/// The manual page (roff), with the commands, their flags and the exit codes.
std::string man_page(const CommandSpec& root);

}  // namespace llmplan::cli
