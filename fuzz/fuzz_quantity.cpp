// libFuzzer target: the quantity reader (`5k`, `$1.5M`, `2T tokens`, `40%`, `6 weeks`) for every dimension.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "llmplan/input/units.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (int d = 0; d <= static_cast<int>(llmplan::Dimension::number); ++d) {
    const auto q = llmplan::parse_quantity(text, static_cast<llmplan::Dimension>(d));
    // What is accepted is finite and not negative; an error points inside the text.
    if (q.ok && (!std::isfinite(q.value) || q.value < 0)) std::abort();
    if (!q.ok && q.error_offset > size) std::abort();
  }
  return 0;
}
