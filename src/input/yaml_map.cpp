#include "llmplan/input/yaml_map.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "llmplan/input/suggest.hpp"

namespace llmplan {

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "`" : ", `") + name + "`";
  return out;
}

void report_unknown_key(const YamlNode& key, const std::vector<std::string>& known, std::string_view where, Diagnostics& diags,
                        const std::string& path, const std::string& fallback_hint) {
  std::string hint = did_you_mean(key.value, known);
  if (hint.empty()) hint = fallback_hint;
  if (hint.empty()) hint = fmt::format("; known keys {}: {}", where, quoted_list(known));
  diags.error("unknown-key", fmt::format("unknown key `{}` {}{}", key.value, where, hint), key.loc, path);
}

MappingReader::MappingReader(const YamlNode& node, Diagnostics& diags, std::string what, std::vector<std::string> known)
    : m_node(node), m_diags(diags), m_what(std::move(what)) {
  for (const auto& [key, value] : node.entries) {
    if (!key.is_scalar()) {
      m_diags.error("bad-key", fmt::format("keys of {} are plain names", m_what), key.loc);
    } else if (std::find(known.begin(), known.end(), key.value) == known.end()) {
      report_unknown_key(key, known, "in " + m_what, m_diags);
    }
  }
}

std::string MappingReader::text(const std::string& key, bool required) {
  const YamlNode* v = get(key);
  if (v == nullptr || v->is_null()) {
    if (required) missing(key);
    return {};
  }
  if (!v->is_scalar()) {
    m_diags.error("bad-type", fmt::format("`{}` of {} is text, found {}", key, m_what, kind_name(v->kind)), v->loc);
    return {};
  }
  if (required && v->value.empty()) missing(key);
  return v->value;
}

double MappingReader::number(const std::string& key, bool required, double fallback, Dimension dimension) {
  const YamlNode* v = get(key);
  if (v == nullptr || v->is_null()) {
    if (required) missing(key);
    return fallback;
  }
  const QuantityResult q = v->is_scalar() ? parse_quantity(v->value, dimension) : QuantityResult{};
  if (!q.ok) {
    m_diags.error("bad-quantity",
                  fmt::format("`{}` of {} must be a non-negative number, found `{}`", key, m_what,
                              v->is_scalar() ? v->value : kind_name(v->kind)),
                  v->loc);
    return fallback;
  }
  return q.value;
}

int MappingReader::integer(const std::string& key, bool required, int fallback, int min, int max) {
  const YamlNode* v = get(key);
  const double value = number(key, required, fallback);
  if (value < min || value > max || value != std::floor(value)) {
    m_diags.error("out-of-range", fmt::format("`{}` of {} is a whole number from {} to {}", key, m_what, min, max),
                  v ? v->loc : m_node.loc);
    return fallback;
  }
  return static_cast<int>(value);
}

std::vector<std::string> MappingReader::strings(const std::string& key, bool required) {
  std::vector<std::string> out;
  const YamlNode* v = get(key);
  if (v == nullptr || v->is_null()) {
    if (required) missing(key);
    return out;
  }
  if (v->is_scalar()) return {v->value};
  if (!v->is_sequence()) {
    m_diags.error("bad-type", fmt::format("`{}` of {} is a list, found {}", key, m_what, kind_name(v->kind)), v->loc);
    return out;
  }
  for (const auto& item : v->items) {
    if (item.is_scalar())
      out.push_back(item.value);
    else
      m_diags.error("bad-type", fmt::format("items of `{}` of {} are words", key, m_what), item.loc);
  }
  return out;
}

const YamlNode* MappingReader::mapping(const std::string& key) {
  const YamlNode* v = get(key);
  if (v == nullptr || v->is_null()) return nullptr;
  if (!v->is_map()) {
    m_diags.error("bad-type", fmt::format("`{}` of {} is a mapping, found {}", key, m_what, kind_name(v->kind)), v->loc);
    return nullptr;
  }
  return v;
}

void MappingReader::missing(const std::string& key) {
  m_diags.error("missing-field", fmt::format("{} needs `{}`", m_what, key), m_node.loc);
}

}  // namespace llmplan
