// `llmplan gpus` and `llmplan models`: the built-in catalogs (or those of --rules).
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/output/format.hpp"

namespace llmplan::cli {

namespace {

using json = nlohmann::ordered_json;

struct CatalogOptions {
  std::vector<std::string> rules;
  std::string format = "table";
};

int run_gpus(const CatalogOptions& opt) {
  const auto rules = load_rules(opt.rules);
  if (!rules) return k_cannot_run;
  if (opt.format == "json") {
    json doc{{"schema_version", 1}, {"gpus", json::array()}};
    for (const auto& g : rules->catalog.gpus) {
      const Range price = g.price_range();
      json prices = json::array();
      for (const auto& q : g.prices) {
        prices.push_back({{"usd_per_hour", q.usd_per_hour}, {"vendor", q.vendor}, {"date", q.date}, {"source", q.source}});
      }
      doc["gpus"].push_back({{"id", g.id},
                             {"name", g.name},
                             {"aliases", g.aliases},
                             {"memory_gib", g.memory_gib},
                             {"peak_tflops", g.peak_tflops},
                             {"board_power_w", g.board_power_w},
                             {"price_usd_per_hour", {{"low", price.low}, {"expected", price.expected}, {"high", price.high}}},
                             {"prices", prices},
                             {"spec_source", g.spec_source}});
    }
    return emit(dump_json(doc) + "\n", "") ? k_ok : k_cannot_run;
  }
  std::string out = fmt::format("{:<11} {:<28} {:>7} {:>10} {:>6}  {:<22} {}\n", "id", "name", "memory", "bf16 TFLOPS", "watts",
                                "$/GPU-hour (low-high)", "price dates");
  for (const auto& g : rules->catalog.gpus) {
    const Range price = g.price_range();
    std::string first = g.prices.front().date;
    std::string last = first;
    for (const auto& q : g.prices) {
      first = std::min(first, q.date);
      last = std::max(last, q.date);
    }
    out += fmt::format("{:<11} {:<28} {:>4} GiB {:>10} {:>6}  {:<22} {}\n", g.id, g.name, format_number(g.memory_gib, 0),
                       format_number(g.peak_tflops, 0), format_number(g.board_power_w, 0),
                       fmt::format("{:.2f} ({:.2f}-{:.2f})", price.expected, price.low, price.high),
                       first == last ? first : first + ".." + last);
  }
  out += "\nAliases: ";
  bool any = false;
  for (const auto& g : rules->catalog.gpus) {
    for (const auto& alias : g.aliases) {
      out += fmt::format("{}{} -> {}", any ? ", " : "", alias, g.id);
      any = true;
    }
  }
  out += any ? "\n" : "none\n";
  return emit(out, "") ? k_ok : k_cannot_run;
}

int run_models(const CatalogOptions& opt) {
  const auto rules = load_rules(opt.rules);
  if (!rules) return k_cannot_run;
  if (opt.format == "json") {
    json doc{{"schema_version", 1}, {"models", json::array()}};
    for (const auto& m : rules->catalog.models) {
      doc["models"].push_back({{"id", m.id},
                               {"name", m.name},
                               {"aliases", m.aliases},
                               {"params", m.shape.params},
                               {"active_params", m.shape.active_params},
                               {"layers", m.shape.layers},
                               {"hidden", m.shape.hidden},
                               {"ffn", m.shape.ffn},
                               {"heads", m.shape.heads},
                               {"kv_heads", m.shape.kv_heads},
                               {"vocab", m.shape.vocab},
                               {"context", m.context},
                               {"source", m.source}});
    }
    doc["apis"] = json::array();
    for (const auto& a : rules->catalog.apis) {
      doc["apis"].push_back({{"id", a.id},
                             {"name", a.name},
                             {"usd_per_m_input", a.usd_per_m_input},
                             {"usd_per_m_output", a.usd_per_m_output},
                             {"date", a.date},
                             {"source", a.source}});
    }
    return emit(dump_json(doc) + "\n", "") ? k_ok : k_cannot_run;
  }
  std::string out = fmt::format("{:<22} {:<26} {:>8} {:>8} {:>6} {:>6} {:>8}\n", "id", "name", "params", "active", "layers",
                                "hidden", "context");
  for (const auto& m : rules->catalog.models) {
    out += fmt::format("{:<22} {:<26} {:>8} {:>8} {:>6} {:>6} {:>8}\n", m.id, m.name, format_count(m.shape.params),
                       format_count(m.shape.active_params), m.shape.layers, m.shape.hidden, m.context);
  }
  out += fmt::format("\n{:<22} {:<26} {:>12} {:>12}  {}\n", "hosted API", "name", "$/M input", "$/M output", "price date");
  for (const auto& a : rules->catalog.apis) {
    out += fmt::format("{:<22} {:<26} {:>12} {:>12}  {}\n", a.id, a.name, format_number(a.usd_per_m_input, 3),
                       format_number(a.usd_per_m_output, 3), a.date);
  }
  return emit(out, "") ? k_ok : k_cannot_run;
}

}  // namespace

void setup_catalogs(CLI::App& app, int& exit_code) {
  auto gpus = std::make_shared<CatalogOptions>();
  CLI::App* g = app.add_subcommand("gpus", "The GPU catalog: memory, dense 16-bit peak, power and dated prices");
  g->footer("Examples:\n  llmplan gpus\n  llmplan gpus --format json\n  llmplan gpus --rules my-prices.yaml");
  g->add_option("-f,--format", gpus->format, "table (default) or json")->check(CLI::IsMember({"table", "json"}));
  g->add_option("--rules", gpus->rules, "Rule-set file or directory with catalog overrides")->type_name("FILE|DIR");
  g->callback([gpus, &exit_code] { exit_code = run_gpus(*gpus); });

  auto models = std::make_shared<CatalogOptions>();
  CLI::App* m = app.add_subcommand("models", "The model catalog and hosted API prices");
  m->footer("Examples:\n  llmplan models\n  llmplan models --format json");
  m->add_option("-f,--format", models->format, "table (default) or json")->check(CLI::IsMember({"table", "json"}));
  m->add_option("--rules", models->rules, "Rule-set file or directory with catalog overrides")->type_name("FILE|DIR");
  m->callback([models, &exit_code] { exit_code = run_models(*models); });
}

}  // namespace llmplan::cli
