#pragma once

#include <string>
#include <vector>

#include "llmplan/rules/outcome.hpp"
#include "llmplan/rules/ruleset.hpp"

namespace llmplan {

/// What the advice renderers need besides the outcomes.
struct RenderOptions {
  bool color = false;
  int top_reasons = 3;             ///< reasons per strategy in the table
  const RuleSet* rules = nullptr;  ///< the rule set's name and version, for document heads
  int width = 80;                  ///< columns the table is laid out for
  bool verbose = false;            ///< the table shows every strategy's reasons and all details
  bool hints = true;               ///< the table's closing line on -v, --explain and html (not with -q)
};

/// One result object (`results[i]` of the JSON document; one line of JSONL), as JSON text.
std::string result_json(const ProfileOutcome& outcome, bool pretty);

/// The whole run as one JSON document (cli.md, `advise --format json`).
std::string render_json(const std::vector<ProfileOutcome>& outcomes, const RuleSet& rules);

/// The same document in pieces, so that a large batch can be written as it is advised:
/// the head, each result (`first` for the first one), and the tail with the summary.
std::string render_json_head(const RuleSet& rules);
std::string render_json_result(const ProfileOutcome& outcome, bool first);
std::string render_json_tail(const RunSummary& summary);

/// One result object per line.
std::string render_jsonl(const std::vector<ProfileOutcome>& outcomes);
/// One line of render_jsonl(), its line feed included.
std::string render_jsonl_result(const ProfileOutcome& outcome);

/// A ranked table for people, with costs and the top reasons.
std::string render_table(const std::vector<ProfileOutcome>& outcomes, const RenderOptions& options);

/// One line per profile, tab-free and space-separated, for shells: name, pick, score, one-time
/// and monthly cost (expected), the date of the oldest price the figures use.
std::string render_oneline(const std::vector<ProfileOutcome>& outcomes, const RenderOptions& options);

/// "12 profiles: 11 advised, 1 invalid; picks: peft 5, rag 4, few-shot 2".
std::string render_summary_line(const RunSummary& summary);

/// The date of the oldest price a strategy's figures use ("" when none is dated).
std::string price_date(const StrategyCost& cost, const Catalog& catalog);

/// One self-contained HTML report (inline style and SVG charts; no network), in pieces.
std::string render_html_head(const RenderOptions& options);
std::string render_html_body(const std::vector<ProfileOutcome>& outcomes, const RenderOptions& options);
std::string render_html_tail(const RunSummary& summary);

/// GitHub-flavoured Markdown, for a pull-request comment or a job summary.
std::string render_markdown(const std::vector<ProfileOutcome>& outcomes);

/// The Markdown of some profiles without the document heading (for streaming a batch).
std::string render_markdown_body(const std::vector<ProfileOutcome>& outcomes);

}  // namespace llmplan
