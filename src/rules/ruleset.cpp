#include "llmplan/rules/ruleset.hpp"

#include "llmplan/cost/catalog_bounds.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>

#include "llmplan/input/suggest.hpp"
#include "llmplan/input/units.hpp"
#include "llmplan/input/yaml_map.hpp"
#include "llmplan/input/yaml_tree.hpp"
#include "llmplan/rules/parallel.hpp"

namespace llmplan {

const Strategy* RuleSet::find_strategy(std::string_view id) const {
  for (const auto& s : strategies) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const Rule* RuleSet::find_rule(std::string_view id) const {
  const auto it = std::lower_bound(rules.begin(), rules.end(), id, [](const Rule& r, std::string_view v) { return r.id < v; });
  return it != rules.end() && it->id == id ? &*it : nullptr;
}

std::vector<std::string> RuleSet::strategy_ids() const {
  std::vector<std::string> ids;
  for (const auto& s : strategies) ids.push_back(s.id);
  return ids;
}

const Strategy* RuleSet::break_even_baseline() const {
  const Strategy* fallback = nullptr;
  for (const auto& s : strategies) {  // sorted by rung
    if (s.costing == Costing::prompt) return &s;
    if (fallback == nullptr && !costing_changes_weights(s.costing)) fallback = &s;
  }
  return fallback;
}

namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/// Lowercase words of letters and digits joined by single `-`: `few-examples-favor-prompting`.
bool is_kebab_id(const std::string& id) {
  if (id.empty() || id.front() == '-' || id.back() == '-') return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (id[i] == '-') {
      if (id[i - 1] == '-') return false;
    } else if (!is_lower_alnum(id[i])) {
      return false;
    }
  }
  return true;
}

/// YYYY-MM or YYYY-MM-DD.
bool is_date(const std::string& s) {
  const auto digits = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
  };
  if (s.size() != 7 && s.size() != 10) return false;
  if (!digits(0, 4) || s[4] != '-' || !digits(5, 2)) return false;
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  if (month < 1 || month > 12) return false;
  if (s.size() == 7) return true;
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  return s[7] == '-' && digits(8, 2) && day >= 1 && day <= 31;
}

/// Checks `{placeholders}`: each must name a known fact. Reports at the message's location.
void check_placeholders(const YamlNode* node, const std::string& message, Diagnostics& diags, const std::string& source) {
  std::size_t pos = 0;
  while ((pos = message.find('{', pos)) != std::string::npos) {
    const std::size_t close = message.find('}', pos);
    if (close == std::string::npos) {
      diags.error("bad-placeholder", "`{` without a closing `}` in the message",
                  node ? scalar_location(*node, pos, source) : SourceLoc{});
      return;
    }
    const std::string path = message.substr(pos + 1, close - pos - 1);
    if (!fact_index(path)) {
      diags.error("unknown-fact", fmt::format("the message names an unknown fact `{}`{}", path, did_you_mean(path, fact_paths())),
                  node ? scalar_location(*node, pos + 1, source) : SourceLoc{});
    }
    pos = close + 1;
  }
}

/// Signed score change: `+15`, `-20`, `5`.
bool parse_delta(const std::string& text, double& out) {
  // Only `[+-]digits[.digits]`: strtod alone also reads `0x64` (100), `inf`, `1e2` and ` 5`.
  std::size_t i = text.empty() || (text[0] != '+' && text[0] != '-') ? 0 : 1;
  const std::size_t digits_start = i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == digits_start) return false;
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction = ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == fraction) return false;
  }
  if (i != text.size()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end != nullptr && *end == '\0' && std::isfinite(out) && std::fabs(out) <= 100;
}

Expr compile_condition(const YamlNode& node, const std::string& source, Diagnostics& diags, const std::string& what,
                       const std::vector<std::string>& strategy_ids) {
  if (!node.is_scalar()) {
    diags.error("bad-type", fmt::format("`when` of {} is a condition written as text", what), node.loc);
    return {};
  }
  std::vector<ExprError> errors;
  Expr expr = Expr::compile(node.value, errors, &strategy_ids);
  for (const auto& e : errors) diags.error(e.code, e.message, scalar_location(node, e.offset, source));
  if (expr.valid() && expr.type() != Value::Type::boolean) {
    diags.error("type-error", fmt::format("`when` must be true or false, but this condition gives a {}", type_name(expr.type())),
                node.loc);
    return {};
  }
  return expr;
}

struct Loader {
  Diagnostics& diags;
  RuleSet& set;
  std::map<std::string, Strategy> strategies;
  std::vector<std::string> strategy_ids;  ///< every strategy of every file, known before any rule is read
  std::map<std::string, Rule> rules;
  std::map<std::string, Combination> combinations;
  std::map<std::string, Gpu> gpus;
  std::map<std::string, ModelInfo> models;
  std::map<std::string, ApiPrice> apis;
  std::map<std::string, ModelInfo> model_tiers;
  bool rule_limit_reported;
  std::map<std::string, SourceLoc> file_rule_ids;  ///< rules of the file being loaded, by id

  /// The ladder first: every file's `strategies`, so that rules in any file may name a strategy
  /// that a later file adds.
  void load_strategies(const std::vector<YamlNode>& docs) {
    for (const auto& doc : docs) {
      if (!doc.is_map()) continue;
      if (const YamlNode* list = doc.find("strategies")) each(*list, "strategies", [&](const YamlNode& n) { load_strategy(n); });
    }
  }

  void collect_strategy_ids() {
    std::vector<const Strategy*> ladder;
    for (const auto& [id, st] : strategies) ladder.push_back(&st);
    std::stable_sort(ladder.begin(), ladder.end(), [](const Strategy* a, const Strategy* b) { return a->rung < b->rung; });
    for (const Strategy* st : ladder) strategy_ids.push_back(st->id);
  }

  /// Registers the parsed documents of one file; later files replace earlier entries by id.
  void load(const RuleSource& src, const std::vector<YamlNode>& docs, const Diagnostics& parse_diags) {
    diags.append(parse_diags);
    file_rule_ids.clear();
    for (const auto& doc : docs) {
      if (doc.is_null()) continue;
      if (!doc.is_map()) {
        diags.error("bad-type", "a rule-set file is a mapping with sections such as `rules:`", doc.loc);
        continue;
      }
      static const std::vector<std::string> sections = {"ruleset", "strategies",  "rules", "combinations",       "gpus",
                                                        "models",  "model_tiers", "apis",  "utilization_curves", "cost_model"};
      for (const auto& [key, value] : doc.entries) {
        const std::string& k = key.value;
        if (k == "ruleset")
          load_meta(value);
        else if (k == "strategies")
          continue;  // read first, by load_strategies
        else if (k == "rules")
          each(value, k, [&](const YamlNode& n) { load_rule(n, src.text); });
        else if (k == "combinations")
          each(value, k, [&](const YamlNode& n) { load_combination(n, src.text); });
        else if (k == "gpus")
          each(value, k, [&](const YamlNode& n) { load_gpu(n); });
        else if (k == "models")
          each(value, k, [&](const YamlNode& n) { load_model(n); });
        else if (k == "model_tiers")
          each(value, k, [&](const YamlNode& n) { load_model_tier(n); });
        else if (k == "apis")
          each(value, k, [&](const YamlNode& n) { load_api(n); });
        else if (k == "utilization_curves")
          each(value, k, [&](const YamlNode& n) { load_curve(n); });
        else if (k == "cost_model")
          load_constants(value);
        else
          report_unknown_key(key, sections, "at the top level of a rule-set file", diags);
      }
    }
  }

  template <typename F>
  void each(const YamlNode& list, const std::string& section, F&& f) {
    if (list.is_null()) return;
    if (!list.is_sequence()) {
      diags.error("bad-type", fmt::format("`{}` is a list", section), list.loc);
      return;
    }
    for (const auto& item : list.items) {
      if (!item.is_map()) {
        diags.error("bad-type", fmt::format("each entry of `{}` is a mapping", section), item.loc);
        continue;
      }
      f(item);
    }
  }

  void load_meta(const YamlNode& node) {
    if (!node.is_map()) {
      diags.error("bad-type", "`ruleset` is a mapping with `name` and `version`", node.loc);
      return;
    }
    MappingReader r(node, diags, "the ruleset header", {"name", "version", "viable_min"});
    const std::string name = r.text("name", false);
    const std::string version = r.text("version", false);
    if (!name.empty()) set.name = name;
    if (!version.empty()) set.version = version;
    if (r.get("viable_min")) set.viable_min = r.number("viable_min", false, set.viable_min);
  }

  void load_strategy(const YamlNode& node) {
    MappingReader r(node, diags, "a strategy", {"id", "rung", "title", "summary", "base_score", "costing"});
    Strategy s;
    s.id = r.text("id", true);
    s.rung = r.integer("rung", true, 1, 1, k_max_rung);
    s.title = r.text("title", true);
    s.summary = r.text("summary", false);
    s.base_score = r.number("base_score", true);
    s.loc = node.loc;
    const std::string costing = r.text("costing", true);
    if (const auto kind = costing_from_name(costing)) {
      s.costing = *kind;
    } else if (!costing.empty()) {
      const std::vector<std::string> kinds(costing_names().begin(), costing_names().end());
      std::string hint = did_you_mean(costing, kinds);
      if (hint.empty()) hint = "; the cost model prices " + quoted_list(kinds);
      diags.error("unknown-costing", fmt::format("strategy `{}` has unknown costing `{}`{}", s.id, costing, hint),
                  node.find("costing")->loc);
      return;
    }
    if (s.id.empty()) return;
    if (!is_kebab_id(s.id)) {
      diags.error("bad-id", fmt::format("strategy id `{}` must be kebab-case (lowercase words joined by `-`)", s.id),
                  node.find("id")->loc);
      return;
    }
    if (s.id == "all") {
      diags.error("bad-id", "`all` stands for every strategy in a rule's `strategies`; it cannot be a strategy's id",
                  node.find("id")->loc);
      return;
    }
    if (s.base_score > 100) diags.error("out-of-range", "`base_score` is between 0 and 100", node.find("base_score")->loc);
    strategies[s.id] = s;
  }

  void load_rule(const YamlNode& node, const std::string& source) {
    MappingReader r(node, diags, "a rule", {"id", "strategies", "when", "effect", "message", "source", "enabled"});
    Rule rule;
    rule.id = r.text("id", true);
    rule.loc = node.loc;
    if (rule.id.empty()) return;
    // Within one file an id is defined once: a second would silently replace the first.
    if (const auto [first, fresh] = file_rule_ids.emplace(rule.id, node.loc); !fresh) {
      diags.error("duplicate-id",
                  fmt::format("rule `{}` is defined twice in this file (first at line {}); overrides go in a later file", rule.id,
                              first->second.line),
                  node.find("id")->loc);
      return;
    }
    const std::string what = "rule `" + rule.id + "`";
    if (!is_kebab_id(rule.id)) {
      diags.error("bad-id", fmt::format("rule id `{}` must be kebab-case (lowercase words joined by `-`)", rule.id),
                  node.find("id")->loc);
    }
    if (const YamlNode* enabled = node.find("enabled")) {
      if (enabled->is_scalar() && enabled->value == "false") {
        if (rules.erase(rule.id) == 0) {
          diags.warning("overrides-nothing",
                        fmt::format("`enabled: false` for rule `{}`, which no earlier file defines", rule.id), enabled->loc);
        }
        return;
      }
      if (!enabled->is_scalar() || enabled->value != "true") {
        diags.error("bad-type", "`enabled` is `true` or `false`", enabled->loc);
      }
    }
    rule.strategies = r.strings("strategies", true);
    for (const auto& id : rule.strategies) {
      if (id != "all" && std::find(strategy_ids.begin(), strategy_ids.end(), id) == strategy_ids.end()) {
        diags.error("unknown-strategy",
                    fmt::format("{} names an unknown strategy `{}`{}", what, id, did_you_mean(id, strategy_ids)),
                    node.find("strategies")->loc);
      }
    }
    if (std::find(rule.strategies.begin(), rule.strategies.end(), "all") != rule.strategies.end()) rule.strategies = strategy_ids;
    if (const YamlNode* when = node.find("when"))
      rule.when = compile_condition(*when, source, diags, what, strategy_ids);
    else
      r.missing("when");
    const std::string effect = r.text("effect", true);
    if (effect == "block") {
      rule.blocks = true;
    } else if (!effect.empty() && !parse_delta(effect, rule.delta)) {
      diags.error("bad-effect",
                  fmt::format("`effect` of {} is `block` or a score change such as `+15` or `-20` (at most 100), found `{}`",
                              what, effect),
                  node.find("effect")->loc);
    }
    rule.message = r.text("message", true);
    check_placeholders(node.find("message"), rule.message, diags, source);
    rule.source = r.text("source", true);
    if (rules.size() >= k_max_rules && rules.count(rule.id) == 0) {
      if (!rule_limit_reported) {
        diags.error("too-many-rules",
                    fmt::format("more than {} rules in the rule set; the rules from here on are not read", k_max_rules),
                    node.loc);
      }
      rule_limit_reported = true;
      return;
    }
    rules[rule.id] = std::move(rule);
  }

  void load_combination(const YamlNode& node, const std::string& source) {
    MappingReader r(node, diags, "a combination", {"id", "strategies", "when", "message", "source"});
    Combination c;
    c.id = r.text("id", true);
    c.loc = node.loc;
    c.strategies = r.strings("strategies", true);
    for (const auto& id : c.strategies) {
      if (std::find(strategy_ids.begin(), strategy_ids.end(), id) == strategy_ids.end()) {
        diags.error("unknown-strategy",
                    fmt::format("combination `{}` names an unknown strategy `{}`{}", c.id, id, did_you_mean(id, strategy_ids)),
                    node.find("strategies")->loc);
      }
    }
    if (const YamlNode* when = node.find("when"))
      c.when = compile_condition(*when, source, diags, "combination `" + c.id + "`", strategy_ids);
    else
      r.missing("when");
    c.message = r.text("message", true);
    check_placeholders(node.find("message"), c.message, diags, source);
    c.source = r.text("source", true);
    if (!c.id.empty()) combinations[c.id] = std::move(c);
  }

  void load_gpu(const YamlNode& node) {
    MappingReader r(node, diags, "a GPU",
                    {"id", "name", "aliases", "memory_gib", "peak_tflops", "fp8_tflops", "memory_bandwidth_tbps", "generation",
                     "board_power_w", "utilization_curve", "spec_source", "prices", "price_note"});
    Gpu g;
    g.id = r.text("id", true);
    g.name = r.text("name", true);
    g.aliases = r.strings("aliases", false);
    g.memory_gib = r.number("memory_gib", true);
    g.peak_tflops = r.number("peak_tflops", true);
    g.fp8_tflops = r.number("fp8_tflops", false, 0);
    g.memory_bandwidth_tbps = r.number("memory_bandwidth_tbps", false, 0);
    g.generation = r.text("generation", false);
    g.board_power_w = r.number("board_power_w", true);
    g.utilization_curve = r.text("utilization_curve", true);
    g.spec_source = r.text("spec_source", true);
    g.loc = node.loc;
    if (const YamlNode* prices = node.find("prices"); prices && prices->is_sequence()) {
      for (const auto& p : prices->items) {
        if (!p.is_map()) continue;
        MappingReader pr(p, diags, "a price quote", {"usd_per_hour", "vendor", "date", "source"});
        PriceQuote q{pr.number("usd_per_hour", true), pr.text("vendor", true), pr.text("date", true), pr.text("source", true)};
        if (!q.date.empty() && !is_date(q.date)) diags.error("bad-date", "dates are written YYYY-MM-DD", p.find("date")->loc);
        if (q.usd_per_hour <= 0) diags.error("out-of-range", "a price is above zero", p.loc);
        g.prices.push_back(q);
      }
    }
    // A GPU with no public rental price says why (`price_note`); the advisor never rents it.
    g.price_note = r.text("price_note", false);
    if (g.prices.empty() && g.price_note.empty())
      diags.error("missing-field", fmt::format("GPU `{}` needs at least one dated price under `prices`, or a `price_note`", g.id),
                  node.loc);
    if (!g.id.empty()) gpus[g.id] = std::move(g);
  }

  void load_curve(const YamlNode& node) {
    MappingReader r(node, diags, "a utilization curve", {"id", "points", "why", "source", "date"});
    UtilizationCurve c;
    c.id = r.text("id", true);
    c.why = r.text("why", true);
    c.source = r.text("source", true);
    c.date = r.text("date", true);
    c.loc = node.loc;
    const YamlNode* points = node.find("points");
    if (points == nullptr || !points->is_sequence() || points->items.empty()) {
      diags.error("bad-type", "`points` is a list of [parameters, utilization] pairs", points ? points->loc : node.loc);
      return;
    }
    for (const auto& point : points->items) {
      const bool pair =
          point.is_sequence() && point.items.size() == 2 && point.items[0].is_scalar() && point.items[1].is_scalar();
      const QuantityResult params = pair ? parse_quantity(point.items[0].value, Dimension::number) : QuantityResult{};
      const QuantityResult util = pair ? parse_quantity(point.items[1].value, Dimension::fraction) : QuantityResult{};
      if (!params.ok || !util.ok || util.value <= 0 || util.value > 1) {
        diags.error("bad-type", "each point is [parameters, utilization between 0 and 1]", point.loc);
        return;
      }
      if (!c.points.empty() && params.value <= c.points.back().first) {
        diags.error("out-of-range", "points are in increasing order of parameters", point.loc);
        return;
      }
      c.points.emplace_back(params.value, util.value);
    }
    if (!c.id.empty()) set.catalog.utilization_curves[c.id] = std::move(c);
  }

  /// A model key that takes one of two words: true when it says `other`, false when absent or
  /// `usual`; any other word is refused at its place.
  bool other_word(MappingReader& r, const YamlNode& node, const std::string& id, const char* key, const char* usual,
                  const char* other) {
    const std::string word = r.text(key, false);
    if (!word.empty() && word != usual && word != other)
      diags.error("out-of-range", fmt::format("`{}` of model `{}` is `{}` (the default) or `{}`", key, id, usual, other),
                  node.find(key)->loc);
    return word == other;
  }

  void load_model(const YamlNode& node) {
    MappingReader r(node, diags, "a model",
                    {"id", "name", "aliases", "params", "active_params", "layers", "hidden", "ffn", "heads", "kv_heads", "vocab",
                     "mlp", "embeddings", "context", "licence", "quality_tier", "date", "source", "why"});
    ModelInfo m;
    m.id = r.text("id", true);
    m.name = r.text("name", true);
    m.aliases = r.strings("aliases", false);
    ModelShape& shape = m.shape;
    shape.id = m.id;
    shape.params = r.number("params", true);
    shape.active_params = r.number("active_params", false, shape.params);
    shape.layers = r.integer("layers", true, 1, 1, 10000);
    shape.hidden = r.integer("hidden", true, 1, 1, 1000000);
    shape.ffn = r.integer("ffn", true, 1, 1, 10000000);
    shape.heads = r.integer("heads", true, 1, 1, 100000);
    shape.kv_heads = r.integer("kv_heads", false, shape.heads, 1, 100000);
    shape.vocab = r.integer("vocab", true, 1, 1, 100000000);
    shape.gated_mlp = !other_word(r, node, m.id, "mlp", "gated", "plain");
    shape.tied_embeddings = other_word(r, node, m.id, "embeddings", "untied", "tied");
    m.context = r.integer("context", true, 1, 1, 1000000000);
    m.licence = r.text("licence", false);
    m.quality_tier = r.integer("quality_tier", false, 0, 0, 5);
    m.date = r.text("date", false);
    m.source = r.text("source", true);
    m.why = r.text("why", false);
    m.loc = node.loc;
    if (!m.date.empty() && !is_date(m.date)) diags.error("bad-date", "dates are written YYYY-MM-DD", node.find("date")->loc);
    if (!m.id.empty()) models[m.id] = std::move(m);
  }

  /// Quality tier, licence and date of a model listed elsewhere (applied once every file is read).
  void load_model_tier(const YamlNode& node) {
    MappingReader r(node, diags, "a model tier", {"id", "quality_tier", "licence", "date", "source", "why"});
    ModelInfo m;
    m.id = r.text("id", true);
    m.quality_tier = r.integer("quality_tier", true, 0, 0, 5);
    m.licence = r.text("licence", false);
    m.date = r.text("date", true);
    m.source = r.text("source", true);
    m.why = r.text("why", false);
    m.loc = node.loc;
    if (!m.date.empty() && !is_date(m.date)) diags.error("bad-date", "dates are written YYYY-MM-DD", node.find("date")->loc);
    if (!m.id.empty()) model_tiers[m.id] = std::move(m);
  }

  void load_api(const YamlNode& node) {
    MappingReader r(node, diags, "an API price",
                    {"id",
                     "name",
                     "vendor",
                     "usd_per_m_input",
                     "usd_per_m_output",
                     "usd_per_m_cached_input",
                     "batch_discount",
                     "context",
                     "quality_tier",
                     "ttft_ms",
                     "output_tokens_per_s",
                     "finetune_usd_per_m_training",
                     "finetune_usd_per_m_input",
                     "finetune_usd_per_m_output",
                     "finetune_hosting_usd_per_hour",
                     "finetune_min_examples",
                     "finetune_jobs_end",
                     "retirement",
                     "date",
                     "source",
                     "why"});
    ApiPrice a;
    a.id = r.text("id", true);
    a.name = r.text("name", true);
    a.vendor = r.text("vendor", false);
    a.usd_per_m_input = r.number("usd_per_m_input", true);
    a.usd_per_m_output = r.number("usd_per_m_output", true);
    a.usd_per_m_cached_input = r.number("usd_per_m_cached_input", false);
    a.batch_discount = r.number("batch_discount", false);
    a.context = r.integer("context", false, 0, 0, 2000000000);
    a.quality_tier = r.integer("quality_tier", false, 0, 0, 5);
    a.ttft_ms = r.number("ttft_ms", false);
    a.output_tokens_per_s = r.number("output_tokens_per_s", false);
    a.finetune_usd_per_m_training = r.get("finetune_usd_per_m_training") ? r.number("finetune_usd_per_m_training", false) : -1;
    a.finetune_usd_per_m_input = r.get("finetune_usd_per_m_input") ? r.number("finetune_usd_per_m_input", false) : -1;
    a.finetune_usd_per_m_output = r.get("finetune_usd_per_m_output") ? r.number("finetune_usd_per_m_output", false) : -1;
    a.finetune_hosting_usd_per_hour = r.number("finetune_hosting_usd_per_hour", false);
    a.finetune_min_examples = r.integer("finetune_min_examples", false, 0, 0, 1000000000);
    a.finetune_jobs_end = r.text("finetune_jobs_end", false);
    a.retirement = r.text("retirement", false);
    a.date = r.text("date", true);
    a.source = r.text("source", true);
    a.why = r.text("why", false);
    a.loc = node.loc;
    if (!a.date.empty() && !is_date(a.date)) diags.error("bad-date", "dates are written YYYY-MM-DD", node.find("date")->loc);
    for (const char* key : {"retirement", "finetune_jobs_end"}) {
      const YamlNode* date = node.find(key);
      if (date != nullptr && !date->value.empty() && !is_date(date->value))
        diags.error("bad-date", "dates are written YYYY-MM-DD", date->loc);
    }
    if (!a.id.empty()) apis[a.id] = std::move(a);
  }

  void load_constants(const YamlNode& node) {
    if (!node.is_map()) {
      diags.error("bad-type", "`cost_model` is a mapping of named constants", node.loc);
      return;
    }
    for (const auto& [key, value] : node.entries) {
      if (!value.is_map()) {
        diags.error("bad-type", fmt::format("cost constant `{}` is a mapping with a value, source and date", key.value),
                    value.loc);
        continue;
      }
      MappingReader r(value, diags, "cost constant `" + key.value + "`",
                      {"value", "low", "expected", "high", "unit", "why", "source", "date"});
      CostConstant c;
      c.name = key.value;
      c.loc = key.loc;
      const YamlNode* v = value.find("value");
      if (v != nullptr && v->is_scalar() && !v->value.empty() && std::isalpha(static_cast<unsigned char>(v->value[0]))) {
        c.text = v->value;  // a textual constant, such as a default model id
      } else if (v != nullptr) {
        c.value = Range::exactly(r.number("value", true));
      } else {
        c.value = {r.number("low", true), r.number("expected", true), r.number("high", true)};
        if (!(c.value.low <= c.value.expected && c.value.expected <= c.value.high)) {
          diags.error("out-of-range", fmt::format("cost constant `{}` needs low <= expected <= high", c.name), value.loc);
        }
      }
      c.unit = r.text("unit", false);
      c.why = r.text("why", true);
      c.source = r.text("source", true);
      c.date = r.text("date", true);
      if (!c.date.empty() && !is_date(c.date)) diags.error("bad-date", "dates are written YYYY-MM-DD", value.find("date")->loc);
      set.catalog.constants[c.name] = c;
    }
  }

  void finish() {
    if (strategies.empty()) {
      diags.error("missing-strategy", "the rule set defines no strategy under `strategies`", SourceLoc{"<ruleset>", 0, 0});
    }
    for (const auto& id : strategy_ids) set.strategies.push_back(strategies.at(id));
    set.catalog.strategy_ids = strategy_ids;
    for (auto& [id, r] : rules) set.rules.push_back(std::move(r));
    for (auto& [id, c] : combinations) set.combinations.push_back(std::move(c));
    for (auto& [id, g] : gpus) {
      if (!g.utilization_curve.empty() && set.catalog.utilization_curves.count(g.utilization_curve) == 0) {
        diags.error("unknown-id",
                    fmt::format("GPU `{}` names utilization curve `{}`, which `utilization_curves` does not define", id,
                                g.utilization_curve),
                    g.loc);
      }
      g.resolve_prices();
      set.catalog.gpus.push_back(std::move(g));
    }
    for (auto& [id, t] : model_tiers) {
      const auto it = models.find(id);
      if (it == models.end()) {
        diags.error("unknown-id", fmt::format("`model_tiers` names model `{}`, which `models` does not list", id), t.loc);
        continue;
      }
      it->second.quality_tier = t.quality_tier;
      if (!t.licence.empty()) it->second.licence = t.licence;
      it->second.date = t.date;
      it->second.why = t.source + (t.why.empty() ? "" : "; " + t.why);
    }
    for (auto& [id, m] : models) set.catalog.models.push_back(std::move(m));
    for (auto& [id, a] : apis) set.catalog.apis.push_back(std::move(a));
    const auto check_id = [&](const char* name, bool model) {
      const auto it = set.catalog.constants.find(name);
      if (it == set.catalog.constants.end()) return;
      const bool found =
          model ? set.catalog.find_model(it->second.text) != nullptr : set.catalog.find_api(it->second.text) != nullptr;
      if (!found) {
        diags.error("unknown-id",
                    fmt::format("cost constant `{}` names `{}`, which is not in the {} catalog", name, it->second.text,
                                model ? "model" : "API"),
                    it->second.loc);
      }
    };
    check_id("default_model_for_tuning", true);
    check_id("api_model_default", false);
    for (const auto& name : required_cost_constants()) {
      if (set.catalog.constants.count(name) == 0) {
        diags.error("missing-constant", fmt::format("the cost model needs constant `{}` under `cost_model`", name),
                    SourceLoc{"<ruleset>", 0, 0});
      }
    }
    resolve_cost_model(set.catalog);
    check_catalog_bounds(set.catalog, diags);
  }
};

}  // namespace

std::string render_message(const std::string& message, const Facts& facts) {
  std::string out;
  out.reserve(message.size() + 32);  // room for a figure or two without growing
  std::size_t pos = 0;
  while (pos < message.size()) {
    const std::size_t open = message.find('{', pos);
    if (open == std::string::npos) break;
    const std::size_t close = message.find('}', open);
    if (close == std::string::npos) break;
    out.append(message, pos, open - pos);
    const std::string_view path = std::string_view(message).substr(open + 1, close - open - 1);
    if (const auto index = fact_index(path))
      out += format_fact(fact_catalog()[*index], facts.get(*index));
    else
      out.append(message, open, close - open + 1);
    pos = close + 1;
  }
  out.append(message, pos, std::string::npos);
  return out;
}

RuleSet load_ruleset(const std::vector<RuleSource>& sources, Diagnostics& diags) {
  RuleSet set;
  Loader loader{diags, set, {}, {}, {}, {}, {}, {}, {}, {}, false, {}};
  // Parsing is the slow part and files are independent: parse them in parallel, then register
  // them in order so that overrides apply as given.
  std::vector<std::vector<YamlNode>> docs(sources.size());
  std::vector<Diagnostics> parse_diags(sources.size());
  parallel_for(sources.size(), [&](std::size_t i) {
    docs[i] = sources[i].tree.empty() ? parse_yaml(sources[i].text, sources[i].name, parse_diags[i])
                                      : deserialize_yaml(sources[i].tree, sources[i].name);
  });
  for (const auto& file_docs : docs) loader.load_strategies(file_docs);
  loader.collect_strategy_ids();
  for (std::size_t i = 0; i < sources.size(); ++i) loader.load(sources[i], docs[i], parse_diags[i]);
  loader.finish();
  return set;
}

}  // namespace llmplan
