#pragma once

#include <string>

namespace llmplan {

/// Rounds to `digits` significant digits, so that printed and serialized figures are stable.
double round_significant(double value, int digits);

/// `12,345`, `1.2M`, `3.4B`: counts written compactly for people.
std::string format_count(double value);

/// `$1,234`, `$12.5k`, `$1.5M`, `$0.42`.
std::string format_usd(double value);

/// `1.2e22` style for FLOPs.
std::string format_scientific(double value);

/// A plain number with up to `decimals` decimals and no trailing zeros.
std::string format_number(double value, int decimals = 2);

}  // namespace llmplan
