// Completions and the man page, generated from the CLI11 definitions of the commands.
#include "command_tree.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "llmplan/version.hpp"

namespace llmplan::cli {

namespace {

/// `TEXT:{table,json}` -> {table, json}: the words CLI11's IsMember check shows in the help.
std::vector<std::string> choices_of(const std::string& type) {
  const auto open = type.find('{');
  const auto close = type.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return {};
  std::vector<std::string> out;
  std::string word;
  for (const char c : type.substr(open + 1, close - open - 1)) {
    if (c == ',') {
      out.push_back(word);
      word.clear();
    } else if (c != ' ') {
      word += c;
    }
  }
  if (!word.empty()) out.push_back(word);
  return out;
}

ValueKind kind_of(const CLI::Option& option, const std::vector<std::string>& choices) {
  if (option.get_type_size_max() == 0 && !option.get_positional()) return ValueKind::none;  // a flag
  if (!choices.empty()) return ValueKind::choice;
  const std::string type = option.get_type_name();
  for (const auto& name : option.get_lnames()) {
    if (name == "gpu") return ValueKind::gpu;
    if (name == "model") return ValueKind::model;
    if (name == "strategy") return ValueKind::strategy;
  }
  if (type.rfind("DIR", 0) == 0) return ValueKind::directory;
  if (type.rfind("FILE", 0) == 0 || type.rfind("PROFILE", 0) == 0 || type.rfind("PATH", 0) == 0) return ValueKind::file;
  return ValueKind::text;
}

ArgumentSpec describe_option(const CLI::Option& option) {
  ArgumentSpec a;
  a.positional = !option.nonpositional();
  if (a.positional) {
    a.names.push_back(option.get_name(true));
  } else {
    for (const auto& l : option.get_lnames()) a.names.push_back("--" + l);
    for (const auto& s : option.get_snames()) a.names.push_back("-" + s);
  }
  // One line: the help may break a description over several.
  for (const char c : option.get_description()) {
    if (c == '\n') {
      if (!a.description.empty() && a.description.back() != ' ') a.description += ' ';
    } else if (c != ' ' || (!a.description.empty() && a.description.back() != ' ')) {
      a.description += c;
    }
  }
  a.type = option.get_type_name();
  a.choices = choices_of(a.type);
  a.repeats = option.get_expected_max() > 1;
  a.kind = kind_of(option, a.choices);
  return a;
}

CommandSpec describe(const CLI::App& app) {
  CommandSpec c;
  c.name = app.get_name();
  c.description = app.get_description();
  c.footer = app.get_footer();
  for (const CLI::Option* option : app.get_options()) c.arguments.push_back(describe_option(*option));
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_group().empty()) continue;  // hidden
    c.subcommands.push_back(describe(*sub));
  }
  return c;
}

/// Every command of the tree with its path (`rules list`), the root first.
void walk(const CommandSpec& c, const std::string& path, std::vector<std::pair<std::string, const CommandSpec*>>& out) {
  out.emplace_back(path, &c);
  for (const auto& sub : c.subcommands) walk(sub, path.empty() ? sub.name : path + " " + sub.name, out);
}

std::vector<std::string> flag_names(const CommandSpec& c) {
  std::vector<std::string> out;
  for (const auto& a : c.arguments) {
    if (!a.positional) out.insert(out.end(), a.names.begin(), a.names.end());
  }
  return out;
}

const ArgumentSpec* positional(const CommandSpec& c) {
  for (const auto& a : c.arguments) {
    if (a.positional) return &a;
  }
  return nullptr;
}

std::string join(const std::vector<std::string>& words, const char* sep = " ") {
  return fmt::format("{}", fmt::join(words, sep));
}

/// Text in single quotes for a shell script.
std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// The bash words that complete a value of this argument.
std::string bash_values(const ArgumentSpec& a, const RuleSet& rules) {
  switch (a.kind) {
    case ValueKind::choice: return fmt::format("COMPREPLY=($(compgen -W {} -- \"$cur\"))", shell_quote(join(a.choices)));
    case ValueKind::file: return "COMPREPLY=($(compgen -f -- \"$cur\"))";
    case ValueKind::directory: return "COMPREPLY=($(compgen -d -- \"$cur\"))";
    case ValueKind::gpu:
    case ValueKind::model:
    case ValueKind::strategy:
      return fmt::format("COMPREPLY=($(compgen -W {} -- \"$cur\"))", shell_quote(join(ids_for(a.kind, rules))));
    case ValueKind::text:
    case ValueKind::none: return "COMPREPLY=()";
  }
  return "COMPREPLY=()";
}

std::string roff(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '-' || c == '\\')
      out += std::string("\\") + c;
    else
      out += c;
  }
  // A line that starts with a dot or quote would be read as a request.
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

}  // namespace

std::string ArgumentSpec::value_name() const {
  if (!choices.empty()) return join(choices, "|");
  const std::string base = type.substr(0, type.find(':'));
  if (positional && (base.empty() || base == "TEXT")) {
    std::string upper = names.front();
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper;
  }
  return base;
}

CommandSpec describe_commands(const CLI::App& app, const RuleSet&) {
  return describe(app);
}

std::vector<std::string> ids_for(ValueKind kind, const RuleSet& rules) {
  std::vector<std::string> out;
  switch (kind) {
    case ValueKind::gpu: out = rules.catalog.gpu_names(); break;
    case ValueKind::model: out = rules.catalog.model_names(); break;
    case ValueKind::strategy: out = rules.strategy_ids(); break;
    case ValueKind::none:
    case ValueKind::choice:
    case ValueKind::file:
    case ValueKind::directory:
    case ValueKind::text: break;
  }
  return out;
}

std::string bash_completion(const CommandSpec& root, const RuleSet& rules) {
  std::vector<std::pair<std::string, const CommandSpec*>> all;
  walk(root, "", all);
  std::string out = fmt::format(
      "# bash completion for llmplan {}, generated by `llmplan completion bash` from its command definitions.\n"
      "_llmplan() {{\n"
      "  local cur=\"${{COMP_WORDS[COMP_CWORD]}}\" prev=\"${{COMP_WORDS[COMP_CWORD-1]}}\" path=\"\" i w\n"
      "  # The command path so far: the words before the cursor that name subcommands.\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    w=\"${{COMP_WORDS[i]}}\"\n"
      "    case \"$w\" in -*) continue ;; esac\n"
      "    case \"${{path:+$path }}$w\" in\n",
      k_version);
  for (const auto& [path, c] : all) {
    if (!path.empty()) out += fmt::format("      {}) path={} ;;\n", shell_quote(path), shell_quote(path));
  }
  out += "    esac\n  done\n  case \"$path\" in\n";
  for (const auto& [path, c] : all) {
    out += fmt::format("    {})\n      case \"$prev\" in\n", shell_quote(path));
    for (const auto& a : c->arguments) {
      if (a.positional || a.kind == ValueKind::none) continue;
      out += fmt::format("        {}) {}; return ;;\n", join(a.names, "|"), bash_values(a, rules));
    }
    out += "      esac\n";
    std::vector<std::string> words = flag_names(*c);
    out += fmt::format("      if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W {} -- \"$cur\")); return; fi\n",
                       shell_quote(join(words)));
    if (!c->subcommands.empty()) {
      std::vector<std::string> names;
      for (const auto& s : c->subcommands) names.push_back(s.name);
      out += fmt::format("      COMPREPLY=($(compgen -W {} -- \"$cur\"))\n", shell_quote(join(names)));
    } else if (const ArgumentSpec* p = positional(*c)) {
      out += "      " + bash_values(*p, rules) + "\n";
    }
    out += "      ;;\n";
  }
  out += "  esac\n}\ncomplete -F _llmplan llmplan\n";
  return out;
}

std::string zsh_completion(const CommandSpec& root, const RuleSet& rules) {
  std::vector<std::pair<std::string, const CommandSpec*>> all;
  walk(root, "", all);
  const auto zsh_text = [](const std::string& text) {
    std::string out;
    for (const char c : text) {
      if (c == '\'')
        out += "'\\''";
      else if (c == '[' || c == ']' || c == ':')
        out += std::string("\\") + c;
      else
        out += c;
    }
    return out;
  };
  const auto action = [&](const ArgumentSpec& a) -> std::string {
    switch (a.kind) {
      case ValueKind::choice: return fmt::format("({})", join(a.choices));
      case ValueKind::file: return "_files";
      case ValueKind::directory: return "_files -/";
      case ValueKind::gpu:
      case ValueKind::model:
      case ValueKind::strategy: return fmt::format("({})", join(ids_for(a.kind, rules)));
      case ValueKind::text:
      case ValueKind::none: return " ";
    }
    return " ";
  };
  std::string out = fmt::format(
      "#compdef llmplan\n# zsh completion for llmplan {}, generated by `llmplan completion zsh` from its command "
      "definitions.\n_llmplan() {{\n  local path=\"\" w\n  for w in ${{words[2,CURRENT-1]}}; do\n"
      "    [[ $w == -* ]] && continue\n    case \"${{path:+$path }}$w\" in\n",
      k_version);
  for (const auto& [path, c] : all) {
    if (!path.empty()) out += fmt::format("      '{}') path='{}' ;;\n", path, path);
  }
  out += "    esac\n  done\n  case \"$path\" in\n";
  for (const auto& [path, c] : all) {
    out += fmt::format("    '{}')\n", path);
    if (!path.empty()) {
      // Seen from this command: its name is the first word, as _arguments expects.
      const auto depth = std::count(path.begin(), path.end(), ' ') + 1;
      out += fmt::format("      words=(\"${{(@)words[{},-1]}}\"); (( CURRENT -= {} ))\n", depth + 1, depth);
    }
    if (!c->subcommands.empty()) {
      out += "      local -a commands=(\n";
      for (const auto& s : c->subcommands) out += fmt::format("        '{}:{}'\n", s.name, zsh_text(s.description));
      out += "      )\n";
    }
    out += "      _arguments -s";
    for (const auto& a : c->arguments) {
      if (a.positional) continue;
      const std::string value = a.kind == ValueKind::none ? "" : ":" + zsh_text(a.type) + ":" + action(a);
      const std::string spec = fmt::format("[{}]{}", zsh_text(a.description), value);
      if (a.names.size() > 1) {
        // '(-f --format)'{-f,--format}'[...]': either name, each excluding the other.
        out += fmt::format(" \\\n        '({})'{{{}}}'{}'", join(a.names), join(a.names, ","), spec);
      } else {
        out += fmt::format(" \\\n        '{}{}'", a.names.front(), spec);
      }
    }
    if (!c->subcommands.empty()) {
      out += " \\\n        '1:command:{_describe command commands}'";
    } else if (const ArgumentSpec* p = positional(*c)) {
      out += fmt::format(" \\\n        '*:{}:{}'", zsh_text(p->names.front()), action(*p));
    }
    out += "\n      ;;\n";
  }
  out += "  esac\n}\n_llmplan \"$@\"\n";
  return out;
}

std::string fish_completion(const CommandSpec& root, const RuleSet& rules) {
  std::vector<std::pair<std::string, const CommandSpec*>> all;
  walk(root, "", all);
  std::string out = fmt::format(
      "# fish completion for llmplan {}, generated by `llmplan completion fish` from its command definitions.\n"
      "complete -c llmplan -f\n",
      k_version);
  std::vector<std::string> top;
  for (const auto& s : root.subcommands) top.push_back(s.name);
  for (const auto& [path, c] : all) {
    // The condition under which this command's words apply.
    std::string condition;
    if (path.empty()) {
      condition = fmt::format("not __fish_seen_subcommand_from {}", join(top));
    } else {
      const auto space = path.find(' ');
      condition = space == std::string::npos ? fmt::format("__fish_seen_subcommand_from {}", path)
                                             : fmt::format("__fish_seen_subcommand_from {}; and __fish_seen_subcommand_from {}",
                                                           path.substr(0, space), path.substr(space + 1));
      if (!c->subcommands.empty()) {
        std::vector<std::string> names;
        for (const auto& s : c->subcommands) names.push_back(s.name);
        condition += fmt::format("; and not __fish_seen_subcommand_from {}", join(names));
      }
    }
    for (const auto& s : c->subcommands) {
      out += fmt::format("complete -c llmplan -n {} -a {} -d {}\n", shell_quote(condition), s.name, shell_quote(s.description));
    }
    for (const auto& a : c->arguments) {
      std::string line = fmt::format("complete -c llmplan -n {}", shell_quote(condition));
      if (a.positional) {
        if (!c->subcommands.empty()) continue;
        if (a.kind == ValueKind::file || a.kind == ValueKind::directory) {
          out += line + " -F\n";
          continue;
        }
        const auto values = a.kind == ValueKind::choice ? a.choices : ids_for(a.kind, rules);
        if (!values.empty()) out += fmt::format("{} -a {}\n", line, shell_quote(join(values)));
        continue;
      }
      for (const auto& n : a.names) line += n.rfind("--", 0) == 0 ? " -l " + n.substr(2) : " -s " + n.substr(1);
      switch (a.kind) {
        case ValueKind::none: break;
        case ValueKind::file:
        case ValueKind::directory: line += " -r -F"; break;
        case ValueKind::choice: line += " -x -a " + shell_quote(join(a.choices)); break;
        case ValueKind::gpu:
        case ValueKind::model:
        case ValueKind::strategy: line += " -x -a " + shell_quote(join(ids_for(a.kind, rules))); break;
        case ValueKind::text: line += " -x"; break;
      }
      out += line + " -d " + shell_quote(a.description) + "\n";
    }
  }
  return out;
}

std::string man_page(const CommandSpec& root) {
  std::vector<std::pair<std::string, const CommandSpec*>> all;
  walk(root, "", all);
  std::string out = fmt::format(".TH LLMPLAN 1 \"\" \"llmplan {}\" \"User Commands\"\n", k_version);
  out += ".\\\" Generated by `llmplan manpage` from the command definitions; do not edit.\n";
  out += ".SH NAME\nllmplan \\- " + roff(root.description.substr(root.description.find(':') + 2)) + "\n";
  out += ".SH SYNOPSIS\n";
  for (const auto& [path, c] : all) {
    if (path.empty() || !c->subcommands.empty()) continue;
    out += ".B llmplan " + roff(path) + "\n.RI [ options ]";
    if (const ArgumentSpec* p = positional(*c)) out += " \" " + roff(p->value_name()) + (p->repeats ? "\" ..." : "\"");
    out += "\n.br\n";
  }
  out += ".B llmplan \\-\\-version\n|\n.B \\-\\-help\n";
  out +=
      ".SH DESCRIPTION\n.B llmplan\n"
      "reads a YAML profile of an LLM project (labeled data, domain text, budget, risk tolerance,\n"
      "request volume, constraints) and scores every rung of the adaptation ladder its rule set\n"
      "defines. Each score is explained rule by rule, each rule cites its source, and each strategy is\n"
      "priced: training compute, memory per GPU, GPU\\-hours, dollars, days and monthly inference, as\n"
      "low/expected/high ranges with dated prices.\n.PP\nA\n.I PROFILE\n"
      "is a file, a directory (its *.yaml and *.yml files, sorted), \\- for standard input, or a\n"
      "multi\\-document YAML file (one profile per document).\n";
  out += ".SH COMMANDS\n";
  for (const auto& [path, c] : all) {
    if (path.empty()) continue;
    out += ".SS llmplan " + roff(path) + "\n" + roff(c->description) + "\n";
    for (const auto& a : c->arguments) {
      if (a.positional || a.names.front() == "--help") continue;
      out += ".TP\n.B " + roff(join(a.names, ", "));
      if (a.kind != ValueKind::none) out += " \" " + roff(a.value_name()) + "\"";
      out += "\n" + roff(a.description) + "\n";
    }
  }
  out +=
      ".SH EXIT STATUS\n.TP\n.B 0\nSuccess: every profile advised, every proposal accepted, all valid.\n"
      ".TP\n.B 1\nFindings: a proposal rejected (check), an invalid profile (validate), a failed rule test or lint error.\n"
      ".TP\n.B 2\nCould not run: bad flag, unreadable file, invalid profile, broken rule set.\n"
      ".TP\n.B 3\nInternal error (a bug).\n";
  out +=
      ".SH ENVIRONMENT\n.TP\n.B NO_COLOR\nNever colour the output.\n.TP\n.B GITHUB_STEP_SUMMARY\n"
      "Where `check \\-\\-format github` appends its Markdown summary.\n";
  out +=
      ".SH SEE ALSO\nThe documentation in the project's docs/ folder (getting started, profile reference, rules,\n"
      "cost model, calibration, CI).\n";
  return out;
}

}  // namespace llmplan::cli
