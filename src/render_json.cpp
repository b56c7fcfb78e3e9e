#include <cmath>

#include "llmplan/format.hpp"
#include "llmplan/render.hpp"
#include "llmplan/version.hpp"

namespace llmplan {

using json = nlohmann::ordered_json;

namespace {

double tidy(double x) { return round_significant(x, 4); }

json range_json(const Range& r) { return json{{"low", tidy(r.low)}, {"expected", tidy(r.expected)}, {"high", tidy(r.high)}}; }

json notes_json(const std::vector<Note>& notes) {
  json out = json::array();
  for (const auto& n : notes) out.push_back(json{{"name", n.name}, {"value", value_to_json(n.value)}, {"why", n.why}});
  return out;
}

json cost_json(const StrategyCost& c) {
  json cost;
  cost["one_time_usd"] = range_json(c.one_time_usd);
  cost["monthly_usd"] = range_json(c.monthly_usd);
  cost["horizon_usd"] = range_json(c.horizon_usd);
  cost["training_flops"] = tidy(c.training_flops);
  cost["gpu_hours"] = range_json(c.gpu_hours);
  cost["wall_clock_days"] = range_json(c.wall_clock_days);
  cost["peak_memory_gib"] = tidy(c.memory.total);
  cost["gpus"] = c.gpus;
  cost["plan"] = json{{"method", c.method},          {"model", c.model},
                      {"params", tidy(c.params)},     {"gpu", c.gpu.empty() ? json(nullptr) : json(c.gpu)},
                      {"owned_hardware", c.owned},    {"training_tokens", tidy(c.training_tokens)},
                      {"serving", c.serving}};
  cost["memory"] = json{{"per_gpu_gib", tidy(c.memory.total)},
                        {"gpu_gib", tidy(c.memory.gpu_gib)},
                        {"fits", c.gpu.empty() || c.memory.fits},
                        {"breakdown",
                         json{{"weights", tidy(c.memory.weights)},
                              {"gradients", tidy(c.memory.gradients)},
                              {"optimizer", tidy(c.memory.optimizer)},
                              {"activations", tidy(c.memory.activations)},
                              {"overhead", tidy(c.memory.overhead)}}}};
  cost["assumptions"] = notes_json(c.notes);
  return cost;
}

json reason_json(const Reason& r) {
  json out{{"rule", r.rule}};
  if (!r.blocks) out["effect"] = r.effect;
  out["message"] = r.message;
  out["source"] = r.source;
  return out;
}

}  // namespace

json value_to_json(const Value& v) {
  switch (v.type) {
    case Value::Type::null: return nullptr;
    case Value::Type::boolean: return v.boolean;
    case Value::Type::number: return v.number;
    case Value::Type::string: return v.text;
    case Value::Type::list: return v.list;
  }
  return nullptr;
}

json diagnostic_to_json(const Diagnostic& d) {
  return json{{"severity", severity_name(d.severity)},
              {"code", d.code},
              {"message", d.message},
              {"file", d.loc.file},
              {"line", d.loc.line},
              {"column", d.loc.column},
              {"path", d.path}};
}

json result_to_json(const ProfileOutcome& o) {
  json out;
  out["file"] = o.file;
  out["name"] = o.name;
  out["status"] = o.status;
  out["recommendation"] = nullptr;
  out["ranking"] = json::array();
  if (o.advice) {
    const Advice& a = *o.advice;
    if (a.recommendation) out["recommendation"] = *a.recommendation;
    for (const auto& r : a.ranking) {
      json item;
      item["rank"] = r.rank;
      item["strategy"] = r.strategy->id;
      item["title"] = r.strategy->title;
      item["verdict"] = r.verdict;
      item["score"] = r.score;
      item["reasons"] = json::array();
      for (const auto& reason : r.reasons) item["reasons"].push_back(reason_json(reason));
      item["blockers"] = json::array();
      for (const auto& blocker : r.blockers) item["blockers"].push_back(reason_json(blocker));
      item["cost"] = cost_json(r.cost);
      out["ranking"].push_back(std::move(item));
    }
    out["combinations"] = json::array();
    for (const auto& c : a.combinations) {
      out["combinations"].push_back(json{{"id", c.id}, {"strategies", c.strategies}, {"message", c.message}, {"source", c.source}});
    }
  }
  out["assumptions"] = json::array();
  if (o.profile) {
    for (const auto& a : o.profile->assumptions) {
      out["assumptions"].push_back(json{{"field", a.field}, {"value", value_to_json(a.value)}, {"why", a.why}});
    }
  }
  out["diagnostics"] = json::array();
  for (const auto& d : o.diagnostics.items()) out["diagnostics"].push_back(diagnostic_to_json(d));
  return out;
}

std::string render_json(const std::vector<ProfileOutcome>& outcomes, const RuleSet& rules) {
  json doc;
  doc["schema_version"] = 1;
  doc["tool"] = json{{"name", "llmplan"}, {"version", k_version}};
  doc["ruleset"] = json{{"name", rules.name}, {"version", rules.version}};
  doc["results"] = json::array();
  int ok = 0;
  int invalid = 0;
  int errors = 0;
  for (const auto& o : outcomes) {
    doc["results"].push_back(result_to_json(o));
    if (o.status == "ok") ++ok;
    else if (o.status == "invalid") ++invalid;
    else ++errors;
  }
  doc["summary"] = json{{"profiles", outcomes.size()}, {"ok", ok}, {"invalid", invalid}, {"error", errors}};
  return doc.dump(2) + "\n";
}

std::string render_jsonl(const std::vector<ProfileOutcome>& outcomes) {
  std::string out;
  for (const auto& o : outcomes) out += result_to_json(o).dump() + "\n";
  return out;
}

std::string format_usd_range(const Range& r) {
  if (r.high == 0) return "$0";
  return format_usd(round_significant(r.expected, 2)) + " (" + format_usd(round_significant(r.low, 2)) + "-" +
         format_usd(round_significant(r.high, 2)) + ")";
}

}  // namespace llmplan
