#pragma once

#include <string>

#include "llmplan/cost/catalog.hpp"

namespace llmplan {

/// Rounds to `digits` significant digits, so that printed and serialized figures are stable.
double round_significant(double value, int digits);

/// `12,345`, `1.2M`, `3.4B`: counts written compactly for people.
std::string format_count(double value);

/// `$1,230`, `$12.5k`, `$1.5M`, `$0.42`: 3 significant digits, the one rounding rule for money.
std::string format_usd(double value);

/// GPUs written one way everywhere: `1x mi300x`, `8x h100-sxm`.
std::string format_gpus(int count, const std::string& gpu);

/// `1.2e22` style for FLOPs.
std::string format_scientific(double value);

/// A plain number with up to `decimals` decimals and no trailing zeros.
std::string format_number(double value, int decimals = 2);

/// `$120 ($40-$400)`: an expected figure and its range.
std::string format_usd_range(const Range& r);

/// Text made safe for a Markdown table cell: `|` escaped, newlines folded.
std::string markdown_cell(const std::string& text);

}  // namespace llmplan
