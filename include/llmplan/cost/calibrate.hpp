#pragma once

#include <optional>
#include <string>
#include <vector>

#include "llmplan/cost/costing.hpp"
#include "llmplan/cost/estimate.hpp"
#include "llmplan/input/diagnostic.hpp"

namespace llmplan {

/// What a measured peak memory figure counts: what the GPU held (nvidia-smi, a memory cap), the
/// caching allocator's peak reservation (torch.cuda.max_memory_reserved: no CUDA context), or its
/// peak of allocated tensors (torch.cuda.max_memory_allocated: no context, no allocator slack).
enum class MemoryMeasure { device, reserved, allocated };

/// One measured run of a calibration CSV (`llmplan calibrate`), as a training request with what
/// was measured. The request's GPU points into the catalog it was read with.
struct CalibrationRun {
  std::string name;
  int line = 0;
  std::string strategy;
  Costing costing = Costing::scratch;
  TrainingRequest request;
  std::optional<double> gpu_hours;                       ///< measured GPU-hours
  std::optional<double> peak_memory_gib;                 ///< measured peak memory per GPU
  std::optional<bool> fits;                              ///< whether the run fitted in memory (or ran out)
  std::optional<double> gpu_memory_gib;                  ///< memory the run had, when not the catalog GPU's
  MemoryMeasure memory_measure = MemoryMeasure::device;  ///< what the peak memory figure counts
  bool gpus_known = true;                                ///< false: the GPU count was not published
  std::string published;                                 ///< publication date, when the CSV says
};

/// The columns `llmplan calibrate` reads: the contract's, then optional ones.
const std::vector<std::string>& calibration_columns();

/// A strategy of the rule set and how it is priced: the `strategy` column names one that trains.
struct StrategyCosting {
  std::string id;
  Costing costing;
};

/// Reads a calibration CSV. Every bad cell is an error at its `file:line:col`; no row is skipped.
std::vector<CalibrationRun> read_calibration_csv(const std::string& text, const std::string& file, const Catalog& catalog,
                                                 const std::vector<StrategyCosting>& strategies, Diagnostics& diags);

/// The estimator against one run.
struct CalibrationResult {
  const CalibrationRun* run = nullptr;
  TrainingEstimate estimate;
  Utilization utilization;
  double peak_tflops = 0;
  // GPU-hours, when measured
  double hours_ln_error = 0;  ///< ln(expected / measured)
  bool hours_inside = false;  ///< measured within low..high
  double implied_utilization = 0;
  // memory, when measured
  double memory_compared_gib = 0;  ///< the estimate the measure is compared with: the total, or the tensors alone
  double memory_ln_error = 0;
  bool memory_within_15 = false;
  // fits, when known
  bool fits_estimated = false;
};

struct CalibrationSummary {
  int runs = 0;
  double median_abs_ln_error = 0;
  double share = 0;        ///< GPU-hours: inside the band; memory: within 15%; fits: matches
  double widest_band = 0;  ///< GPU-hours: widest high / low
};

struct CalibrationReport {
  std::vector<CalibrationResult> results;
  CalibrationSummary gpu_hours;
  CalibrationSummary memory;
  CalibrationSummary fits;
};

CalibrationReport calibrate(const std::vector<CalibrationRun>& runs, const Catalog& catalog);

/// `calibrate --fit`: the cost model's constants fitted to the runs, as a rule-set file that
/// `--rules` loads. Scales each utilization curve the pretraining runs use and the fine-tune
/// factor by the median of their log errors, sets the bands from the quantiles of what remains,
/// and scales the allocator slack to the memory runs. The catalog is not changed. `date` is
/// written as every constant's date.
struct CalibrationFit {
  std::string yaml;
  Catalog fitted;  ///< the catalog with the fitted constants, to report the error after the fit
};
CalibrationFit fit_calibration(const std::vector<CalibrationRun>& runs, const Catalog& catalog, const std::string& source,
                               const std::string& date);

}  // namespace llmplan
