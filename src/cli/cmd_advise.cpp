// `llmplan advise PROFILE...`: rank the strategies of each profile, with costs and reasons.
#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/output/advice_format.hpp"
#include "llmplan/rules/engine.hpp"
#include "llmplan/rules/explain.hpp"
#include "llmplan/rules/parallel.hpp"
#include "output.hpp"
#include "whatif.hpp"

namespace llmplan::cli {

namespace {

struct AdviseOptions {
  CommonOptions common;
  std::vector<std::string> profiles;
  std::string format = "table";
  int top_reasons = 3;
  bool explain = false;
  bool uncertainty = false;
  std::size_t samples = 1000;
  std::uint64_t seed = 1;
  std::string baseline;
  bool verbose = false;
};

/// What the advice an outcome is compared with holds: no explanation.
AdviseExtras plain_extras(const AdviseExtras& extras) {
  AdviseExtras plain = extras;
  plain.explain = false;
  return plain;
}

/// The advice each outcome is compared with: the `--baseline` file's. Empty otherwise (with
/// `--set`, each outcome is compared with its own profile's advice: own_advice()).
std::optional<std::vector<AdviceSnapshot>> baselines(const AdviseOptions& opt, const RuleSet& rules, const AdviseExtras& extras,
                                                     bool& failed) {
  failed = false;
  if (!opt.baseline.empty()) {
    auto snapshots = advice_of_file(opt.baseline, {}, rules, plain_extras(extras), true);
    failed = !snapshots;
    return snapshots;
  }
  return std::nullopt;  // with --set, each outcome is compared with its own profile (own_advice())
}

/// With `--set`: the advice on the outcome's profile as its file gives it (an empty snapshot when
/// it cannot be advised), found as the outcome is advised, so a batch stays a chunk at a time.
AdviceSnapshot own_advice(const ProfileOutcome& o, const RuleSet& rules, const AdviseExtras& extras) {
  ProfileOutcome own{o.file, o.unset->name, RunStatus::ok, *o.unset, std::nullopt, {}, std::nullopt};
  advise_outcome(own, rules, plain_extras(extras));
  return own.status == RunStatus::ok ? snapshot_of(own) : AdviceSnapshot{own.file, own.name, {}};
}

/// Writes each chunk's text on a thread of its own, so that the next chunk is read, advised and
/// rendered meanwhile: both cores stay busy. write() waits until the previous chunk is written,
/// so at most two chunks are held. The first chunk is written in place: a run of one chunk (one
/// profile, most often) starts no thread, whose start and memory arena would cost more than the
/// advice. Where no thread can start, chunks are written in place.
class ChunkWriter {
 public:
  explicit ChunkWriter(Output& out) : m_out(out) {}
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;
  ~ChunkWriter() { finish(); }

  /// Hands over a chunk's pieces; false when an earlier write failed (it said why).
  bool write(std::vector<std::string> pieces) {
    if (!m_thread.joinable()) {
      if (m_chunks++ == 0) return write_now(pieces);
      start();
      if (!m_thread.joinable()) return write_now(pieces);
    }
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [&] { return !m_busy; });
    if (m_failed) return false;
    m_pending = std::move(pieces);
    m_busy = true;
    m_wake.notify_one();
    return true;
  }

  /// Waits until everything handed over is written; false when a write failed.
  bool finish() {
    if (m_thread.joinable()) {
      {
        const std::lock_guard lock(m_mutex);
        m_done = true;
      }
      m_wake.notify_one();
      m_thread.join();
    }
    return !m_failed;
  }

 private:
  void start() {
    try {
      m_thread = std::thread([this] { run(); });
    } catch (const std::system_error&) {
    }
  }

  bool write_now(const std::vector<std::string>& pieces) {
    for (const auto& piece : pieces) {
      if (!m_out.write(piece)) return false;
    }
    return true;
  }

  void run() {
    for (;;) {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [&] { return m_busy || m_done; });
      if (!m_busy) return;
      std::vector<std::string> pieces = std::move(m_pending);
      lock.unlock();
      const bool ok = write_now(pieces);
      pieces = {};  // freed before the next chunk is handed over
      lock.lock();
      m_failed = m_failed || !ok;
      m_busy = false;
      m_idle.notify_one();
    }
  }

  Output& m_out;
  std::thread m_thread;
  std::mutex m_mutex;
  std::condition_variable m_wake;  ///< a chunk was handed over, or the run is over
  std::condition_variable m_idle;  ///< the chunk handed over is written
  std::vector<std::string> m_pending;
  std::size_t m_chunks = 0;  ///< chunks handed over before the thread started
  bool m_busy = false;       ///< a chunk is handed over and not yet written
  bool m_done = false;
  bool m_failed = false;
};

int run_advise(const AdviseOptions& opt) {
  const auto rules = load_rules(opt.common.rules);
  if (!rules) return k_cannot_run;
  AdviseExtras extras;
  extras.explain = opt.explain;
  extras.uncertainty = opt.uncertainty;
  extras.samples = opt.samples;
  extras.seed = opt.seed;
  bool baseline_failed = false;
  const auto base = baselines(opt, *rules, extras, baseline_failed);
  if (baseline_failed) return k_cannot_run;
  RunSummary summary;  // counted as each chunk is advised: an unsound estimate turns `ok` into `error`
  // The format never depends on the terminal (cli.md); only colour, width and the pager do.
  const AdviceFormat& format = *find_advice_format(opt.format);  // CLI11 checked the name against the table
  RenderOptions options{use_color(opt.common.no_color) && opt.common.output.empty(), opt.top_reasons, &*rules};
  options.width = output_width();
  options.verbose = opt.verbose || opt.explain;
  options.hints = !opt.common.quiet && !ui().quiet;
  // A batch is read, advised, rendered and written a chunk at a time, each chunk in parallel, so
  // memory stays bounded whatever the batch's size and output starts after the first chunk;
  // chunks are written in input order. A chunk's load diagnostics are printed as it is read;
  // the first chunk is read before the output is opened, so that (as when the whole batch was
  // read first) a run whose output cannot be written still reports what is wrong with its input.
  OutcomeStream stream(opt.profiles, opt.common.sets, *rules);
  const std::size_t step = batch_chunk_size();
  std::vector<ProfileOutcome> chunk;
  const auto read_chunk = [&] {
    chunk.clear();
    const bool more = stream.next(step, chunk);
    for (const auto& o : chunk) print_diagnostics(o.diagnostics, opt.common.quiet);
    return more;
  };
  bool more = read_chunk();
  Output out;
  if (!out.open(opt.common.output) || !out.write(format.head(options))) {
    while (read_chunk()) {
    }
    return k_cannot_run;
  }
  ChunkWriter writer(out);
  for (std::size_t begin = 0; more; begin += chunk.size(), more = read_chunk()) {
    std::vector<Diagnostics> broken(chunk.size());
    const auto advise_one = [&](std::size_t i) {
      if (chunk[i].status != RunStatus::ok) return;
      advise_outcome(chunk[i], *rules, extras, &broken[i]);
      if (chunk[i].status != RunStatus::ok) return;
      AdviceDiff d;
      if (base) {
        // One baseline result is compared with every profile; several, position by position.
        const std::size_t at = base->size() == 1 ? 0 : begin + i;
        if (at >= base->size()) return;
        d = diff_advice((*base)[at], snapshot_of(chunk[i]));
      } else if (chunk[i].unset) {
        d = diff_advice(own_advice(chunk[i], *rules, extras), snapshot_of(chunk[i]));
      } else {
        return;
      }
      d.old_label = opt.baseline.empty() ? "its own advice without --set" : opt.baseline;
      d.new_label = chunk[i].file;
      d.what_if = opt.common.sets;
      chunk[i].baseline = std::move(d);
    };
    // Formats rendered a profile at a time render it here, right after its advice: one pass over
    // the chunk on both cores instead of two, each waiting for its slowest profile.
    std::vector<std::string> pieces(format.piece != nullptr ? chunk.size() : 0);
    parallel_for(chunk.size(), [&](std::size_t i) {
      advise_one(i);
      if (format.piece != nullptr) pieces[i] = format.piece(chunk[i], options, begin == 0 && i == 0);
    });
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      print_diagnostics(broken[i]);
      summary.add(chunk[i].status);
      if (chunk[i].advice) summary.add_pick(chunk[i].advice->recommendation);
    }
    if (!writer.write(format.piece != nullptr ? std::move(pieces) : format.body(chunk, options, begin == 0))) return k_cannot_run;
  }
  if (!writer.finish() || !out.write(format.tail(options, summary)) || !out.commit()) return k_cannot_run;
  return summary.ok == summary.profiles ? k_ok : k_cannot_run;
}

}  // namespace

void setup_advise(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<AdviseOptions>();
  CLI::App* cmd = app.add_subcommand("advise", "Rank the strategies for each profile, with costs and reasons");
  cmd->footer(
      "Examples:\n"
      "  llmplan advise examples/shakespeare-voice.yaml\n"
      "  llmplan advise examples/ --format jsonl\n"
      "  cat profile.yaml | llmplan advise - --format json -o advice.json");
  cmd->add_option("profiles", opt->profiles, "Profile files, directories of *.yaml, or - for standard input")
      ->required()
      ->type_name("PROFILE");
  cmd->add_option("-f,--format", opt->format,
                  format_help(advice_formats(), "table, whether or not standard output is a terminal"))
      ->check(CLI::IsMember(advice_format_names()));
  cmd->add_flag("--explain", opt->explain,
                "Show every rule that fired with the facts it read, the largest that did not, and what would change the advice");
  cmd->add_flag("--uncertainty", opt->uncertainty,
                "Sample the uncertain inputs (ranges LO..HI, the cost model's ranges): p_best per strategy, the confidence, "
                "what moves the pick most (on by default for profiles with ranges)");
  cmd->add_option("--samples", opt->samples, "Samples of --uncertainty (default 1000)")->check(CLI::Range(1, 10000000));
  cmd->add_option("--seed", opt->seed, "Seed of --uncertainty's sampling: the same seed gives the same figures (default 1)")
      ->check(CLI::Range(std::uint64_t{0}, k_max_seed));
  cmd->add_option("--baseline", opt->baseline,
                  "Compare with FILE (a profile or saved `advise --format json`): what changed, like `llmplan diff`")
      ->type_name("FILE");
  cmd->add_flag("-v,--verbose", opt->verbose,
                "Show every strategy's reasons, blockers, cost ranges and break-even (the table shows the pick's)");
  cmd->add_option("--top", opt->top_reasons, "Reasons shown per strategy in the table")->check(CLI::Range(1, 50));
  add_common_flags(*cmd, opt->common, true);
  cmd->callback([opt, &exit_code] { exit_code = run_advise(*opt); });
}

}  // namespace llmplan::cli
