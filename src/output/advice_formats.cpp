// The formats of `advise`, one row each (see advice_format.hpp).
#include <algorithm>

#include "llmplan/output/advice_format.hpp"
#include "llmplan/output/format.hpp"
#include "llmplan/rules/parallel.hpp"

namespace llmplan {

namespace {

std::string nothing(const RenderOptions&) {
  return {};
}

std::string no_tail(const RenderOptions&, const RunSummary&) {
  return {};
}

std::vector<std::string> table_body(const std::vector<ProfileOutcome>& chunk, const RenderOptions& options, bool first_chunk) {
  return {(first_chunk ? "" : "\n") + render_table(chunk, options)};
}

/// After several profiles, one closing line: how many, and what each got. Then, unless -q or
/// the details are shown, where the details are.
std::string table_tail(const RenderOptions& options, const RunSummary& summary) {
  const auto width = static_cast<std::size_t>(std::max(20, options.width));
  std::string out;
  if (summary.profiles > 1) out += "\n" + wrap_text(render_summary_line(summary), 0, 2, width) + "\n";
  if (options.hints && !options.verbose && summary.ok > 0) {
    const std::string hint =
        wrap_text("More: -v every strategy's reasons; --explain each rule; --format html a report", 0, 2, width);
    out += "\n" + (options.color ? "\033[2m" + hint + "\033[0m" : hint) + "\n";
  }
  return out;
}

std::string json_head(const RenderOptions& options) {
  return render_json_head(*options.rules);
}

/// Renders every outcome of a chunk in parallel: one piece each, in input order.
template <typename Render>
std::vector<std::string> render_parallel(const std::vector<ProfileOutcome>& chunk, const Render& render) {
  std::vector<std::string> parts(chunk.size());
  parallel_for(chunk.size(), [&](std::size_t i) { parts[i] = render(i); });
  return parts;
}

std::string json_piece(const ProfileOutcome& outcome, const RenderOptions&, bool first) {
  return render_json_result(outcome, first);
}

std::vector<std::string> json_body(const std::vector<ProfileOutcome>& chunk, const RenderOptions& options, bool first_chunk) {
  return render_parallel(chunk, [&](std::size_t i) { return json_piece(chunk[i], options, first_chunk && i == 0); });
}

std::string json_tail(const RenderOptions&, const RunSummary& summary) {
  return render_json_tail(summary);
}

std::string jsonl_piece(const ProfileOutcome& outcome, const RenderOptions&, bool) {
  return render_jsonl_result(outcome);
}

std::vector<std::string> jsonl_body(const std::vector<ProfileOutcome>& chunk, const RenderOptions& options, bool) {
  return render_parallel(chunk, [&](std::size_t i) { return jsonl_piece(chunk[i], options, false); });
}

std::vector<std::string> oneline_body(const std::vector<ProfileOutcome>& chunk, const RenderOptions& options, bool) {
  return {render_oneline(chunk, options)};
}

std::string oneline_tail(const RenderOptions&, const RunSummary& summary) {
  return summary.profiles < 2 ? std::string() : "# " + render_summary_line(summary) + "\n";
}

std::string html_head(const RenderOptions& options) {
  return render_html_head(options);
}

std::vector<std::string> html_body(const std::vector<ProfileOutcome>& chunk, const RenderOptions& options, bool) {
  return {render_html_body(chunk, options)};
}

std::string html_tail(const RenderOptions&, const RunSummary& summary) {
  return render_html_tail(summary);
}

std::string markdown_head(const RenderOptions&) {
  return "# llmplan advice\n\n";
}

std::vector<std::string> markdown_body(const std::vector<ProfileOutcome>& chunk, const RenderOptions&, bool) {
  return {render_markdown_body(chunk)};
}

}  // namespace

const std::vector<AdviceFormat>& advice_formats() {
  static const std::vector<AdviceFormat> formats = {
      {"table", "a ranked table for people, with costs and the top reasons", nothing, table_body, table_tail},
      {"json", "one JSON document for the run (docs/cli.md)", json_head, json_body, json_tail, json_piece},
      {"jsonl", "one JSON result per line", nothing, jsonl_body, no_tail, jsonl_piece},
      {"markdown", "GitHub-flavoured Markdown for a pull request or job summary", markdown_head, markdown_body, no_tail},
      {"html", "one self-contained HTML report: charts inline, no network; print it or attach it", html_head, html_body,
       html_tail},
      {"oneline", "one line per profile for shells: name, pick, score, one-time and monthly cost, price date", nothing,
       oneline_body, oneline_tail},
  };
  return formats;
}

const AdviceFormat* find_advice_format(std::string_view name) {
  const auto& all = advice_formats();
  const auto it = std::find_if(all.begin(), all.end(), [&](const AdviceFormat& f) { return f.name == name; });
  return it == all.end() ? nullptr : &*it;
}

std::vector<std::string> advice_format_names() {
  std::vector<std::string> names;
  for (const auto& f : advice_formats()) names.emplace_back(f.name);
  return names;
}

std::string render_advice(const AdviceFormat& format, const std::vector<ProfileOutcome>& outcomes, const RenderOptions& options) {
  RunSummary summary;
  for (const auto& o : outcomes) {
    summary.add(o.status);
    if (o.advice) summary.add_pick(o.advice->recommendation);
  }
  std::string out = format.head(options);
  for (const auto& piece : format.body(outcomes, options, true)) out += piece;
  return out + format.tail(options, summary);
}

}  // namespace llmplan
