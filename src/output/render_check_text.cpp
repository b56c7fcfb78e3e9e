#include <fmt/format.h>

#include "llmplan/output/check_format.hpp"
#include "llmplan/output/escape.hpp"

namespace llmplan {

std::string render_check_text(const std::vector<CheckOutcome>& outcomes, const CheckRenderOptions& options) {
  const bool color = options.color;
  const auto paint = [&](const std::string& text, const char* code) {
    return color ? fmt::format("\033[{}m{}\033[0m", code, text) : text;
  };
  std::string out;
  for (const auto& o : outcomes) {
    if (!o.judgement) {
      out += fmt::format("{}: {}: could not be judged ({} error(s), see above)\n", escape_terminal(o.outcome.file),
                         paint("error", "1;31"), o.outcome.diagnostics.error_count());
      continue;
    }
    const Judgement& j = *o.judgement;
    out += fmt::format("{}:{}:{}: {}: {}\n", escape_terminal(j.loc.file), j.loc.line, j.loc.column,
                       j.accepted ? paint("accepted", "32") : paint("rejected", "1;31"), escape_terminal(j.message));
    if (!j.accepted) {
      for (const auto& r : j.reasons) {
        out += fmt::format("    {:>6}  {} [{}]\n", r.blocks ? std::string("block") : fmt::format("{:+g}", r.effect),
                           escape_terminal(r.message), escape_terminal(r.rule));
      }
    }
  }
  const CheckSummary s = summarize(outcomes);
  out += fmt::format("{} accepted, {} rejected, {} could not be judged\n", s.accepted, s.rejected, s.errors);
  return out;
}

}  // namespace llmplan
