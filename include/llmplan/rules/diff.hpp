#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmplan {

struct ProfileOutcome;

/// The parts of one result that `diff` compares, flattened to paths (cli.md: `recommendation`,
/// `ranking.ID.score`, `ranking.ID.cost.monthly_usd.expected`), each value as JSON text.
struct AdviceSnapshot {
  std::string file;
  std::string name;
  std::vector<std::pair<std::string, std::string>> values;  ///< path, JSON value; in document order
};

/// One difference: a path and its old and new value as JSON text (`null` where absent).
struct AdviceChange {
  std::string path;
  std::string old_value;
  std::string new_value;
};

struct AdviceDiff {
  std::string old_label;
  std::string new_label;
  std::string old_recommendation;  ///< JSON text: a quoted strategy id, or `null`
  std::string new_recommendation;
  std::vector<AdviceChange> changes;
  std::vector<std::string> what_if;  ///< the `--set` overrides the new side was advised with
  [[nodiscard]] bool changed() const { return !changes.empty(); }
};

/// The snapshot of an advised outcome (the same JSON the `advise --format json` result holds).
AdviceSnapshot snapshot_of(const ProfileOutcome& outcome);

/// The results of a saved `advise --format json` document (or JSONL, one result a line); nullopt
/// with `error` set when the text is not one.
std::optional<std::vector<AdviceSnapshot>> snapshots_from_json(std::string_view text, std::string& error);

/// Whether a file's text looks like a saved advice document rather than a profile.
bool looks_like_advice_json(std::string_view text);

/// What changed from `old_side` to `new_side`: recommendation, ranks, verdicts, scores, reasons
/// and blockers (rule ids), costs and plans, `p_best` when sampled, per strategy.
AdviceDiff diff_advice(const AdviceSnapshot& old_side, const AdviceSnapshot& new_side);

}  // namespace llmplan
