// libFuzzer target: `llmplan calibrate`'s reading of a runs CSV (the input is the file), then the
// comparison with the estimator and, for small files, the fit. The oracles: no crash, leak,
// hang or undefined behaviour (the sanitizers of the `fuzz` preset), one result for each run,
// and report figures that are numbers.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "llmplan/cost/calibrate.hpp"
#include "llmplan/rules/ruleset.hpp"

#include "fuzz_common.hpp"

namespace {

using llmplan::fuzz::rules;

const std::vector<llmplan::StrategyCosting>& strategies() {
  static const std::vector<llmplan::StrategyCosting> list = [] {
    std::vector<llmplan::StrategyCosting> out;
    for (const auto& s : rules().strategies) out.push_back({s.id, s.costing});
    return out;
  }();
  return list;
}

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  llmplan::Diagnostics diags;
  const auto runs = llmplan::read_calibration_csv(text, "runs.csv", rules().catalog, strategies(), diags);
  if (diags.has_errors()) return 0;  // `llmplan calibrate` stops at errors: nothing is estimated
  const llmplan::CalibrationReport report = llmplan::calibrate(runs, rules().catalog);
  require(report.results.size() == runs.size());
  require(!std::isnan(report.gpu_hours.median_abs_ln_error) && !std::isnan(report.memory.median_abs_ln_error));
  if (runs.size() <= 8) {
    const llmplan::CalibrationFit fit = llmplan::fit_calibration(runs, rules().catalog, "runs.csv", "2026-11-26");
    require(!fit.yaml.empty());
  }
  return 0;
}
