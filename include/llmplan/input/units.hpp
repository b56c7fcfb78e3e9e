#pragma once

#include <string>
#include <string_view>

namespace llmplan {

/// What a numeric profile field measures; decides which suffixes and unit words it accepts
/// and what a bare number means.
enum class Dimension {
  count,         ///< a plain count (requests, GPUs)
  tokens,        ///< `1.2M tokens`
  examples,      ///< `3k examples`
  params,        ///< `8B params`
  usd,           ///< `$1.5M`, `5000 USD`
  fraction,      ///< `0.4`, `40%`
  weeks,         ///< `6 weeks`, `10 days`, `3 months`, converted to weeks
  months,        ///< converted to months
  milliseconds,  ///< `2000`, `2 s`, `150 ms`
  number,        ///< a dimensionless number (a rank, a score)
};

/// The outcome of reading one quantity: a value, or an error at a byte offset within the text.
struct QuantityResult {
  double value = 0;
  bool ok = false;
  std::size_t error_offset = 0;
  std::string error;
};

/// Reads a quantity written the way people say it: `5k`, `50_000`, `$1.5M`, `2T tokens`,
/// `40%`, `6 weeks`. Negative, NaN and infinite values are refused, as is `m` (milli or mega?).
QuantityResult parse_quantity(std::string_view text, Dimension dimension);

/// A quantity that may be a range `LO..HI` (`2k..5k`, `$10k..$40k`, `20%..60%`): `low` and
/// `high` equal for a single value. LO must not exceed HI.
struct QuantityRangeResult {
  double low = 0;
  double high = 0;
  bool is_range = false;
  bool ok = false;
  std::size_t error_offset = 0;
  std::string error;
};

/// Reads a quantity or a range of two quantities of the same dimension.
QuantityRangeResult parse_quantity_range(std::string_view text, Dimension dimension);

/// Human name of a dimension for messages ("a token count").
std::string describe(Dimension dimension);

/// The forms a dimension accepts, for error messages.
std::string accepted_forms(Dimension dimension);

/// Days in an average month (365.25 / 12), used for every month conversion.
inline constexpr double k_days_per_month = 365.25 / 12.0;

}  // namespace llmplan
