#include "llmplan/output/format.hpp"

#include "llmplan/cost/plan.hpp"
#include "llmplan/output/escape.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

namespace llmplan {

namespace {

/// 10^k as std::pow computes it, for the exponents round_significant() meets: the same doubles,
/// looked up (pow was a tenth of writing a batch's JSON).
constexpr int k_min_power = -400;
constexpr int k_max_power = 400;
const std::array<double, k_max_power - k_min_power + 1>& powers_of_ten() {
  static const auto table = [] {
    std::array<double, k_max_power - k_min_power + 1> t{};
    for (int k = k_min_power; k <= k_max_power; ++k) t[static_cast<std::size_t>(k - k_min_power)] = std::pow(10.0, k);
    return t;
  }();
  return table;
}

double pow10(double exponent) {
  if (exponent >= k_min_power && exponent <= k_max_power && exponent == std::trunc(exponent))
    return powers_of_ten()[static_cast<std::size_t>(static_cast<int>(exponent) - k_min_power)];
  return std::pow(10.0, exponent);
}

}  // namespace

double round_significant(double value, int digits) {
  if (value == 0 || !std::isfinite(value)) return value;
  const double magnitude = std::ceil(std::log10(std::fabs(value)));
  const double scale = pow10(digits - magnitude);
  const double rounded = std::round(value * scale) / scale;
  if (!std::isfinite(rounded)) return value;  // a subnormal value: its scale overflows
  return rounded == 0 ? 0.0 : rounded;        // no negative zero
}

std::string format_number(double value, int decimals) {
  std::string s = fmt::format("{:.{}f}", value, decimals);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

namespace {
std::string with_thousands(double value) {
  if (!std::isfinite(value) || std::fabs(value) >= 9e18) return fmt::format("{:.3g}", value);  // never llround's UB
  const auto whole = static_cast<long long>(std::llround(value));
  std::string digits = std::to_string(whole < 0 ? -whole : whole);
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count > 0 && count % 3 == 0) out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
    ++count;
  }
  return whole < 0 ? "-" + out : out;
}

std::string compact(double value) {
  const double a = std::fabs(value);
  if (a >= 1e12) return format_number(round_significant(value / 1e12, 3), 2) + "T";
  if (a >= 1e9) return format_number(round_significant(value / 1e9, 3), 2) + "B";
  if (a >= 1e6) return format_number(round_significant(value / 1e6, 3), 2) + "M";
  if (a >= 1e5) return format_number(round_significant(value / 1e3, 3), 1) + "k";
  return with_thousands(value);
}
}  // namespace

std::string format_count(double value) {
  if (value > 0 && value < 0.01) return "<0.01";
  if (std::fabs(value) < 10 && value != std::floor(value)) return format_number(value, 2);
  return compact(value);
}

std::string format_usd(double value) {
  // One rounding rule for money everywhere (table, reasons, Markdown, HTML): 3 significant digits.
  value = round_significant(value, 3);
  const double a = std::fabs(value);
  if (a > 0 && a < 0.005) return "<$0.01";
  if (a < 10 && a > 0) return "$" + fmt::format("{:.2f}", value);
  return "$" + compact(value);
}

std::string format_gpus(int count, const std::string& gpu) {
  return fmt::format("{}x {}", count, gpu);
}

std::string format_scientific(double value) {
  if (value == 0) return "0";
  return fmt::format("{:.2g}", value);
}

std::string format_usd_range(const Range& r) {
  if (r.high == 0) return "$0";
  if (format_usd(r.low) == format_usd(r.high)) return format_usd(r.expected);
  return format_usd(r.expected) + " (" + format_usd(r.low) + "-" + format_usd(r.high) + ")";
}

namespace {
/// 1 for a byte that starts a printed code point; 0 for a UTF-8 continuation byte and for a C0
/// control (never printed raw: a renderer may use one as a styling marker).
std::size_t columns_of(char c) {
  const auto b = static_cast<unsigned char>(c);
  return (b & 0xC0) != 0x80 && b >= 0x20 ? 1 : 0;
}
}  // namespace

std::size_t text_columns(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += columns_of(c);
  return n;
}

namespace {
/// Bytes of the first `columns` code points of `text`.
std::size_t prefix_bytes(std::string_view text, std::size_t columns) {
  std::size_t i = 0;
  for (std::size_t n = 0; i < text.size(); ++i) {
    if (columns_of(text[i]) == 1 && n++ == columns) break;
  }
  return i;
}
}  // namespace

std::string wrap_text(std::string_view text, std::size_t first, std::size_t indent, std::size_t width) {
  if (first + text_columns(text) <= width) return std::string(text);
  width = std::max<std::size_t>(width, 2);
  indent = std::min(indent, width / 2);
  std::string out;
  std::size_t column = first;
  bool line_empty = true;
  const auto new_line = [&] {
    out += "\n" + std::string(indent, ' ');
    column = indent;
    line_empty = true;
  };
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t space = text.find(' ', at);
    std::string_view word = text.substr(at, space == std::string_view::npos ? std::string_view::npos : space - at);
    at = space == std::string_view::npos ? text.size() : space + 1;
    if (word.empty()) continue;
    std::size_t w = text_columns(word);
    if (!line_empty && column + 1 + w > width) new_line();
    if (!line_empty) {
      out += ' ';
      ++column;
    }
    // A word wider than what is left of the line is broken between code points.
    while (column + w > width) {
      if (column >= width) {
        new_line();
        continue;
      }
      const std::size_t room = width - column;
      const std::size_t bytes = prefix_bytes(word, room);
      out += word.substr(0, bytes);
      word.remove_prefix(bytes);
      w -= room;
      new_line();
    }
    out += word;
    column += w;
    line_empty = false;
  }
  return out;
}

std::string cut_text(std::string_view text, std::size_t width) {
  if (text_columns(text) <= width) return std::string(text);
  std::string out(text.substr(0, prefix_bytes(text, width > 3 ? width - 3 : 0)));
  // At a word boundary, unless that would drop more than half of what fits.
  if (const auto space = out.rfind(' '); text[out.size()] != ' ' && space != std::string::npos && space > out.size() / 2)
    out.resize(space);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "...";
}

std::string markdown_cell(const std::string& text) {
  return escape_markdown(text);
}

std::string plan_summary(const StrategyCost& c) {
  if (c.feasible) return c.label;
  if (c.problem.empty()) return c.label + " (no plan meets the profile)";
  const std::string& model = c.plan_api.empty() ? c.plan_model : c.plan_api;
  if (c.limit == "context" && !model.empty()) return model + ": " + c.problem;
  return c.label + ": " + c.problem;
}

}  // namespace llmplan
