// `advise --format oneline`: one line per profile for shells, and the closing summary line.
#include <fmt/format.h>

#include "llmplan/output/escape.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/output/render.hpp"

namespace llmplan {

namespace {

void keep_oldest(std::string& oldest, const std::string& date) {
  if (!date.empty() && (oldest.empty() || date < oldest)) oldest = date;
}

void gpu_dates(std::string& oldest, const Gpu* gpu) {
  if (gpu == nullptr) return;
  for (const auto& quote : gpu->prices) keep_oldest(oldest, quote.date);
}

}  // namespace

std::string price_date(const StrategyCost& cost, const Catalog& catalog) {
  std::string oldest;
  if (!cost.gpu.empty()) gpu_dates(oldest, catalog.find_gpu(cost.gpu));
  gpu_dates(oldest, cost.serving_gpus.gpu);
  if (!cost.api.empty()) {
    if (const ApiPrice* api = catalog.find_api(cost.api)) keep_oldest(oldest, api->date);
  }
  return oldest;
}

std::string render_oneline(const std::vector<ProfileOutcome>& outcomes, const RenderOptions& options) {
  std::string out;
  for (const auto& o : outcomes) {
    const std::string name = escape_terminal_line_start(o.name);  // begins the line: shown, never acted on
    if (!o.advice) {
      out += fmt::format("{} {} - - - - -\n", name, status_name(o.status));
      continue;
    }
    const Advice& a = *o.advice;
    if (!a.recommendation || a.ranking.empty()) {
      out += fmt::format("{} none - - - -\n", name);
      continue;
    }
    const StrategyResult& top = a.ranking.front();
    const std::string date = options.rules != nullptr ? price_date(top.cost, options.rules->catalog) : std::string();
    out += fmt::format("{} {} {} {} {}/month {}\n", name, *a.recommendation, format_number(top.score, 0),
                       format_usd(top.cost.one_time_usd.expected), format_usd(top.cost.monthly_usd.expected),
                       date.empty() ? "-" : date);
  }
  return out;
}

std::string render_summary_line(const RunSummary& summary) {
  std::string out = fmt::format("{} profiles: {} advised", summary.profiles, summary.ok);
  if (summary.invalid > 0) out += fmt::format(", {} invalid", summary.invalid);
  if (summary.error > 0) out += fmt::format(", {} unreadable", summary.error);
  std::string picks;
  for (const auto& [id, count] : summary.picks) picks += fmt::format("{}{} {}", picks.empty() ? "" : ", ", id, count);
  if (summary.no_pick > 0) picks += fmt::format("{}none {}", picks.empty() ? "" : ", ", summary.no_pick);
  if (!picks.empty()) out += "; picks: " + picks;
  return out;
}

}  // namespace llmplan
