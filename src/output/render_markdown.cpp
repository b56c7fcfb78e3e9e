#include <fmt/format.h>

#include "llmplan/output/escape.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/output/render.hpp"

namespace llmplan {

namespace {

std::string cell(const std::string& text) {
  return markdown_cell(text);
}

std::string code(const std::string& text) {
  return markdown_code(text);
}

void render_one(std::string& out, const ProfileOutcome& o) {
  out += fmt::format("## {}\n\n{}\n\n", cell(o.name), code(o.file));
  if (!o.advice) {
    out += fmt::format("**{}**: {} error(s).\n\n", o.status == RunStatus::invalid ? "Invalid profile" : "Could not read",
                       o.diagnostics.error_count());
    for (const auto& d : o.diagnostics.items())
      out += fmt::format("- {} {} [{}]\n", code(fmt::format("{}:{}:{}", d.loc.file, d.loc.line, d.loc.column)), cell(d.message),
                         cell(d.code));
    out += "\n";
    return;
  }
  const Advice& a = *o.advice;
  if (a.recommendation) {
    out += fmt::format("**Recommendation: {}** ({})\n\n", code(*a.recommendation), cell(a.ranking.front().strategy->title));
  } else {
    out += fmt::format("**No recommendation**: {}.\n\n", cell(a.no_recommendation));
  }
  const std::string versus = a.break_even_baseline.empty() ? "break-even" : "break-even vs " + a.break_even_baseline;
  out += "| # | strategy | verdict | score | one-time compute | monthly compute | GPU-hours | kgCO2e | " + versus +
         " | plan (model, where it runs) |\n";
  out += "|---:|---|---|---:|---|---|---:|---:|---|---|\n";
  for (const auto& r : a.ranking) {
    const auto& c = r.cost;
    std::string be = "-";
    if (r.break_even) {
      const auto& v = r.break_even->requests_per_month;
      be = !v                                ? std::string("never")
           : *v <= 1 && !r.break_even->below ? std::string("at any volume")
                                             : (r.break_even->below ? "below " : "from ") + format_count(*v) + " requests/month";
    }
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", r.rank, code(r.strategy->id),
                       verdict_name(r.verdict), format_number(r.score, 1), format_usd_range(c.one_time_usd),
                       format_usd_range(c.monthly_usd),
                       c.gpu_hours.expected == 0 ? "-" : format_count(round_significant(c.gpu_hours.expected, 2)),
                       c.emissions_kgco2e.expected == 0 ? "-" : format_count(round_significant(c.emissions_kgco2e.expected, 2)),
                       be, cell(plan_summary(c)));
  }
  out += "\n";
  for (const auto& r : a.ranking) {
    const auto& list = r.blockers.empty() ? r.reasons : r.blockers;
    if (list.empty()) continue;
    out += fmt::format("<details><summary><code>{}</code>: {} ({})</summary>\n\n", escape_xml(r.strategy->id),
                       r.blockers.empty() ? "why" : "blocked", list.size());
    for (const auto& reason : list) {
      out += fmt::format("- **{}** {} {} ({})\n", reason.blocks ? std::string("block") : fmt::format("{:+g}", reason.effect),
                         cell(reason.message), code(reason.rule), cell(reason.source));
    }
    out += "\n</details>\n\n";
  }
  for (const auto& c : a.combinations) {
    out += fmt::format("**Combine {}**: {}\n\n", cell(fmt::format("{}", fmt::join(c.strategies, " + "))), cell(c.message));
  }
  if (o.explanation && !o.explanation->counterfactuals.empty()) {
    out += "**What would change the recommendation**\n\n";
    for (const auto& c : o.explanation->counterfactuals) out += "- " + cell(c.message) + "\n";
    out += "\n";
  }
  if (o.profile && !o.profile->assumptions.empty()) {
    out += "Assumed: ";
    bool first = true;
    for (const auto& assumption : o.profile->assumptions) {
      const auto index = fact_index(assumption.field);
      out += fmt::format("{}{} = {}", first ? "" : ", ", code(assumption.field),
                         cell(index ? format_fact(fact_catalog()[*index], assumption.value) : "?"));
      first = false;
    }
    out += "\n\n";
  }
}

}  // namespace

std::string render_markdown_body(const std::vector<ProfileOutcome>& outcomes) {
  std::string out;
  for (const auto& o : outcomes) render_one(out, o);
  return out;
}

std::string render_markdown(const std::vector<ProfileOutcome>& outcomes) {
  return "# llmplan advice\n\n" + render_markdown_body(outcomes);
}

}  // namespace llmplan
