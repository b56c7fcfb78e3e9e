// JSON Schema (draft-07) of the advice document (`advise --format json`, schema version 1).
#include <nlohmann/json.hpp>

#include "json_tree.hpp"
#include "llmplan/output/schema.hpp"

namespace llmplan {

std::string advice_json_schema(const std::vector<std::string>& strategy_ids) {
  using json = nlohmann::ordered_json;
  const json range = {
      {"type", "object"},
      {"required", {"low", "expected", "high"}},
      {"properties", {{"low", {{"type", "number"}}}, {"expected", {{"type", "number"}}}, {"high", {{"type", "number"}}}}}};
  const json reason = {{"type", "object"},
                       {"required", {"rule", "message", "source"}},
                       {"properties",
                        {{"rule", {{"type", "string"}}},
                         {"effect", {{"type", "number"}}},
                         {"message", {{"type", "string"}}},
                         {"source", {{"type", "string"}}}}}};
  const json cost = {{"type", "object"},
                     {"required",
                      {"one_time_usd", "monthly_usd", "horizon_usd", "training_flops", "gpu_hours", "wall_clock_days",
                       "peak_memory_gib", "gpus"}},
                     {"properties",
                      {{"one_time_usd", range},
                       {"monthly_usd", range},
                       {"horizon_usd", range},
                       {"training_flops", {{"type", "number"}}},
                       {"gpu_hours", range},
                       {"wall_clock_days", range},
                       {"peak_memory_gib", {{"type", "number"}}},
                       {"gpus", {{"type", "integer"}}},
                       {"energy_kwh", range},
                       {"emissions_kgco2e", range},
                       {"people_usd", {{"oneOf", json::array({range, {{"type", "null"}}})}}},
                       {"break_even", {{"type", {"object", "null"}}}},
                       {"plan", {{"type", "object"}}},
                       {"memory", {{"type", "object"}, {"required", {"per_gpu_gib", "fits", "breakdown"}}}},
                       {"assumptions", {{"type", "array"}}}}}};
  const json nullable_string = {{"type", {"string", "null"}}};
  const json serving = {{"type", "object"},
                        {"required", {"kind", "model", "gpu", "gpus_per_replica", "replicas", "latency_ms", "meets_latency"}},
                        {"properties",
                         {{"kind", {{"enum", {"api", "dedicated", "serverless", "owned", "none"}}}},
                          {"model", nullable_string},
                          {"gpu", nullable_string},
                          {"gpus_per_replica", {{"type", "integer"}, {"minimum", 0}}},
                          {"replicas", {{"type", "integer"}, {"minimum", 0}}},
                          {"latency_ms", {{"type", "number"}, {"minimum", 0}}},
                          {"meets_latency", {{"type", "boolean"}}}}}};
  const json plan = {{"type", "object"},
                     {"required", {"model", "api_model", "training", "serving", "price_date"}},
                     {"properties",
                      {{"model", nullable_string},
                       {"api_model", nullable_string},
                       {"training",
                        {{"type", {"object", "null"}},
                         {"properties",
                          {{"provider", {{"enum", {"self", "api"}}}},
                           {"method", {{"type", "string"}}},
                           {"gpu", nullable_string},
                           {"gpus", {{"type", "integer"}}},
                           {"owned", {{"type", "boolean"}}},
                           {"seq_len", {{"type", "integer"}}}}}}},
                       {"serving", serving},
                       {"price_date", nullable_string},
                       {"teacher", nullable_string},
                       {"retirement", nullable_string},
                       {"runner_up", {{"type", {"object", "null"}}}}}}};
  const json item = {{"type", "object"},
                     {"required", {"rank", "strategy", "title", "verdict", "score", "reasons", "blockers", "plan", "cost"}},
                     {"properties",
                      {{"rank", {{"type", "integer"}, {"minimum", 1}}},
                       {"strategy", {{"enum", strategy_ids}}},
                       {"title", {{"type", "string"}}},
                       {"verdict", {{"enum", {"recommended", "viable", "discouraged", "infeasible"}}}},
                       {"score", {{"type", "number"}, {"minimum", 0}, {"maximum", 100}}},
                       {"p_best", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
                       {"reasons", {{"type", "array"}, {"items", reason}}},
                       {"blockers", {{"type", "array"}, {"items", reason}}},
                       {"plan", plan},
                       {"cost", cost}}}};
  const json diagnostic = {{"type", "object"},
                           {"required", {"severity", "code", "message", "file", "line", "column", "path"}},
                           {"properties",
                            {{"severity", {{"enum", {"error", "warning", "note"}}}},
                             {"code", {{"type", "string"}}},
                             {"message", {{"type", "string"}}},
                             {"file", {{"type", "string"}}},
                             {"line", {{"type", "integer"}}},
                             {"column", {{"type", "integer"}}},
                             {"path", {{"type", "string"}}}}}};
  const json result = {
      {"type", "object"},
      {"required", {"file", "name", "status", "recommendation", "ranking", "assumptions", "diagnostics"}},
      {"properties",
       {{"file", {{"type", "string"}}},
        {"name", {{"type", "string"}}},
        {"status", {{"enum", {"ok", "invalid", "error"}}}},
        {"recommendation", {{"oneOf", json::array({{{"enum", strategy_ids}}, {{"type", "null"}}})}}},
        {"no_recommendation", {{"type", "string"}}},
        {"ranking", {{"type", "array"}, {"items", item}}},
        {"combinations", {{"type", "array"}}},
        {"explanation", {{"type", "object"}}},
        {"samples", {{"type", "integer"}, {"minimum", 1}}},
        {"uncertainty", {{"type", "object"}, {"required", {"samples", "seed", "confidence", "confidence_words"}}}},
        {"baseline", {{"type", "object"}, {"required", {"recommendation", "changes", "what_if"}}}},
        {"assumptions", {{"type", "array"}}},
        {"diagnostics", {{"type", "array"}, {"items", diagnostic}}}}}};
  const json schema = {{"$schema", "http://json-schema.org/draft-07/schema#"},
                       {"$id", "https://llmplan.dev/schema/advice-1.json"},
                       {"title", "llmplan advice, schema version 1"},
                       {"type", "object"},
                       {"required", {"schema_version", "tool", "ruleset", "results", "summary"}},
                       {"properties",
                        {{"schema_version", {{"const", 1}}},
                         {"tool", {{"type", "object"}, {"required", {"name", "version"}}}},
                         {"ruleset", {{"type", "object"}, {"required", {"name", "version"}}}},
                         {"results", {{"type", "array"}, {"items", result}}},
                         {"summary", {{"type", "object"}, {"required", {"profiles", "ok", "invalid"}}}}}}};
  return json_document(schema);
}

}  // namespace llmplan
