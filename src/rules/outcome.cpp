#include "llmplan/rules/outcome.hpp"

namespace llmplan {

std::string_view status_name(RunStatus status) {
  switch (status) {
    case RunStatus::ok: return "ok";
    case RunStatus::invalid: return "invalid";
    case RunStatus::error: return "error";
  }
  return "";  // unreachable: every status is handled above
}

void RunSummary::add_pick(const std::optional<std::string>& recommendation) {
  if (!recommendation) {
    ++no_pick;
    return;
  }
  for (auto& [id, count] : picks) {
    if (id == *recommendation) {
      ++count;
      return;
    }
  }
  picks.emplace_back(*recommendation, 1);
}

void RunSummary::add(RunStatus status) {
  ++profiles;
  switch (status) {
    case RunStatus::ok: ++ok; break;
    case RunStatus::invalid: ++invalid; break;
    case RunStatus::error: ++error; break;
  }
}

}  // namespace llmplan
