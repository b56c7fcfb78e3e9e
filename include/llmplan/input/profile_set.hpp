#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "llmplan/input/profile.hpp"

namespace llmplan {

/// Sets several numeric fields at once, with the checks of set_profile_number() and the derived
/// facts updated once: the path of uncertainty sampling, which sets every uncertain field per sample.
bool set_profile_numbers(Profile& profile, const std::vector<std::pair<std::string_view, double>>& values, const Catalog& catalog,
                         Diagnostics& diags, bool clear_range = true);

}  // namespace llmplan
