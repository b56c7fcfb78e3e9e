#include <fmt/format.h>

#include "llmplan/output/format.hpp"
#include "llmplan/output/render.hpp"

namespace llmplan {

namespace {

std::string cell(const std::string& text) {
  return markdown_cell(text);
}

void render_one(std::string& out, const ProfileOutcome& o) {
  out += fmt::format("## {}\n\n`{}`\n\n", cell(o.name), o.file);
  if (!o.advice) {
    out += fmt::format("**{}**: {} error(s).\n\n", o.status == RunStatus::invalid ? "Invalid profile" : "Could not read",
                       o.diagnostics.error_count());
    for (const auto& d : o.diagnostics.items())
      out += fmt::format("- `{}:{}:{}` {} [{}]\n", d.loc.file, d.loc.line, d.loc.column, cell(d.message), d.code);
    out += "\n";
    return;
  }
  const Advice& a = *o.advice;
  if (a.recommendation) {
    out += fmt::format("**Recommendation: `{}`** ({})\n\n", *a.recommendation, a.ranking.front().strategy->title);
  } else {
    out += "**No feasible strategy** under this profile.\n\n";
  }
  const std::string versus = a.break_even_baseline.empty() ? "break-even" : "break-even vs " + a.break_even_baseline;
  out += "| # | strategy | verdict | score | one-time | monthly | GPU-hours | kgCO2e | " + versus + " | memory/GPU |\n";
  out += "|---:|---|---|---:|---|---|---:|---:|---|---|\n";
  for (const auto& r : a.ranking) {
    const auto& c = r.cost;
    std::string be = "-";
    if (r.break_even) {
      be = r.break_even->requests_per_month ? format_count(*r.break_even->requests_per_month) + " requests/month" : "never";
    }
    out += fmt::format(
        "| {} | `{}` | {} | {} | {} | {} | {} | {} | {} | {} |\n", r.rank, r.strategy->id, verdict_name(r.verdict),
        format_number(r.score, 1), format_usd_range(c.one_time_usd), format_usd_range(c.monthly_usd),
        c.gpu_hours.expected == 0 ? "-" : format_count(round_significant(c.gpu_hours.expected, 2)),
        c.emissions_kgco2e.expected == 0 ? "-" : format_count(round_significant(c.emissions_kgco2e.expected, 2)), be,
        c.gpu.empty() ? "-" : fmt::format("{} GiB on {}", format_number(c.memory.total, 1), format_gpus(c.gpus, c.gpu)));
  }
  out += "\n";
  for (const auto& r : a.ranking) {
    const auto& list = r.blockers.empty() ? r.reasons : r.blockers;
    if (list.empty()) continue;
    out += fmt::format("<details><summary><code>{}</code>: {} ({})</summary>\n\n", r.strategy->id,
                       r.blockers.empty() ? "why" : "blocked", list.size());
    for (const auto& reason : list) {
      out += fmt::format("- **{}** {} `{}` ({})\n", reason.blocks ? std::string("block") : fmt::format("{:+g}", reason.effect),
                         cell(reason.message), reason.rule, cell(reason.source));
    }
    out += "\n</details>\n\n";
  }
  for (const auto& c : a.combinations) {
    out += fmt::format("**Combine {}**: {}\n\n", fmt::join(c.strategies, " + "), cell(c.message));
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
      out += fmt::format("{}`{}` = {}", first ? "" : ", ", assumption.field,
                         index ? format_fact(fact_catalog()[*index], assumption.value) : "?");
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
