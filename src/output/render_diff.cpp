#include "llmplan/output/render_diff.hpp"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmplan/output/escape.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/output/json_writer.hpp"

namespace llmplan {

namespace {

using json = nlohmann::ordered_json;

/// Writes a value held as JSON text through the writer (strings escaped again, numbers as numbers).
void write_json_text(JsonWriter& w, const std::string& text) {
  json v;
  try {
    v = json::parse(text);
  } catch (const json::parse_error&) {
    w.value(text);
    return;
  }
  if (v.is_null()) {
    w.null();
  } else if (v.is_boolean()) {
    w.value(v.get<bool>());
  } else if (v.is_number()) {
    w.value(v.get<double>());
  } else if (v.is_string()) {
    w.value(v.get<std::string>());
  } else if (v.is_array()) {
    w.begin_array();
    for (const auto& item : v) write_json_text(w, item.dump());
    w.end_array();
  } else {
    w.value(text);
  }
}

/// A figure for people: six significant digits, in scientific form when it is far from 1.
std::string plain_number(double x) {
  const double a = std::fabs(x);
  if (a != 0 && (a >= 1e15 || a < 1e-6)) return fmt::format("{:.6g}", x);
  return format_number(round_significant(x, 6), 6);
}

/// A value for people: strings without quotes, lists as `[a, b]`. Strings come from the files
/// compared (saved advice may come from anyone), so the caller escapes the result.
std::string plain_unescaped(const std::string& text) {
  try {
    const json v = json::parse(text);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array()) {
      std::string out = "[";
      for (const auto& item : v) out += (out.size() > 1 ? ", " : "") + (item.is_string() ? item.get<std::string>() : item.dump());
      return out + "]";
    }
    if (v.is_number_float()) return plain_number(v.get<double>());
  } catch (const json::parse_error&) {
  }
  return text;
}

/// A value for a terminal: one line, no control or bidirectional character from the files.
std::string plain(const std::string& text) {
  return escape_terminal(plain_unescaped(text));
}

}  // namespace

std::string render_diff_text(const AdviceDiff& d, const std::string& indent) {
  std::string out;
  if (!d.what_if.empty()) {
    out += indent + "what-if:";
    for (const auto& s : d.what_if) out += " --set " + escape_terminal(s);
    out += "\n";
  }
  for (const auto& c : d.changes) {
    if (c.old_value == "null" && c.new_value != "null")
      out += fmt::format("{}  + {}: {}\n", indent, escape_terminal(c.path), plain(c.new_value));
    else if (c.new_value == "null" && c.old_value != "null")
      out += fmt::format("{}  - {}: {}\n", indent, escape_terminal(c.path), plain(c.old_value));
    else
      out += fmt::format("{}  ~ {}: {} -> {}\n", indent, escape_terminal(c.path), plain(c.old_value), plain(c.new_value));
  }
  if (!d.changed()) {
    out += indent + "No changes: the advice is the same.\n";
  } else if (d.old_recommendation != d.new_recommendation) {
    out += fmt::format("{}Recommendation changes: {} -> {}; {} change(s) in all.\n", indent, plain(d.old_recommendation),
                       plain(d.new_recommendation), d.changes.size());
  } else {
    out += fmt::format("{}Recommendation stays {}; {} change(s).\n", indent, plain(d.new_recommendation), d.changes.size());
  }
  return out;
}

/// The labels, the what-ifs and the recommendation's change: the head of a diff's JSON.
void write_diff_head(JsonWriter& w, const AdviceDiff& d) {
  w.field("old", d.old_label);
  w.field("new", d.new_label);
  w.key("what_if");
  w.begin_array();
  for (const auto& s : d.what_if) w.value(s);
  w.end_array();
  w.key("recommendation");
  w.begin_object();
  w.key("old");
  write_json_text(w, d.old_recommendation);
  w.key("new");
  write_json_text(w, d.new_recommendation);
  w.end_object();
}

/// One change as `{"path", "old", "new"}`, under the path given.
void write_change(JsonWriter& w, const std::string& path, const AdviceChange& c) {
  w.begin_object();
  w.field("path", path);
  w.key("old");
  write_json_text(w, c.old_value);
  w.key("new");
  write_json_text(w, c.new_value);
  w.end_object();
}

void write_diff_json(JsonWriter& w, const AdviceDiff& d) {
  w.begin_object();
  write_diff_head(w, d);
  w.key("changes");
  w.begin_array();
  for (const auto& c : d.changes) {
    write_change(w, c.path, c);
  }
  w.end_array();
  w.end_object();
}

std::string render_diff_json(const std::vector<AdviceDiff>& diffs) {
  std::string out;
  JsonWriter w(out, true);
  w.begin_object();
  w.field("schema_version", 1);
  bool changed = false;
  for (const auto& d : diffs) changed = changed || d.changed();
  w.field("changed", changed);
  if (diffs.size() == 1) {
    const AdviceDiff& d = diffs.front();
    write_diff_head(w, d);
  }
  // Several results: each path is prefixed with the result's position (`results.2.recommendation`).
  w.key("changes");
  w.begin_array();
  for (std::size_t i = 0; i < diffs.size(); ++i) {
    for (const auto& c : diffs[i].changes) {
      write_change(w, diffs.size() == 1 ? c.path : fmt::format("results.{}.{}", i, c.path), c);
    }
  }
  w.end_array();
  if (diffs.size() != 1) {
    w.key("results");
    w.begin_array();
    for (const auto& d : diffs) write_diff_json(w, d);
    w.end_array();
  }
  w.end_object();
  return out + "\n";
}

double p_best_of(const Uncertainty& u, const std::string& strategy) {
  for (std::size_t i = 0; i < u.strategies.size(); ++i) {
    if (u.strategies[i] == strategy) return u.p_best[i];
  }
  return -1;
}

std::string render_uncertainty_text(const Uncertainty& u) {
  std::string out = fmt::format("How sure ({} samples, seed {}):\n", u.samples, u.seed);
  out += fmt::format("  confidence in {}: {} (ranks first in {}% of samples)\n", u.recommendation, u.confidence_words,
                     format_number(u.confidence * 100, 1));
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < u.strategies.size(); ++i) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return u.p_best[a] > u.p_best[b]; });
  std::string shares;
  for (const std::size_t i : order) {
    if (u.p_best[i] <= 0) continue;
    shares += fmt::format("{}{} {}%", shares.empty() ? "" : ", ", u.strategies[i], format_number(u.p_best[i] * 100, 1));
  }
  if (u.p_none > 0) shares += fmt::format("{}none feasible {}%", shares.empty() ? "" : ", ", format_number(u.p_none * 100, 1));
  out += "  ranks first: " + shares + "\n";
  if (!u.influence.empty() && u.influence.front().shift >= 0.01) {
    out += "  moves the pick most: ";
    std::size_t shown = 0;
    for (const auto& in : u.influence) {
      if (in.shift < 0.01 || shown == 3) break;
      out += fmt::format("{}{} (shift {})", shown == 0 ? "" : ", ", in.name, format_number(in.shift, 2));
      ++shown;
    }
    out += "\n";
  } else {
    out += "  no uncertain input moves the pick by 1% or more\n";
  }
  return out;
}

void write_uncertainty_json(JsonWriter& w, const Uncertainty& u) {
  w.begin_object();
  w.field("samples", u.samples);
  w.field("seed", static_cast<double>(u.seed));
  w.key("recommendation");
  if (u.recommendation == "none")
    w.null();
  else
    w.value(u.recommendation);
  w.field("confidence", round_significant(u.confidence, 4));
  w.field("confidence_words", u.confidence_words);
  w.field("p_none", round_significant(u.p_none, 4));
  w.key("inputs");
  w.begin_array();
  for (const auto& in : u.inputs) {
    w.begin_object();
    w.field("name", in.name);
    if (in.name.rfind("cost.", 0) == 0) {
      w.field("distribution", "triangular on the log of each strategy's low, expected and high");
    } else {
      w.field("low", in.low);
      w.field("high", in.high);
      w.field("distribution", in.log ? "log-uniform" : "uniform");
    }
    double shift = 0;
    for (const auto& i : u.influence) {
      if (i.name == in.name) shift = i.shift;
    }
    w.field("shift", shift);
    w.end_object();
  }
  w.end_array();
  w.key("moves_pick_most");
  if (!u.influence.empty() && u.influence.front().shift >= 0.01)
    w.value(u.influence.front().name);
  else
    w.null();
  w.end_object();
}

}  // namespace llmplan
