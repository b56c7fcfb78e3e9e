#include <catch2/catch.hpp>
#include <cmath>

#include "llmplan/input/units.hpp"

using llmplan::Dimension;
using llmplan::parse_quantity;

namespace {
double value_of(const char* text, Dimension d) {
  const auto q = parse_quantity(text, d);
  INFO(text << ": " << q.error);
  REQUIRE(q.ok);
  return q.value;
}
}  // namespace

TEST_CASE("plain numbers and scientific notation", "[units]") {
  CHECK(value_of("5000", Dimension::count) == 5000);
  CHECK(value_of("5e3", Dimension::count) == 5000);
  CHECK(value_of("0.4", Dimension::fraction) == Approx(0.4));
  CHECK(value_of("  42  ", Dimension::count) == 42);
  CHECK(value_of("1.5e-2", Dimension::number) == Approx(0.015));
  CHECK(value_of("+7", Dimension::number) == 7);
}

TEST_CASE("magnitude suffixes", "[units]") {
  CHECK(value_of("5k", Dimension::count) == 5000);
  CHECK(value_of("5K", Dimension::count) == 5000);
  CHECK(value_of("1.2M", Dimension::tokens) == Approx(1.2e6));
  CHECK(value_of("7B", Dimension::params) == Approx(7e9));
  CHECK(value_of("2T", Dimension::tokens) == Approx(2e12));
}

TEST_CASE("digit separators", "[units]") {
  CHECK(value_of("50_000", Dimension::count) == 50000);
  CHECK(value_of("1_000_000", Dimension::tokens) == 1e6);
  CHECK_FALSE(parse_quantity("_5", Dimension::count).ok);
  CHECK_FALSE(parse_quantity("5__0", Dimension::count).ok);
  CHECK_FALSE(parse_quantity("5_", Dimension::count).ok);
}

TEST_CASE("money in dollars", "[units]") {
  CHECK(value_of("$5k", Dimension::usd) == 5000);
  CHECK(value_of("$1.5M", Dimension::usd) == Approx(1.5e6));
  CHECK(value_of("5000 USD", Dimension::usd) == 5000);
  CHECK(value_of("5000 usd", Dimension::usd) == 5000);
  CHECK_FALSE(parse_quantity("$5k USD", Dimension::usd).ok);
  CHECK_FALSE(parse_quantity("$5k", Dimension::tokens).ok);
}

TEST_CASE("unit words must match the field", "[units]") {
  CHECK(value_of("1.2M tokens", Dimension::tokens) == Approx(1.2e6));
  CHECK(value_of("3k examples", Dimension::examples) == 3000);
  CHECK(value_of("8B params", Dimension::params) == Approx(8e9));
  CHECK(value_of("1 token", Dimension::tokens) == 1);
  const auto wrong = parse_quantity("3k tokens", Dimension::examples);
  CHECK_FALSE(wrong.ok);
  CHECK(wrong.error_offset == 3);
  CHECK(wrong.error.find("tokens") != std::string::npos);
}

TEST_CASE("durations convert to the field's unit", "[units]") {
  CHECK(value_of("6 weeks", Dimension::weeks) == 6);
  CHECK(value_of("14 days", Dimension::weeks) == Approx(2));
  CHECK(value_of("6", Dimension::weeks) == 6);
  CHECK(value_of("3 months", Dimension::months) == 3);
  CHECK(value_of("1 year", Dimension::months) == 12);
  CHECK(value_of("2 years", Dimension::weeks) == Approx(365.25 * 2 / 7));
  CHECK(value_of("3 months", Dimension::weeks) == Approx(3 * 365.25 / 12 / 7));
  CHECK(value_of("2 s", Dimension::milliseconds) == 2000);
  CHECK(value_of("150 ms", Dimension::milliseconds) == 150);
  CHECK_FALSE(parse_quantity("6 weeks", Dimension::tokens).ok);
}

TEST_CASE("fractions and percentages", "[units]") {
  CHECK(value_of("40%", Dimension::fraction) == Approx(0.4));
  CHECK(value_of("100%", Dimension::fraction) == Approx(1.0));
  CHECK_FALSE(parse_quantity("40%", Dimension::count).ok);
}

TEST_CASE("negative NaN and infinite values are refused", "[units]") {
  for (const char* text : {"-5", "-0.1", "$-5", ".nan", "nan", ".inf", "inf", "Infinity", "1e999"}) {
    INFO(text);
    CHECK_FALSE(parse_quantity(text, Dimension::usd).ok);
  }
  CHECK(parse_quantity("-5", Dimension::count).error.find("negative") != std::string::npos);
}

TEST_CASE("lowercase m is ambiguous", "[units]") {
  const auto q = parse_quantity("3m", Dimension::count);
  CHECK_FALSE(q.ok);
  CHECK(q.error_offset == 1);
  CHECK(q.error.find("ambiguous") != std::string::npos);
}

TEST_CASE("garbage is refused with the accepted forms", "[units]") {
  for (const char* text : {"", "   ", "abc", "5 apples", "5x", "1.2.3", "$", "k"}) {
    INFO(text);
    const auto q = parse_quantity(text, Dimension::tokens);
    CHECK_FALSE(q.ok);
    CHECK_FALSE(q.error.empty());
  }
}
