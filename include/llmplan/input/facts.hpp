#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmplan {

/// A value a rule condition can see. `null` stands for an optional field nobody set.
struct Value {
  enum class Type { null, boolean, number, string, list };

  Type type = Type::null;
  bool boolean = false;
  double number = 0;
  std::string text;
  std::vector<std::string> list;

  static Value of_null() { return {}; }
  static Value of_bool(bool b);
  static Value of_number(double n);
  static Value of_string(std::string s);
  static Value of_list(std::vector<std::string> items);

  [[nodiscard]] bool is_null() const { return type == Type::null; }
  bool operator==(const Value& other) const;
};

const char* type_name(Value::Type type);

/// How a fact is shown to people when a message names it (`{budget.one_time_usd}` -> `$5,000`).
enum class FactUnit { none, usd, count, tokens, params, fraction, weeks, months, days, hours, gib, flops, ms };

/// One known fact: its dotted path, type, unit, the values an enumeration allows, and
/// whether it describes the project (profile) or one strategy's plan (cost, memory).
struct FactInfo {
  std::string path;
  Value::Type type;
  FactUnit unit;
  std::vector<std::string> allowed;
  std::string description;
  bool per_strategy = false;
  bool strategy_valued = false;  ///< its values are the ids of the loaded ladder (not fixed here)
};

/// Every fact a rule may read, sorted by path. Index positions are stable for one build.
const std::vector<FactInfo>& fact_catalog();

/// Index of a fact in fact_catalog(), or nullopt.
std::optional<std::size_t> fact_index(std::string_view path);

/// A fact's index in fact_catalog(), for code that resolves its slots once (`static const auto
/// k = fact_slot("cost.monthly_usd");`) so that hot loops never hash a path. Throws
/// std::logic_error for an unknown path (a bug).
std::size_t fact_slot(std::string_view path);

/// The paths of every fact, for suggestions.
const std::vector<std::string>& fact_paths();

/// A full set of fact values, indexed like fact_catalog().
class Facts {
 public:
  Facts();
  void set(std::string_view path, Value value);
  /// Sets the fact at a slot of fact_slot() (no lookup).
  void set_at(std::size_t slot, Value value) { m_values[slot] = std::move(value); }
  /// set_at() with Value::of_number(), of_bool(), of_string() or of_null(), reusing the slot's
  /// storage: the cost facts are set for every strategy of every what-if probe.
  void set_number_at(std::size_t slot, double number);
  void set_bool_at(std::size_t slot, bool flag);
  void set_text_at(std::size_t slot, std::string_view text);
  void set_null_at(std::size_t slot);
  [[nodiscard]] const Value& get(std::size_t index) const { return m_values[index]; }
  [[nodiscard]] const Value& get(std::string_view path) const;
  [[nodiscard]] double number(std::string_view path, double fallback = 0) const;
  [[nodiscard]] const std::string& text(std::string_view path) const;
  [[nodiscard]] bool flag(std::string_view path) const;
  /// The same reads at a slot of fact_slot(), for the pricing code's hot loops.
  [[nodiscard]] double number(std::size_t slot, double fallback = 0) const {
    const Value& v = m_values[slot];
    return v.type == Value::Type::number ? v.number : fallback;
  }
  [[nodiscard]] const std::string& text(std::size_t slot) const { return m_values[slot].text; }
  [[nodiscard]] bool flag(std::size_t slot) const { return m_values[slot].boolean; }

 private:
  std::vector<Value> m_values;
};

/// A fact's value written for people, with its unit: `$5,000`, `1.2M tokens`, `40%`.
std::string format_fact(const FactInfo& info, const Value& value);

}  // namespace llmplan
