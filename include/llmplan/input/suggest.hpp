#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace llmplan {

/// Levenshtein distance between two strings (case-sensitive, byte-wise).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, when it is close enough to be a likely typo; else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// " (did you mean `x`?)" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace llmplan
