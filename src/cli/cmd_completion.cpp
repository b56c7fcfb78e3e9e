// `llmplan completion bash|zsh|fish` and the hidden `llmplan manpage`: generated from the command
// definitions themselves, so that they list every command and flag the binary has.
#include <memory>

#include "command_tree.hpp"
#include "commands.hpp"
#include "common.hpp"

namespace llmplan::cli {

namespace {

struct CompletionOptions {
  std::string shell;
  std::string output;
  std::vector<std::string> rules;
};

}  // namespace

void setup_completion(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<CompletionOptions>();
  CLI::App* cmd = app.add_subcommand("completion", "Print a shell completion script generated from the command definitions");
  cmd->footer(
      "Examples:\n"
      "  llmplan completion bash > /etc/bash_completion.d/llmplan\n"
      "  llmplan completion zsh > \"${fpath[1]}/_llmplan\"\n"
      "  llmplan completion fish > ~/.config/fish/completions/llmplan.fish");
  cmd->add_option("shell", opt->shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  cmd->add_option("-o,--output", opt->output, "Write the script to FILE (atomically)")->type_name("FILE");
  cmd->add_option("--rules", opt->rules, "Rule sets whose GPU, model and strategy ids the script completes")
      ->type_name("FILE|DIR");
  cmd->callback([opt, &app, &exit_code] {
    const auto rules = load_rules(opt->rules);
    if (!rules) {
      exit_code = k_cannot_run;
      return;
    }
    const CommandSpec tree = describe_commands(app, *rules);
    const std::string script = opt->shell == "bash"  ? bash_completion(tree, *rules)
                               : opt->shell == "zsh" ? zsh_completion(tree, *rules)
                                                     : fish_completion(tree, *rules);
    exit_code = emit(script, opt->output) ? k_ok : k_cannot_run;
  });

  auto man_output = std::make_shared<std::string>();
  CLI::App* man = app.add_subcommand("manpage", "Print the manual page (roff), generated from the command definitions");
  man->group("");  // hidden: the build uses it to make llmplan.1
  man->add_option("-o,--output", *man_output, "Write the page to FILE (atomically)")->type_name("FILE");
  man->callback([man_output, &app, &exit_code] {
    const auto rules = load_rules({});
    if (!rules) {
      exit_code = k_cannot_run;
      return;
    }
    exit_code = emit(man_page(describe_commands(app, *rules)), *man_output) ? k_ok : k_cannot_run;
  });
}

}  // namespace llmplan::cli
