#include "llmplan/input/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

namespace llmplan {

namespace {

QuantityResult failure(std::size_t offset, std::string message) {
  QuantityResult r;
  r.error_offset = offset;
  r.error = std::move(message);
  return r;
}

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// Which unit words a dimension accepts, and the factor from that word to the field's unit.
std::optional<double> unit_factor(Dimension dimension, const std::string& word) {
  switch (dimension) {
    case Dimension::tokens:
      if (word == "token" || word == "tokens") return 1.0;
      break;
    case Dimension::examples:
      if (word == "example" || word == "examples") return 1.0;
      break;
    case Dimension::params:
      if (word == "param" || word == "params" || word == "parameters") return 1.0;
      break;
    case Dimension::usd:
      if (word == "usd" || word == "dollars") return 1.0;
      break;
    case Dimension::count:
      if (word == "requests" || word == "request" || word == "gpus" || word == "gpu") return 1.0;
      break;
    case Dimension::weeks:
      if (word == "day" || word == "days") return 1.0 / 7.0;
      if (word == "week" || word == "weeks") return 1.0;
      if (word == "month" || word == "months") return k_days_per_month / 7.0;
      if (word == "year" || word == "years") return 365.25 / 7.0;
      break;
    case Dimension::months:
      if (word == "day" || word == "days") return 1.0 / k_days_per_month;
      if (word == "week" || word == "weeks") return 7.0 / k_days_per_month;
      if (word == "month" || word == "months") return 1.0;
      if (word == "year" || word == "years") return 12.0;
      break;
    case Dimension::milliseconds:
      if (word == "ms") return 1.0;
      if (word == "s" || word == "sec" || word == "seconds") return 1000.0;
      break;
    case Dimension::fraction:
    case Dimension::number: break;
  }
  return std::nullopt;
}

}  // namespace

std::string describe(Dimension dimension) {
  switch (dimension) {
    case Dimension::count: return "a count";
    case Dimension::tokens: return "a token count";
    case Dimension::examples: return "a number of examples";
    case Dimension::params: return "a parameter count";
    case Dimension::usd: return "an amount of US dollars";
    case Dimension::fraction: return "a fraction between 0 and 1";
    case Dimension::weeks: return "a duration in weeks";
    case Dimension::months: return "a duration in months";
    case Dimension::milliseconds: return "a time in milliseconds";
    case Dimension::number: return "a number";
  }
  return "a number";
}

std::string accepted_forms(Dimension dimension) {
  switch (dimension) {
    case Dimension::count: return "a number such as `50000`, `50_000` or `50k`";
    case Dimension::tokens: return "a token count such as `1200000`, `1.2M` or `1.2M tokens`";
    case Dimension::examples: return "a number of examples such as `3000`, `3k` or `3k examples`";
    case Dimension::params: return "a parameter count such as `8e9`, `8B` or `8B params`";
    case Dimension::usd: return "an amount such as `5000`, `$5k`, `$1.5M` or `5000 USD`";
    case Dimension::fraction: return "a fraction such as `0.4` or `40%`";
    case Dimension::weeks: return "a duration such as `6`, `6 weeks`, `10 days` or `3 months`";
    case Dimension::months: return "a duration such as `12`, `12 months`, `1 year` or `8 weeks`";
    case Dimension::milliseconds: return "a time such as `2000`, `2000 ms` or `2 s`";
    case Dimension::number: return "a number such as `3` or `0.5`";
  }
  return "a number";
}

QuantityResult parse_quantity(std::string_view text, Dimension dimension) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i == n) return failure(0, "expected " + accepted_forms(dimension) + ", found nothing");

  if (text[i] == '-') return failure(i, "negative values are not accepted");
  if (text[i] == '+') ++i;

  bool dollar = false;
  if (i < n && text[i] == '$') {
    if (dimension != Dimension::usd) {
      return failure(i, fmt::format("a dollar amount does not fit here: expected {}", describe(dimension)));
    }
    dollar = true;
    ++i;
  }
  if (i < n && text[i] == '-') return failure(i, "negative values are not accepted");

  {
    const std::string rest = lower(text.substr(i));
    for (const char* word : {".inf", "inf", "infinity", ".nan", "nan"}) {
      if (rest.rfind(word, 0) == 0) return failure(i, "infinite and NaN values are not accepted");
    }
  }

  // Digits with optional `_` separators between digits, a fraction and an exponent.
  const std::size_t number_start = i;
  std::string digits;
  bool seen_digit = false;
  while (i < n && (is_digit(text[i]) || text[i] == '_')) {
    if (text[i] == '_') {
      if (!seen_digit || i + 1 >= n || !is_digit(text[i + 1])) return failure(i, "`_` must stand between digits");
    } else {
      digits.push_back(text[i]);
      seen_digit = true;
    }
    ++i;
  }
  if (i < n && text[i] == '.') {
    digits.push_back('.');
    ++i;
    while (i < n && (is_digit(text[i]) || text[i] == '_')) {
      if (text[i] != '_') {
        digits.push_back(text[i]);
        seen_digit = true;
      }
      ++i;
    }
  }
  if (!seen_digit) {
    return failure(number_start, fmt::format("expected {}, found `{}`", accepted_forms(dimension), text.substr(number_start)));
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E') && i + 1 < n &&
      (is_digit(text[i + 1]) || ((text[i + 1] == '-' || text[i + 1] == '+') && i + 2 < n && is_digit(text[i + 2])))) {
    digits.push_back('e');
    ++i;
    if (text[i] == '-' || text[i] == '+') digits.push_back(text[i++]);
    while (i < n && is_digit(text[i])) digits.push_back(text[i++]);
  }
  double value = std::strtod(digits.c_str(), nullptr);

  // A magnitude suffix directly after the number.
  if (i < n) {
    const char c = text[i];
    const bool followed_by_letter = i + 1 < n && std::isalpha(static_cast<unsigned char>(text[i + 1]));
    if (!followed_by_letter) {
      double factor = 0;
      if (c == 'k' || c == 'K')
        factor = 1e3;
      else if (c == 'M')
        factor = 1e6;
      else if (c == 'B')
        factor = 1e9;
      else if (c == 'T')
        factor = 1e12;
      else if (c == 'm' && dimension != Dimension::milliseconds) {
        return failure(i, "`m` is ambiguous (milli or million?): write `M` for million");
      }
      if (factor > 0) {
        value *= factor;
        ++i;
      } else if (c == '%') {
        if (dimension != Dimension::fraction) {
          return failure(i, fmt::format("a percentage does not fit here: expected {}", describe(dimension)));
        }
        value /= 100.0;
        ++i;
      }
    }
  }

  // An optional unit word that must match the field.
  std::size_t word_start = i;
  while (word_start < n && std::isspace(static_cast<unsigned char>(text[word_start]))) ++word_start;
  std::size_t end = n;
  while (end > word_start && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  if (word_start < end) {
    const std::string word = lower(text.substr(word_start, end - word_start));
    const auto factor = unit_factor(dimension, word);
    if (!factor) {
      if (word_start == i && i < n && !std::isalpha(static_cast<unsigned char>(text[i]))) {
        return failure(i, fmt::format("unexpected `{}`: expected {}", text.substr(i, end - i), accepted_forms(dimension)));
      }
      return failure(word_start, fmt::format("`{}` does not fit here: expected {}", text.substr(word_start, end - word_start),
                                             accepted_forms(dimension)));
    }
    if (dollar && word == "usd") return failure(word_start, "write either `$` or `USD`, not both");
    value *= *factor;
  }

  if (!std::isfinite(value)) return failure(number_start, "the value is too large to be a finite number");
  QuantityResult ok;
  ok.value = value;
  ok.ok = true;
  return ok;
}

QuantityRangeResult parse_quantity_range(std::string_view text, Dimension dimension) {
  QuantityRangeResult out;
  const auto dots = text.find("..");
  // `.5` and `.inf` start with one dot; a range needs two dots between two quantities.
  if (dots == std::string_view::npos || dots == 0) {
    const QuantityResult q = parse_quantity(text, dimension);
    out.ok = q.ok;
    out.low = out.high = q.value;
    out.error = q.error;
    out.error_offset = q.error_offset;
    return out;
  }
  const QuantityResult lo = parse_quantity(text.substr(0, dots), dimension);
  if (!lo.ok) {
    out.error = lo.error;
    out.error_offset = lo.error_offset;
    return out;
  }
  const QuantityResult hi = parse_quantity(text.substr(dots + 2), dimension);
  if (!hi.ok) {
    out.error = hi.error;
    out.error_offset = dots + 2 + hi.error_offset;
    return out;
  }
  if (lo.value > hi.value) {
    out.error = "a range is written low first: `LO..HI`";
    out.error_offset = 0;
    return out;
  }
  out.low = lo.value;
  out.high = hi.value;
  out.is_range = true;
  out.ok = true;
  return out;
}

}  // namespace llmplan
