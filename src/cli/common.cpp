#include "common.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "llmplan/cost/catalog_bounds.hpp"
#include "llmplan/input/io.hpp"
#include "llmplan/output/escape.hpp"
#include "llmplan/rules/parallel.hpp"
#include "output.hpp"

namespace llmplan::cli {

void add_rules_flag(CLI::App& command, CommonOptions& options) {
  command.add_option("--rules", options.rules, "Rule-set file or directory that adds to or overrides the built-in rules")
      ->type_name("FILE|DIR");
}

void add_common_flags(CLI::App& command, CommonOptions& options, bool with_output) {
  add_rules_flag(command, options);
  command.add_option("--set", options.sets, "Override a profile field, e.g. --set budget.one_time_usd=50k")
      ->type_name("PATH=VALUE");
  if (with_output) {
    command.add_option("-o,--output", options.output, "Write the result to FILE (atomically) instead of standard output")
        ->type_name("FILE");
  }
  command.add_flag_callback(
      "--no-color", [&options] { options.no_color = ui().no_color = true; }, "Never colour the output (as --color never)");
  command.add_flag_callback(
      "-q,--quiet", [&options] { options.quiet = ui().quiet = true; }, "Print only results and errors");
}

UiOptions& ui() {
  static UiOptions options;
  return options;
}

void add_ui_flags(CLI::App& app) {
  std::vector<CLI::App*> commands = app.get_subcommands({});
  if (app.get_parent() == nullptr) commands.insert(commands.begin(), &app);  // `llmplan --no-color gpus` too
  for (CLI::App* sub : commands) {
    const auto has = [sub](const std::string& name) {
      for (const CLI::Option* option : sub->get_options()) {
        if (option->check_name(name)) return true;
      }
      return false;
    };
    if (!has("--color")) {
      sub->add_option("--color", ui().color, "Colour: auto (on a terminal, unless NO_COLOR), always or never")
          ->type_name("WHEN")
          ->check(CLI::IsMember({"auto", "always", "never"}));
    }
    if (!has("--no-color"))
      sub->add_flag_callback(
          "--no-color", [] { ui().no_color = true; }, "Never colour the output (as --color never)");
    if (!has("-q"))
      sub->add_flag_callback(
          "-q,--quiet", [] { ui().quiet = true; }, "Print only results and errors");
    if (sub != &app) add_ui_flags(*sub);
  }
}

void print_diagnostics(const Diagnostics& diags, bool quiet) {
  for (const auto& d : diags.items()) {
    if (!quiet || d.severity == Severity::error) std::cerr << format_diagnostic(d) << "\n";
  }
}

void print_error(const std::string& message, const std::string& code) {
  std::cerr << fmt::format("llmplan: error: {} [{}]\n", escape_terminal(message), code);
}

void append_rule_files(const std::vector<std::string>& paths, std::vector<RuleSource>& sources, Diagnostics& diags) {
  for (const auto& path : paths) {
    auto files = expand_yaml_path(path);
    // A rules directory may hold its tests (`*.test.yaml`): they are not rule files.
    if (files.size() > 1 || (files.size() == 1 && files.front() != path)) {
      std::erase_if(files, [](const std::string& f) { return f.find(".test.") != std::string::npos; });
    }
    if (files.empty()) diags.error("no-rules", fmt::format("`{}` holds no *.yaml files", path), SourceLoc{path, 0, 0});
    for (const auto& file : files) {
      std::string text;
      std::string error;
      if (!read_text(file, text, error)) {
        diags.error("unreadable", fmt::format("cannot read rule file: {}", error), SourceLoc{file, 0, 0});
        continue;
      }
      sources.push_back({file, std::move(text)});
    }
  }
}

namespace {

/// A rule set kept until the process ends and never freed: it is used until then, and freeing
/// its thousands of strings and condition nodes at exit cost about 0.4 million instructions of
/// a 12-million-instruction advise. Held from a static so leak checkers see it as reachable.
const RuleSet* keep_for_process(RuleSet rules) {
  static auto* kept = new std::vector<std::unique_ptr<RuleSet>>();
  kept->push_back(std::make_unique<RuleSet>(std::move(rules)));
  return kept->back().get();
}

}  // namespace

const RuleSet* load_rules(const std::vector<std::string>& paths) {
  Diagnostics diags;
  RuleSet rules;
  if (paths.empty()) {
    rules = builtin_ruleset(diags);  // as the build loaded it: nothing to parse or check
  } else {
    std::vector<RuleSource> sources = default_rule_sources();
    append_rule_files(paths, sources, diags);
    rules = load_ruleset(sources, diags);
  }
  diags.sort();
  print_diagnostics(diags);
  if (diags.has_errors()) {
    print_error(fmt::format("the rule set has {} error(s); nothing was evaluated", diags.error_count()), "broken-ruleset");
    return nullptr;
  }
  return keep_for_process(std::move(rules));
}

struct OutcomeStream::Source {
  std::string file;
  std::string text;  // the whole file (at most 64 MiB); the stream reads views of it
  std::unique_ptr<ProfileStream> stream;
  std::optional<ProfileOutcome> failure;  ///< set when the input could not be read
  std::size_t planned = 0;                ///< parts of the current step
};

OutcomeStream::OutcomeStream(const std::vector<std::string>& inputs, std::vector<std::string> sets, const RuleSet& rules)
    : m_sets(std::move(sets)), m_rules(&rules) {
  for (const auto& input : inputs) {
    const auto files = expand_yaml_path(input);
    if (files.empty()) m_files.emplace_back(input, true);
    for (const auto& file : files) m_files.emplace_back(file, false);
  }
}

OutcomeStream::~OutcomeStream() = default;

bool OutcomeStream::open_next() {
  if (m_opened == m_files.size()) return false;
  const auto& [file, empty_directory] = m_files[m_opened++];
  auto source = std::make_unique<Source>();
  source->file = file;
  if (empty_directory) {
    ProfileOutcome o{file, default_profile_name(file), RunStatus::error, std::nullopt, std::nullopt, {}, std::nullopt};
    o.diagnostics.error("no-profiles", "the directory holds no *.yaml or *.yml files", SourceLoc{file, 0, 0});
    source->failure = std::move(o);
  } else if (const ReadResult r = read_bounded(file, source->text); !r.ok) {
    ProfileOutcome o{file, default_profile_name(file), RunStatus::error, std::nullopt, std::nullopt, {}, std::nullopt};
    o.diagnostics.error("unreadable", fmt::format("cannot read the profile: {}", r.message), SourceLoc{file, 0, 0});
    source->failure = std::move(o);
  } else {
    source->stream = std::make_unique<ProfileStream>(source->text, file, m_rules->catalog);
  }
  m_active.push_back(std::move(source));
  return true;
}

/// One step: plans up to `want` parts across the open files (opening more as needed), loads
/// them in parallel, and hands out what is ready, in order. Returns the outcomes handed out.
std::size_t OutcomeStream::step(std::size_t want, std::vector<ProfileOutcome>& out) {
  struct Task {
    Source* source;
    std::size_t part;
  };
  std::vector<Task> tasks;
  const auto untaken = [](const Source& s) { return s.stream ? s.stream->parts_left() - s.planned : 0; };
  while (tasks.size() < want) {
    if ((m_active.empty() || untaken(*m_active.back()) == 0) && !open_next()) break;
    Source& s = *m_active.back();
    const std::size_t n = std::min(want - tasks.size(), untaken(s));
    for (std::size_t k = 0; k < n; ++k) tasks.push_back({&s, s.stream->next_part() + s.planned + k});
    s.planned += n;
  }
  std::vector<std::vector<LoadedProfile>> loaded(tasks.size());
  parallel_for(tasks.size(), [&](std::size_t i) { loaded[i] = tasks[i].source->stream->load(tasks[i].part); });
  const std::size_t before = out.size();
  std::size_t task = 0;
  for (auto& source : m_active) {
    if (source->failure) {
      out.push_back(std::move(*source->failure));
      source->failure.reset();
      continue;
    }
    std::vector<std::vector<LoadedProfile>> mine;
    for (; task < tasks.size() && tasks[task].source == source.get(); ++task) mine.push_back(std::move(loaded[task]));
    source->planned = 0;
    std::vector<LoadedProfile> ready;
    source->stream->accept(std::move(mine), ready);
    for (auto& profile : ready) out.push_back(outcome_of(std::move(profile), source->file));
  }
  std::erase_if(m_active, [](const auto& s) { return !s->stream || s->stream->done(); });
  return out.size() - before;
}

bool OutcomeStream::next(std::size_t want, std::vector<ProfileOutcome>& out) {
  want = std::max<std::size_t>(want, 1);
  std::size_t got = 0;
  while (got < want && (!m_active.empty() || m_opened < m_files.size())) got += step(want - got, out);
  return got > 0;
}

ProfileOutcome OutcomeStream::outcome_of(LoadedProfile loaded, const std::string& file) const {
  ProfileOutcome o;
  o.file = file;
  o.diagnostics = std::move(loaded.diagnostics);
  if (!is_valid_utf8(o.file)) {
    o.diagnostics.warning("bad-file-name", "the file name is not valid UTF-8; JSON output shows each bad byte as U+FFFD",
                          SourceLoc{o.file, 0, 0});
  }
  if (!o.diagnostics.has_errors()) {
    if (!m_sets.empty()) o.unset = loaded.profile;  // read once, so standard input is compared too
    for (const auto& set : m_sets) {
      const auto eq = set.find('=');
      if (eq == std::string::npos) {
        o.diagnostics.error("bad-set", fmt::format("`--set {}` needs the form PATH=VALUE", set), SourceLoc{"--set", 0, 0});
        continue;
      }
      set_profile_field(loaded.profile, set.substr(0, eq), set.substr(eq + 1), m_rules->catalog, o.diagnostics);
    }
  }
  o.status = o.diagnostics.has_errors() ? RunStatus::invalid : RunStatus::ok;
  o.name = loaded.profile.name;
  o.profile = std::move(loaded.profile);
  return o;
}

std::size_t batch_chunk_size() {
  // 64 rather than 256 since 2026-11-26: a chunk's profiles, advice and output (about 3 MB of
  // JSONL) then stay closer to the cache, and a batch ran 5-10% faster (docs/performance.md).
  constexpr std::size_t k_default = 64;
  const char* text = std::getenv("LLMPLAN_BATCH_CHUNK");
  if (text == nullptr || *text == '\0') return k_default;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  return end != nullptr && *end == '\0' && value >= 1 && value <= 1000000 ? static_cast<std::size_t>(value) : k_default;
}

std::vector<ProfileOutcome> load_outcomes(const std::vector<std::string>& inputs, const std::vector<std::string>& sets,
                                          const RuleSet& rules) {
  OutcomeStream stream(inputs, sets, rules);
  std::vector<ProfileOutcome> outcomes;
  while (stream.next(std::numeric_limits<std::size_t>::max(), outcomes)) {
  }
  return outcomes;
}

bool keep_sound_advice(ProfileOutcome& outcome, const RuleSet& rules, Diagnostics& found) {
  if (!outcome.advice) return true;
  bool ok = true;
  for (const auto& r : outcome.advice->ranking) {
    ok = check_cost_invariants(r.cost, r.strategy->id, rules.catalog, SourceLoc{outcome.file, 0, 0}, found) && ok;
  }
  if (ok) return true;
  outcome.advice.reset();
  outcome.explanation.reset();
  outcome.status = RunStatus::error;
  outcome.diagnostics.append(found);
  return false;
}

bool emit(const std::string& content, const std::string& path) {
  if (path.empty() || path == "-") {
    if (stdout_is_terminal()) return write_stdout(content);  // through the pager when it is long
    std::cout << content;
    return flush_stdout();
  }
  std::string error;
  if (!write_atomically(path, content, error)) {
    print_error(error, "write-failed");
    return false;
  }
  return true;
}

CLI::Validator finite_range(double min, double max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(text, value)) return "`" + text + "` is not a number";
        if (!(value >= min && value <= max)) return fmt::format("Value {} not in range {} to {}", text, min, max);
        return {};
      },
      fmt::format("FLOAT in [{} - {}]", min, max));
}

bool stdout_is_terminal() {
  return ::isatty(STDOUT_FILENO) == 1;
}

namespace {
bool env_set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}
}  // namespace

bool use_color(bool no_color) {
  if (no_color || ui().no_color || ui().color == "never") return false;
  if (ui().color == "always") return true;
  if (env_set("NO_COLOR")) return false;
  if (env_set("CLICOLOR_FORCE") && std::string(std::getenv("CLICOLOR_FORCE")) != "0") return true;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string(term) == "dumb") return false;
  return stdout_is_terminal();
}

int output_width() {
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr && *columns != '\0') {
    char* end = nullptr;
    const long value = std::strtol(columns, &end, 10);
    if (end != nullptr && *end == '\0' && value >= 20 && value <= 1000) return static_cast<int>(value);
  }
  winsize size{};
  if (stdout_is_terminal() && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 20) return size.ws_col;
  return 80;
}

namespace {
int terminal_rows() {
  if (const char* lines = std::getenv("LINES"); lines != nullptr && *lines != '\0') {
    const long value = std::strtol(lines, nullptr, 10);
    if (value > 0) return static_cast<int>(value);
  }
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 0) return size.ws_row;
  return 0;  // unknown: never page
}

std::string pager_command() {
  for (const char* name : {"LLMPLAN_PAGER", "PAGER"}) {
    if (const char* value = std::getenv(name); value != nullptr) return value;  // set but empty: no pager
  }
  return "less -FRX";
}
}  // namespace

bool write_stdout(const std::string& text) {
  std::cout << std::flush;
  if (stdout_is_terminal()) {
    const int rows = terminal_rows();
    const auto lines = std::count(text.begin(), text.end(), '\n');
    const std::string pager = pager_command();
    if (rows > 0 && lines >= rows && !pager.empty() && pager != "cat") {
      std::fflush(stdout);
      if (std::FILE* pipe = ::popen(pager.c_str(), "w"); pipe != nullptr) {
        std::signal(SIGPIPE, SIG_IGN);  // quitting the pager early is no error
        std::fwrite(text.data(), 1, text.size(), pipe);
        if (::pclose(pipe) != -1) return true;
      }
      // No pager could start: write directly below.
    }
  }
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    print_error(fmt::format("cannot write standard output: {}", std::strerror(errno)), "write-failed");
    return false;
  }
  return true;
}

}  // namespace llmplan::cli
