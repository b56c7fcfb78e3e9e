#include <algorithm>
#include <string_view>

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
  /// Wrapped text with its markers (see below) turned into colour, or removed.
  std::string apply(const std::string& text) const {
    std::string out;
    for (const char c : text) {
      if (c == k_dim || c == k_bold || c == k_end) {
        if (on) out += c == k_dim ? "\033[2m" : c == k_bold ? "\033[1m" : "\033[0m";
      } else {
        out += c;
      }
    }
    return out;
  }
  // Text is styled before it is wrapped: these controls (never raw in printed text, and of no
  // width to wrap_text) mark where dim and bold start and end.
  static constexpr char k_dim = '\x02';
  static constexpr char k_bold = '\x03';
  static constexpr char k_end = '\x04';
};

std::string dim_marked(const std::string& text) {
  return Palette::k_dim + text + Palette::k_end;
}

std::string bold_marked(const std::string& text) {
  return Palette::k_bold + text + Palette::k_end;
}

/// Input text on a terminal: controls and bidirectional overrides shown, never obeyed.
std::string t(const std::string& text) {
  return escape_terminal(text);
}

std::string hours_text(const Range& r) {
  if (r.expected == 0) return "-";
  return format_count(round_significant(r.expected, 2));
}

std::string plan_text(const StrategyCost& c) {
  return t(plan_summary(c));
}

std::string people_text(const StrategyCost& c) {
  return c.people_usd ? format_usd(round_significant(c.people_usd->expected, 2)) : "-";
}

std::string memory_text(const StrategyCost& c) {
  if (c.gpu.empty()) return "-";
  return fmt::format("{} GiB per GPU on {}x {}{}", format_number(c.memory.total, 1), c.gpus, t(c.gpu), c.owned ? " (owned)" : "");
}

std::string effect_text(const Reason& r) {
  if (r.blocks) return "block";
  return fmt::format("{:+g}", r.effect);
}

/// Every line of `block` that is wider than `width` wrapped at word boundaries, its
/// continuation indented two more than the line (for text other renderers wrote).
std::string reflow(const std::string& block, std::size_t width) {
  std::string out;
  std::size_t start = 0;
  while (start < block.size()) {
    const std::size_t end = std::min(block.find('\n', start), block.size());
    const std::string_view line = std::string_view(block).substr(start, end - start);
    const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
    out += std::string(indent, ' ') + wrap_text(line.substr(indent), indent, indent + 2, width);
    if (end < block.size()) out += '\n';
    start = end + 1;
  }
  return out;
}

/// The combination that holds the pick and says more than it: the headline when there is one.
const CombinedAdvice* headline_of(const Advice& a) {
  if (!a.recommendation) return nullptr;
  for (const auto& c : a.combinations) {
    if (c.strategies.size() > 1 && std::find(c.strategies.begin(), c.strategies.end(), *a.recommendation) != c.strategies.end())
      return &c;
  }
  return nullptr;
}

/// `Why ID:` and its reasons (or `Blocked ID:` and its blockers), `shown` of them.
void reasons_of(std::string& out, const StrategyResult& r, std::size_t shown, bool verbose, const Palette& p, std::size_t width) {
  const auto& list = r.blockers.empty() ? r.reasons : r.blockers;
  if (list.empty()) return;
  out += p.apply(
             wrap_text(fmt::format("{} {}:", r.blockers.empty() ? "Why" : "Blocked", bold_marked(r.strategy->id)), 0, 2, width)) +
         "\n";
  for (std::size_t i = 0; i < list.size() && i < shown; ++i) {
    const std::string head = fmt::format("  {:>6}  ", effect_text(list[i]));
    const std::string tag = "[" + t(list[i].rule) + "]";
    out += head + p.apply(wrap_text(t(list[i].message) + " " + dim_marked(tag), head.size(), head.size(), width)) + "\n";
  }
  if (list.size() > shown) {
    out += p.dim("          " + wrap_text(fmt::format("... and {} more ({})", list.size() - shown,
                                                      verbose ? "--format json shows all" : "-v shows all"),
                                          10, 10, width)) +
           "\n";
  }
}

/// The ranking: the richest layout whose rows fit `width`. Without room for the plan column each
/// plan has a line under its row; without room for a row, each strategy is a short block. With
/// `verbose`, every cost range is shown: in its column, else on the line under the row.
void ranking_table(std::string& out, const Advice& a, const Palette& p, std::size_t width, bool verbose) {
  const bool people = std::any_of(a.ranking.begin(), a.ranking.end(), [](const StrategyResult& r) { return r.cost.people_usd; });
  struct Layout {
    bool ranges, hours, plan;
  };
  static constexpr Layout layouts[] = {{true, true, true},  {true, false, true},  {false, true, true},  {false, false, true},
                                       {true, true, false}, {true, false, false}, {false, true, false}, {false, false, false}};
  for (const Layout& layout : layouts) {
    if (verbose && layout.plan && !layout.ranges) continue;
    const auto money = [&](const Range& x) {
      return layout.ranges ? format_usd_range(x) : (x.high == 0 ? std::string("$0") : format_usd(x.expected));
    };
    std::vector<std::string> header = {"#",
                                       "strategy",
                                       "verdict",
                                       "score",
                                       layout.ranges ? "one-time (range)" : "one-time",
                                       layout.ranges ? "monthly (range)" : "monthly"};
    std::vector<bool> right = {true, false, false, true, false, false};
    const auto add = [&](const char* name, bool r) {
      header.push_back(name);
      right.push_back(r);
    };
    if (layout.hours) add("GPU-hours", true);
    if (people) add("people", true);
    if (layout.plan) add("plan", false);
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : a.ranking) {
      std::vector<std::string> row = {
          std::to_string(r.rank),     r.strategy->id,           std::string(verdict_name(r.verdict)), format_number(r.score, 1),
          money(r.cost.one_time_usd), money(r.cost.monthly_usd)};
      if (layout.hours) row.push_back(hours_text(r.cost.gpu_hours));
      if (people) row.push_back(people_text(r.cost));
      if (layout.plan) row.push_back(plan_text(r.cost));
      rows.push_back(std::move(row));
    }
    std::vector<std::size_t> widths(header.size());
    std::size_t total = 1 + 2 * (header.size() - 1);
    for (std::size_t c = 0; c < header.size(); ++c) {
      widths[c] = text_columns(header[c]);
      for (const auto& row : rows) widths[c] = std::max(widths[c], text_columns(row[c]));
      total += widths[c];
    }
    if (total > width) continue;
    const auto line = [&](const std::vector<std::string>& cells, const StrategyResult* r) {
      std::string text = " ";
      for (std::size_t c = 0; c < cells.size(); ++c) {
        const std::string pad(widths[c] - text_columns(cells[c]), ' ');
        const bool last = c + 1 == cells.size();
        std::string cell = right[c] ? pad + cells[c] : cells[c] + (last ? std::string() : pad);
        if (r != nullptr && c == 2) cell = p.verdict(r->verdict, cell);
        text += cell + (last ? "" : "  ");
      }
      while (!text.empty() && text.back() == ' ') text.pop_back();
      return text + "\n";
    };
    out += p.dim(line(header, nullptr));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      out += line(rows[i], &a.ranking[i]);
      if (layout.plan) continue;
      const StrategyCost& c = a.ranking[i].cost;
      std::string ranges;
      if (verbose && !layout.ranges) {
        // The ranges alone: the expected figures are in the row.
        const auto range = [](const char* what, const Range& x) {
          return format_usd(x.low) == format_usd(x.high) ? std::string()
                                                         : fmt::format("{} {}-{}", what, format_usd(x.low), format_usd(x.high));
        };
        const std::string one_time = range("one-time", c.one_time_usd);
        const std::string monthly = range("monthly", c.monthly_usd);
        if (!one_time.empty() || !monthly.empty())
          ranges = "; ranges: " + one_time + (one_time.empty() || monthly.empty() ? "" : ", ") + monthly;
      }
      out += p.dim("    " + wrap_text(plan_text(c) + ranges, 4, 6, width)) + "\n";
    }
    return;
  }
  // Narrower than any row: one short block per strategy.
  for (const auto& r : a.ranking) {
    const std::string head =
        fmt::format(" {}  {}  {}  {}", r.rank, bold_marked(r.strategy->id), verdict_name(r.verdict), format_number(r.score, 1));
    out += p.apply(wrap_text(head, 0, 4, width)) + "\n";
    std::string figures =
        fmt::format("one-time {}, monthly {}", format_usd_range(r.cost.one_time_usd), format_usd_range(r.cost.monthly_usd));
    if (r.cost.gpu_hours.expected != 0) figures += ", GPU-hours " + hours_text(r.cost.gpu_hours);
    if (people) figures += ", people " + people_text(r.cost);
    out += "    " + wrap_text(figures, 4, 6, width) + "\n";
    out += p.dim("    " + wrap_text(plan_text(r.cost), 4, 6, width)) + "\n";
  }
}

std::string break_even_text(const BreakEven& be) {
  std::string text =
      !be.requests_per_month ? std::string("never, at any volume")
      : *be.requests_per_month <= 1 && !be.below
          ? std::string("at any volume")
          : fmt::format("{} {} requests a month", be.below ? "below" : "from", format_count(*be.requests_per_month));
  if (be.months && *be.months == 0) {
    text += "; already at your volume";
  } else if (be.months) {
    // In words a reader can weigh: weeks read as "within a month", decades as years.
    const double m = *be.months;
    if (m < 1)
      text += "; pays back within a month at your volume";
    else if (m < 24)
      text += fmt::format("; after {} months at your volume", format_number(m, 0));
    else if (m < 1200)
      text += fmt::format("; after {} years at your volume", format_number(m / 12, 0));
    else
      text += "; not within 100 years at your volume";
  }
  return text;
}

void render_explanation(std::string& out, const ProfileOutcome& o, const Advice& a, const Palette& p, std::size_t width) {
  out += "\n" + wrap_text("Why these plans (the cheapest over the horizon of those that meet the profile):", 0, 2, width) + "\n";
  for (const auto& r : a.ranking) {
    const StrategyCost& c = r.cost;
    const std::string text =
        fmt::format("{}: {}; cheapest of {} priced; {} over the horizon; serving {}", bold_marked(r.strategy->id), plan_text(c),
                    c.candidates, format_usd(round_significant(c.horizon_usd.expected, 2)), t(c.serving));
    out += "  " + p.apply(wrap_text(text, 2, 6, width)) + "\n";
    const auto detail = [&](const std::string& line) { out += "    " + wrap_text(line, 4, 6, width) + "\n"; };
    if (!c.gpu.empty()) detail(fmt::format("training: {}, sequence length {}", memory_text(c), c.seq_len));
    detail(fmt::format("latency of one request: {} ms{}", format_number(c.serving_plan.latency_ms, 0),
                       c.serving_plan.meets_latency ? "" : " (over the limit)"));
    if (!c.problem.empty()) detail("fails: " + t(c.problem));
    if (c.runner_up) detail(fmt::format("runner-up: {} ({})", t(c.runner_up->label), t(c.runner_up->why)));
  }
  out += "\n" + wrap_text("Why, rule by rule (the facts each condition read):", 0, 2, width) + "\n";
  for (const auto& s : o.explanation->strategies) {
    out += "  " + p.apply(wrap_text(bold_marked(t(s.strategy)) + ":", 2, 4, width)) + "\n";
    const auto line = [&](const RuleTrace& trace, const char* mark) {
      std::string facts;
      for (const auto& [path, value] : trace.facts) facts += (facts.empty() ? "" : ", ") + t(path) + " = " + t(value);
      const std::string head =
          fmt::format("    {} {:<6} ", mark, trace.blocks ? std::string("block") : fmt::format("{:+g}", trace.effect));
      out += head + p.apply(wrap_text(t(trace.rule) + " " + dim_marked("(" + facts + ")"), head.size(), head.size() + 2, width)) +
             "\n";
    };
    for (const auto& trace : s.fired) line(trace, "fired");
    for (const auto& trace : s.not_fired) line(trace, "no   ");
  }
  if (!o.explanation->counterfactuals.empty()) {
    out += "\n" + wrap_text("What would change the recommendation:", 0, 2, width) + "\n";
    for (const auto& c : o.explanation->counterfactuals) out += "  " + wrap_text(t(c.message), 2, 4, width) + "\n";
  }
}

void render_one(std::string& out, const ProfileOutcome& o, const RenderOptions& options, const Palette& p) {
  const std::size_t width = static_cast<std::size_t>(std::max(20, options.width));
  {
    const std::string name = escape_terminal_line_start(o.name);  // it begins the result's first line
    const std::string file = "(" + t(o.file) + ")";
    if (text_columns(name) + 2 + text_columns(file) <= width) {
      out += p.bold(name) + p.dim("  " + file) + "\n";
    } else {
      out += p.bold(wrap_text(name, 0, 2, width)) + "\n" + p.dim("  " + wrap_text(file, 2, 2, width)) + "\n";
    }
  }
  if (!o.advice) {
    out += "  " +
           wrap_text(
               fmt::format("{} {} error(s); see the messages above",
                           o.status == RunStatus::invalid ? "invalid profile:" : "could not read:", o.diagnostics.error_count()),
               2, 4, width) +
           "\n";
    return;
  }
  const Advice& a = *o.advice;
  // The answer first: the pick (or the combination that holds it), its plan, its cost, its reasons.
  const CombinedAdvice* headline = headline_of(a);
  const StrategyResult* top = a.ranking.empty() ? nullptr : &a.ranking.front();
  if (a.recommendation && top != nullptr) {
    if (headline != nullptr) {
      const std::string rungs = t(fmt::format("{}", fmt::join(headline->strategies, " + ")));
      out +=
          p.apply(wrap_text(fmt::format("Recommendation: {} (combined), starting with {}", bold_marked(rungs), top->strategy->id),
                            0, 2, width)) +
          "\n";
      const std::string tag = "[" + t(headline->id) + "]";
      out += "  " + p.apply(wrap_text(t(headline->message) + " " + dim_marked(tag), 2, 2, width)) + "\n";
    } else {
      out += p.apply(wrap_text(fmt::format("Recommendation: {} - {}", bold_marked(top->strategy->id), t(top->strategy->title)), 0,
                               2, width)) +
             "\n";
    }
    // With a combination, each rung's plan: the pick's first, then the others'.
    const std::string of = headline != nullptr ? " (" + top->strategy->id + ")" : "";
    out += "  Plan" + of + ": " + wrap_text(plan_text(top->cost), 8 + of.size(), 8, width) + "\n";
    if (headline != nullptr) {
      for (const auto& id : headline->strategies) {
        const auto rung =
            std::find_if(a.ranking.begin(), a.ranking.end(), [&](const StrategyResult& r) { return r.strategy->id == id; });
        if (rung == a.ranking.end() || &*rung == top) continue;
        const std::string head = "  Then (" + t(id) + "): ";
        out += head + wrap_text(plan_text(rung->cost), head.size(), 8, width) + "\n";
      }
    }
    std::string cost =
        fmt::format("one-time {}, monthly {}", format_usd_range(top->cost.one_time_usd), format_usd_range(top->cost.monthly_usd));
    if (top->cost.people_usd) cost += ", people's time " + people_text(top->cost);
    out += "  Cost" + of + ": " + wrap_text(cost, 8 + of.size(), 8, width) + "\n";
  } else {
    out += wrap_text("Recommendation: none - " + t(a.no_recommendation), 0, 2, width) + "\n";
  }
  const bool verbose = options.verbose;
  const std::size_t all = 1000000;
  if (top != nullptr && top->blockers.empty())
    reasons_of(out, *top, verbose ? all : static_cast<std::size_t>(std::max(1, options.top_reasons)), verbose, p, width);

  std::string oldest;
  for (const auto& r : a.ranking) {
    if (!r.cost.price_date.empty() && (oldest.empty() || r.cost.price_date < oldest)) oldest = r.cost.price_date;
  }
  const bool people = std::any_of(a.ranking.begin(), a.ranking.end(), [](const StrategyResult& r) { return r.cost.people_usd; });
  const std::string note = std::string("Costs are compute and services only (one-time: training; monthly: serving)") +
                           (people ? "; people: time at team.hourly_usd" : "") +
                           (oldest.empty() ? std::string(".") : "; oldest price " + oldest + ".");
  out += "\n" + p.dim(wrap_text(note, 0, 2, width)) + "\n";
  ranking_table(out, a, p, width, verbose);

  // The other strategies: every reason with -v, else one line for each infeasible one.
  bool first = true;
  for (const auto& r : a.ranking) {
    if (&r == top && r.blockers.empty()) continue;
    if (!verbose && r.blockers.empty()) continue;
    if (first) out += "\n";
    first = false;
    if (verbose) {
      reasons_of(out, r, all, verbose, p, width);
    } else {
      const std::string more = r.blockers.size() > 1 ? fmt::format(" (+{} more)", r.blockers.size() - 1) : "";
      // The count of further blockers stays on the line: the message is cut to leave room for it.
      const std::size_t room = width > more.size() + 10 ? width - more.size() : width;
      const std::string line = cut_text(fmt::format("Blocked {}: {}", r.strategy->id, t(r.blockers.front().message)), room);
      out += p.dim(text_columns(line) + more.size() <= width ? line + more : line) + "\n";
    }
  }

  std::string breakeven;
  for (const auto& r : a.ranking) {
    if (!r.break_even) continue;
    // Without -v: the viable alternatives, or at least the nearest one.
    if (!verbose && !breakeven.empty() && (r.verdict == Verdict::discouraged || r.verdict == Verdict::infeasible)) continue;
    // In columns when there is room for them, else each strategy's line under its name.
    breakeven += width >= 50
                     ? fmt::format("\n  {:<19} {}", r.strategy->id, wrap_text(break_even_text(*r.break_even), 22, 22, width))
                     : "\n  " + wrap_text(r.strategy->id + ": " + break_even_text(*r.break_even), 2, 4, width);
  }
  if (!breakeven.empty())
    out += "\n" + wrap_text(fmt::format("Cheaper in total than {} over the horizon:", a.break_even_baseline), 0, 2, width) +
           breakeven + "\n";
  for (const auto& c : a.combinations) {
    if (&c == headline) continue;
    const std::string tag = "[" + t(c.id) + "]";
    out += "\n" + wrap_text("Combine: " + t(fmt::format("{}", fmt::join(c.strategies, " + "))), 0, 2, width) + "\n  " +
           p.apply(wrap_text(t(c.message) + " " + dim_marked(tag), 2, 2, width)) + "\n";
  }
  if (o.explanation) render_explanation(out, o, a, p, width);
  if (o.uncertainty) out += "\n" + reflow(render_uncertainty_text(*o.uncertainty), width);
  if (o.baseline) {
    out += "\n" + wrap_text(fmt::format("Against {}:", t(o.baseline->old_label)), 0, 2, width) + "\n";
    out += reflow(render_diff_text(*o.baseline, "  "), width);
  }
  if (o.profile && !o.profile->assumptions.empty()) {
    // Items are wrapped as units: a line breaks between `field=value` items, never inside one.
    std::string text = "Assumed:";
    std::size_t column = text.size();
    for (std::size_t i = 0; i < o.profile->assumptions.size(); ++i) {
      const auto& assumption = o.profile->assumptions[i];
      const auto index = fact_index(assumption.field);
      const std::string value = index ? format_fact(fact_catalog()[*index], assumption.value) : "?";
      const std::string item =
          fmt::format("{}={}{}", t(assumption.field), t(value), i + 1 < o.profile->assumptions.size() ? ";" : "");
      const std::size_t w = text_columns(item);
      if (column + 1 + w > width && column > 2) {
        text += "\n  ";
        column = 2;
      } else {
        text += ' ';
        ++column;
      }
      const std::string wrapped = wrap_text(item, column, 4, width);
      text += wrapped;
      const auto last = wrapped.rfind('\n');
      column = last == std::string::npos ? column + w : text_columns(wrapped.substr(last + 1));
    }
    out += "\n" + text + "\n";
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
