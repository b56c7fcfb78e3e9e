// `llmplan init [FILE]`: write a commented profile; on a terminal, ask the few questions that
// matter first (with defaults and the same checks as a profile), then print the advice.
#include <cctype>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/input/fields.hpp"
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

/// The answer `init` writes for a field nobody was asked about: its example, else its default.
std::string_view fallback_answer(const ProfileField& field) {
  return field.example.empty() ? field.default_text : field.example;
}

/// The question for a field, with the values it allows.
std::string question_text(const ProfileField& field) {
  std::string text(field.question);
  if (!field.allowed.empty()) text += fmt::format(" ({})", fmt::join(field.allowed, ", "));
  return text;
}

/// `  key: value   # description: a | b | c`; `commented` writes it as a comment (an optional
/// field shown with an example value).
std::string template_line(const ProfileField& field, const std::string& value, bool commented) {
  const std::string_view path = field.path;
  const auto dot = path.find('.');
  const bool nested = dot != std::string_view::npos;
  const std::string key(nested ? path.substr(dot + 1) : path);
  std::string comment(field.description);
  if (!field.allowed.empty()) comment += fmt::format(": {}", fmt::join(field.allowed, " | "));
  const std::string line = fmt::format("{}{}{}: {}", nested ? "  " : "", commented ? "# " : "", key, value);
  return fmt::format("{:<34} # {}\n", line, comment);
}

/// The commented profile, generated from the field table: every field in the order of the
/// reference, with its description; answered and defaulted fields set, the others commented out.
std::string profile_template(const std::map<std::string, std::string, std::less<>>& values, const std::string& file) {
  std::string out = fmt::format(
      "# llmplan project profile (format version 1): every field, with what it means.\n"
      "# Check it with `llmplan validate {0}` and get advice with `llmplan advise {0}`.\n"
      "# yaml-language-server: $schema=./llmplan-profile.schema.json   (llmplan schema profile > "
      "llmplan-profile.schema.json)\n",
      file);
  std::string section;
  std::string body;
  bool section_has_value = false;
  const auto flush = [&] {
    if (section.empty()) return;
    out += fmt::format("\n{}{}:\n{}", section_has_value ? "" : "# ", section, body);
    body.clear();
    section_has_value = false;
  };
  for (const auto& field : profile_fields()) {
    const auto dot = field.path.find('.');
    const std::string head(dot == std::string_view::npos ? std::string_view() : field.path.substr(0, dot));
    if (head != section) {
      flush();
      section = head;
    }
    const auto given = values.find(field.path);
    // A field nobody answered stays a comment, so the advice lists its default under "Assumed".
    if (given == values.end() && !field.required && !head.empty() && !field.default_text.empty()) {
      body += template_line(field, std::string(field.default_text), true);
      continue;
    }
    std::string value = given != values.end() ? given->second : std::string(field.default_text);
    if (field.required && value.empty()) value = std::string(fallback_answer(field));
    if (head.empty()) {
      if (!value.empty()) out += template_line(field, value, false);
      continue;
    }
    if (value.empty()) {
      // An optional field without a default: shown commented out with an example value.
      const auto example = values.find("example:" + std::string(field.path));
      const std::string shown = example != values.end() ? example->second : std::string(fallback_answer(field));
      body += template_line(field, shown, true);
      continue;
    }
    section_has_value = true;
    body += template_line(field, value, false);
  }
  flush();
  return out;
}

/// An answer in the forms the tool itself prints: `2,500` (thousands separators), `QA` (any
/// case), `knowledge, style` (a list without brackets); `2M tokens` the quantity reader takes.
std::string normalize_answer(const ProfileField& field, std::string answer) {
  const auto first = answer.find_first_not_of(" \t");
  const auto last = answer.find_last_not_of(" \t\r");
  answer = first == std::string::npos ? std::string() : answer.substr(first, last - first + 1);
  const auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  switch (field.kind) {
    case FieldKind::enumeration:
    case FieldKind::overlap:
    case FieldKind::boolean: return lower(answer);
    case FieldKind::enum_list: return answer.empty() || answer.front() == '[' ? lower(answer) : "[" + lower(answer) + "]";
    case FieldKind::quantity: {
      // Text sizes become tokens at about 4 bytes a token: `2 GB` of text is about 500M tokens.
      if (field.path == "data.domain_tokens") {
        const auto unit = answer.find_first_not_of("0123456789. ");
        if (unit != std::string::npos && unit > 0) {
          const std::string suffix = lower(answer.substr(unit));
          const double bytes = suffix == "kb" ? 1e3 : suffix == "mb" ? 1e6 : suffix == "gb" ? 1e9 : suffix == "tb" ? 1e12 : 0;
          if (bytes > 0) {
            const double tokens = std::strtod(answer.c_str(), nullptr) * bytes / 4;
            const std::string converted = tokens >= 1e9   ? fmt::format("{:.3g}B tokens", tokens / 1e9)
                                          : tokens >= 1e6 ? fmt::format("{:.3g}M tokens", tokens / 1e6)
                                          : tokens >= 1e3 ? fmt::format("{:.3g}k tokens", tokens / 1e3)
                                                          : fmt::format("{:.0f} tokens", tokens);
            std::cerr << fmt::format("  {} of text is about {} tokens (4 bytes a token)\n", answer, converted);
            return converted;
          }
        }
      }
      std::string out;
      for (std::size_t i = 0; i < answer.size(); ++i) {
        const auto digit = [&](std::size_t at) {
          return at < answer.size() && std::isdigit(static_cast<unsigned char>(answer[at])) != 0;
        };
        const bool separator =
            answer[i] == ',' && i > 0 && digit(i - 1) && digit(i + 1) && digit(i + 2) && digit(i + 3) && !digit(i + 4);
        if (!separator) out += answer[i];
      }
      return out;
    }
    default: return answer;
  }
}

/// Asks until the answer passes the same checks as the profile field (an empty answer takes the
/// default); nullopt when the input ends (Ctrl-D): the caller writes nothing.
std::optional<std::string> ask(const ProfileField& field, const RuleSet& rules, Profile& scratch) {
  const std::string fallback(fallback_answer(field));
  for (;;) {
    std::cerr << fmt::format("{} [{}] ", question_text(field), fallback) << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) return std::nullopt;
    answer = normalize_answer(field, answer);
    if (answer.empty()) return fallback;
    Diagnostics diags;
    if (set_profile_field(scratch, field.path, answer, rules.catalog, diags)) return answer;
    for (const auto& d : diags.items()) std::cerr << "  " << d.message << "\n";
  }
}

/// A valid profile to check answers against, field by field.
std::string minimal_template() {
  return "data: {labeled_examples: 0}\ndomain: {overlap: medium}\nbudget: {one_time_usd: 1}\nrisk: {tolerance: medium}\n";
}

int run_init(const InitOptions& opt) {
  const bool to_stdout = opt.file == "-";
  if (!to_stdout && std::filesystem::exists(opt.file) && !opt.force) {
    print_error(fmt::format("`{}` exists; pass --force to overwrite it", opt.file), "file-exists");
    return k_cannot_run;
  }
  const auto rules = load_rules({});
  if (!rules) return k_cannot_run;
  std::map<std::string, std::string, std::less<>> values;
  std::string stem = to_stdout ? std::string() : std::filesystem::path(opt.file).stem().string();
  values["name"] = stem.empty() ? "my-project" : stem;
  if (!rules->strategies.empty()) values["example:proposal.strategy"] = rules->strategies.front().id;
  // Questions only for a person at a terminal; scripts and pipes get the template.
  const bool interactive = !opt.no_input && ::isatty(STDIN_FILENO) == 1;
  Profile scratch = load_profiles(minimal_template(), "init", rules->catalog).front().profile;
  for (const auto& field : profile_fields()) {
    if (field.question.empty()) continue;
    if (!interactive) {
      values[std::string(field.path)] = std::string(fallback_answer(field));
      continue;
    }
    const auto answer = ask(field, *rules, scratch);
    if (!answer) {
      std::cerr << "\n";
      print_error(fmt::format("input ended before every question was answered; {} was not written",
                              to_stdout ? "the profile" : "`" + opt.file + "`"),
                  "aborted");
      return k_cannot_run;
    }
    values[std::string(field.path)] = *answer;
  }
  const std::string text = profile_template(values, to_stdout ? std::string("profile.yaml") : opt.file);
  Output out;
  if (!out.open(opt.file) || !out.write(text) || !out.commit()) return k_cannot_run;
  if (to_stdout) return k_ok;  // the profile is the output: no advice mixed into it
  if (!ui().quiet) std::cerr << fmt::format("wrote {}\n", escape_terminal(opt.file));
  if (!interactive) return k_ok;
  auto loaded = load_profiles(text, opt.file, rules->catalog);
  if (loaded.empty() || !loaded.front().valid()) return k_ok;
  ProfileOutcome o{opt.file, loaded.front().profile.name, RunStatus::ok, loaded.front().profile, std::nullopt, {}, std::nullopt};
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
