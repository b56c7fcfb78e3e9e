// JUnit XML: one test case per profile, a failure per rejected proposal, an error per profile
// that could not be judged.
#include <fmt/format.h>

#include "llmplan/output/check_format.hpp"

namespace llmplan {

namespace {

std::string xml(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r')
          out += ' ';
        else
          out += c;
    }
  }
  return out;
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
      for (const auto& d : o.outcome.diagnostics.items()) details += format_diagnostic(d) + "\n";
      out += fmt::format("      <error message=\"{}\" type=\"could-not-judge\">{}</error>\n",
                         xml("the profile could not be judged"), xml(details));
    } else {
      const Judgement& j = *o.judgement;
      std::string details = fmt::format("{}:{}:{}\n", j.loc.file, j.loc.line, j.loc.column);
      for (const auto& r : j.reasons) details += fmt::format("{} [{}] ({})\n", r.message, r.rule, r.source);
      out += fmt::format("      <failure message=\"{}\" type=\"proposal-rejected\">{}</failure>\n", xml(j.message), xml(details));
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace llmplan
