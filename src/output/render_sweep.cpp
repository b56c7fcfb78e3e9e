#include "llmplan/output/render_sweep.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "llmplan/output/escape.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/output/json_writer.hpp"

namespace llmplan {

namespace {

constexpr std::size_t k_strip_width = 48;

/// A field's value written for people, with its unit.
std::string shown(const std::string& field, double value) {
  const auto index = fact_index(field);
  return index ? format_fact(fact_catalog()[*index], Value::of_number(value)) : format_number(value, 2);
}

/// A flip's value: whole numbers stay whole, others keep six significant digits.
double flip_value(const SweepAxis& axis, double v) {
  return axis.whole ? v : round_significant(v, 6);
}

/// One letter per strategy: the first letter of its id not already taken.
std::map<std::string, char> letters(const std::vector<std::string>& ids) {
  std::map<std::string, char> out;
  std::string used = ".";
  for (const auto& id : ids) {
    char pick = '?';
    for (const char c : id) {
      const char up = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (std::isalpha(static_cast<unsigned char>(c)) && used.find(up) == std::string::npos) {
        pick = up;
        break;
      }
    }
    if (pick == '?') {
      for (char c = '0'; c <= '9'; ++c) {
        if (used.find(c) == std::string::npos) {
          pick = c;
          break;
        }
      }
    }
    used.push_back(pick);
    out[id] = pick;
  }
  out["none"] = '.';
  return out;
}

/// The point indices a strip of `width` columns shows for `count` points.
std::vector<std::size_t> columns(std::size_t count, std::size_t width) {
  std::vector<std::size_t> out;
  const std::size_t w = std::min(count, width);
  for (std::size_t c = 0; c < w; ++c) out.push_back(w == 1 ? 0 : c * (count - 1) / (w - 1));
  return out;
}

std::string axis_line(const SweepAxis& axis, std::size_t width, std::size_t indent) {
  const std::string lo = shown(axis.field, axis.low);
  const std::string hi = shown(axis.field, axis.high);
  std::string line(indent, ' ');
  line += lo;
  const std::size_t used = lo.size() + hi.size();
  line += std::string(width > used ? width - used : 1, ' ');
  line += hi;
  return line + "\n";
}

std::string legend(const SweepResult& sweep, const std::map<std::string, char>& letter) {
  std::vector<std::string> seen;
  for (const auto& p : sweep.points) {
    if (std::find(seen.begin(), seen.end(), p.recommendation) == seen.end()) seen.push_back(p.recommendation);
  }
  std::string out = "  ";
  for (const auto& id : sweep.strategies) {
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) out += fmt::format("{} {}   ", letter.at(id), id);
  }
  if (std::find(seen.begin(), seen.end(), "none") != seen.end()) out += ". none feasible";
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "\n";
}

/// A line of one strategy's expected cost along the axis, on a log scale shared by all lines.
std::string cost_lines(const SweepResult& sweep, const std::vector<std::size_t>& cols, const std::vector<std::string>& ids,
                       bool monthly) {
  static const std::string levels = ".:-=+*#%@";
  double lo = 0;
  double hi = 0;
  bool any = false;
  std::vector<std::size_t> index;
  for (const auto& id : ids) {
    index.push_back(
        static_cast<std::size_t>(std::find(sweep.strategies.begin(), sweep.strategies.end(), id) - sweep.strategies.begin()));
  }
  for (const std::size_t s : index) {
    for (const std::size_t c : cols) {
      const double v = (monthly ? sweep.points[c].monthly_usd : sweep.points[c].one_time_usd)[s];
      if (v <= 0) continue;
      lo = any ? std::min(lo, v) : v;
      hi = any ? std::max(hi, v) : v;
      any = true;
    }
  }
  std::string out;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    std::string line = fmt::format("  {:<19} ", ids[k].substr(0, 19));
    double first = 0;
    double last = 0;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const double v = (monthly ? sweep.points[cols[i]].monthly_usd : sweep.points[cols[i]].one_time_usd)[index[k]];
      if (i == 0) first = v;
      last = v;
      if (v <= 0) {
        line += ' ';
        continue;
      }
      const double t = hi > lo ? std::log(v / lo) / std::log(hi / lo) : 0.5;
      line += levels[static_cast<std::size_t>(std::clamp(t, 0.0, 1.0) * static_cast<double>(levels.size() - 1) + 0.5)];
    }
    out += line + fmt::format(" {} .. {}\n", format_usd(round_significant(first, 2)), format_usd(round_significant(last, 2)));
  }
  if (any)
    out += fmt::format("  (log scale: `.` {} to `@` {}; blank: $0)\n", format_usd(round_significant(lo, 2)),
                       format_usd(round_significant(hi, 2)));
  return out;
}

}  // namespace

std::string render_sweep_table(const SweepResult& sweep, const Profile& profile) {
  const auto letter = letters(sweep.strategies);
  // The name and file come from the input: shown as text, never as terminal controls or a new line.
  std::string out = fmt::format("{}  ({})\n", escape_terminal_line_start(profile.name), escape_terminal(profile.file));
  const SweepAxis& a = sweep.axis;
  if (!sweep.axis2) {
    out += fmt::format("Sweep of {} from {} to {}: {} points{}\n\n", a.field, shown(a.field, a.low), shown(a.field, a.high),
                       sweep.points.size(), a.log ? ", log scale" : "");
    const auto cols = columns(sweep.points.size(), k_strip_width);
    std::string strip = "  pick  ";
    for (const std::size_t c : cols) strip += letter.at(sweep.points[c].recommendation);
    out += strip + "\n" + axis_line(a, cols.size(), 8) + legend(sweep, letter);
    out += "\n";
    if (sweep.flips.empty()) {
      out += fmt::format("No flip: {} stays the recommendation over the whole range.\n",
                         sweep.points.empty() ? "none" : sweep.points.front().recommendation);
    } else {
      out += "Where the recommendation flips (bisection):\n";
      for (const auto& f : sweep.flips) {
        out += fmt::format("  at {}: {} -> {}\n", shown(a.field, flip_value(a, f.value)), f.from, f.to);
      }
    }
    std::vector<std::string> picked;
    for (const auto& id : sweep.strategies) {
      if (std::any_of(sweep.points.begin(), sweep.points.end(), [&](const SweepPoint& p) { return p.recommendation == id; }))
        picked.push_back(id);
    }
    if (!picked.empty() && !sweep.points.empty()) {
      out += "\nOne-time cost, expected, of each strategy picked somewhere:\n";
      out += cost_lines(sweep, cols, picked, false);
      out += "Monthly cost, expected:\n";
      out += cost_lines(sweep, cols, picked, true);
    }
    return out;
  }
  const SweepAxis& b = *sweep.axis2;
  out += "Map of the recommendation\n";
  out += fmt::format("  across: {} from {} to {}{}\n", a.field, shown(a.field, a.low), shown(a.field, a.high),
                     a.log ? " (log scale)" : "");
  out += fmt::format("  down:   {} from {} to {}{}\n\n", b.field, shown(b.field, b.low), shown(b.field, b.high),
                     b.log ? " (log scale)" : "");
  const std::size_t per_row = sweep.steps;
  const std::size_t rows = per_row == 0 ? 0 : sweep.points.size() / per_row;
  const auto cols = columns(per_row, k_strip_width);
  const auto row_index = columns(rows, 24);
  for (auto r = row_index.rbegin(); r != row_index.rend(); ++r) {
    const std::size_t base = *r * per_row;
    std::string line = fmt::format("  {:>14}  ", shown(b.field, sweep.points[base].value2));
    for (const std::size_t c : cols) line += letter.at(sweep.points[base + c].recommendation);
    out += line + "\n";
  }
  out += axis_line(a, cols.size(), 18) + legend(sweep, letter);
  out += fmt::format("\n{} flips along {} across the rows (--format json lists them).\n", sweep.flips.size(), a.field);
  return out;
}

std::string render_sweep_json(const SweepResult& sweep) {
  std::string out;
  JsonWriter w(out, true);
  w.begin_object();
  w.field("schema_version", 1);
  w.field("field", sweep.axis.field);
  if (sweep.axis2) w.field("field2", sweep.axis2->field);
  w.field("log", sweep.axis.log);
  w.field("steps", sweep.steps);
  w.key("points");
  w.begin_array();
  for (const auto& p : sweep.points) {
    w.begin_object();
    w.field("value", p.value);
    if (sweep.axis2) w.field("value2", p.value2);
    if (p.recommendation == "none") {
      w.key("recommendation");
      w.null();
    } else {
      w.field("recommendation", p.recommendation);
    }
    for (const auto* name : {"scores", "one_time_usd", "monthly_usd"}) {
      const std::vector<double>& values = std::string(name) == "scores"         ? p.scores
                                          : std::string(name) == "one_time_usd" ? p.one_time_usd
                                                                                : p.monthly_usd;
      w.key(name);
      w.begin_object();
      for (std::size_t s = 0; s < sweep.strategies.size(); ++s) w.field(sweep.strategies[s], round_significant(values[s], 12));
      w.end_object();
    }
    w.key("infeasible");
    w.begin_array();
    for (std::size_t s = 0; s < sweep.strategies.size(); ++s) {
      if (p.feasible[s] == 0) w.value(sweep.strategies[s]);
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("flips");
  w.begin_array();
  for (const auto& f : sweep.flips) {
    w.begin_object();
    w.field("value", flip_value(sweep.axis, f.value));
    if (sweep.axis2) w.field("value2", f.value2);
    for (const auto& [name, id] : {std::pair<const char*, const std::string&>{"from", f.from}, {"to", f.to}}) {
      w.key(name);
      if (id == "none")
        w.null();  // nothing feasible, as `recommendation` says it
      else
        w.value(id);
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  out += "\n";
  return out;
}

std::string render_sweep_csv(const SweepResult& sweep) {
  std::string out = "value";
  if (sweep.axis2) out += ",value2";
  out += ",recommendation";
  for (const auto* kind : {"score", "one_time_usd", "monthly_usd"}) {
    for (const auto& id : sweep.strategies) out += fmt::format(",{}.{}", kind, id);
  }
  out += "\n";
  for (const auto& p : sweep.points) {
    out += fmt::format("{}", round_significant(p.value, 12));
    if (sweep.axis2) out += fmt::format(",{}", round_significant(p.value2, 12));
    out += "," + p.recommendation;
    for (const auto* values : {&p.scores, &p.one_time_usd, &p.monthly_usd}) {
      for (const double v : *values) out += fmt::format(",{}", round_significant(v, 12));
    }
    out += "\n";
  }
  return out;
}

}  // namespace llmplan
