#include <algorithm>
#include <cmath>
#include <iterator>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "llmplan/output/format.hpp"
#include "llmplan/output/render.hpp"

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

std::string hours_text(const Range& r) {
  if (r.expected == 0) return "-";
  return format_count(round_significant(r.expected, 2));
}

std::string memory_text(const StrategyCost& c) {
  if (c.gpu.empty()) return "-";
  return fmt::format("{} GiB on {}", format_number(c.memory.total, 1), format_gpus(c.gpus, c.gpu));
}

std::string effect_text(const Reason& r) {
  if (r.blocks) return "block";
  return fmt::format("{:+g}", r.effect);
}

/// Columns of the terminal a UTF-8 text takes (one per code point; no wide characters here).
std::size_t text_width(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

/// `text` wrapped at word boundaries to `width` columns: the first line after `first` (already
/// on the line, `first_width` columns), the others indented by `indent` spaces.
std::string wrap(const std::string& text, std::size_t first_width, std::size_t indent, std::size_t width) {
  std::string out;
  std::size_t column = first_width;
  bool line_start = true;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto space = text.find(' ', at);
    const std::string word = text.substr(at, space == std::string::npos ? std::string::npos : space - at);
    at = space == std::string::npos ? text.size() : space + 1;
    if (word.empty()) continue;
    const std::size_t w = text_width(word);
    if (!line_start && column + 1 + w > width) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
      line_start = true;
    }
    if (!line_start) {
      out += ' ';
      ++column;
    }
    out += word;
    column += w;
    line_start = false;
  }
  return out;
}

/// `text` cut to `width` columns with `...` when longer.
std::string fit(const std::string& text, std::size_t width) {
  if (text_width(text) <= width) return text;
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool start = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (start && n + 3 >= width) break;
    n += start ? 1 : 0;
    out += text[i];
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "...";
}

/// Dims the trailing `[rule]` tag of an already wrapped line.
std::string dim_tag(std::string text, const std::string& tag, const Palette& p) {
  const auto at = text.rfind(tag);
  if (at != std::string::npos && p.on) text.replace(at, tag.size(), p.dim(tag));
  return text;
}

std::string reason_lines(const Reason& r, const Palette& p, std::size_t width) {
  const std::string tag = "[" + r.rule + "]";
  const std::string head = fmt::format("  {:>6}  ", effect_text(r));
  return head + dim_tag(wrap(r.message + " " + tag, head.size(), head.size(), width), tag, p) + "\n";
}

/// What the strategy's figures price, in a few words: "qlora of llama-3.1-8b on 1x l4".
std::string plan_text(const StrategyCost& c) {
  std::string out;
  if (!c.gpu.empty() && c.gpus > 0) {
    out = fmt::format("{} of {}, trained on {}{}", c.method, c.model, format_gpus(c.gpus, c.gpu), c.owned ? " (owned)" : "");
  } else if (!c.model.empty() && c.serving.find(c.model) == std::string::npos) {
    out = c.model;
  }
  if (!c.serving.empty()) out += (out.empty() ? "served on " : "; served on ") + c.serving;
  return out;
}

/// Break-even at the profile's own volume, in words that make sense.
std::string months_text(double months) {
  if (months <= 0) return "already at your volume";
  if (months < 1) return "within the first month at your volume";
  if (months > 1200) return "never within 100 years at your volume";
  if (months < 24) return fmt::format("after {} months at your volume", format_number(std::ceil(months), 0));
  return fmt::format("after about {} years at your volume", format_number(round_significant(months / 12, 2), 1));
}

std::string break_even_text(const BreakEven& be) {
  std::string text = be.requests_per_month
                         ? fmt::format("from {} requests a month", format_count(round_significant(*be.requests_per_month, 2)))
                         : std::string("never, at any volume");
  if (be.months) text += "; " + months_text(*be.months);
  return text;
}

/// The ranking as a table that fits `width` columns: the richest layout that fits.
void ranking_table(std::string& out, const Advice& a, const Palette& p, std::size_t width) {
  struct Row {
    std::vector<std::string> cells;
    Verdict verdict;
  };
  std::size_t id_width = 8;
  for (const auto& r : a.ranking) id_width = std::max(id_width, r.strategy->id.size());
  // Layouts, richest first: {ranges, GPU-hours, kgCO2e, memory}.
  const bool layouts[][4] = {{true, true, true, true},    {true, true, false, true},   {true, false, false, true},
                             {true, false, false, false}, {false, false, false, true}, {false, false, false, false}};
  for (const auto& layout : layouts) {
    const bool ranges = layout[0];
    std::vector<std::string> header = {
        "#", "strategy", "verdict", "score", ranges ? "one-time (range)" : "one-time", ranges ? "monthly (range)" : "monthly"};
    if (layout[1]) header.push_back("GPU-hours");
    if (layout[2]) header.push_back("kgCO2e");
    if (layout[3]) header.push_back("memory/GPU");
    std::vector<Row> rows;
    for (const auto& r : a.ranking) {
      const auto money = [&](const Range& x) {
        return ranges ? format_usd_range(x) : (x.high == 0 ? std::string("$0") : format_usd(x.expected));
      };
      Row row{{std::to_string(r.rank), r.strategy->id, std::string(verdict_name(r.verdict)), format_number(r.score, 0),
               money(r.cost.one_time_usd), money(r.cost.monthly_usd)},
              r.verdict};
      if (layout[1]) row.cells.push_back(hours_text(r.cost.gpu_hours));
      if (layout[2]) row.cells.push_back(hours_text(r.cost.emissions_kgco2e));
      if (layout[3]) row.cells.push_back(memory_text(r.cost));
      rows.push_back(std::move(row));
    }
    std::vector<std::size_t> widths(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) {
      widths[c] = text_width(header[c]);
      for (const auto& row : rows) widths[c] = std::max(widths[c], text_width(row.cells[c]));
    }
    std::size_t total = 1;
    for (const auto w : widths) total += w + 2;
    if (total - 2 > width && &layout != &layouts[std::size(layouts) - 1]) continue;
    // Numbers right-aligned, words left-aligned; the last column is not padded.
    const auto right = [&](std::size_t c) { return c == 0 || c == 3 || (c >= 6 && header[c] != "memory/GPU"); };
    const auto line = [&](const std::vector<std::string>& cells, const Row* row) {
      std::string text = " ";
      for (std::size_t c = 0; c < cells.size(); ++c) {
        const std::size_t pad = widths[c] - text_width(cells[c]);
        std::string cell = right(c) ? std::string(pad, ' ') + cells[c]
                                    : cells[c] + (c + 1 < cells.size() ? std::string(pad, ' ') : std::string());
        if (row != nullptr && c == 2) cell = p.verdict(row->verdict, cell);
        text += cell + (c + 1 < cells.size() ? "  " : "");
      }
      while (!text.empty() && text.back() == ' ') text.pop_back();
      return text + "\n";
    };
    out += p.dim(line(header, nullptr));
    for (const auto& row : rows) out += line(row.cells, &row);
    return;
  }
}

void render_one(std::string& out, const ProfileOutcome& o, const RenderOptions& options, const Palette& p) {
  const std::size_t width = static_cast<std::size_t>(std::max(40, options.width));
  out += p.bold(o.name) + p.dim("  (" + o.file + ")") + "\n";
  if (!o.advice) {
    out += fmt::format("  {} {}\n", o.status == RunStatus::invalid ? "invalid profile:" : "could not read:",
                       fmt::format("{} error(s); see the messages above", o.diagnostics.error_count()));
    return;
  }
  const Advice& a = *o.advice;
  const auto find = [&](const std::string& id) -> const StrategyResult* {
    for (const auto& r : a.ranking) {
      if (r.strategy->id == id) return &r;
    }
    return nullptr;
  };
  // A combination that holds the pick and only feasible rungs says more than the pick alone.
  const CombinedAdvice* headline = nullptr;
  if (a.recommendation) {
    for (const auto& c : a.combinations) {
      const bool has_pick = std::find(c.strategies.begin(), c.strategies.end(), *a.recommendation) != c.strategies.end();
      const bool feasible = std::all_of(c.strategies.begin(), c.strategies.end(), [&](const std::string& id) {
        const auto* r = find(id);
        return r != nullptr && r->verdict != Verdict::infeasible;
      });
      if (has_pick && feasible && c.strategies.size() > 1) {
        headline = &c;
        break;
      }
    }
  }
  if (a.recommendation) {
    const auto& top = a.ranking.front();
    if (headline != nullptr) {
      const std::string tag = "[" + headline->id + "]";
      out += fmt::format("Recommendation: {} (combined), starting with {}\n",
                         p.bold(fmt::format("{}", fmt::join(headline->strategies, " + "))), top.strategy->id);
      out += "  " + dim_tag(wrap(headline->message + " " + tag, 2, 2, width), tag, p) + "\n";
    } else {
      out += fmt::format("Recommendation: {} - {}\n", p.bold(top.strategy->id), top.strategy->title);
    }
    const std::string plan = plan_text(top.cost);
    if (!plan.empty()) out += "  Plan: " + wrap(plan, 8, 8, width) + "\n";
  } else {
    out += "Recommendation: none - every strategy is infeasible under this profile\n";
  }
  // The pick's reasons first: with the headline they make the first screen.
  const auto reasons_of = [&](const StrategyResult& r, int shown) {
    const auto& list = r.blockers.empty() ? r.reasons : r.blockers;
    if (list.empty()) return;
    out += fmt::format("{} {}:\n", r.blockers.empty() ? "Why" : "Blocked", p.bold(r.strategy->id));
    for (std::size_t i = 0; i < list.size() && static_cast<int>(i) < shown; ++i) out += reason_lines(list[i], p, width);
    if (static_cast<int>(list.size()) > shown) {
      out += p.dim(fmt::format("          ... and {} more ({})\n", list.size() - shown,
                               options.verbose ? "--format json shows all" : "-v shows more; --explain every rule"));
    }
  };
  if (a.recommendation) reasons_of(a.ranking.front(), options.top_reasons);
  {
    const std::string date = options.rules != nullptr && !a.ranking.empty()
                                 ? price_date(a.ranking.front().cost, options.rules->catalog)
                                 : std::string();
    const std::string note = "Costs are compute and services only (one-time: training; monthly: serving)" +
                             (date.empty() ? std::string(".") : "; oldest price " + date + ".");
    out += "\n" + wrap(note, 0, 0, width) + "\n";
  }
  ranking_table(out, a, p, width);
  if (options.verbose) {
    out += "\n";
    for (const auto& r : a.ranking) {
      if (r.rank == 1 && a.recommendation) continue;
      reasons_of(r, std::min(options.top_reasons, r.blockers.empty() ? 2 : 1000));
    }
  } else {
    // Infeasible rungs in one line each: the first blocker.
    bool any = false;
    for (const auto& r : a.ranking) {
      if (r.blockers.empty()) continue;
      if (!any) out += "\n";
      any = true;
      const std::string head = fmt::format("Blocked {}: ", r.strategy->id);
      out += p.dim(fit(head + r.blockers.front().message, width)) + "\n";
    }
  }
  std::string breakeven;
  for (const auto& r : a.ranking) {
    if (!r.break_even || r.verdict == Verdict::infeasible) continue;
    if (!options.verbose && !(a.recommendation && r.rank == 1)) continue;
    const std::string head = fmt::format("  {:<{}}  ", r.strategy->id, 18);
    breakeven += "\n" + head + wrap(break_even_text(*r.break_even), head.size(), head.size(), width);
  }
  if (!breakeven.empty())
    out += fmt::format("\nCheaper in total than {} over the horizon:{}\n", a.break_even_baseline, breakeven);
  for (const auto& c : a.combinations) {
    if (&c == headline) continue;
    const std::string tag = "[" + c.id + "]";
    out += fmt::format("\nAlso worth combining: {}\n  {}\n", fmt::join(c.strategies, " + "),
                       dim_tag(wrap(c.message + " " + tag, 2, 2, width), tag, p));
  }
  if (o.explanation) {
    out += "\nWhy, rule by rule (the facts each condition read):\n";
    for (const auto& s : o.explanation->strategies) {
      out += fmt::format("  {}:\n", p.bold(s.strategy));
      const auto line = [&](const RuleTrace& t, const char* mark) {
        std::string facts;
        for (const auto& [path, value] : t.facts) facts += (facts.empty() ? "" : ", ") + path + " = " + value;
        const std::string head =
            fmt::format("    {} {:<6} ", mark, t.blocks ? std::string("block") : fmt::format("{:+g}", t.effect));
        out += head + wrap(t.rule + "  (" + facts + ")", head.size(), head.size() + 2, width) + "\n";
      };
      for (const auto& t : s.fired) line(t, "fired");
      for (const auto& t : s.not_fired) line(t, "no   ");
    }
    if (!o.explanation->counterfactuals.empty()) {
      out += "\nWhat would change the recommendation:\n";
      for (const auto& c : o.explanation->counterfactuals) out += "  " + wrap(c.message, 2, 4, width) + "\n";
    }
  }
  if (o.profile && !o.profile->assumptions.empty()) {
    std::string text;
    for (const auto& assumption : o.profile->assumptions) {
      if (assumption.field == "version") continue;
      const auto index = fact_index(assumption.field);
      const std::string value = index ? format_fact(fact_catalog()[*index], assumption.value) : "?";
      // Each `field = value` stays on one line: its spaces are held as \x01 until wrapped.
      std::string item = fmt::format("{} = {}", assumption.field, value);
      std::replace(item.begin(), item.end(), ' ', '\x01');
      text += (text.empty() ? "" : "; ") + item;
    }
    std::string wrapped = wrap(text, 9, 2, width);
    std::replace(wrapped.begin(), wrapped.end(), '\x01', ' ');
    if (!text.empty()) out += "\nAssumed: " + wrapped + "\n";
  }
  if (!options.verbose && options.hints)
    out += p.dim(fit("More: -v every strategy's reasons; --explain each rule; --format html a report", width)) + "\n";
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
