// `llmplan calibrate RUNS.csv`: the estimator against a team's own measured runs; `--fit -o FILE`
// writes the cost-model constants fitted to them as a rule-set file for `--rules`.
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/cost/calibrate.hpp"
#include "llmplan/input/io.hpp"
#include "llmplan/output/escape.hpp"
#include "llmplan/output/format.hpp"
#include "output/json_tree.hpp"

namespace llmplan::cli {

namespace {

using json = nlohmann::ordered_json;

struct CalibrateOptions {
  std::string input;
  std::vector<std::string> rules;
  bool fit = false;
  std::string output;
  std::string format = "table";
};

double tidy(double x) {
  return round_significant(x, 4);
}

/// Today, or SOURCE_DATE_EPOCH's day when set (reproducible files).
std::string today() {
  std::time_t t = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) t = static_cast<std::time_t>(std::strtoll(epoch, nullptr, 10));
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

json report_json(const CalibrationReport& report) {
  json runs = json::array();
  for (const auto& r : report.results) {
    json run{{"name", r.run->name}, {"line", r.run->line}};
    if (r.run->gpu_hours) {
      run["quantity"] = "gpu_hours";
      run["measured"] = *r.run->gpu_hours;
      const Range& h = r.estimate.gpu_hours;
      run["estimate"] = json{{"low", tidy(h.low)}, {"expected", tidy(h.expected)}, {"high", tidy(h.high)}};
      run["ln_error"] = round_significant(r.hours_ln_error, 4);
      run["inside"] = r.hours_inside;
    } else if (r.run->peak_memory_gib) {
      run["quantity"] = "peak_memory_gib";
      run["measured"] = *r.run->peak_memory_gib;
      const double m = tidy(r.memory_compared_gib);
      run["estimate"] = json{{"low", m}, {"expected", m}, {"high", m}};
      run["ln_error"] = round_significant(r.memory_ln_error, 4);
      run["inside"] = r.memory_within_15;
    } else {
      run["quantity"] = "fits";
      run["measured"] = nullptr;
      run["estimate"] = nullptr;
      run["ln_error"] = nullptr;
      run["inside"] = nullptr;
    }
    if (r.run->peak_memory_gib) {
      run["memory"] = json{{"measured_gib", *r.run->peak_memory_gib},
                           {"estimate_gib", tidy(r.memory_compared_gib)},
                           {"ln_error", round_significant(r.memory_ln_error, 4)},
                           {"within_15_percent", r.memory_within_15}};
    }
    if (r.run->fits) run["fits"] = json{{"measured", *r.run->fits}, {"estimated", r.fits_estimated}};
    const MemoryEstimate& m = r.estimate.memory;
    run["memory_parts"] = json{{"total", m.total},
                               {"weights", m.weights},
                               {"gradients", m.gradients},
                               {"optimizer", m.optimizer},
                               {"activations", m.activations},
                               {"logits", m.logits},
                               {"qlora_buffers", m.qlora_buffers},
                               {"cuda_context", m.cuda_context},
                               {"allocator_slack", m.allocator_slack}};
    run["training_flops"] = tidy(r.estimate.flops);
    run["compute_flops"] = tidy(r.estimate.compute_flops);
    run["peak_tflops"] = r.peak_tflops;
    run["utilization"] = json{{"curve_id", r.run->request.gpu ? r.run->request.gpu->utilization_curve : ""},
                              {"expected", round_significant(r.utilization.value.expected, 4)},
                              {"curve_read", r.utilization.curve_id},
                              {"curve", round_significant(r.utilization.curve, 4)},
                              {"moe", round_significant(r.utilization.moe, 4)},
                              {"cluster", round_significant(r.utilization.cluster, 4)},
                              {"fp8", round_significant(r.utilization.fp8, 4)},
                              {"finetune", round_significant(r.utilization.finetune, 4)},
                              {"implied", r.run->gpu_hours ? json(round_significant(r.implied_utilization, 4)) : json(nullptr)}};
    runs.push_back(run);
  }
  const auto summary = [](const CalibrationSummary& s) {
    return s.runs == 0 ? json(nullptr) : json(round_significant(s.median_abs_ln_error, 4));
  };
  const auto share = [](const CalibrationSummary& s) {
    return s.runs == 0 ? json(nullptr) : json(round_significant(s.share, 4));
  };
  return json{
      {"runs", runs},
      {"gpu_hours",
       {{"runs", report.gpu_hours.runs},
        {"median_abs_ln_error", summary(report.gpu_hours)},
        {"inside_share", share(report.gpu_hours)},
        {"widest_band", report.gpu_hours.runs == 0 ? json(nullptr) : json(round_significant(report.gpu_hours.widest_band, 4))}}},
      {"memory",
       {{"runs", report.memory.runs},
        {"median_abs_ln_error", summary(report.memory)},
        {"within_15_percent_share", share(report.memory)}}},
      {"fits", {{"runs", report.fits.runs}, {"match_share", share(report.fits)}}}};
}

std::string percent(double share) {
  return fmt::format("{:.0f}%", share * 100);
}

/// A run's name in the table's first column: escaped for a terminal (the CSV comes from anyone),
/// and cut to 40 bytes at a character boundary.
std::string name_column(const std::string& name) {
  std::string shown = escape_terminal(name);
  if (shown.size() <= 40) return shown;
  std::size_t cut = 39;
  while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return shown.substr(0, cut) + "~";
}

/// `title` is escaped here: it names the files given on the command line.
std::string report_table(const CalibrationReport& report, const std::string& title) {
  std::string out = escape_terminal(title) + "\n";
  out += fmt::format("  {:<40} {:>10} {:>28} {:>8}  {}\n", "run", "measured", "llmplan low / expected / high", "ln err", "");
  for (const auto& r : report.results) {
    const std::string name = name_column(r.run->name);
    if (r.run->gpu_hours) {
      const Range& h = r.estimate.gpu_hours;
      out += fmt::format("  {:<40} {:>10} {:>28} {:>+8.3f}  {}\n", name, format_count(round_significant(*r.run->gpu_hours, 3)),
                         fmt::format("{} / {} / {}", format_count(round_significant(h.low, 3)),
                                     format_count(round_significant(h.expected, 3)), format_count(round_significant(h.high, 3))),
                         r.hours_ln_error, r.hours_inside ? "GPU-h inside" : "GPU-h OUTSIDE");
    }
    if (r.run->peak_memory_gib) {
      out +=
          fmt::format("  {:<40} {:>10} {:>28} {:>+8.3f}  {}\n", r.run->gpu_hours ? "" : name,
                      format_number(*r.run->peak_memory_gib, 1) + " GiB", format_number(tidy(r.memory_compared_gib), 1) + " GiB",
                      r.memory_ln_error, r.memory_within_15 ? "memory within 15%" : "memory OFF by over 15%");
    }
    if (r.run->fits) {
      out += fmt::format("  {:<40} {:>10} {:>28} {:>8}  {}\n", r.run->gpu_hours || r.run->peak_memory_gib ? "" : name,
                         *r.run->fits ? "fits" : "OOM", r.fits_estimated ? "fits" : "does not fit", "",
                         *r.run->fits == r.fits_estimated ? "fits: matches" : "fits: WRONG");
    }
  }
  if (report.gpu_hours.runs > 0) {
    out += fmt::format("GPU-hours: {} runs, median absolute ln error {:.3f}, {} inside low..high, widest band {:.2f}x\n",
                       report.gpu_hours.runs, report.gpu_hours.median_abs_ln_error, percent(report.gpu_hours.share),
                       report.gpu_hours.widest_band);
  }
  if (report.memory.runs > 0) {
    out += fmt::format("memory: {} runs, median absolute ln error {:.3f}, {} within 15%\n", report.memory.runs,
                       report.memory.median_abs_ln_error, percent(report.memory.share));
  }
  if (report.fits.runs > 0) {
    out += fmt::format("fits or not: {} runs, {} match\n", report.fits.runs, percent(report.fits.share));
  }
  return out;
}

int run_calibrate(const CalibrateOptions& opt) {
  const auto rules = load_rules(opt.rules);
  if (!rules) return k_cannot_run;
  if (opt.fit && opt.output.empty()) {
    print_error("--fit writes a rule-set file: give -o FILE", "missing-flag");
    return k_cannot_run;
  }
  std::string text;
  std::string error;
  if (!read_text(opt.input, text, error)) {
    print_error(fmt::format("{}: {}", opt.input, error), "unreadable-file");
    return k_cannot_run;
  }
  Diagnostics diags;
  std::vector<StrategyCosting> strategies;
  for (const auto& s : rules->strategies) strategies.push_back({s.id, s.costing});
  const std::vector<CalibrationRun> runs = read_calibration_csv(text, opt.input, rules->catalog, strategies, diags);
  if (diags.has_errors()) {
    diags.sort();
    print_diagnostics(diags);
    return k_cannot_run;
  }
  const CalibrationReport report = calibrate(runs, rules->catalog);
  if (!opt.fit) {
    std::string content;
    if (opt.format == "json") {
      const json body = report_json(report);
      json doc{{"schema_version", 1}};
      for (auto it = body.begin(); it != body.end(); ++it) doc[it.key()] = it.value();
      content = json_document(doc);
    } else {
      content = report_table(report, fmt::format("llmplan estimates against {} runs of {}", runs.size(), opt.input));
    }
    return emit(content, opt.output) ? k_ok : k_cannot_run;
  }
  const CalibrationFit fit = fit_calibration(runs, rules->catalog, opt.input, today());
  if (!emit(fit.yaml, opt.output)) return k_cannot_run;
  const CalibrationReport after = calibrate(runs, fit.fitted);
  if (opt.format == "json") {
    const json body = report_json(after);
    json doc{{"schema_version", 1}, {"fitted_rules", opt.output}};
    for (auto it = body.begin(); it != body.end(); ++it) doc[it.key()] = it.value();
    const json before = report_json(report);
    doc["before_fit"] = json{{"gpu_hours", before["gpu_hours"]}, {"memory", before["memory"]}};
    std::fputs((json_document(doc)).c_str(), stdout);
  } else {
    std::string content = report_table(report, fmt::format("Before the fit: {} runs of {}", runs.size(), opt.input));
    content += "\n" + report_table(after, fmt::format("After the fit (constants written to {}; load them with --rules {})",
                                                      opt.output, opt.output));
    std::fputs(content.c_str(), stdout);
  }
  return k_ok;
}

}  // namespace

void setup_calibrate(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<CalibrateOptions>();
  CLI::App* cmd = app.add_subcommand("calibrate", "The estimator against your own measured runs; --fit writes overrides");
  cmd->footer(
      "The CSV's header names its columns: name,strategy,method,params,active_params,tokens,examples,\n"
      "example_tokens,epochs,gpu,gpus,seq_len,micro_batch,gpu_hours,peak_memory_gib (empty cells where a run\n"
      "does not say; gpu_hours or peak_memory_gib must be there). Optional: model, precision, optimizer, offload,\n"
      "packing, chunked_loss, fused_loss, fused_kernels, fp32_adapter_inputs, flash_attention, checkpointing,\n"
      "zero, lora_rank, lora_targets, gpu_memory_gib, fits, memory_measure (allocated: tensors only, as\n"
      "torch.cuda.max_memory_allocated; reserved: the allocator's blocks, as torch.cuda.max_memory_reserved;\n"
      "device: what the GPU holds, the default), grad_accumulation, published, source, notes.\n"
      "Examples:\n"
      "  llmplan calibrate my-runs.csv\n"
      "  llmplan calibrate my-runs.csv --fit -o my-cost-model.yaml && llmplan advise p.yaml --rules my-cost-model.yaml");
  cmd->add_option("RUNS", opt->input, "CSV of measured runs (`-` for standard input)")->required()->type_name("RUNS.csv");
  cmd->add_flag("--fit", opt->fit, "Fit the cost model's constants to the runs and write them to -o FILE");
  cmd->add_option("-f,--format", opt->format, "table (default) or json")->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("-o,--output", opt->output, "Write to FILE (atomically); with --fit, the fitted rule-set file")
      ->type_name("FILE");
  cmd->add_option("--rules", opt->rules, "Rule-set file or directory with catalog overrides")->type_name("FILE|DIR");
  cmd->callback([opt, &exit_code] { exit_code = run_calibrate(*opt); });
}

}  // namespace llmplan::cli
