// Markdown for a pull-request comment or a GitHub job summary.
#include <fmt/format.h>

#include "llmplan/output/check_format.hpp"
#include "llmplan/output/escape.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/output/render.hpp"

namespace llmplan {

namespace {
std::string cell(const std::string& text) {
  return markdown_cell(text);
}
}  // namespace

std::string render_check_markdown(const std::vector<CheckOutcome>& outcomes, const CheckRenderOptions&) {
  const CheckSummary s = summarize(outcomes);
  std::string out = fmt::format("# llmplan check\n\n**{} accepted, {} rejected, {} could not be judged**\n\n", s.accepted,
                                s.rejected, s.errors);
  out += "| profile | proposal | decision | rank | score | best | why |\n|---|---|---|---:|---:|---|---|\n";
  for (const auto& o : outcomes) {
    if (!o.judgement) {
      out += fmt::format("| {} | - | could not be judged | - | - | - | {} error(s) |\n", markdown_code(o.outcome.file),
                         o.outcome.diagnostics.error_count());
      continue;
    }
    const Judgement& j = *o.judgement;
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", markdown_code(o.outcome.file), markdown_code(j.strategy),
                       j.accepted ? "accepted" : "**rejected**", j.rank, format_number(j.score, 1),
                       j.best.empty() ? "-" : markdown_code(j.best), cell(j.message));
  }
  out += "\n";
  return out;
}

}  // namespace llmplan
