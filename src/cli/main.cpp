// The llmplan command line: parses flags, runs one subcommand, and maps every outcome to the
// exit codes of cli.md. Only this layer prints; the core returns values and diagnostics.
#include <cstdio>
#include <exception>
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

int run(int argc, char** argv) {
  using namespace llmplan::cli;
  CLI::App app{"llmplan: advice on how to adapt a large language model to a project, with costs", "llmplan"};
  app.set_version_flag("--version", std::string("llmplan ") + llmplan::k_version);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  llmplan advise examples/shakespeare-voice.yaml\n"
      "  llmplan check proposals/ --format github\n"
      "  llmplan validate examples/\n"
      "  llmplan estimate --strategy peft --params 8B --examples 3k --gpu l4\n"
      "Exit codes: 0 success, 1 findings, 2 could not run, 3 internal error.\n"
      "Docs: docs/getting-started.md");
  int exit_code = k_ok;
  setup_advise(app, exit_code);
  setup_check(app, exit_code);
  setup_rules(app, exit_code);
  setup_schema(app, exit_code);
  setup_init(app, exit_code);
  setup_validate(app, exit_code);
  setup_estimate(app, exit_code);
  setup_catalogs(app, exit_code);
  setup_sweep(app, exit_code);
  setup_diff(app, exit_code);
  setup_calibrate(app, exit_code);
  setup_completion(app, exit_code);

  // CLI11 2.1 cannot suggest: catch a mistyped subcommand first.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands({})) names.push_back(sub->get_name());
    const std::string word = argv[1];
    if (std::find(names.begin(), names.end(), word) == names.end()) {
      print_error(fmt::format("unknown command `{}`{}; run `llmplan --help`", word, llmplan::did_you_mean(word, names)),
                  "unknown-command");
      return k_cannot_run;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ExtrasError& e) {
    // CLI11 2.1 cannot suggest: name the closest flag of the subcommand for each unknown one.
    const CLI::App* command = argc > 1 && argv[1][0] != '-' ? app.get_subcommand_ptr(argv[1]).get() : nullptr;
    if (command != nullptr && argc > 2) {
      for (const auto* sub : command->get_subcommands({})) {
        if (sub->get_name() == argv[2]) command = sub;  // `rules list --flag`: the nested command's flags
      }
    }
    std::vector<std::string> flags;
    for (const CLI::Option* option : (command ? command : &app)->get_options()) {
      for (const auto& name : option->get_lnames()) flags.push_back("--" + name);
    }
    for (int i = 2; i < argc; ++i) {
      const std::string word = std::string(argv[i]).substr(0, std::string(argv[i]).find('='));
      if (word.rfind("--", 0) == 0 && std::find(flags.begin(), flags.end(), word) == flags.end()) {
        print_error(fmt::format("unknown flag `{}`{}", word, llmplan::did_you_mean(word, flags)), "unknown-flag");
        return k_cannot_run;
      }
    }
    app.exit(e);
    return k_cannot_run;
  } catch (const CLI::ParseError& e) {
    // CLI11's own codes (100-127) never leave the program: help and version are 0, the rest 2.
    const int code = app.exit(e);
    return code == 0 ? k_ok : k_cannot_run;
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
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
