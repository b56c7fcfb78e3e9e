// `advise --format html`: one self-contained report (no network, no scripts, no fonts): the
// recommendation and its plan, cost ranges as inline SVG bars, the break-even curve against
// volume, the reasons with their sources, the assumptions and a print style. Built from the same
// result objects as the JSON (result_json), plus the cost model for the curve.
#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmplan/cost/estimate.hpp"
#include "llmplan/output/escape.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/output/render.hpp"

namespace llmplan {

namespace {

using Json = nlohmann::json;

/// Text for HTML: controls, bidirectional overrides and bytes that are not UTF-8 shown as
/// escape_terminal() shows them (a report is also read in terminals and CI logs, and rule files
/// and profiles may come from anyone), then the HTML specials as entities.
std::string esc(const std::string& raw) {
  const std::string text = escape_terminal(raw);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string str(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "not set";
  if (j.is_array()) {
    std::string out;
    for (const auto& item : j) out += (out.empty() ? "" : ", ") + str(item);
    return out;
  }
  return j.dump();
}

double num(const Json& j) {
  return j.is_number() ? j.get<double>() : 0.0;
}

/// Horizontal bars, one per strategy, from low to high on a log scale, with the expected mark.
std::string range_chart(const Json& ranking, const char* key, const char* title) {
  double lo = 1e300;
  double hi = 0;
  for (const auto& r : ranking) {
    const Json& c = r["cost"][key];
    if (num(c["high"]) > 0) {
      lo = std::min(lo, std::max(0.01, num(c["low"])));
      hi = std::max(hi, num(c["high"]));
    }
  }
  if (hi <= 0) return fmt::format("<p class=\"muted\">{}: $0 for every strategy.</p>\n", esc(title));
  const double a = std::log10(lo) - 0.1;
  const double b = std::log10(hi) + 0.1;
  constexpr int left = 150;
  constexpr int plot = 430;
  constexpr int row = 26;
  const int height = static_cast<int>(ranking.size()) * row + 30;
  const auto x = [&](double v) { return left + (std::log10(std::max(v, lo)) - a) / (b - a) * plot; };
  std::string out = fmt::format(
      "<figure><figcaption>{} (US dollars, log scale; bar: low to high, mark: expected)</figcaption>\n"
      "<svg class=\"chart\" viewBox=\"0 0 700 {}\" role=\"img\" aria-label=\"{}\">\n",
      esc(title), height, esc(title));
  int i = 0;
  for (const auto& r : ranking) {
    const Json& c = r["cost"][key];
    const double y = 10 + i * row;
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", left - 8, y + 14, esc(str(r["strategy"])));
    if (num(c["high"]) > 0) {
      const double x0 = x(num(c["low"]));
      const double x1 = std::max(x0 + 2, x(num(c["high"])));
      out += fmt::format("<rect class=\"bar {}\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"14\"/>\n",
                         esc(str(r["verdict"])), x0, y + 3, x1 - x0);
      out += fmt::format("<rect class=\"mark\" x=\"{:.1f}\" y=\"{}\" width=\"3\" height=\"18\"/>\n", x(num(c["expected"])) - 1.5,
                         y + 1);
      out += fmt::format("<text x=\"{:.1f}\" y=\"{}\">{}</text>\n", x1 + 6, y + 14, esc(format_usd(num(c["expected"]))));
    } else {
      out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"muted\">$0</text>\n", left, y + 14);
    }
    ++i;
  }
  out += "</svg></figure>\n";
  return out;
}

/// Total cost over the horizon against monthly volume, for the pick and the prompting baseline.
std::string break_even_chart(const ProfileOutcome& o, const RenderOptions& options) {
  if (!o.advice || !o.profile || options.rules == nullptr || !o.advice->recommendation) return {};
  const Advice& a = *o.advice;
  const StrategyResult& pick = a.ranking.front();
  const StrategyResult* base = nullptr;
  for (const auto& r : a.ranking) {
    if (r.strategy->id == a.break_even_baseline) base = &r;
  }
  if (base == nullptr || base == &pick) return {};
  const double volume = std::max(1.0, o.profile->facts.number("usage.requests_per_month"));
  const double horizon = std::max(1.0, o.profile->facts.number("budget.horizon_months"));
  constexpr int n = 25;
  std::vector<double> volumes;
  for (int i = 0; i < n; ++i) volumes.push_back(volume * std::pow(10.0, -2.0 + 4.0 * i / (n - 1)));
  const auto totals = [&](const StrategyResult& r) {
    std::vector<double> t;
    for (const double v : volumes) {
      const Range m = monthly_usd_at(r.cost, v, *o.profile, options.rules->catalog);
      t.push_back(std::max(0.01, r.cost.one_time_usd.expected + horizon * m.expected));
    }
    return t;
  };
  const auto p = totals(pick);
  const auto q = totals(*base);
  const double lo = std::min(*std::min_element(p.begin(), p.end()), *std::min_element(q.begin(), q.end()));
  const double hi = std::max(*std::max_element(p.begin(), p.end()), *std::max_element(q.begin(), q.end()));
  const double ya = std::log10(lo) - 0.1;
  const double yb = std::log10(hi) + 0.1;
  constexpr int left = 70;
  constexpr int width = 600;
  constexpr int top = 10;
  constexpr int height = 220;
  const auto X = [&](int i) { return left + static_cast<double>(i) / (n - 1) * width; };
  const auto Y = [&](double v) { return top + height - (std::log10(v) - ya) / (yb - ya) * height; };
  const auto line = [&](const std::vector<double>& t, const char* cls) {
    std::string pts;
    for (int i = 0; i < n; ++i) pts += fmt::format("{:.1f},{:.1f} ", X(i), Y(t[static_cast<std::size_t>(i)]));
    return fmt::format("<polyline class=\"{}\" points=\"{}\"/>\n", cls, pts);
  };
  std::string out = fmt::format(
      "<figure><figcaption>Total cost over {} months against requests a month (log scales): {} and {}</figcaption>\n"
      "<svg class=\"chart\" viewBox=\"0 0 700 280\" role=\"img\" aria-label=\"break-even\">\n",
      format_number(horizon, 0), esc(pick.strategy->id), esc(base->strategy->id));
  out += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", left, top + height, left + width,
                     top + height);
  out += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", left, top, left, top + height);
  for (const int i : {0, n / 2, n - 1}) {
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", X(i), top + height + 16,
                       esc(format_count(round_significant(volumes[static_cast<std::size_t>(i)], 2))));
  }
  out += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6, Y(hi) + 4, esc(format_usd(hi)));
  out += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6, Y(lo) + 4, esc(format_usd(lo)));
  out += fmt::format("<line class=\"now\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\"/>\n", X(n / 2), top, top + height);
  out += line(q, "base");
  out += line(p, "pick");
  out += fmt::format(
      "<text x=\"{}\" y=\"{}\" class=\"pick-label\">{}</text><text x=\"{}\" y=\"{}\" class=\"base-label\">{}</text>\n"
      "<text x=\"{:.1f}\" y=\"{}\" class=\"muted\" text-anchor=\"middle\">your volume</text>\n",
      left + 10, top + height + 40, esc(pick.strategy->id), left + 200, top + height + 40, esc(base->strategy->id), X(n / 2),
      top + 12);
  out += "</svg></figure>\n";
  return out;
}

const char* k_style = R"(<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
.muted{color:#666;fill:#666}.pick{font-size:1.2rem;background:#eef7ee;border-left:4px solid #2e7d32;padding:.6rem 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}code{font-size:.9em}
svg.chart{width:100%;height:auto;font-size:12px}svg text{fill:#333}
rect.bar{fill:#90a4ae}rect.recommended{fill:#2e7d32}rect.viable{fill:#66bb6a}rect.discouraged{fill:#f9a825}rect.infeasible{fill:#c62828}
rect.mark{fill:#111}polyline{fill:none;stroke-width:2.5}polyline.pick{stroke:#2e7d32}polyline.base{stroke:#1565c0;stroke-dasharray:6 4}
.pick-label{fill:#2e7d32;font-weight:bold}.base-label{fill:#1565c0;font-weight:bold}line.axis{stroke:#999}line.now{stroke:#bbb;stroke-dasharray:2 3}
figure{margin:1rem 0}figcaption{font-size:.9rem;color:#444}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}figure,table,tr{break-inside:avoid}.noprint{display:none}}
</style>
)";

void render_result(std::string& out, const ProfileOutcome& o, const RenderOptions& options) {
  const Json r = Json::parse(result_json(o, false));  // the same data the JSON format writes
  out += fmt::format("<section>\n<h1>{}</h1>\n<p class=\"muted\">{}</p>\n", esc(str(r["name"])), esc(str(r["file"])));
  if (r["status"] != "ok") {
    out += fmt::format("<p>This profile could not be advised ({}):</p><ul>\n", esc(str(r["status"])));
    for (const auto& d : r["diagnostics"]) out += fmt::format("<li>{}</li>\n", esc(str(d["message"])));
    out += "</ul></section>\n";
    return;
  }
  const Json& ranking = r["ranking"];
  if (r["recommendation"].is_string() && !ranking.empty()) {
    const Json& top = ranking[0];
    const Json& plan = top["cost"]["plan"];
    out += fmt::format("<p class=\"pick\">Recommendation: <strong>{}</strong> - {}</p>\n", esc(str(top["strategy"])),
                       esc(str(top["title"])));
    if (plan.is_object()) {
      out += "<p>Plan: ";
      if (plan.contains("method") && plan.contains("model"))
        out += fmt::format("{} of <code>{}</code>", esc(str(plan["method"])), esc(str(plan["model"])));
      if (plan.contains("gpu") && !plan["gpu"].is_null() && plan.value("gpu", "") != "")
        out += fmt::format(", trained on {}", esc(format_gpus(static_cast<int>(num(top["cost"]["gpus"])), str(plan["gpu"]))));
      if (plan.contains("serving")) out += fmt::format("; served on {}", esc(str(plan["serving"])));
      out += "</p>\n";
    }
    for (const auto& c : r["combinations"])
      out += fmt::format("<p>Combine {}: {}</p>\n", esc(str(c["strategies"])), esc(str(c["message"])));
  } else {
    out += "<p class=\"pick\">Recommendation: none - every strategy is infeasible under this profile</p>\n";
  }
  out +=
      "<h2>Ranking</h2>\n<table><tr><th class=\"num\">#</th><th>strategy</th><th>verdict</th><th class=\"num\">score</th>"
      "<th class=\"num\">one-time</th><th class=\"num\">monthly</th></tr>\n";
  for (const auto& s : ranking) {
    const auto range = [&](const Json& x) { return format_usd_range(Range{num(x["low"]), num(x["expected"]), num(x["high"])}); };
    out += fmt::format(
        "<tr><td class=\"num\">{}</td><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td></tr>\n",
        num(s["rank"]), esc(str(s["strategy"])), esc(str(s["verdict"])), format_number(num(s["score"]), 0),
        esc(range(s["cost"]["one_time_usd"])), esc(range(s["cost"]["monthly_usd"])));
  }
  out += "</table>\n<p class=\"muted\">Costs are compute and services only (one-time: training; monthly: serving).</p>\n";
  out += "<h2>Costs</h2>\n" + range_chart(ranking, "one_time_usd", "One-time cost") +
         range_chart(ranking, "monthly_usd", "Monthly cost");
  if (const std::string chart = break_even_chart(o, options); !chart.empty()) out += "<h2>Break-even</h2>\n" + chart;
  out += "<h2>Reasons</h2>\n";
  for (const auto& s : ranking) {
    const Json& list = s["blockers"].empty() ? s["reasons"] : s["blockers"];
    if (list.empty()) continue;
    out += fmt::format("<h3>{} <code>{}</code></h3>\n<table><tr><th class=\"num\">effect</th><th>why</th><th>source</th></tr>\n",
                       s["blockers"].empty() ? "Why" : "Blocked", esc(str(s["strategy"])));
    for (const auto& reason : list) {
      const std::string effect = s["blockers"].empty() ? fmt::format("{:+g}", num(reason["effect"])) : std::string("block");
      out += fmt::format(
          "<tr><td class=\"num\">{}</td><td>{} <span class=\"muted\">[{}]</span></td><td class=\"muted\">{}</td></tr>\n",
          esc(effect), esc(str(reason["message"])), esc(str(reason["rule"])), esc(str(reason["source"])));
    }
    out += "</table>\n";
  }
  out += "<h2>Assumptions</h2>\n<table><tr><th>field</th><th>value</th><th>why</th></tr>\n";
  for (const auto& a : r["assumptions"]) {
    out += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td class=\"muted\">{}</td></tr>\n", esc(str(a["field"])),
                       esc(str(a["value"])), esc(str(a["why"])));
  }
  out += "</table>\n</section>\n";
}

}  // namespace

std::string render_html_head(const RenderOptions& options) {
  const std::string ruleset = options.rules != nullptr ? options.rules->name + " " + options.rules->version : std::string();
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<title>llmplan advice</title>\n{}</head>\n<body>\n<p class=\"muted\">llmplan advice, rule set {}</p>\n",
      k_style, esc(ruleset));
}

std::string render_html_body(const std::vector<ProfileOutcome>& outcomes, const RenderOptions& options) {
  std::string out;
  for (const auto& o : outcomes) render_result(out, o, options);
  return out;
}

std::string render_html_tail(const RunSummary& summary) {
  return summary.profiles > 1 ? fmt::format("<p class=\"muted\">{}</p>\n</body>\n</html>\n", esc(render_summary_line(summary)))
                              : std::string("</body>\n</html>\n");
}

}  // namespace llmplan
