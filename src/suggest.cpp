#include "llmplan/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace llmplan {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

namespace {
std::string lowered(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}
}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string needle = lowered(word);
  std::string best;
  std::size_t best_distance = std::string::npos;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(needle, lowered(candidate));
    if (distance < best_distance || (distance == best_distance && candidate < best)) {
      best_distance = distance;
      best = candidate;
    }
  }
  // A third of the word's length (at least 1, at most 3 edits) separates typos from other words.
  const std::size_t allowed = std::clamp<std::size_t>(needle.size() / 3, 1, 3);
  if (best.empty() || best_distance > allowed) return {};
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string match = closest_match(word, candidates);
  return match.empty() ? std::string() : " (did you mean `" + match + "`?)";
}

}  // namespace llmplan
