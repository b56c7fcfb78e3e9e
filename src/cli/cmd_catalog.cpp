// `llmplan gpus` and `llmplan models`: the built-in catalogs (or those of --rules).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "llmplan/output/escape.hpp"
#include "llmplan/output/format.hpp"
#include "output/json_tree.hpp"

namespace llmplan::cli {

namespace {
/// Catalog text comes from rule files, which may come from a pull request: shown, never obeyed.
std::string t(const std::string& text) {
  return escape_terminal(text);
}
}  // namespace

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
      doc["gpus"].push_back(
          {{"id", g.id},
           {"name", g.name},
           {"aliases", g.aliases},
           {"memory_gib", g.memory_gib},
           {"peak_tflops", g.peak_tflops},
           {"fp8_tflops", g.fp8_tflops > 0 ? json(g.fp8_tflops) : json(nullptr)},
           {"memory_bandwidth_tbps", g.memory_bandwidth_tbps > 0 ? json(g.memory_bandwidth_tbps) : json(nullptr)},
           {"generation", g.generation.empty() ? json(nullptr) : json(g.generation)},
           {"board_power_w", g.board_power_w},
           {"price_usd_per_hour",
            g.prices.empty() ? json(nullptr) : json{{"low", price.low}, {"expected", price.expected}, {"high", price.high}}},
           {"prices", prices},
           {"price_note", g.price_note.empty() ? json(nullptr) : json(g.price_note)},
           {"spec_source", g.spec_source}});
    }
    return emit(json_document(doc), "") ? k_ok : k_cannot_run;
  }
  std::string out = fmt::format("{:<11} {:<28} {:>7} {:>10} {:>6}  {:<22} {}\n", "id", "name", "memory", "bf16 TFLOPS", "watts",
                                "$/GPU-hour (low-high)", "price dates");
  for (const auto& g : rules->catalog.gpus) {
    const Range price = g.price_range();
    if (g.prices.empty()) {
      out += fmt::format("{:<11} {:<28} {:>4} GiB {:>10} {:>6}  {:<22} {}\n", g.id, g.name, format_number(g.memory_gib, 0),
                         format_number(g.peak_tflops, 0), format_number(g.board_power_w, 0), "not rented", "-");
      continue;
    }
    std::string first = g.prices.front().date;
    std::string last = first;
    for (const auto& q : g.prices) {
      first = std::min(first, q.date);
      last = std::max(last, q.date);
    }
    out += fmt::format("{:<11} {:<28} {:>4} GiB {:>10} {:>6}  {:<22} {}\n", t(g.id), t(g.name), format_number(g.memory_gib, 0),
                       format_number(g.peak_tflops, 0), format_number(g.board_power_w, 0),
                       fmt::format("{:.2f} ({:.2f}-{:.2f})", price.expected, price.low, price.high),
                       t(first == last ? first : first + ".." + last));
  }
  out += "\nAliases: ";
  bool any = false;
  for (const auto& g : rules->catalog.gpus) {
    for (const auto& alias : g.aliases) {
      out += fmt::format("{}{} -> {}", any ? ", " : "", t(alias), t(g.id));
      any = true;
    }
  }
  out += any ? "\n" : "none\n";
  return emit(out, "") ? k_ok : k_cannot_run;
}

/// Catalog entries whose date lies more than a year back: their prices or figures may be stale.
/// A retired API is left out: the advisor never prices it, so its prices cannot mislead.
std::vector<std::string> stale_entries(const Catalog& catalog, const std::string& today) {
  std::vector<std::string> out;
  for (const auto& m : catalog.models) {
    if (older_than_a_year(m.date, today)) out.push_back(fmt::format("model `{}` was read on {}", m.id, m.date));
  }
  for (const auto& a : catalog.apis) {
    if (!has_ended(a.retirement, today) && older_than_a_year(a.date, today))
      out.push_back(fmt::format("API `{}` has prices of {}", a.id, a.date));
  }
  return out;
}

std::string or_dash(const std::string& text) {
  return text.empty() ? "-" : text;
}

int run_models(const CatalogOptions& opt) {
  const auto rules = load_rules(opt.rules);
  if (!rules) return k_cannot_run;
  const std::string& today = catalog_today();
  const auto stale = stale_entries(rules->catalog, today);
  for (const auto& s : stale) fmt::print(stderr, "warning: {}, more than a year before {} [stale-catalog-entry]\n", s, today);
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
                               {"mlp", m.shape.gated_mlp ? "gated" : "plain"},
                               {"embeddings", m.shape.tied_embeddings ? "tied" : "untied"},
                               {"context", m.context},
                               {"licence", m.licence},
                               {"quality_tier", m.quality_tier},
                               {"date", m.date.empty() ? json(nullptr) : json(m.date)},
                               {"source", m.source},
                               {"why", m.why}});
    }
    doc["apis"] = json::array();
    for (const auto& a : rules->catalog.apis) {
      const auto opt_number = [](double v) { return v > 0 ? json(v) : json(nullptr); };
      doc["apis"].push_back({{"id", a.id},
                             {"name", a.name},
                             {"vendor", a.vendor},
                             {"usd_per_m_input", a.usd_per_m_input},
                             {"usd_per_m_output", a.usd_per_m_output},
                             {"usd_per_m_cached_input", opt_number(a.usd_per_m_cached_input)},
                             {"batch_discount", opt_number(a.batch_discount)},
                             {"context", a.context > 0 ? json(a.context) : json(nullptr)},
                             {"quality_tier", a.quality_tier},
                             {"ttft_ms", opt_number(a.ttft_ms)},
                             {"output_tokens_per_s", opt_number(a.output_tokens_per_s)},
                             {"finetune_usd_per_m_training",
                              a.finetune_usd_per_m_training >= 0 ? json(a.finetune_usd_per_m_training) : json(nullptr)},
                             {"retirement", a.retirement.empty() ? json(nullptr) : json(a.retirement)},
                             {"date", a.date},
                             {"source", a.source},
                             {"why", a.why}});
    }
    return emit(json_document(doc), "") ? k_ok : k_cannot_run;
  }
  std::string out = fmt::format("{:<22} {:<26} {:>8} {:>8} {:>6} {:>6} {:>8} {:>4}  {}\n", "open model", "name", "params",
                                "active", "layers", "hidden", "context", "tier", "read on");
  for (const auto& m : rules->catalog.models) {
    out += fmt::format("{:<22} {:<26} {:>8} {:>8} {:>6} {:>6} {:>8} {:>4}  {}\n", t(m.id), t(m.name.substr(0, 26)),
                       format_count(m.shape.params), format_count(m.shape.active_params), m.shape.layers, m.shape.hidden,
                       m.context, m.quality_tier > 0 ? std::to_string(m.quality_tier) : "-", t(or_dash(m.date)));
  }
  out += fmt::format("\n{:<30} {:>9} {:>9} {:>9} {:>6} {:>9} {:>4} {:>10}  {}\n", "hosted API", "$/M in", "$/M out", "cached",
                     "batch", "context", "tier", "retires", "price date");
  for (const auto& a : rules->catalog.apis) {
    out += fmt::format(
        "{:<30} {:>9} {:>9} {:>9} {:>6} {:>9} {:>4} {:>10}  {}\n", t(a.id), format_number(a.usd_per_m_input, 3),
        format_number(a.usd_per_m_output, 3), a.usd_per_m_cached_input > 0 ? format_number(a.usd_per_m_cached_input, 3) : "-",
        a.batch_discount > 0 ? format_number(a.batch_discount, 2) : "-", a.context > 0 ? format_count(a.context) : "-",
        a.quality_tier > 0 ? std::to_string(a.quality_tier) : "-", t(or_dash(a.retirement)), t(a.date));
  }
  out += "\nTier: 1-5 from a cited MMLU score (1 <55 ... 5 >=85); `-`: none cited (used only when named in the profile).\n";
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
