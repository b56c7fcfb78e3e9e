#include <algorithm>

#include <fmt/format.h>

#include "llmplan/output/escape.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/output/render.hpp"
#include "llmplan/output/render_diff.hpp"

namespace llmplan {

namespace {

struct Palette {
  bool on;
  std::string wrap(const std::string& text, const char* code) const {
    return on ? fmt::format("\033[{}m{}\033[0m", code, text) : text;
  }
  std::string bold(const std::string& t) const { return wrap(t, "1"); }
  std::string dim(const std::string& t) const { return wrap(t, "2"); }
  std::string verdict(Verdict v, const std::string& padded) const {
    switch (v) {
      case Verdict::recommended: return wrap(padded, "1;32");
      case Verdict::viable: return wrap(padded, "32");
      case Verdict::discouraged: return wrap(padded, "33");
      case Verdict::infeasible: return wrap(padded, "31");
    }
    return padded;  // unreachable: every verdict is handled above
  }
};

/// Input text on a terminal: controls and bidirectional overrides shown, never obeyed.
std::string t(const std::string& text) {
  return escape_terminal(text);
}

std::string hours_text(const Range& r) {
  if (r.expected == 0) return "-";
  return format_count(round_significant(r.expected, 2));
}

std::string plan_text(const StrategyCost& c) {
  return c.feasible ? c.label : c.label + " (no plan meets the profile)";
}

std::string memory_text(const StrategyCost& c) {
  if (c.gpu.empty()) return "-";
  return fmt::format("{} GiB per GPU on {}x {}{}", format_number(c.memory.total, 1), c.gpus, t(c.gpu), c.owned ? " (owned)" : "");
}

std::string effect_text(const Reason& r) {
  if (r.blocks) return "block";
  return fmt::format("{:+g}", r.effect);
}

void render_one(std::string& out, const ProfileOutcome& o, const RenderOptions& options, const Palette& p) {
  out += p.bold(t(o.name)) + p.dim("  (" + t(o.file) + ")") + "\n";
  if (!o.advice) {
    out += fmt::format("  {} {}\n", o.status == RunStatus::invalid ? "invalid profile:" : "could not read:",
                       fmt::format("{} error(s); see the messages above", o.diagnostics.error_count()));
    return;
  }
  const Advice& a = *o.advice;
  if (a.recommendation) {
    const auto& top = a.ranking.front();
    out += fmt::format("Recommendation: {} - {}\n\n", p.bold(t(top.strategy->id)), t(top.strategy->title));
  } else {
    out += fmt::format("Recommendation: none - {}\n\n", a.no_recommendation);
  }
  // Compute and services only; people's time has its own column when team.hourly_usd is given.
  const bool people = std::any_of(a.ranking.begin(), a.ranking.end(), [](const StrategyResult& r) { return r.cost.people_usd; });
  out += p.dim(fmt::format("  {:>2}  {:<19} {:<12} {:>5}  {:<26} {:<26} {:>9}{}  {}\n", "#", "strategy", "verdict", "score",
                           "one-time compute (range)", "monthly compute (range)", "GPU-hours",
                           people ? fmt::format(" {:>10}", "people") : std::string(), "plan (model, where it runs)"));
  for (const auto& r : a.ranking) {
    const std::string people_text =
        people ? fmt::format(" {:>10}", r.cost.people_usd ? format_usd(round_significant(r.cost.people_usd->expected, 2)) : "-")
               : std::string();
    out += fmt::format("  {:>2}  {:<19} {} {:>5}  {:<26} {:<26} {:>9}{}  {}\n", r.rank, r.strategy->id,
                       p.verdict(r.verdict, fmt::format("{:<12}", verdict_name(r.verdict))), format_number(r.score, 1),
                       format_usd_range(r.cost.one_time_usd), format_usd_range(r.cost.monthly_usd), hours_text(r.cost.gpu_hours),
                       people_text, plan_text(r.cost));
  }
  out += "\n";
  for (const auto& r : a.ranking) {
    const auto& list = r.blockers.empty() ? r.reasons : r.blockers;
    if (list.empty()) continue;
    out += fmt::format("{} {}:\n", r.blockers.empty() ? "Why" : "Blocked", p.bold(r.strategy->id));
    const int shown = r.rank == 1 ? options.top_reasons : std::min(options.top_reasons, 2);
    for (std::size_t i = 0; i < list.size() && static_cast<int>(i) < shown; ++i) {
      out += fmt::format("  {:>6}  {} {}\n", effect_text(list[i]), t(list[i].message), p.dim("[" + t(list[i].rule) + "]"));
    }
    if (static_cast<int>(list.size()) > shown) {
      out += p.dim(fmt::format("          ... and {} more (--format json shows all)\n", list.size() - shown));
    }
  }
  std::string breakeven;
  for (const auto& r : a.ranking) {
    if (!r.break_even) continue;
    const BreakEven& be = *r.break_even;
    std::string text =
        !be.requests_per_month ? std::string("never, at any volume")
        : *be.requests_per_month <= 1 && !be.below
            ? std::string("at any volume")
            : fmt::format("{} {} requests a month", be.below ? "below" : "from", format_count(*be.requests_per_month));
    if (be.months && *be.months == 0)
      text += "; already at your volume";
    else if (be.months)
      text += fmt::format("; after {} months at your volume", format_number(*be.months, 1));
    breakeven += fmt::format("\n  {:<19} {}", r.strategy->id, text);
  }
  if (!breakeven.empty())
    out += fmt::format("\nCheaper in total than {} over the horizon:{}\n", a.break_even_baseline, breakeven);
  for (const auto& c : a.combinations) {
    out += fmt::format("\nCombine: {}\n  {} {}\n", t(fmt::format("{}", fmt::join(c.strategies, " + "))), t(c.message),
                       p.dim("[" + t(c.id) + "]"));
  }
  if (o.explanation) {
    out += "\nWhy these plans (the cheapest over the horizon of those that meet the profile):\n";
    for (const auto& r : a.ranking) {
      const StrategyCost& c = r.cost;
      out += fmt::format("  {}: {}; cheapest of {} priced; {} over the horizon; serving {}\n", p.bold(r.strategy->id),
                         plan_text(c), c.candidates, format_usd(round_significant(c.horizon_usd.expected, 2)), c.serving);
      if (!c.gpu.empty()) out += fmt::format("    training: {}, sequence length {}\n", memory_text(c), c.seq_len);
      out += fmt::format("    latency of one request: {} ms{}\n", format_number(c.serving_plan.latency_ms, 0),
                         c.serving_plan.meets_latency ? "" : " (over the limit)");
      if (!c.problem.empty()) out += fmt::format("    fails: {}\n", c.problem);
      if (c.runner_up) out += fmt::format("    runner-up: {} ({})\n", c.runner_up->label, c.runner_up->why);
    }
    out += "\nWhy, rule by rule (the facts each condition read):\n";
    for (const auto& s : o.explanation->strategies) {
      out += fmt::format("  {}:\n", p.bold(s.strategy));
      const auto line = [&](const RuleTrace& trace, const char* mark) {
        std::string facts;
        for (const auto& [path, value] : trace.facts) facts += (facts.empty() ? "" : ", ") + t(path) + " = " + t(value);
        out +=
            fmt::format("    {} {:<6} {}  {}\n", mark, trace.blocks ? std::string("block") : fmt::format("{:+g}", trace.effect),
                        t(trace.rule), p.dim("(" + facts + ")"));
      };
      for (const auto& t : s.fired) line(t, "fired");
      for (const auto& t : s.not_fired) line(t, "no   ");
    }
    if (!o.explanation->counterfactuals.empty()) {
      out += "\nWhat would change the recommendation:\n";
      for (const auto& c : o.explanation->counterfactuals) out += "  " + t(c.message) + "\n";
    }
  }
  if (o.uncertainty) out += "\n" + render_uncertainty_text(*o.uncertainty);
  if (o.baseline) {
    out += fmt::format("\nAgainst {}:\n", o.baseline->old_label);
    out += render_diff_text(*o.baseline, "  ");
  }
  if (o.profile && !o.profile->assumptions.empty()) {
    out += "\nAssumed:";
    for (const auto& assumption : o.profile->assumptions) {
      const auto index = fact_index(assumption.field);
      const std::string value = index ? format_fact(fact_catalog()[*index], assumption.value) : "?";
      out += fmt::format(" {}={};", t(assumption.field), t(value));
    }
    out.back() = '\n';
  }
}

}  // namespace

std::string render_table(const std::vector<ProfileOutcome>& outcomes, const RenderOptions& options) {
  const Palette palette{options.color};
  std::string out;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (i > 0) out += "\n";
    render_one(out, outcomes[i], options, palette);
  }
  return out;
}

}  // namespace llmplan
