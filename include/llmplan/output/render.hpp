#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llmplan/input/diagnostic.hpp"
#include "llmplan/input/profile.hpp"
#include "llmplan/rules/engine.hpp"
#include "llmplan/rules/explain.hpp"
#include "llmplan/rules/ruleset.hpp"

namespace llmplan {

/// What happened to one profile of a run: advised, invalid, or unreadable.
struct ProfileOutcome {
  std::string file;
  std::string name;
  std::string status;  ///< ok | invalid | error
  std::optional<Profile> profile;
  std::optional<Advice> advice;
  Diagnostics diagnostics;
  std::optional<Explanation> explanation;  ///< with `advise --explain`
};

struct RenderOptions {
  bool color = false;
  int top_reasons = 3;  ///< reasons per strategy in the table
};

/// One result object (`results[i]` of the JSON document; one line of JSONL), as JSON text.
std::string result_json(const ProfileOutcome& outcome, bool pretty);

/// The whole run as one JSON document (cli.md, `advise --format json`).
std::string render_json(const std::vector<ProfileOutcome>& outcomes, const RuleSet& rules);

/// The same document in pieces, so that a large batch can be written as it is advised:
/// the head, each result (`first` for the first one), and the tail with the summary.
std::string render_json_head(const RuleSet& rules);
std::string render_json_result(const ProfileOutcome& outcome, bool first);
std::string render_json_tail(const std::vector<std::string>& statuses);

/// One result object per line.
std::string render_jsonl(const std::vector<ProfileOutcome>& outcomes);

/// A ranked table for people, with costs and the top reasons.
std::string render_table(const std::vector<ProfileOutcome>& outcomes, const RenderOptions& options);

/// GitHub-flavoured Markdown, for a pull-request comment or a job summary.
std::string render_markdown(const std::vector<ProfileOutcome>& outcomes);

/// The Markdown of some profiles without the document heading (for streaming a batch).
std::string render_markdown_body(const std::vector<ProfileOutcome>& outcomes);

/// JSON Schema (draft-07) of `advise --format json` (schema version 1); `strategy` takes the ids
/// of the loaded ladder.
std::string advice_json_schema(const std::vector<std::string>& strategy_ids);

/// A diagnostic as JSON: {severity, code, message, file, line, column, path}.
nlohmann::ordered_json diagnostic_to_json(const Diagnostic& d);

/// A fact value as JSON.
nlohmann::ordered_json value_to_json(const Value& v);

/// Text made safe for a Markdown table cell: `|` escaped, newlines folded.
std::string markdown_cell(const std::string& text);

/// `$120 ($40-$400)`: an expected figure and its range.
std::string format_usd_range(const Range& r);

}  // namespace llmplan
