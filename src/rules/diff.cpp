#include "llmplan/rules/diff.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "llmplan/output/render.hpp"
#include "llmplan/rules/outcome.hpp"

namespace llmplan {

namespace {

using json = nlohmann::ordered_json;

void flatten(const std::string& prefix, const json& value, std::vector<std::pair<std::string, std::string>>& out) {
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) flatten(prefix + "." + key, item, out);
    return;
  }
  out.emplace_back(prefix, value.dump());
}

json rule_ids(const json& reasons) {
  json ids = json::array();
  if (!reasons.is_array()) return ids;
  for (const auto& r : reasons) {
    if (r.is_object() && r.contains("rule")) ids.push_back(r["rule"]);
  }
  return ids;
}

AdviceSnapshot snapshot_of_json(const json& result) {
  AdviceSnapshot s;
  s.file = result.value("file", "");
  s.name = result.value("name", "");
  auto& v = s.values;
  v.emplace_back("status", result.contains("status") ? result["status"].dump() : "null");
  v.emplace_back("recommendation", result.contains("recommendation") ? result["recommendation"].dump() : "null");
  if (result.contains("samples")) v.emplace_back("samples", result["samples"].dump());
  if (!result.contains("ranking") || !result["ranking"].is_array()) return s;
  for (const auto& r : result["ranking"]) {
    if (!r.is_object() || !r.contains("strategy") || !r["strategy"].is_string()) continue;
    const std::string base = "ranking." + r["strategy"].get<std::string>();
    for (const char* key : {"rank", "verdict", "score", "p_best"}) {
      if (r.contains(key)) v.emplace_back(base + "." + key, r[key].dump());
    }
    if (r.contains("reasons")) v.emplace_back(base + ".reasons", rule_ids(r["reasons"]).dump());
    if (r.contains("blockers")) v.emplace_back(base + ".blockers", rule_ids(r["blockers"]).dump());
    if (r.contains("cost") && r["cost"].is_object()) {
      // What a reader weighs: the money, the effort and the plan; not every derived figure.
      const json& cost = r["cost"];
      for (const char* key : {"one_time_usd", "monthly_usd", "horizon_usd", "people_usd"}) {
        if (cost.contains(key)) flatten(base + ".cost." + key, cost[key], v);
      }
      for (const char* key : {"gpu_hours", "wall_clock_days"}) {
        if (cost.contains(key) && cost[key].is_object() && cost[key].contains("expected"))
          v.emplace_back(base + ".cost." + key + ".expected", cost[key]["expected"].dump());
      }
      for (const char* key : {"peak_memory_gib", "gpus"}) {
        if (cost.contains(key)) v.emplace_back(base + ".cost." + key, cost[key].dump());
      }
      const json* plan = r.contains("plan") ? &r["plan"] : (cost.contains("plan") ? &cost["plan"] : nullptr);
      if (plan != nullptr && plan->is_object()) {
        for (const char* key : {"method", "model", "api_model", "gpu", "serving", "training"}) {
          if (plan->contains(key)) flatten(base + ".plan." + key, (*plan)[key], v);
        }
      }
    }
  }
  return s;
}

}  // namespace

AdviceSnapshot snapshot_of(const ProfileOutcome& outcome) {
  return snapshot_of_json(json::parse(result_json(outcome, false)));
}

bool looks_like_advice_json(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{';
}

std::optional<std::vector<AdviceSnapshot>> snapshots_from_json(std::string_view text, std::string& error) {
  std::vector<AdviceSnapshot> out;
  try {
    json doc = json::parse(text, nullptr, true, false);
    if (doc.is_object() && doc.contains("results") && doc["results"].is_array()) {
      for (const auto& r : doc["results"]) out.push_back(snapshot_of_json(r));
      return out;
    }
    if (doc.is_object() && doc.contains("ranking")) return std::vector<AdviceSnapshot>{snapshot_of_json(doc)};
    error = "a JSON document that is not advice (no `results`): write it with `llmplan advise --format json`";
    return std::nullopt;
  } catch (const json::parse_error&) {
  }
  // JSONL: one result per line.
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    try {
      const json r = json::parse(line);
      if (!r.is_object() || !r.contains("ranking")) {
        error = "a JSON line that is not an advice result";
        return std::nullopt;
      }
      out.push_back(snapshot_of_json(r));
    } catch (const json::parse_error& e) {
      error = std::string("not valid JSON: ") + e.what();
      return std::nullopt;
    }
  }
  if (out.empty()) {
    error = "no advice results in the document";
    return std::nullopt;
  }
  return out;
}

AdviceDiff diff_advice(const AdviceSnapshot& old_side, const AdviceSnapshot& new_side) {
  AdviceDiff d;
  d.old_label = old_side.file;
  d.new_label = new_side.file;
  std::map<std::string, std::string> old_values(old_side.values.begin(), old_side.values.end());
  std::map<std::string, std::string> new_values(new_side.values.begin(), new_side.values.end());
  d.old_recommendation = old_values.count("recommendation") ? old_values["recommendation"] : "null";
  d.new_recommendation = new_values.count("recommendation") ? new_values["recommendation"] : "null";
  // Paths in the new side's order, then those only the old side has.
  std::vector<std::string> paths;
  for (const auto& [path, value] : new_side.values) paths.push_back(path);
  for (const auto& [path, value] : old_side.values) {
    if (new_values.count(path) == 0) paths.push_back(path);
  }
  for (const auto& path : paths) {
    const auto o = old_values.find(path);
    const auto n = new_values.find(path);
    const std::string ov = o == old_values.end() ? "null" : o->second;
    const std::string nv = n == new_values.end() ? "null" : n->second;
    if (ov != nv) d.changes.push_back({path, ov, nv});
  }
  // The recommendation first, then ranks, verdicts and scores before costs: what a reader asks first.
  const auto weight = [](const std::string& path) {
    if (path == "recommendation" || path == "status") return 0;
    for (const char* key : {".rank", ".verdict", ".score", ".p_best"}) {
      if (path.size() > std::string(key).size() &&
          path.compare(path.size() - std::string(key).size(), std::string::npos, key) == 0)
        return 1;
    }
    return 2;
  };
  std::stable_sort(d.changes.begin(), d.changes.end(),
                   [&](const AdviceChange& a, const AdviceChange& b) { return weight(a.path) < weight(b.path); });
  return d;
}

}  // namespace llmplan
