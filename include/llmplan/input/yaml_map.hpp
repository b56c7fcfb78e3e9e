#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "llmplan/input/diagnostic.hpp"
#include "llmplan/input/units.hpp"
#include "llmplan/input/yaml_tree.hpp"

namespace llmplan {

/// `a`, `b`, `c`: names quoted for a message.
std::string quoted_list(const std::vector<std::string>& names);

/// The error for a key that `known` does not hold: the closest known key as a suggestion, else
/// `fallback_hint` when given, else the list of known keys. `where` reads "in a rule",
/// "at the top level". Every reader of a YAML mapping reports unknown keys through this.
void report_unknown_key(const YamlNode& key, const std::vector<std::string>& known, std::string_view where, Diagnostics& diags,
                        const std::string& path = "", const std::string& fallback_hint = "");

/// Reads one YAML mapping of a known shape (a rule, a strategy, a GPU, a rule test case): every
/// key it does not know is reported with a suggestion, and each value is read with its type
/// checked and a located error naming the key. Duplicate keys are refused by the YAML reader.
class MappingReader {
 public:
  MappingReader(const YamlNode& node, Diagnostics& diags, std::string what, std::vector<std::string> known);

  [[nodiscard]] const YamlNode* get(std::string_view key) const { return m_node.find(key); }
  /// A scalar; "" when absent (an error when `required`).
  std::string text(const std::string& key, bool required);
  /// A non-negative number in any quantity form of `dimension`; `fallback` when absent or bad.
  double number(const std::string& key, bool required, double fallback = 0, Dimension dimension = Dimension::number);
  /// A whole number within [min, max] (counts such as layers or a rung), refused otherwise.
  int integer(const std::string& key, bool required, int fallback, int min, int max);
  /// A word or a list of words.
  std::vector<std::string> strings(const std::string& key, bool required);
  /// A nested mapping, or nullptr (an error when present but not a mapping).
  const YamlNode* mapping(const std::string& key);
  /// Reports that `key` is required and absent.
  void missing(const std::string& key);

 private:
  const YamlNode& m_node;
  Diagnostics& m_diags;
  std::string m_what;
};

}  // namespace llmplan
