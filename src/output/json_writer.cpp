#include "llmplan/output/json_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <iterator>
#include <string>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "llmplan/input/diagnostic.hpp"
#include "llmplan/output/escape.hpp"

namespace llmplan {

namespace {

/// The bytes a JSON string holds as they are: printable ASCII but the quote and the backslash.
constexpr std::array<bool, 256> k_plain_bytes = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x7F; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return plain;
}();

/// Powers of ten that doubles hold exactly, for the few decimals of a rounded figure.
constexpr std::array<double, 7> k_exact_pow10 = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
constexpr std::array<long long, 7> k_int_pow10 = {1, 10, 100, 1000, 10000, 100000, 1000000};

/// Writes a figure of 1e-3 to 1e12 with at most 6 decimals as the shortest text that reads back
/// as it; returns false to leave it to the general path. The first count of decimals k at which
/// an integer m gives m / 10^k == x (the quotient of two exact doubles is rounded as reading the
/// text "m / 10^k" is) is the shortest text's: fewer decimals mean fewer digits. Below 10^12,
/// x * 10^k is within 2^-53 * 10^12 (about 1e-4) of its exact value and an m that reads back is
/// within about as much of it, so the integer nearest to x * 10^k is the only one to try.
/// An integer's decimal digits, appended in one piece (std::to_chars writes what `{}` does).
void append_integer(std::string& out, long long number) {
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, number).ptr;
  out.append(text, end);
}

bool write_few_decimals(std::string& out, double number) {
  const double x = std::fabs(number);
  if (!(x >= 1e-3 && x < 1e12)) return false;
  for (std::size_t k = 1; k < k_exact_pow10.size(); ++k) {
    const double scaled = x * k_exact_pow10[k];
    if (scaled >= 1e12) return false;  // more than 12 digits: the general path rounds them
    const double m = std::nearbyint(scaled);
    if (m / k_exact_pow10[k] != x) continue;
    const auto digits = static_cast<long long>(m);
    char text[32];
    char* end = text;
    if (number < 0) *end++ = '-';
    end = fmt::format_to(end, FMT_COMPILE("{}"), digits / k_int_pow10[k]);
    *end++ = '.';
    long long fraction = digits % k_int_pow10[k];
    for (std::size_t place = k; place-- > 0;) {
      end[place] = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    end += k;
    out.append(text, end);
    return true;
  }
  return false;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  // Most texts (keys, ids, messages) are printable ASCII without quotes or backslashes: one scan
  // and one copy; anything else takes the careful path below.
  std::size_t plain = 0;
  while (plain < text.size() && k_plain_bytes[static_cast<unsigned char>(text[plain])]) ++plain;
  if (plain == text.size()) {
    out.push_back('"');
    out.append(text);
    out.push_back('"');
    return;
  }
  // JSON is UTF-8: a byte that is not (a file name from the command line) becomes U+FFFD.
  std::string repaired;
  if (!is_valid_utf8(text)) {
    repaired = valid_utf8(text);
    text = repaired;
  }
  out.push_back('"');
  std::size_t run = 0;  // start of the current run of characters that need no escaping
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      // UTF-8 passes through unchanged, except C1, separator and bidirectional controls, which
      // are written as \u escapes so that no terminal or line splitter acts on them.
      std::size_t length = 1;
      const std::uint32_t cp = decode_utf8(text, i, length);
      if (is_invisible(cp)) {
        out.append(text.data() + run, i - run);
        out += fmt::format("\\u{:04x}", cp);
        run = i + length;
      }
      i += length - 1;
      continue;
    }
    if (c >= 0x20 && c != 0x7F && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    }
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

void EscapeCache::append(std::string& out, std::string_view id, std::string_view text) {
  constexpr std::size_t k_max_entries = 4096;  // ids are rule and strategy ids: a rule set holds far fewer
  const auto it = m_entries.find(id);
  if (it != m_entries.end() && it->second.text == text) {
    out += it->second.escaped;
    return;
  }
  const std::size_t start = out.size();
  append_json_string(out, text);
  // The first text of an id is kept: a message with figures in it differs every time, and is
  // then escaped every time, as without the cache.
  if (it == m_entries.end() && m_entries.size() < k_max_entries)
    m_entries.emplace(std::string(id), Entry{std::string(text), out.substr(start)});
}

void JsonWriter::value(EscapeCache& cache, std::string_view id, std::string_view text) {
  before_value();
  cache.append(m_out, id, text);
}

void write_diagnostic(JsonWriter& w, const Diagnostic& d) {
  w.begin_object();
  w.field("severity", severity_name(d.severity));
  w.field("code", d.code);
  w.field("message", d.message);
  w.field("file", d.loc.file);
  w.field("line", d.loc.line);
  w.field("column", d.loc.column);
  w.field("path", d.path);
  w.end_object();
}

void JsonWriter::indent() {
  m_out.push_back('\n');
  m_out.append(2 * (m_empty.size() + static_cast<std::size_t>(m_depth)), ' ');
}

void JsonWriter::open(char bracket) {
  before_value();
  m_out.push_back(bracket);
  m_empty.push_back(1);
}

void JsonWriter::close(char bracket) {
  const bool empty = m_empty.back() != 0;
  m_empty.pop_back();
  if (!empty) newline();
  m_out.push_back(bracket);
}

void JsonWriter::key(std::string_view name) {
  before_value();
  append_json_string(m_out, name);
  m_out.append(m_pretty ? ": " : ":", m_pretty ? 2 : 1);
  m_after_key = true;
}

void JsonWriter::value(std::string_view text) {
  before_value();
  append_json_string(m_out, text);
}

void JsonWriter::value(double number) {
  before_value();
  // JSON has no NaN or infinity; the contract asks for null where a figure cannot be known.
  if (!std::isfinite(number)) {
    m_out += "null";
    return;
  }
  // At most 12 significant digits (cli.md): `8.03e9`, never `8029999999.999999`. The shortest
  // text that reads back as the rounded value, written without locale.
  // A whole number below 10^12 is written as its digits by both formats below (which a test
  // checks for millions of values): the integer is written directly.
  if (std::fabs(number) < 1e12 && number == std::trunc(number)) {
    append_integer(m_out, static_cast<long long>(number));
    return;
  }
  if (write_few_decimals(m_out, number)) return;
  // The shortest text that reads back as the number: when it has at most 12 significant digits,
  // rounding to 12 digits gives that same value (the number lies within half a unit of its
  // shortest text's last digit, far inside half a unit of the 12th), so it is the answer. The
  // digits before any exponent are counted, leading zeros too: counting too many only takes the
  // general path below. Most figures are rounded to a few digits, so this is the common case.
  char shortest[32];
  const auto shortest_end = fmt::format_to_n(shortest, sizeof shortest, FMT_COMPILE("{}"), number).out;
  int digits = 0;
  for (const char* c = shortest; c != shortest_end && *c != 'e'; ++c) digits += (*c >= '0' && *c <= '9') ? 1 : 0;
  if (digits <= 12) {
    m_out.append(shortest, shortest_end);
    return;
  }
  // Both formats are compiled (FMT_COMPILE): a figure is written thousands of times a batch.
  char rounded[32];
  const auto end = fmt::format_to_n(rounded, sizeof rounded, FMT_COMPILE("{:.12g}"), number).out;
  double value = number;
  std::from_chars(rounded, end, value);
  fmt::format_to(std::back_inserter(m_out), FMT_COMPILE("{}"), value == 0 ? 0.0 : value);
}

void JsonWriter::value(int number) {
  before_value();
  append_integer(m_out, number);
}

void JsonWriter::value(bool flag) {
  before_value();
  m_out += flag ? "true" : "false";
}

void JsonWriter::null() {
  before_value();
  m_out += "null";
}

}  // namespace llmplan
