#include "llmplan/output/check_format.hpp"
#include "llmplan/output/json_writer.hpp"
#include "llmplan/version.hpp"

namespace llmplan {

namespace {

void write_location(JsonWriter& w, const SourceLoc& loc) {
  w.key("location");
  w.begin_object();
  w.field("file", loc.file);
  w.field("line", loc.line);
  w.field("column", loc.column);
  w.end_object();
}

void write_result(JsonWriter& w, const CheckOutcome& o) {
  w.begin_object();
  w.field("file", o.outcome.file);
  w.field("name", o.outcome.name);
  if (!o.judgement) {
    w.field("status", "error");
  } else {
    const Judgement& j = *o.judgement;
    w.field("status", j.accepted ? "accepted" : "rejected");
    w.field("strategy", j.strategy);
    w.field("rank", j.rank);
    w.field("score", j.score);
    w.field("verdict", verdict_name(j.verdict));
    w.key("best");
    if (j.best.empty())
      w.null();
    else
      w.value(j.best);
    w.field("best_score", j.best_score);
    w.field("gap", j.best_score - j.score);
    w.field("message", j.message);
    w.key("reasons");
    w.begin_array();
    for (const auto& r : j.reasons) {
      w.begin_object();
      w.field("rule", r.rule);
      if (!r.blocks) w.field("effect", r.effect);
      w.field("blocks", r.blocks);
      w.field("message", r.message);
      w.field("source", r.source);
      w.end_object();
    }
    w.end_array();
    write_location(w, j.loc);
  }
  w.key("diagnostics");
  w.begin_array();
  for (const auto& d : o.outcome.diagnostics.items()) write_diagnostic(w, d);
  w.end_array();
  w.end_object();
}

}  // namespace

std::string render_check_json(const std::vector<CheckOutcome>& outcomes, const CheckRenderOptions& options) {
  const RuleSet& rules = *options.rules;
  std::string out;
  JsonWriter w(out, true);
  w.begin_object();
  w.field("schema_version", 1);
  w.key("tool");
  w.begin_object();
  w.field("name", "llmplan");
  w.field("version", k_version);
  w.end_object();
  w.key("ruleset");
  w.begin_object();
  w.field("name", rules.name);
  w.field("version", rules.version);
  w.end_object();
  w.key("results");
  w.begin_array();
  for (const auto& o : outcomes) write_result(w, o);
  w.end_array();
  const CheckSummary s = summarize(outcomes);
  w.key("summary");
  w.begin_object();
  w.field("profiles", s.profiles);
  w.field("accepted", s.accepted);
  w.field("rejected", s.rejected);
  w.field("error", s.errors);
  w.end_object();
  w.end_object();
  return out + "\n";
}

}  // namespace llmplan
