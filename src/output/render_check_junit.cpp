// JUnit XML: one test case per profile, a failure per rejected proposal, an error per profile
// that could not be judged.
#include <fmt/format.h>

#include "llmplan/output/check_format.hpp"
#include "llmplan/output/escape.hpp"

namespace llmplan {

namespace {

std::string xml(const std::string& text) {
  return escape_xml(text);
}

}  // namespace

std::string render_check_junit(const std::vector<CheckOutcome>& outcomes, const CheckRenderOptions&) {
  const CheckSummary s = summarize(outcomes);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"llmplan check\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", s.profiles, s.rejected,
                     s.errors);
  out += fmt::format("  <testsuite name=\"llmplan check\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", s.profiles, s.rejected,
                     s.errors);
  for (const auto& o : outcomes) {
    const std::string name = o.judgement ? o.outcome.name + ": " + o.judgement->strategy : o.outcome.name;
    out += fmt::format("    <testcase name=\"{}\" classname=\"{}\"", xml(name), xml(o.outcome.file));
    if (o.judgement && o.judgement->accepted) {
      out += "/>\n";
      continue;
    }
    out += ">\n";
    if (!o.judgement) {
      std::string details;
      // Each line escaped on its own, joined by real line breaks: readable, and no input text
      // can start a line of the document.
      for (const auto& d : o.outcome.diagnostics.items()) details += xml(format_diagnostic(d)) + "\n";
      out += fmt::format("      <error message=\"{}\" type=\"could-not-judge\">{}</error>\n",
                         xml("the profile could not be judged"), details);
    } else {
      const Judgement& j = *o.judgement;
      std::string details = xml(fmt::format("{}:{}:{}", j.loc.file, j.loc.line, j.loc.column)) + "\n";
      for (const auto& r : j.reasons) details += xml(fmt::format("{} [{}] ({})", r.message, r.rule, r.source)) + "\n";
      out += fmt::format("      <failure message=\"{}\" type=\"proposal-rejected\">{}</failure>\n", xml(j.message), details);
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace llmplan
