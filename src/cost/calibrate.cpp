#include "llmplan/cost/calibrate.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "llmplan/input/suggest.hpp"
#include "llmplan/input/units.hpp"
#include "llmplan/output/escape.hpp"

namespace llmplan {

namespace {

struct Cell {
  std::string text;
  int line = 0;
  int column = 0;
};

/// RFC 4180 CSV: fields separated by commas, quoted with `"` (doubled inside), rows by newlines.
/// Each cell keeps where it starts.
std::vector<std::vector<Cell>> parse_csv(const std::string& text, const std::string& file, Diagnostics& diags) {
  std::vector<std::vector<Cell>> rows;
  std::vector<Cell> row;
  Cell cell{"", 1, 1};
  int line = 1;
  int column = 1;
  bool quoted = false;
  bool any = false;
  std::size_t i = 0;
  const auto end_cell = [&] {
    row.push_back(cell);
    cell = Cell{"", line, column};
  };
  while (i < text.size()) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell.text += '"';
        i += 2;
        column += 2;
        continue;
      }
      if (c == '"') {
        quoted = false;
      } else {
        cell.text += c;
      }
      if (c == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
      ++i;
      continue;
    }
    if (c == '"' && cell.text.empty()) {
      quoted = true;
      any = true;
    } else if (c == ',') {
      ++column;
      ++i;
      end_cell();
      any = true;
      continue;
    } else if (c == '\r') {
      // part of a CRLF line end
    } else if (c == '\n') {
      ++line;
      column = 1;
      ++i;
      if (any || !cell.text.empty() || !row.empty()) {
        row.push_back(cell);
        rows.push_back(std::move(row));
      }
      row.clear();
      cell = Cell{"", line, column};
      any = false;
      continue;
    } else {
      cell.text += c;
      any = true;
    }
    ++column;
    ++i;
  }
  if (quoted) diags.error("bad-csv", "a quoted field is not closed", SourceLoc{file, cell.line, cell.column});
  if (any || !cell.text.empty() || !row.empty()) {
    row.push_back(cell);
    rows.push_back(std::move(row));
  }
  return rows;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/// The shift s of a set of log errors that leaves the smallest median of |e - s|, of three
/// candidates: none, the median, and the midpoint of the shortest interval that holds more than
/// half of them (least median of squares, Rousseeuw 1984, "Least Median of Squares Regression",
/// JASA 79(388): the minimizer for an odd count). `--fit` reports the median absolute log error,
/// and moving the median error to 0 can raise it (errors in two clusters); this never does.
double least_median_shift(std::vector<double> e) {
  if (e.empty()) return 0;
  std::sort(e.begin(), e.end());
  const std::size_t h = e.size() / 2 + 1;
  std::size_t first = 0;
  for (std::size_t i = 1; i + h <= e.size(); ++i) {
    if (e[i + h - 1] - e[i] < e[first + h - 1] - e[first]) first = i;
  }
  const auto spread_after = [&](double shift) {
    std::vector<double> left(e.size());
    for (std::size_t i = 0; i < e.size(); ++i) left[i] = std::fabs(e[i] - shift);
    return median(std::move(left));
  };
  double best = 0;
  double best_spread = spread_after(0);
  for (const double shift : {median(e), (e[first] + e[first + h - 1]) / 2}) {
    const double spread = spread_after(shift);
    if (spread < best_spread) {
      best = shift;
      best_spread = spread;
    }
  }
  return best;
}

/// Linear interpolation between order statistics (the "type 7" quantile of R and NumPy).
double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace

const std::vector<std::string>& calibration_columns() {
  static const std::vector<std::string> columns = {
      // the contract's (cli.md)
      "name", "strategy", "method", "params", "active_params", "tokens", "examples", "example_tokens", "epochs", "gpu", "gpus",
      "seq_len", "micro_batch", "gpu_hours", "peak_memory_gib",
      // optional
      "model", "precision", "optimizer", "offload", "packing", "chunked_loss", "fused_loss", "fused_kernels",
      "fp32_adapter_inputs", "flash_attention", "checkpointing", "zero", "lora_rank", "lora_targets", "gpu_memory_gib", "fits",
      "memory_measure", "grad_accumulation", "published", "source", "notes"};
  return columns;
}

std::vector<CalibrationRun> read_calibration_csv(const std::string& text, const std::string& file, const Catalog& catalog,
                                                 const std::vector<StrategyCosting>& strategies, Diagnostics& diags) {
  std::vector<std::string> training_ids;
  for (const auto& s : strategies) {
    if (costing_trains(s.costing)) training_ids.push_back(s.id);
  }
  std::vector<CalibrationRun> runs;
  const auto rows = parse_csv(text, file, diags);
  if (rows.empty()) {
    diags.error("bad-csv", "the file is empty; the first line names the columns", SourceLoc{file, 1, 1});
    return runs;
  }
  const auto& known = calibration_columns();
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < rows[0].size(); ++i) {
    const Cell& h = rows[0][i];
    if (std::find(known.begin(), known.end(), h.text) == known.end()) {
      diags.error("unknown-column", fmt::format("unknown column `{}`{}", h.text, did_you_mean(h.text, known)),
                  SourceLoc{file, h.line, h.column});
    } else if (index.count(h.text) != 0) {
      diags.error("duplicate-column", fmt::format("column `{}` appears twice", h.text), SourceLoc{file, h.line, h.column});
    } else {
      index[h.text] = i;
    }
  }
  for (const char* required : {"name", "strategy", "params", "gpu"}) {
    if (index.count(required) == 0)
      diags.error("missing-column", fmt::format("the header lacks column `{}`", required), SourceLoc{file, 1, 1});
  }
  if (index.count("gpu_hours") == 0 && index.count("peak_memory_gib") == 0 && index.count("fits") == 0)
    diags.error("missing-column", "the header needs `gpu_hours`, `peak_memory_gib` or both", SourceLoc{file, 1, 1});
  if (diags.has_errors()) return runs;

  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const int line = row.empty() ? 0 : row.front().line;
    if (row.size() != rows[0].size()) {
      diags.error("bad-csv", fmt::format("this row has {} cells; the header names {} columns", row.size(), rows[0].size()),
                  SourceLoc{file, line, 1});
      continue;
    }
    const auto cell = [&](const char* name) -> const Cell* {
      const auto it = index.find(name);
      return it == index.end() ? nullptr : &row[it->second];
    };
    const auto loc = [&](const Cell* c) { return SourceLoc{file, c->line, c->column}; };
    const auto text_of = [&](const char* name) { return cell(name) ? cell(name)->text : std::string(); };
    const auto number = [&](const char* name, Dimension dim, double min) -> std::optional<double> {
      const Cell* c = cell(name);
      if (c == nullptr || c->text.empty()) return std::nullopt;
      const QuantityResult q = parse_quantity(c->text, dim);
      if (!q.ok) {
        diags.error("bad-quantity", fmt::format("`{}`: `{}` is not {}: {}", name, c->text, describe(dim), q.error), loc(c));
        return std::nullopt;
      }
      if (q.value < min) {
        diags.error("out-of-range", fmt::format("`{}`: {} is below {}", name, c->text, min), loc(c));
        return std::nullopt;
      }
      return q.value;
    };
    // A count held in an int: bounded above too, as a larger value could not be converted.
    const auto whole = [&](const char* name, Dimension dim, double min, double max) -> std::optional<int> {
      const std::optional<double> v = number(name, dim, min);
      if (!v) return std::nullopt;
      if (*v > max) {
        diags.error("out-of-range", fmt::format("`{}`: {} is above {:.0f}", name, cell(name)->text, max), loc(cell(name)));
        return std::nullopt;
      }
      return static_cast<int>(*v);
    };
    const auto choice = [&](const char* name, const std::vector<std::string>& allowed, const std::string& fallback) {
      const Cell* c = cell(name);
      if (c == nullptr || c->text.empty()) return fallback;
      if (std::find(allowed.begin(), allowed.end(), c->text) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        diags.error("bad-value", fmt::format("`{}`: `{}` is not one of {}", name, c->text, list), loc(c));
        return fallback;
      }
      return c->text;
    };
    const auto flag = [&](const char* name) -> std::optional<bool> {
      const std::string v = choice(name, {"yes", "no", "true", "false"}, "");
      if (v.empty()) return std::nullopt;
      return v == "yes" || v == "true";
    };

    CalibrationRun run;
    run.line = line;
    run.name = text_of("name");
    if (run.name.empty()) diags.error("missing-value", "`name` is empty", loc(cell("name")));
    run.published = text_of("published");
    run.strategy = choice("strategy", training_ids, "");
    if (cell("strategy")->text.empty()) diags.error("missing-value", "`strategy` is empty", loc(cell("strategy")));
    for (const auto& s : strategies) {
      if (s.id == run.strategy) run.costing = s.costing;
    }
    TrainingRequest& q = run.request;
    const std::string method = choice("method", {"full", "lora", "qlora"}, "");
    const std::vector<std::string>& methods = costing_methods(run.costing);
    q.method = method.empty() && !methods.empty() ? methods.front() : method;
    if (!methods.empty() && std::find(methods.begin(), methods.end(), q.method) == methods.end()) {
      diags.error("bad-value", fmt::format("`method`: {} trains with {}", run.strategy, fmt::join(methods, " or ")),
                  loc(cell("method")));
    }
    q.finetune = costing_finetunes(run.costing);

    // The model: a catalog id, or the parameter counts.
    const std::string model_id = text_of("model");
    const auto params = number("params", Dimension::params, 1e6);
    const auto active = number("active_params", Dimension::params, 1e6);
    if (!model_id.empty()) {
      if (const ModelInfo* m = catalog.find_model(model_id)) {
        q.model = m->shape;
      } else {
        diags.error("unknown-model",
                    fmt::format("`model`: unknown model `{}`{}", model_id, did_you_mean(model_id, catalog.model_names())),
                    loc(cell("model")));
      }
    } else if (params) {
      if (active && *active > *params) {
        diags.error("out-of-range", "`active_params` is at most `params` (which counts all experts)", loc(cell("active_params")));
      }
      q.model = shape_for_params(*params, active.value_or(0), catalog);
    } else if (cell("params")->text.empty()) {
      diags.error("missing-value", "`params` is empty (or give `model`)", loc(cell("params")));
    }

    const Cell* gpu_cell = cell("gpu");
    q.gpu = catalog.find_gpu(gpu_cell->text);
    if (q.gpu == nullptr) {
      diags.error("unknown-gpu", fmt::format("`gpu`: unknown GPU `{}`{}", gpu_cell->text, catalog.gpu_suggestion(gpu_cell->text)),
                  loc(gpu_cell));
    }
    const auto gpus = whole("gpus", Dimension::count, 1, 1048576);
    run.gpus_known = gpus.has_value();
    q.gpus = gpus.value_or(1);
    q.seq_len = whole("seq_len", Dimension::tokens, 1, 1e8).value_or(0);
    q.micro_batch = whole("micro_batch", Dimension::count, 1, 1e6).value_or(1);

    const auto tokens = number("tokens", Dimension::tokens, 1);
    const auto examples = number("examples", Dimension::examples, 1);
    const auto example_tokens = number("example_tokens", Dimension::tokens, 1);
    const auto epochs = number("epochs", Dimension::number, 0.001);
    if (tokens) {
      q.tokens = *tokens;
    } else if (examples && example_tokens) {
      q.tokens = *examples * *example_tokens * epochs.value_or(1);
    }
    q.example_tokens = example_tokens.value_or(0);

    run.gpu_hours = number("gpu_hours", Dimension::number, 0);
    run.peak_memory_gib = number("peak_memory_gib", Dimension::number, 0);
    run.fits = flag("fits");
    run.gpu_memory_gib = number("gpu_memory_gib", Dimension::number, 0.1);
    // `allocated`: torch.cuda.max_memory_allocated or the allocator's peak of active blocks (the
    // tensors alone); `reserved`: torch.cuda.max_memory_reserved (the allocator's blocks, without the
    // CUDA context); `device` (default): what the GPU holds, as nvidia-smi shows or a memory cap.
    const std::string measure = choice("memory_measure", {"allocated", "reserved", "device"}, "device");
    run.memory_measure = measure == "allocated"  ? MemoryMeasure::allocated
                         : measure == "reserved" ? MemoryMeasure::reserved
                                                 : MemoryMeasure::device;
    // Only when none is given: a figure that failed to read has its own error already.
    const auto blank = [&](const char* name) { return cell(name) == nullptr || cell(name)->text.empty(); };
    if (blank("gpu_hours") && blank("peak_memory_gib") && blank("fits")) {
      diags.error("missing-value", "a run needs `gpu_hours` or `peak_memory_gib` (or `fits`)", SourceLoc{file, line, 1});
    }
    if (run.gpu_hours && q.tokens <= 0) {
      diags.error("missing-value", "`gpu_hours` needs `tokens`, or `examples` with `example_tokens`", SourceLoc{file, line, 1});
    }
    if (run.gpu_hours && *run.gpu_hours <= 0) diags.error("out-of-range", "`gpu_hours` must be above 0", loc(cell("gpu_hours")));
    if (run.peak_memory_gib && *run.peak_memory_gib <= 0)
      diags.error("out-of-range", "`peak_memory_gib` must be above 0", loc(cell("peak_memory_gib")));

    q.precision = choice("precision", {"mixed", "bf16", "fp8"}, "mixed");
    q.optimizer = choice("optimizer", {"adamw", "adamw-fused", "adamw-8bit", "paged-adamw-8bit", "sgd"}, "adamw");
    q.offload = choice("offload", {"none", "optimizer", "optimizer-and-params", "activations"}, "none");
    q.packing = choice("packing", {"packed", "padded"}, "");
    q.chunked_loss = flag("chunked_loss").value_or(false);
    q.fused_loss = flag("fused_loss").value_or(false);
    q.fused_kernels = flag("fused_kernels").value_or(false);
    q.fp32_adapter_inputs = flag("fp32_adapter_inputs").value_or(false);
    q.flash_attention = flag("flash_attention").value_or(true);
    q.checkpointing = flag("checkpointing").value_or(true);
    q.accumulate_gradients = flag("grad_accumulation").value_or(true);
    q.zero_stage = whole("zero", Dimension::count, 0, 3).value_or(-1);
    q.lora_rank = whole("lora_rank", Dimension::count, 1, 65536).value_or(0);
    q.lora_targets = choice("lora_targets", {"all", "attention", "qv"}, "all");
    runs.push_back(std::move(run));
  }
  return runs;
}

CalibrationReport calibrate(const std::vector<CalibrationRun>& runs, const Catalog& c) {
  CalibrationReport report;
  std::vector<double> hours_errors;
  std::vector<double> memory_errors;
  int inside = 0;
  int within = 0;
  int fits_known = 0;
  int fits_match = 0;
  for (const auto& run : runs) {
    CalibrationResult res;
    res.run = &run;
    TrainingRequest r = run.request;
    // The GPU as `c` has it: its curves were resolved into it (the runs may have been read with
    // another catalog, such as the built-in one before a fit).
    if (r.gpu != nullptr) {
      if (const Gpu* own = c.find_gpu(r.gpu->id)) r.gpu = own;
    }
    Gpu capped;
    if (run.gpu_memory_gib && r.gpu != nullptr) {
      capped = *r.gpu;
      capped.memory_gib = *run.gpu_memory_gib;
      r.gpu = &capped;
    }
    res.estimate = estimate_training(r, c);
    res.utilization = training_utilization(r, c);
    res.utilization.curve_id = utilization_curve_id(r);
    res.peak_tflops = r.gpu ? r.gpu->peak_tflops : 0;
    if (run.gpu_hours && res.estimate.gpu_hours.expected > 0) {
      const Range& h = res.estimate.gpu_hours;
      res.hours_ln_error = std::log(h.expected / *run.gpu_hours);
      res.hours_inside = h.low <= *run.gpu_hours && *run.gpu_hours <= h.high;
      const double slowdown = qlora_slowdown(run.request, c);
      res.implied_utilization = res.estimate.compute_flops * slowdown / (*run.gpu_hours * 3600.0 * res.peak_tflops * 1e12);
      hours_errors.push_back(std::abs(res.hours_ln_error));
      inside += res.hours_inside ? 1 : 0;
      report.gpu_hours.widest_band = std::max(report.gpu_hours.widest_band, h.high / h.low);
    }
    if (run.peak_memory_gib) {
      const MemoryEstimate& m = res.estimate.memory;
      res.memory_compared_gib = run.memory_measure == MemoryMeasure::allocated  ? m.total - m.cuda_context - m.allocator_slack
                                : run.memory_measure == MemoryMeasure::reserved ? m.total - m.cuda_context
                                                                                : m.total;
      res.memory_ln_error = std::log(res.memory_compared_gib / *run.peak_memory_gib);
      res.memory_within_15 = std::abs(res.memory_compared_gib / *run.peak_memory_gib - 1) <= 0.15;
      memory_errors.push_back(std::abs(res.memory_ln_error));
      within += res.memory_within_15 ? 1 : 0;
    }
    res.fits_estimated = res.estimate.memory.fits;
    if (run.fits) {
      ++fits_known;
      fits_match += *run.fits == res.fits_estimated ? 1 : 0;
    }
    report.results.push_back(std::move(res));
  }
  const auto share = [](int k, std::size_t n) { return n == 0 ? 0.0 : static_cast<double>(k) / static_cast<double>(n); };
  report.gpu_hours = {static_cast<int>(hours_errors.size()), median(hours_errors), share(inside, hours_errors.size()),
                      report.gpu_hours.widest_band};
  report.memory = {static_cast<int>(memory_errors.size()), median(memory_errors), share(within, memory_errors.size()), 0};
  report.fits = {fits_known, 0, share(fits_match, static_cast<std::size_t>(fits_known)), 0};
  return report;
}

namespace {

/// A YAML double-quoted scalar of any text (a file name from the command line may hold anything):
/// quotes and backslashes escaped, control bytes as \xNN, bytes that are not UTF-8 replaced.
std::string yaml_quote(const std::string& s) {
  std::string out = "\"";
  for (const char ch : valid_utf8(s)) {
    const auto byte = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (byte < 0x20 || byte == 0x7F) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string number_text(double x) {
  return fmt::format("{:.6g}", x);
}

}  // namespace

CalibrationFit fit_calibration(const std::vector<CalibrationRun>& runs, const Catalog& catalog, const std::string& source,
                               const std::string& date) {
  CalibrationFit fit;
  fit.fitted = catalog;
  Catalog& c = fit.fitted;
  const CalibrationReport before = calibrate(runs, catalog);

  // 1. Utilization: one scale per curve that pretraining runs use, one for fine-tunes: the shift
  //    of those runs' log errors that leaves the smallest median absolute error (robust to a
  //    single odd run; least_median_shift).
  std::map<std::string, std::vector<double>> by_curve;
  std::vector<double> finetune;
  for (const auto& res : before.results) {
    if (!res.run->gpu_hours || res.run->request.gpu == nullptr) continue;
    if (res.run->request.finetune)
      finetune.push_back(res.hours_ln_error);
    else
      by_curve[res.run->request.gpu->utilization_curve].push_back(res.hours_ln_error);
  }
  std::set<std::string> changed_curves;
  for (const auto& [id, errors] : by_curve) {
    auto it = c.utilization_curves.find(id);
    if (it == c.utilization_curves.end()) continue;
    // Estimated hours too high (error > 0) means the utilization was too low.
    const double scale = std::exp(least_median_shift(errors));
    for (auto& point : it->second.points) point.second = std::min(0.95, point.second * scale);
    changed_curves.insert(id);
  }
  resolve_utilization_curves(c);
  const bool fit_finetune = !finetune.empty();
  if (fit_finetune)
    c.model.finetune_utilization_factor = c.model.finetune_utilization_factor * std::exp(least_median_shift(finetune));

  // 2. Memory: the allocator slack scaled by the shift of the memory log errors that leaves the
  //    smallest median absolute error.
  std::vector<double> memory_errors;
  for (const auto& res : before.results) {
    // A figure of allocated tensors holds no slack: only what the GPU held says how much there is.
    if (res.run->peak_memory_gib && res.run->memory_measure != MemoryMeasure::allocated)
      memory_errors.push_back(res.memory_ln_error);
  }
  const bool fit_memory = !memory_errors.empty();
  if (fit_memory) {
    const double k = std::exp(-least_median_shift(memory_errors));
    const double slack = (1 + c.model.allocator_slack_fraction.expected) * k - 1;
    c.model.allocator_slack_fraction = Range::exactly(std::clamp(slack, 0.0, 1.0));
  }

  // 3. Bands from the quantiles (10% and 90%) of the log errors that remain.
  const CalibrationReport mid = calibrate(runs, c);
  std::vector<double> pre_resid;
  std::vector<double> ft_resid;
  for (const auto& res : mid.results) {
    if (!res.run->gpu_hours) continue;
    // ln(U_implied / U_expected) = ln(estimated hours / measured hours), the log error itself: a
    // run faster than expected has a positive residual and needs the band's high end, which gives
    // the low hours.
    (res.run->request.finetune ? ft_resid : pre_resid).push_back(res.hours_ln_error);
  }
  const auto band_of = [](const std::vector<double>& resid, const Range& old) {
    if (resid.size() < 3) return old;
    const double lo = std::min(0.0, quantile(resid, 0.1));
    const double hi = std::max(0.0, quantile(resid, 0.9));
    return Range{std::exp(lo), 1.0, std::exp(hi)};
  };
  const bool fit_pre_band = pre_resid.size() >= 3;
  const bool fit_ft_band = ft_resid.size() >= 3;
  c.model.training_utilization_band = band_of(pre_resid, c.model.training_utilization_band);
  c.model.finetune_utilization_band = band_of(ft_resid, c.model.finetune_utilization_band);

  // The rule-set file.
  const std::string fitted_by = fmt::format("fit by llmplan calibrate on {} runs of {}", runs.size(), source);
  std::string y = fmt::format("# Cost-model constants fitted by `llmplan calibrate --fit` to {} runs of {}.\n", runs.size(),
                              escape_terminal(source));  // one comment line, whatever the file is called
  y += "# Load with `--rules FILE`; every other constant keeps its built-in value.\n";
  std::string constants;
  const auto constant = [&](const char* name, const Range& v, const char* unit, const std::string& why) {
    constants += fmt::format("  {}:\n", name);
    if (v.low == v.expected && v.expected == v.high)
      constants += fmt::format("    value: {}\n", number_text(v.expected));
    else
      constants += fmt::format("    low: {}\n    expected: {}\n    high: {}\n", number_text(v.low), number_text(v.expected),
                               number_text(v.high));
    constants += fmt::format("    unit: {}\n    why: {}\n    source: {}\n    date: {}\n", unit, yaml_quote(why),
                             yaml_quote(fitted_by), date);
  };
  if (fit_finetune) {
    constant("finetune_utilization_factor", c.model.finetune_utilization_factor,
             "multiple of the fine-tune curve's utilization (the GPU generation's -finetune curve)",
             fmt::format("scaled by the least-median shift of the log errors of {} fine-tune runs", finetune.size()));
  }
  if (fit_pre_band) {
    constant("training_utilization_band", c.model.training_utilization_band, "multiple of the curve's utilization",
             fmt::format("10% and 90% quantiles of the log errors of {} pretraining runs after the fit", pre_resid.size()));
  }
  if (fit_ft_band) {
    constant("finetune_utilization_band", c.model.finetune_utilization_band, "multiple of the fine-tune utilization",
             fmt::format("10% and 90% quantiles of the log errors of {} fine-tune runs after the fit", ft_resid.size()));
  }
  if (fit_memory) {
    constant("allocator_slack_fraction", c.model.allocator_slack_fraction, "fraction of the memory the tensors hold",
             fmt::format("scaled by the least-median shift of the log errors of {} memory runs", memory_errors.size()));
  }
  if (!constants.empty()) y += "cost_model:\n" + constants;
  if (!changed_curves.empty()) {
    y += "utilization_curves:\n";
    for (const auto& id : changed_curves) {
      const UtilizationCurve& curve = c.utilization_curves.at(id);
      std::string points;
      for (const auto& [n, u] : curve.points) points += fmt::format("{}[{:.6g}, {:.6g}]", points.empty() ? "" : ", ", n, u);
      y += fmt::format(
          "  - id: {}\n    points: [{}]\n    why: {}\n    source: {}\n    date: {}\n", id, points,
          yaml_quote(fmt::format("the built-in curve scaled by the least-median shift of the log errors of {} pretraining runs",
                                 by_curve.at(id).size())),
          yaml_quote(fitted_by), date);
    }
  }
  if (constants.empty() && changed_curves.empty()) y += "# Nothing to fit: no run had GPU-hours or memory.\n";
  fit.yaml = y;
  return fit;
}

}  // namespace llmplan
