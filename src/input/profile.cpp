#include "llmplan/input/profile.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "llmplan/input/fields.hpp"
#include "llmplan/input/profile_set.hpp"
#include "llmplan/input/suggest.hpp"
#include "llmplan/input/units.hpp"
#include "llmplan/input/yaml_map.hpp"
#include "llmplan/input/yaml_tree.hpp"
#include "llmplan/rules/parallel.hpp"
#include "output/json_tree.hpp"

namespace llmplan {

namespace {

using Kind = FieldKind;
using FieldSpec = ProfileField;

const std::vector<ProfileField>& field_specs() {
  return profile_fields();
}

const ProfileField* find_spec(std::string_view path) {
  return find_profile_field(path);
}

std::vector<std::string> top_level_keys() {
  std::vector<std::string> keys;
  for (const auto& spec : field_specs()) {
    std::string p(spec.path);
    std::string head = p.substr(0, p.find('.'));
    if (std::find(keys.begin(), keys.end(), head) == keys.end()) keys.push_back(head);
  }
  return keys;
}

/// Whether a field's path lies in `section` (`data.labeled_examples` in `data`).
bool in_section(std::string_view path, std::string_view section) {
  return path.size() > section.size() && path.compare(0, section.size(), section) == 0 && path[section.size()] == '.';
}

std::vector<std::string> section_keys(std::string_view section) {
  std::vector<std::string> keys;
  for (const auto& spec : field_specs()) {
    const std::string_view path(spec.path);
    if (in_section(path, section)) keys.emplace_back(path.substr(section.size() + 1));
  }
  return keys;
}

bool is_section(std::string_view key) {
  return std::any_of(field_specs().begin(), field_specs().end(), [&](const auto& spec) { return in_section(spec.path, key); });
}

/// Where, inside a scalar, a byte offset of its value lies (quotes shift it by one).
SourceLoc loc_at(const YamlNode& node, std::size_t offset) {
  SourceLoc loc = node.loc;
  if (node.value.find('\n') == std::string::npos) loc.column += static_cast<int>(offset) + (node.plain ? 0 : 1);
  return loc;
}

struct Level {
  const char* word;
  double value;
};
constexpr Level k_overlap_words[] = {{"high", 0.8}, {"medium", 0.5}, {"low", 0.2}, {"none", 0.0}};

/// What is wrong with a number for a numeric field, by the field table (code, "must be ...").
std::optional<std::pair<const char*, std::string>> number_problem(const FieldSpec& spec, double value) {
  if (!std::isfinite(value)) return std::make_pair("bad-quantity", std::string("must be a finite number"));
  // `4.18M` names a whole number, though 4.18 x 1e6 is not exactly one in binary.
  if (spec.whole && std::fabs(value - std::round(value)) > 1e-9 * std::max(1.0, std::fabs(value)))
    return std::make_pair("bad-quantity", std::string("must be a whole number"));
  if (value < spec.min || (spec.max > 0 && value > spec.max)) {
    const std::string bound =
        spec.max > 0 ? fmt::format("between {:g} and {:g}", spec.min, spec.max) : fmt::format("at least {:g}", spec.min);
    return std::make_pair("out-of-range", "must be " + bound);
  }
  return std::nullopt;
}

class ProfileReader {
 public:
  ProfileReader(Profile& profile, Diagnostics& diags, const Catalog& catalog)
      : m_profile(profile), m_diags(diags), m_catalog(catalog) {}

  void read_document(const YamlNode& root) {
    if (root.is_null()) {
      m_diags.error("empty-profile", "the profile is empty: it needs at least data, domain, budget and risk",
                    SourceLoc{m_profile.file, 1, 1});
      return;
    }
    if (!root.is_map()) {
      m_diags.error("bad-type", fmt::format("a profile is a mapping of fields, found {}", kind_name(root.kind)), root.loc);
      return;
    }
    m_root_loc = root.loc;
    for (const auto& [key, value] : root.entries) read_top_level(key, value);
    apply_defaults();
  }

  /// Reads one field's value node (used by the file reader and by --set).
  bool read_field(const FieldSpec& spec, const YamlNode& node) {
    const std::string path(spec.path);
    if (node.is_null()) {
      if (spec.required) {
        m_diags.error("missing-value", fmt::format("`{}` needs a value", path), node.loc, path);
        return false;
      }
      return true;  // same as absent: the default applies
    }
    m_profile.ranges.erase(path);  // a new value replaces a range the field held
    std::optional<Value> value = convert(spec, node);
    if (!value) return false;
    m_profile.facts.set(path, *value);
    m_given.insert(path);
    m_profile.locations[path] = node.loc;
    return true;
  }

  void apply_defaults() {
    for (const auto& spec : field_specs()) {
      const std::string path(spec.path);
      if (m_given.count(path) > 0 || m_failed.count(path) > 0) continue;
      if (spec.required) {
        m_diags.error("missing-field", fmt::format("missing required field `{}`", path), section_loc(path), path);
        continue;
      }
      if (spec.default_text.empty()) {
        if (!spec.unset_why.empty()) m_profile.assumptions.push_back({path, Value::of_null(), std::string(spec.unset_why)});
        continue;
      }
      if (path == "name" || path == "description") continue;
      const std::optional<Value>& value = default_value(spec);
      if (!value) continue;
      m_profile.facts.set(path, *value);
      m_profile.assumptions.push_back({path, *value, "default"});
    }
    if (m_given.count("hardware.count") > 0 && m_given.count("hardware.gpu") == 0) {
      m_diags.error("missing-field", "`hardware.count` is given without `hardware.gpu`", m_profile.locations["hardware.count"],
                    "hardware.gpu");
    }
  }

  void mark_failed(const std::string& path) { m_failed.insert(path); }

 private:
  /// A default written as a plain word (`10k`, `static`) or a flow list of them (`[skill]`), as
  /// the node YAML reads it, built directly: setting up yaml-cpp costs more than reading these
  /// few bytes at every start. nullopt for any other text, which goes through parse_yaml.
  static std::optional<YamlNode> simple_node(std::string_view text) {
    const auto word = [](std::string_view w, std::size_t at) -> std::optional<YamlNode> {
      if (w.empty() || !(std::isalnum(static_cast<unsigned char>(w.front())) || w.front() == '$')) return std::nullopt;
      for (const char c : w) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view("._$%").find(c) == std::string_view::npos)
          return std::nullopt;
      }
      YamlNode node;
      node.kind = YamlNode::Kind::scalar;
      node.loc = SourceLoc{"<default>", 1, static_cast<int>(at) + 1};
      node.offset = at;
      node.value = std::string(w);
      return node;
    };
    if (text.size() < 2 || text.front() != '[' || text.back() != ']') return word(text, 0);
    YamlNode list;
    list.kind = YamlNode::Kind::sequence;
    list.loc = SourceLoc{"<default>", 1, 1};
    std::size_t at = 1;
    while (at < text.size() - 1) {
      std::size_t end = text.find(',', at);
      if (end == std::string_view::npos) end = text.size() - 1;
      std::size_t begin = at;
      while (begin < end && text[begin] == ' ') ++begin;
      std::size_t stop = end;
      while (stop > begin && text[stop - 1] == ' ') --stop;
      auto item = word(text.substr(begin, stop - begin), begin);
      if (!item) return std::nullopt;
      list.items.push_back(std::move(*item));
      at = end + 1;
    }
    if (list.items.empty()) return std::nullopt;
    return list;
  }

  /// A field's default, read once (per process) through the same checks as a value in a file.
  const std::optional<Value>& default_value(const FieldSpec& spec) {
    static const std::optional<Value> none;
    static const std::map<std::string, std::optional<Value>, std::less<>> cache = [this] {
      std::map<std::string, std::optional<Value>, std::less<>> out;
      for (const auto& s : field_specs()) {
        if (s.default_text.empty()) continue;
        if (auto node = simple_node(s.default_text)) {
          out[std::string(s.path)] = convert(s, *node);
          continue;
        }
        Diagnostics ignored;
        auto nodes = parse_yaml(s.default_text, "<default>", ignored);
        out[std::string(s.path)] = nodes.empty() ? std::nullopt : convert(s, nodes.front());
      }
      return out;
    }();
    const auto it = cache.find(spec.path);
    return it == cache.end() ? none : it->second;
  }

  SourceLoc section_loc(const std::string& path) const {
    const std::string head = path.substr(0, path.find('.'));
    const auto it = m_section_locs.find(head);
    if (it != m_section_locs.end()) return it->second;
    return SourceLoc{m_profile.file, m_root_loc.line > 0 ? m_root_loc.line : 1, 1};
  }

  void read_top_level(const YamlNode& key, const YamlNode& value) {
    if (!key.is_scalar()) {
      m_diags.error("bad-key", "keys must be plain names", key.loc);
      return;
    }
    const std::string& name = key.value;
    if (is_section(name)) {
      m_section_locs[name] = key.loc;
      read_section(name, value);
      return;
    }
    if (const FieldSpec* spec = find_spec(name)) {
      if (!read_field(*spec, value)) mark_failed(name);
      return;
    }
    unknown_key(key, name, top_level_keys(), "");
  }

  void read_section(const std::string& section, const YamlNode& node) {
    if (node.is_null()) return;
    if (!node.is_map()) {
      m_diags.error("bad-type",
                    fmt::format("`{}` is a mapping of fields ({}), found {}", section, quoted_list(section_keys(section)),
                                kind_name(node.kind)),
                    node.loc, section);
      for (const auto& leaf : section_keys(section)) mark_failed(section + "." + leaf);
      return;
    }
    for (const auto& [key, value] : node.entries) {
      if (!key.is_scalar()) {
        m_diags.error("bad-key", "keys must be plain names", key.loc, section);
        continue;
      }
      const std::string path = section + "." + key.value;
      const FieldSpec* spec = find_spec(path);
      if (spec == nullptr) {
        unknown_key(key, key.value, section_keys(section), section);
        continue;
      }
      if (!read_field(*spec, value)) mark_failed(path);
    }
  }

  void unknown_key(const YamlNode& key, const std::string& name, const std::vector<std::string>& siblings,
                   const std::string& section) {
    const std::string where = section.empty() ? "at the top level" : "in `" + section + "`";
    // A misspelled field is reported once, here, not again as missing.
    if (const std::string match = closest_match(name, siblings); !match.empty()) {
      mark_failed(section.empty() ? match : section + "." + match);
      if (section.empty() && is_section(match)) {
        for (const auto& leaf : section_keys(match)) mark_failed(match + "." + leaf);
      }
    }
    // Without a likely typo, a known field written in the wrong section: say where it belongs.
    std::string hint;
    for (const auto& spec : field_specs()) {
      const std::string p(spec.path);
      const auto dot = p.find('.');
      if (dot != std::string::npos && p.substr(dot + 1) == name) {
        hint = fmt::format(" (`{}` belongs under `{}`)", name, p.substr(0, dot));
        break;
      }
    }
    report_unknown_key(key, siblings, where, m_diags, section.empty() ? name : section + "." + name, hint);
  }

  std::optional<Value> convert(const FieldSpec& spec, const YamlNode& node) {
    const std::string path(spec.path);
    if (spec.kind == Kind::enum_list) return convert_list(spec, node);
    if (!node.is_scalar()) {
      m_diags.error("bad-type", fmt::format("`{}` takes a single value, found {}", path, kind_name(node.kind)), node.loc, path);
      return std::nullopt;
    }
    switch (spec.kind) {
      case Kind::quantity: return convert_quantity(spec, node);
      case Kind::enumeration: return convert_enum(path, node, allowed_values(path));
      case Kind::boolean: return convert_bool(path, node);
      case Kind::text: return Value::of_string(node.value);
      case Kind::overlap: return convert_overlap(spec, node);
      case Kind::gpu_id: return convert_catalog_id(path, node, m_catalog.gpu_names(), true);
      case Kind::model_id: return convert_catalog_id(path, node, m_catalog.model_names(), false);
      case Kind::api_id: return convert_api_id(path, node);
      case Kind::strategy_id: return convert_enum(path, node, m_catalog.strategy_ids);
      case Kind::enum_list: break;
    }
    return std::nullopt;
  }

  static std::vector<std::string> allowed_values(const std::string& path) {
    const auto index = fact_index(path);
    return index ? fact_catalog()[*index].allowed : std::vector<std::string>{};
  }

  std::optional<Value> convert_quantity(const FieldSpec& spec, const YamlNode& node) {
    const std::string path(spec.path);
    const QuantityRangeResult q = parse_quantity_range(node.value, spec.dimension);
    if (!q.ok) {
      m_diags.error("bad-quantity", fmt::format("`{}`: {}", path, q.error), loc_at(node, q.error_offset), path);
      return std::nullopt;
    }
    for (const double v : {q.low, q.high}) {
      if (const auto problem = number_problem(spec, v)) {
        m_diags.error(problem->first, fmt::format("`{}` {}, found `{}`", path, problem->second, node.value), node.loc, path);
        return std::nullopt;
      }
    }
    if (!q.is_range) return Value::of_number(spec.whole ? std::round(q.low) : q.low);
    m_profile.ranges[path] = {q.low, q.high};
    double middle = range_middle(q.low, q.high);
    if (spec.whole) middle = std::round(middle);
    return Value::of_number(middle);
  }

  std::optional<Value> convert_overlap(const FieldSpec& spec, const YamlNode& node) {
    for (const auto& level : k_overlap_words) {
      if (node.value == level.word) return Value::of_number(level.value);
    }
    const bool starts_like_number = !node.value.empty() && (std::isdigit(static_cast<unsigned char>(node.value[0])) ||
                                                            node.value[0] == '.' || node.value[0] == '-');
    if (!starts_like_number) {
      const std::vector<std::string> words = {"high", "medium", "low", "none"};
      m_diags.error("bad-enum",
                    fmt::format("`{}` is `high`, `medium`, `low`, `none` or a fraction such as `40%`, found `{}`{}", spec.path,
                                node.value, did_you_mean(node.value, words)),
                    node.loc, std::string(spec.path));
      return std::nullopt;
    }
    return convert_quantity(spec, node);
  }

  std::optional<Value> convert_enum(const std::string& path, const YamlNode& node, const std::vector<std::string>& allowed) {
    if (std::find(allowed.begin(), allowed.end(), node.value) != allowed.end()) return Value::of_string(node.value);
    m_diags.error("bad-enum",
                  fmt::format("`{}` must be one of {}, found `{}`{}", path, quoted_list(allowed), node.value,
                              did_you_mean(node.value, allowed)),
                  node.loc, path);
    return std::nullopt;
  }

  std::optional<Value> convert_bool(const std::string& path, const YamlNode& node) {
    static const std::vector<std::string> yes = {"true", "True", "TRUE", "yes", "Yes"};
    static const std::vector<std::string> no = {"false", "False", "FALSE", "no", "No"};
    if (std::find(yes.begin(), yes.end(), node.value) != yes.end()) return Value::of_bool(true);
    if (std::find(no.begin(), no.end(), node.value) != no.end()) return Value::of_bool(false);
    m_diags.error("bad-type", fmt::format("`{}` is `true` or `false`, found `{}`", path, node.value), node.loc, path);
    return std::nullopt;
  }

  std::optional<Value> convert_api_id(const std::string& path, const YamlNode& node) {
    if (const ApiPrice* a = m_catalog.find_api(node.value)) return Value::of_string(a->id);
    std::string hint = did_you_mean(node.value, m_catalog.api_names());
    if (hint.empty()) hint = "; `llmplan models` lists the known ids";
    m_diags.error("unknown-api", fmt::format("`{}`: unknown hosted model `{}`{}", path, node.value, hint), node.loc, path);
    return std::nullopt;
  }

  std::optional<Value> convert_catalog_id(const std::string& path, const YamlNode& node, const std::vector<std::string>& names,
                                          bool gpu) {
    if (gpu) {
      if (const Gpu* g = m_catalog.find_gpu(node.value)) return Value::of_string(g->id);
    } else if (const ModelInfo* m = m_catalog.find_model(node.value)) {
      return Value::of_string(m->id);
    }
    const std::string listing = gpu ? "llmplan gpus" : "llmplan models";
    std::string hint = gpu ? m_catalog.gpu_suggestion(node.value) : did_you_mean(node.value, names);
    if (hint.empty()) hint = fmt::format("; `{}` lists the known ids", listing);
    m_diags.error(gpu ? "unknown-gpu" : "unknown-model", fmt::format("`{}`: unknown id `{}`{}", path, node.value, hint), node.loc,
                  path);
    return std::nullopt;
  }

  std::optional<Value> convert_list(const FieldSpec& spec, const YamlNode& node) {
    const std::string path(spec.path);
    const auto allowed = allowed_values(path);
    std::vector<const YamlNode*> items;
    if (node.is_scalar()) {
      items.push_back(&node);
    } else if (node.is_sequence()) {
      for (const auto& item : node.items) items.push_back(&item);
    } else {
      m_diags.error("bad-type", fmt::format("`{}` is a list such as [knowledge, style], found {}", path, kind_name(node.kind)),
                    node.loc, path);
      return std::nullopt;
    }
    std::set<std::string> values;  // order carries no meaning: kept sorted
    bool ok = true;
    for (const YamlNode* item : items) {
      if (!item->is_scalar()) {
        m_diags.error("bad-type", fmt::format("items of `{}` are words, found {}", path, kind_name(item->kind)), item->loc, path);
        ok = false;
        continue;
      }
      if (!convert_enum(path, *item, allowed)) {
        ok = false;
        continue;
      }
      if (!values.insert(item->value).second) {
        m_diags.warning("duplicate-item", fmt::format("`{}` lists `{}` twice", path, item->value), item->loc, path);
      }
    }
    if (!ok) return std::nullopt;
    return Value::of_list(std::vector<std::string>(values.begin(), values.end()));
  }

  Profile& m_profile;
  Diagnostics& m_diags;
  const Catalog& m_catalog;
  SourceLoc m_root_loc;
  std::set<std::string> m_given;
  std::set<std::string> m_failed;
  std::map<std::string, SourceLoc> m_section_locs;
};

/// Facts that follow from the given ones, so that rules can say simply what they mean.
void derive_facts(Profile& profile, const Catalog& catalog) {
  Facts& f = profile.facts;
  if (f.get("name").is_null() || f.text("name").empty()) f.set("name", Value::of_string(profile.name));
  profile.name = f.text("name");
  if (f.get("description").is_null()) f.set("description", Value::of_string(""));

  f.set("data.labeled_tokens", Value::of_number(f.number("data.labeled_examples") * f.number("data.example_tokens")));
  static const std::map<std::string, double> updates = {
      {"static", 0}, {"yearly", 1}, {"monthly", 12}, {"weekly", 52}, {"daily", 365}};
  const auto u = updates.find(f.text("data.freshness"));
  f.set("data.updates_per_year", Value::of_number(u == updates.end() ? 0 : u->second));

  const double overlap = f.number("domain.overlap");
  const char* level = overlap >= 0.65 ? "high" : overlap >= 0.35 ? "medium" : overlap >= 0.1 ? "low" : "none";
  f.set("domain.overlap_level", Value::of_string(level));

  f.set("budget.has_monthly_limit", Value::of_bool(!f.get("budget.monthly_usd").is_null()));
  f.set("constraints.has_deadline", Value::of_bool(!f.get("constraints.deadline_weeks").is_null()));

  static const std::map<std::string, double> expertise = {{"none", 0}, {"basic", 1}, {"experienced", 2}, {"expert", 3}};
  const auto e = expertise.find(f.text("team.ml_expertise"));
  f.set("team.expertise_level", Value::of_number(e == expertise.end() ? 1 : e->second));

  const Gpu* gpu = f.get("hardware.gpu").is_null() ? nullptr : catalog.find_gpu(f.text("hardware.gpu"));
  f.set("hardware.owned", Value::of_bool(gpu != nullptr));
  if (gpu != nullptr) {
    if (f.get("hardware.count").is_null() || f.number("hardware.count") == 0) {
      f.set("hardware.count", Value::of_number(1));
      std::erase_if(profile.assumptions, [](const Assumption& a) { return a.field == "hardware.count"; });
      profile.assumptions.push_back({"hardware.count", Value::of_number(1), "default when hardware.gpu is given"});
    }
    f.set("hardware.gpu_memory_gib", Value::of_number(gpu->memory_gib));
  } else {
    f.set("hardware.count", Value::of_number(0));
    f.set("hardware.gpu_memory_gib", Value::of_null());
  }

  // A named model sets the parameter count (all experts of a mixture-of-experts) and the active
  // count, so that `--set model.name=...` changes what the rules and the plan read.
  if (!f.get("model.name").is_null()) {
    if (const ModelInfo* m = catalog.find_model(f.text("model.name"))) {
      f.set("model.params", Value::of_number(m->shape.params));
      // Derived again on every --set, unless the profile gives it: a new name brings its own count.
      if (profile.locations.count("model.active_params") == 0)
        f.set("model.active_params", Value::of_number(m->shape.active_params));
    }
  } else if (profile.locations.count("model.active_params") == 0 && !f.get("model.params").is_null()) {
    f.set("model.active_params", f.get("model.params"));
  }
  std::sort(profile.assumptions.begin(), profile.assumptions.end(),
            [](const Assumption& a, const Assumption& b) { return a.field < b.field; });
}

}  // namespace

std::optional<std::pair<double, double>> fact_range(std::string_view path) {
  static const std::map<std::string, std::pair<double, double>, std::less<>> derived = {{"data.updates_per_year", {0, 365}},
                                                                                        {"team.expertise_level", {0, 3}},
                                                                                        {"strategy.rung", {1, 6}},
                                                                                        {"hardware.count", {0, 1e6}},
                                                                                        {"domain.overlap", {0, 1}}};
  if (const auto it = derived.find(path); it != derived.end()) return it->second;
  for (const auto& spec : field_specs()) {
    if (spec.path == path && spec.kind == Kind::quantity) return std::make_pair(spec.min, spec.max > 0 ? spec.max : 1e300);
  }
  return std::nullopt;
}

std::string profile_json_schema(const std::vector<std::string>& strategy_ids) {
  using json = nlohmann::ordered_json;
  const json quantity = {{"type", json::array({"number", "string"})},
                         {"description", "a number, or text such as `5k`, `$1.5M`, `2T tokens`, `40%`, `6 weeks`"}};
  json sections = json::object();
  json top = json::object();
  std::vector<std::string> required_sections;
  for (const auto& spec : field_specs()) {
    const std::string path(spec.path);
    const auto dot = path.find('.');
    json field;
    const auto index = fact_index(path);
    const std::string description = index ? fact_catalog()[*index].description : "";
    switch (spec.kind) {
      case Kind::quantity: field = quantity; break;
      case Kind::enumeration: field = {{"enum", index ? fact_catalog()[*index].allowed : std::vector<std::string>{}}}; break;
      case Kind::enum_list: {
        const json item = {{"enum", fact_catalog()[*index].allowed}};
        field = {{"oneOf", json::array({{{"type", "array"}, {"items", item}}, item})}};
        break;
      }
      case Kind::boolean: field = {{"type", "boolean"}}; break;
      case Kind::text: field = {{"type", "string"}}; break;
      case Kind::overlap:
        field = {{"oneOf", json::array({{{"enum", {"high", "medium", "low", "none"}}},
                                        {{"type", "number"}, {"minimum", 0}, {"maximum", 1}},
                                        {{"type", "string"}, {"pattern", "^[0-9.]+ ?%$"}}})}};
        break;
      case Kind::gpu_id:
      case Kind::model_id:
      case Kind::api_id: field = {{"type", "string"}, {"description", "an id from `llmplan gpus` / `llmplan models`"}}; break;
      case Kind::strategy_id: field = {{"enum", strategy_ids}}; break;
    }
    if (!description.empty() && !field.contains("description")) field["description"] = description;
    if (dot == std::string::npos) {
      top[path] = field;
      continue;
    }
    const std::string section = path.substr(0, dot);
    json& s = sections[section];
    if (s.is_null()) s = {{"type", "object"}, {"additionalProperties", false}, {"properties", json::object()}};
    s["properties"][path.substr(dot + 1)] = field;
    if (spec.required) {
      s["required"].push_back(path.substr(dot + 1));
      if (std::find(required_sections.begin(), required_sections.end(), section) == required_sections.end()) {
        required_sections.push_back(section);
      }
    }
  }
  for (auto& [name, section] : sections.items()) top[name] = section;
  const json schema = {{"$schema", "http://json-schema.org/draft-07/schema#"},
                       {"$id", "https://llmplan.dev/schema/profile-1.json"},
                       {"title", "llmplan project profile, format version 1"},
                       {"type", "object"},
                       {"additionalProperties", false},
                       {"required", required_sections},
                       {"properties", top}};
  return json_document(schema);
}

double range_middle(double lo, double hi) {
  if (lo > 0 && hi > 10 * lo) return std::sqrt(lo * hi);
  return (lo + hi) / 2;
}

std::string default_profile_name(const std::string& file) {
  if (file == "-" || file.empty()) return "stdin";
  std::string base = file.substr(file.find_last_of('/') == std::string::npos ? 0 : file.find_last_of('/') + 1);
  const auto dot = base.find_last_of('.');
  if (dot != std::string::npos && dot > 0) base = base.substr(0, dot);
  return base;
}

const std::vector<std::string>& profile_field_paths() {
  static const std::vector<std::string> paths = [] {
    std::vector<std::string> out;
    for (const auto& spec : field_specs()) out.emplace_back(spec.path);
    return out;
  }();
  return paths;
}

namespace {

/// The profiles of one part of a stream: one per document. A part holding only comments gives
/// none; a part whose YAML is broken gives one invalid profile carrying the error.
std::vector<LoadedProfile> load_part(const YamlPart& part, const std::string& file, const Catalog& catalog, bool in_stream) {
  Diagnostics yaml_diags;
  const std::vector<YamlNode> documents = parse_yaml(part.text, file, yaml_diags, {}, part.line_offset, part.byte_offset);
  std::vector<LoadedProfile> out;
  if (documents.empty() && !yaml_diags.has_errors()) return out;
  const std::size_t count = std::max<std::size_t>(documents.size(), 1);
  // An empty document among others (`---` twice) holds no profile and costs nothing; a file with
  // no profile at all is still one `empty-profile` error (load_profiles).
  const bool skip_empty = (documents.size() > 1 || in_stream) && yaml_diags.items().empty();
  for (std::size_t i = 0; i < count; ++i) {
    if (skip_empty && documents[i].is_null()) continue;
    LoadedProfile loaded;
    loaded.profile.file = file;
    loaded.profile.name = default_profile_name(file);
    ProfileReader reader(loaded.profile, loaded.diagnostics, catalog);
    reader.read_document(i < documents.size() ? documents[i] : YamlNode{});
    derive_facts(loaded.profile, catalog);
    out.push_back(std::move(loaded));
  }
  // YAML-level findings (syntax, aliases, duplicate keys) go to the document they occur in.
  for (const auto& d : yaml_diags.items()) {
    std::size_t target = 0;
    for (std::size_t i = 0; i < documents.size(); ++i) {
      if (documents[i].loc.line > 0 && documents[i].loc.line <= d.loc.line) target = i;
    }
    out[target].diagnostics.add(d);
  }
  // When YAML itself failed, the reader's complaints about missing fields only add noise.
  for (auto& loaded : out) {
    bool syntax = false;
    for (const auto& d : loaded.diagnostics.items()) {
      syntax =
          syntax || d.code == "yaml-syntax" || d.code == "file-too-large" || d.code == "bad-text" || d.code == "yaml-too-large";
    }
    if (syntax) {
      Diagnostics kept;
      for (const auto& d : loaded.diagnostics.items()) {
        if (d.code != "missing-field" && d.code != "empty-profile") kept.add(d);
      }
      loaded.diagnostics = kept;
    }
    loaded.diagnostics.sort();
  }
  return out;
}

}  // namespace

ProfileStream::ProfileStream(std::string_view text, std::string file, const Catalog& catalog)
    : m_text(text),
      m_file(std::move(file)),
      m_catalog(&catalog),
      m_parts(text.size() > YamlLimits{}.max_bytes ? std::vector<YamlPart>{YamlPart{text, 0, 0}} : split_yaml_documents(text)) {}

std::vector<LoadedProfile> ProfileStream::load(std::size_t index) const {
  return load_part(m_parts[index], m_file, *m_catalog, m_parts.size() > 1);
}

std::size_t ProfileStream::consumed() const {
  return m_next < m_parts.size() ? m_parts[m_next].byte_offset : m_text.size();
}

void ProfileStream::accept(std::vector<std::vector<LoadedProfile>> loaded, std::vector<LoadedProfile>& out) {
  m_next += loaded.size();
  for (auto& part : loaded) {
    for (auto& profile : part) m_held.push_back(std::move(profile));
  }
  if (parts_left() == 0 && m_handed == 0 && m_held.empty()) {  // no document at all: an empty profile, which is an error
    LoadedProfile empty;
    empty.profile.file = m_file;
    empty.profile.name = default_profile_name(m_file);
    ProfileReader reader(empty.profile, empty.diagnostics, *m_catalog);
    reader.read_document(YamlNode{});
    m_held.push_back(std::move(empty));
  }
  // The naming is known once the file has shown a second profile or has ended.
  if (m_handed + m_held.size() > 1 || parts_left() == 0) hand_out(out);
}

void ProfileStream::hand_out(std::vector<LoadedProfile>& out) {
  const bool several = m_handed + m_held.size() > 1;
  for (auto& loaded : m_held) {
    Profile& p = loaded.profile;
    // Documents of one file are told apart by their position, unless they are named.
    if (several && p.locations.count("name") == 0) {
      p.name = fmt::format("{}#{}", default_profile_name(m_file), m_handed + 1);
      p.facts.set("name", Value::of_string(p.name));
    }
    ++m_handed;
    out.push_back(std::move(loaded));
  }
  m_held.clear();
  m_finished = parts_left() == 0;
}

std::vector<LoadedProfile> load_profiles(std::string_view text, const std::string& file, const Catalog& catalog) {
  ProfileStream stream(text, file, catalog);
  std::vector<std::vector<LoadedProfile>> per_part(stream.parts_left());
  parallel_for(per_part.size(), [&](std::size_t i) { per_part[i] = stream.load(i); });
  std::vector<LoadedProfile> out;
  stream.accept(std::move(per_part), out);
  return out;
}

bool set_profile_field(Profile& profile, std::string_view path, std::string_view value_text, const Catalog& catalog,
                       Diagnostics& diags) {
  const SourceLoc where{"--set", 1, 1};
  const FieldSpec* spec = find_spec(path);
  if (spec == nullptr) {
    diags.error("unknown-key", fmt::format("`--set {}`: unknown field{}", path, did_you_mean(path, profile_field_paths())), where,
                std::string(path));
    return false;
  }
  Diagnostics local;
  auto nodes = parse_yaml(value_text, "--set", local);
  if (local.has_errors() || nodes.empty()) {
    diags.error("bad-value", fmt::format("`--set {}`: cannot read the value `{}`", path, value_text), where, std::string(path));
    return false;
  }
  ProfileReader reader(profile, local, catalog);
  if (!reader.read_field(*spec, nodes.front()) || local.has_errors()) {
    for (auto d : local.items()) {
      d.loc = where;
      diags.add(d);
    }
    return false;
  }
  const std::string key(path);
  std::erase_if(profile.assumptions, [&](const Assumption& a) { return a.field == key; });
  derive_facts(profile, catalog);
  return true;
}

bool set_profile_numbers(Profile& profile, const std::vector<std::pair<std::string_view, double>>& values, const Catalog& catalog,
                         Diagnostics& diags, bool clear_range) {
  const SourceLoc where{"--set", 1, 1};
  for (const auto& [path, value] : values) {
    const FieldSpec* spec = find_spec(path);
    const std::string key(path);
    if (spec == nullptr || (spec->kind != Kind::quantity && spec->kind != Kind::overlap)) {
      diags.error("unknown-key", fmt::format("`{}` is not a numeric profile field", path), where, key);
      return false;
    }
    if (const auto problem = number_problem(*spec, value)) {
      diags.error(problem->first, fmt::format("`{}` {}, found `{:.9g}`", path, problem->second, value), where, key);
      return false;
    }
  }
  for (const auto& [path, value] : values) {
    const std::string key(path);
    profile.facts.set(path, Value::of_number(value));
    if (clear_range) profile.ranges.erase(key);
    std::erase_if(profile.assumptions, [&](const Assumption& a) { return a.field == key; });
  }
  derive_facts(profile, catalog);
  return true;
}

bool set_profile_number(Profile& profile, std::string_view path, double value, const Catalog& catalog, Diagnostics& diags,
                        bool clear_range) {
  return set_profile_numbers(profile, {{path, value}}, catalog, diags, clear_range);
}

}  // namespace llmplan
