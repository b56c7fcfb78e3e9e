// GitHub Actions workflow commands: one annotation per finding, at the `proposal.strategy` line.
#include <fmt/format.h>

#include "llmplan/output/check_format.hpp"
#include "llmplan/output/escape.hpp"

namespace llmplan {

namespace {

std::string annotation(const char* kind, const SourceLoc& loc, const std::string& title, const std::string& message) {
  std::string props = "file=" + escape_workflow_property(loc.file);
  if (loc.line > 0) props += fmt::format(",line={},col={}", loc.line, std::max(1, loc.column));
  props += ",title=" + escape_workflow_property(title);
  return fmt::format("::{} {}::{}\n", kind, props, escape_workflow_data(message));
}

}  // namespace

std::string render_check_github(const std::vector<CheckOutcome>& outcomes, const CheckRenderOptions&) {
  // GitHub shows at most 10 error annotations per step: errors first, then a notice for the rest.
  constexpr int k_shown = 10;
  std::vector<std::string> errors;
  std::vector<std::string> notices;
  for (const auto& o : outcomes) {
    if (!o.judgement) {
      for (const auto& d : o.outcome.diagnostics.items()) {
        if (d.severity == Severity::error) errors.push_back(annotation("error", d.loc, "llmplan: " + d.code, d.message));
      }
      continue;
    }
    const Judgement& j = *o.judgement;
    if (j.accepted) {
      notices.push_back(annotation("notice", j.loc, "llmplan check: accepted", j.message));
      continue;
    }
    std::string message = j.message;
    for (const auto& r : j.reasons) message += fmt::format("\n- {} [{}]", r.message, r.rule);
    errors.push_back(annotation("error", j.loc, "llmplan check: proposal rejected", message));
  }
  std::string out;
  for (std::size_t i = 0; i < errors.size() && i < k_shown; ++i) out += errors[i];
  if (errors.size() > k_shown) {
    out += fmt::format("::notice title=llmplan check::{} more finding(s) not annotated; see the job summary\n",
                       errors.size() - k_shown);
  }
  for (const auto& n : notices) out += n;
  const CheckSummary s = summarize(outcomes);
  out += fmt::format("{} accepted, {} rejected, {} could not be judged\n", s.accepted, s.rejected, s.errors);
  return out;
}

}  // namespace llmplan
