#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "llmplan/cost/catalog.hpp"

namespace llmplan {

struct StrategyCost;

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

/// Columns a UTF-8 text takes on a terminal: one per code point (no wide characters are printed);
/// C0 controls take none (printed text holds none raw, so a renderer may use them as markers).
std::size_t text_columns(std::string_view text);

/// `text` wrapped at spaces to `width` columns. The first line continues a line that already
/// holds `first` columns; the others are indented by `indent` spaces (at most half the width).
/// A word longer than a line is broken between code points. Text that fits is returned as is.
std::string wrap_text(std::string_view text, std::size_t first, std::size_t indent, std::size_t width);

/// `text` cut to `width` columns at a word boundary, ending in `...` when it was longer.
std::string cut_text(std::string_view text, std::size_t width);

/// Text made safe for a Markdown table cell: `|` escaped, newlines folded.
std::string markdown_cell(const std::string& text);

/// The plan of a strategy in a few words; when no plan meets the profile, the closest one with what
/// it fails (for a corpus no context window holds, the model alone: its serving figures mean little).
std::string plan_summary(const StrategyCost& c);

}  // namespace llmplan
