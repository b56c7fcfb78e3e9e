// The llmplan command line: parses flags, runs one subcommand, and maps every outcome to the
// exit codes of cli.md. Only this layer prints; the core returns values and diagnostics.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <exception>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/input/suggest.hpp"
#include "llmplan/output/atomic_file.hpp"
#include "llmplan/version.hpp"
#include "output.hpp"

namespace {

using namespace llmplan::cli;

/// The subcommand `path` names under `app` (`{"rules", "list"}`), or nullptr.
CLI::App* find_command(CLI::App& app, const std::vector<std::string>& path) {
  CLI::App* at = &app;
  for (const auto& word : path) {
    CLI::App* next = nullptr;
    for (CLI::App* sub : at->get_subcommands({})) {
      if (sub->get_name() == word) next = sub;
    }
    if (next == nullptr) return nullptr;
    at = next;
  }
  return at;
}

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

/// `llmplan` alone: what the tool does and its commands, on standard output.
std::string usage(const CLI::App& app) {
  std::string out =
      "llmplan: advice on how to adapt a large language model to a project, with costs\n\nUsage: llmplan COMMAND "
      "[ARGS...]\n\nCommands:\n";
  for (const auto* sub : app.get_subcommands({})) out += fmt::format("  {:<10} {}\n", sub->get_name(), sub->get_description());
  out +=
      "\nStart with `llmplan init` (writes a profile) and `llmplan advise profile.yaml`.\n"
      "`llmplan help COMMAND` shows a command's flags and examples; `llmplan --help` everything.\n";
  return out;
}

/// The deepest subcommand the parse reached.
const CLI::App* parsed_command(const CLI::App& app) {
  const CLI::App* at = &app;
  for (bool deeper = true; deeper;) {
    deeper = false;
    for (const CLI::App* sub : at->get_subcommands()) {
      at = sub;
      deeper = true;
      break;
    }
  }
  return at;
}

std::string command_path(const CLI::App* command) {
  std::string path;
  for (const CLI::App* at = command; at != nullptr && at->get_parent() != nullptr; at = at->get_parent())
    path = at->get_name() + (path.empty() ? "" : " " + path);
  return path;
}

std::string option_label(const CLI::Option* option) {
  if (option->get_positional()) {
    const std::string type = option->get_type_name();
    const auto colon = type.find(':');
    return colon == std::string::npos || type.empty() ? (type.empty() ? option->get_name() : type) : type.substr(0, colon);
  }
  return option->get_name(false, true).substr(0, option->get_name(false, true).find(','));
}

/// A CLI11 parse error in the project's voice: `llmplan: error: MESSAGE [code]`.
void report_parse_error(const CLI::App& app, const CLI::ParseError& e) {
  const CLI::App* command = parsed_command(app);
  const std::string path = command_path(command);
  const std::string help = path.empty() ? "llmplan --help" : "llmplan help " + path;
  const std::string what = e.what();
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
    if (!command->get_subcommands({}).empty() && command->get_subcommands().empty()) {
      const auto names = command_names(*command);
      print_error(fmt::format("`llmplan {}` needs a command: {}; see `{}`", path, fmt::join(names, ", "), help),
                  "missing-command");
      return;
    }
    for (const CLI::Option* option : command->get_options()) {
      if (option->get_required() && option->count() == 0) {
        const std::string label = option_label(option);
        if (option->get_positional()) {
          print_error(fmt::format("`llmplan {}` needs {}; e.g. `llmplan {} {}`; see `{}`", path, label, path,
                                  label == "PROFILE" ? "profile.yaml" : label, help),
                      "missing-argument");
        } else {
          print_error(fmt::format("`llmplan {}` needs {}; see `{}`", path, label, help), "missing-flag");
        }
        return;
      }
    }
  }
  // `--format: yaml not in {table,json}` and `kind: foo not in {profile,advice}`.
  const auto not_in = what.find(" not in {");
  const auto colon = what.find(": ");
  if (not_in != std::string::npos && colon != std::string::npos && colon < not_in && what.back() == '}') {
    std::string name = what.substr(0, colon);
    const std::string value = what.substr(colon + 2, not_in - colon - 2);
    const std::string list = what.substr(not_in + 9, what.size() - not_in - 10);
    std::vector<std::string> choices;
    for (std::size_t at = 0; at <= list.size();) {
      const auto comma = list.find(',', at);
      choices.push_back(list.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
      if (comma == std::string::npos) break;
      at = comma + 1;
    }
    if (name.rfind("-", 0) != 0) name = name == "kind" ? "KIND" : name;
    const std::string hint = llmplan::did_you_mean(value, choices);
    print_error(fmt::format("`{}` is not a choice of {}{}; the choices: {}", value, name, hint, fmt::join(choices, ", ")),
                "bad-value");
    return;
  }
  if (const auto missing = what.find(" missing");
      dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr && colon != std::string::npos && missing != std::string::npos) {
    print_error(fmt::format("{} needs a value; see `{}`", what.substr(0, colon), help), "missing-value");
    return;
  }
  if (const auto range = what.find(" not in range "); range != std::string::npos && colon != std::string::npos) {
    print_error(fmt::format("{} takes a number from {}; see `{}`", what.substr(0, colon), what.substr(range + 14), help),
                "bad-value");
    return;
  }
  std::string message = what;
  if (!message.empty()) message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  print_error(fmt::format("{}; see `{}`", message, help), "bad-arguments");
}

/// Unknown flags, with the closest flag of the command they were given to.
int report_unknown_flags(CLI::App& app, int argc, char** argv) {
  CLI::App* command = &app;
  int i = 1;
  for (; i < argc && argv[i][0] != '-'; ++i) {
    CLI::App* next = find_command(*command, {argv[i]});
    if (next == nullptr) break;
    command = next;
  }
  std::vector<std::string> flags;
  for (const CLI::Option* option : command->get_options()) {
    for (const auto& name : option->get_lnames()) flags.push_back("--" + name);
  }
  for (int j = 1; j < argc; ++j) {
    const std::string word = std::string(argv[j]).substr(0, std::string(argv[j]).find('='));
    if (word.rfind("--", 0) == 0 && word.size() > 2 && std::find(flags.begin(), flags.end(), word) == flags.end()) {
      const std::string path = command_path(command);
      print_error(fmt::format("unknown flag `{}`{}; see `{}`", word, llmplan::did_you_mean(word, flags),
                              path.empty() ? "llmplan --help" : "llmplan help " + path),
                  "unknown-flag");
      return k_cannot_run;
    }
  }
  return -1;
}

using Setup = void (*)(CLI::App&, int&);

/// Every command, in the order of the help. The first words are what a command line starts with
/// to run it; completion and manpage describe the whole tree, so they are never built alone.
struct CommandSetup {
  std::vector<const char*> names;
  Setup setup;
  bool alone;
};

const std::vector<CommandSetup>& command_setups() {
  static const std::vector<CommandSetup> setups = {
      {{"advise"}, setup_advise, true},       {{"check"}, setup_check, true},
      {{"rules"}, setup_rules, true},         {{"schema"}, setup_schema, true},
      {{"init"}, setup_init, true},           {{"validate"}, setup_validate, true},
      {{"estimate"}, setup_estimate, true},   {{"gpus", "models"}, setup_catalogs, true},
      {{"sweep"}, setup_sweep, true},         {{"diff"}, setup_diff, true},
      {{"calibrate"}, setup_calibrate, true}, {{"completion", "manpage"}, setup_completion, false},
  };
  return setups;
}

/// The top-level app with every command, or with only `only` (see run()).
void build_app(CLI::App& app, int& exit_code, Setup only = nullptr) {
  app.set_version_flag("--version", std::string("llmplan ") + llmplan::k_version);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  llmplan init profile.yaml\n"
      "  llmplan advise profile.yaml\n"
      "  llmplan check examples/ --format github\n"
      "  llmplan estimate --strategy peft --params 8B --examples 3k --gpu l4\n"
      "Exit codes: 0 success, 1 findings, 2 could not run, 3 internal error.\n"
      "Docs: `man llmplan`; the guides (getting-started.md, profile.md, cli.md) are installed in share/doc/llmplan.");
  for (const auto& command : command_setups()) {
    if (only == nullptr || command.setup == only) command.setup(app, exit_code);
  }
  add_ui_flags(app);  // after every command: each takes --color, --no-color and -q
}

/// The command of `word`, or nullptr.
const CommandSetup* command_named(const char* word) {
  for (const auto& command : command_setups()) {
    for (const char* name : command.names) {
      if (std::strcmp(name, word) == 0) return &command;
    }
  }
  return nullptr;
}

/// The command a command line runs when it can be built without the others, or nullptr. A later
/// word that names a command (`advise gpus`) is one CLI11 reads as that command: the whole tree.
Setup standalone_command(int argc, char** argv) {
  const CommandSetup* command = command_named(argv[1]);
  if (command == nullptr || !command->alone) return nullptr;
  for (int i = 2; i < argc; ++i) {
    if (command_named(argv[i]) != nullptr) return nullptr;
  }
  return command->setup;
}

int run(int argc, char** argv) {
  // Building every command's flags costs more than a small advise: a command line that starts
  // with a command is first parsed with that command alone. Anything CLI11 does not simply run
  // (help, a parse error) is parsed again with the whole tree below, so that messages, help and
  // suggestions are those of the full program; CLI11 runs a command only after the whole line
  // has parsed, so nothing has run when that happens.
  if (argc > 1) {
    if (const Setup only = standalone_command(argc, argv)) {
      CLI::App app{"llmplan: advice on how to adapt a large language model to a project, with costs", "llmplan"};
      int exit_code = k_ok;
      build_app(app, exit_code, only);
      try {
        app.parse(argc, argv);
        return exit_code;
      } catch (const CLI::ParseError&) {
        // below, with every command
      }
    }
  }
  CLI::App app{"llmplan: advice on how to adapt a large language model to a project, with costs", "llmplan"};
  int exit_code = k_ok;
  build_app(app, exit_code);

  if (argc == 1) {
    std::cout << usage(app);
    return k_ok;
  }
  // `llmplan help [COMMAND...]`: the help of a command.
  if (std::string(argv[1]) == "help") {
    std::vector<std::string> path(argv + 2, argv + argc);
    CLI::App* command = find_command(app, path);
    if (command == nullptr) {
      const CLI::App* parent = &app;
      std::string known;
      for (const auto& word : path) {
        CLI::App* next = find_command(*const_cast<CLI::App*>(parent), {word});
        if (next == nullptr) {
          print_error(fmt::format("no command `{}`{}; run `llmplan` for the list", known.empty() ? word : known + " " + word,
                                  llmplan::did_you_mean(word, command_names(*parent))),
                      "unknown-command");
          return k_cannot_run;
        }
        known += (known.empty() ? "" : " ") + word;
        parent = next;
      }
    }
    std::string help = command->help();
    if (!help.empty() && help.back() != '\n') help += '\n';
    std::cout << help;
    return k_ok;
  }
  // CLI11 2.1 cannot suggest: catch a mistyped command (nested ones too) first.
  {
    CLI::App* command = &app;
    std::string path;
    for (int i = 1; i < argc && argv[i][0] != '-'; ++i) {
      const auto names = command_names(*command);
      if (names.empty()) break;
      const std::string word = argv[i];
      CLI::App* next = find_command(*command, {word});
      if (next == nullptr) {
        const std::string full = path.empty() ? word : path + " " + word;
        print_error(fmt::format("unknown command `{}`{}; run `{}` for the list", full, llmplan::did_you_mean(word, names),
                                path.empty() ? "llmplan" : "llmplan help " + path),
                    "unknown-command");
        return k_cannot_run;
      }
      path += (path.empty() ? "" : " ") + word;
      command = next;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ExtrasError& e) {
    if (const int code = report_unknown_flags(app, argc, argv); code >= 0) return code;
    report_parse_error(app, e);
    return k_cannot_run;
  } catch (const CLI::ParseError& e) {
    // CLI11's own codes (100-127) never leave the program: help and version are 0, the rest 2.
    if (e.get_exit_code() == 0) return app.exit(e) == 0 ? k_ok : k_cannot_run;
    if (std::string(argc > 1 ? argv[1] : "").rfind("-", 0) == 0 && dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
      // `llmplan --verison`: a mistyped top-level flag, not a missing command.
      if (const int code = report_unknown_flags(app, argc, argv); code >= 0) return code;
    }
    report_parse_error(app, e);
    return k_cannot_run;
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
#ifdef __GLIBC__
  // A batch renders and frees a chunk's output (megabytes) over and over. By default glibc gives
  // the freed top of the heap back to the system and maps large blocks afresh, so every chunk
  // paid its pages again (about a tenth of a batch's time, in the kernel). Freed memory is kept
  // for the next chunk instead; the peak is still one chunk's (docs/performance.md).
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
  llmplan::install_signal_cleanup();  // SIGINT and SIGTERM remove uncommitted temporary files
  try {
    const int code = run(argc, argv);
    // Every command's output ends here: a failed final write (full disk, closed standard output)
    // is a failed run, never a silent exit 0.
    if (!llmplan::cli::flush_stdout()) return llmplan::cli::k_cannot_run;
    return code;
  } catch (const std::bad_alloc&) {
    std::fputs("llmplan: error: out of memory [out-of-memory]\n", stderr);
    return llmplan::cli::k_cannot_run;
  } catch (const std::exception& e) {
    std::cerr << "llmplan: internal error: " << e.what()
              << "\nThis is a bug in llmplan. Please report it with the command and input that caused it.\n";
    return llmplan::cli::k_internal;
  } catch (...) {
    std::cerr << "llmplan: internal error of unknown kind\nThis is a bug in llmplan. Please report it.\n";
    return llmplan::cli::k_internal;
  }
}
