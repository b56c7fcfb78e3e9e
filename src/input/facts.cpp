#include "llmplan/input/facts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <stdexcept>

#include "llmplan/cost/costing.hpp"
#include "llmplan/input/fields.hpp"
#include "llmplan/output/format.hpp"

namespace llmplan {

Value Value::of_bool(bool b) {
  Value v;
  v.type = Type::boolean;
  v.boolean = b;
  return v;
}

Value Value::of_number(double n) {
  Value v;
  v.type = Type::number;
  v.number = n;
  return v;
}

Value Value::of_string(std::string s) {
  Value v;
  v.type = Type::string;
  v.text = std::move(s);
  return v;
}

Value Value::of_list(std::vector<std::string> items) {
  Value v;
  v.type = Type::list;
  v.list = std::move(items);
  return v;
}

namespace {

/// A slot made the fresh value of `type`: what Value::of_*() would give, before its one field.
Value& reset(Value& v, Value::Type type) {
  v.type = type;
  v.boolean = false;
  v.number = 0;
  v.text.clear();
  v.list.clear();
  return v;
}

}  // namespace

void Facts::set_number_at(std::size_t slot, double number) {
  reset(m_values[slot], Value::Type::number).number = number;
}

void Facts::set_bool_at(std::size_t slot, bool flag) {
  reset(m_values[slot], Value::Type::boolean).boolean = flag;
}

void Facts::set_text_at(std::size_t slot, std::string_view text) {
  reset(m_values[slot], Value::Type::string).text.assign(text);
}

void Facts::set_null_at(std::size_t slot) {
  reset(m_values[slot], Value::Type::null);
}

bool Value::operator==(const Value& other) const {
  if (type != other.type) return false;
  switch (type) {
    case Type::null: return true;
    case Type::boolean: return boolean == other.boolean;
    case Type::number: return number == other.number;
    case Type::string: return text == other.text;
    case Type::list: return list == other.list;
  }
  return false;
}

const char* type_name(Value::Type type) {
  switch (type) {
    case Value::Type::null: return "null";
    case Value::Type::boolean: return "boolean";
    case Value::Type::number: return "number";
    case Value::Type::string: return "string";
    case Value::Type::list: return "list";
  }
  return "?";
}

namespace {

using T = Value::Type;
using U = FactUnit;

std::vector<FactInfo> build_catalog() {
  // The project, as the profile describes it: every field of the field table, then the facts
  // the loader derives from them so that rules can say simply what they mean.
  std::vector<FactInfo> facts;
  for (const auto& field : profile_fields()) {
    facts.push_back({std::string(field.path), fact_type(field.kind), field.unit, field.allowed, std::string(field.description),
                     false, field.kind == FieldKind::strategy_id});
  }
  std::vector<FactInfo> derived = {
      {"data.labeled_tokens", T::number, U::tokens, {}, "labeled_examples x example_tokens", false},
      {"data.updates_per_year", T::number, U::count, {}, "freshness as updates per year (static = 0)", false},
      {"domain.overlap_level", T::string, U::none, {"none", "low", "medium", "high"}, "overlap as a word", false},
      {"budget.has_monthly_limit", T::boolean, U::none, {}, "whether budget.monthly_usd was given", false},
      {"constraints.has_deadline", T::boolean, U::none, {}, "whether a deadline was given", false},
      {"team.expertise_level", T::number, U::none, {}, "expertise as 0 (none) .. 3 (expert)", false},
      {"hardware.owned", T::boolean, U::none, {}, "whether GPUs are already owned", false},
      {"hardware.gpu_memory_gib", T::number, U::gib, {}, "memory of one owned GPU (null: none)", false},
      // One strategy's plan and its estimated cost, set per strategy by the engine.
      {"strategy.id", T::string, U::none, {}, "the strategy being scored", true, true},
      {"strategy.rung", T::number, U::none, {}, "its rung on the ladder", true},
      {"strategy.costing",
       T::string,
       U::none,
       {costing_names().begin(), costing_names().end()},
       "how the cost model prices it (its `costing` kind)",
       true},
      {"plan.params", T::number, U::params, {}, "parameters of the model the plan uses (0: hosted API)", true},
      {"plan.gpu", T::string, U::none, {}, "GPU the plan trains or serves on", true},
      {"plan.gpus", T::number, U::count, {}, "GPUs used for training", true},
      {"plan.method",
       T::string,
       U::none,
       {"api", "open-weights", "lora", "qlora", "full", "continued", "scratch", "hosted", "none"},
       "how the plan adapts the model",
       true},
      {"plan.training_tokens", T::number, U::tokens, {}, "tokens processed in training", true},
      {"plan.owned_hardware", T::boolean, U::none, {}, "whether the plan runs on owned GPUs", true},
      {"cost.one_time_usd", T::number, U::usd, {}, "expected one-time cost", true},
      {"cost.one_time_usd_low", T::number, U::usd, {}, "low end of the one-time cost", true},
      {"cost.one_time_usd_high", T::number, U::usd, {}, "high end of the one-time cost", true},
      {"cost.monthly_usd", T::number, U::usd, {}, "expected monthly inference cost", true},
      {"cost.monthly_usd_low", T::number, U::usd, {}, "low end of the monthly cost", true},
      {"cost.horizon_usd", T::number, U::usd, {}, "expected total over the horizon", true},
      {"cost.gpu_hours", T::number, U::hours, {}, "expected training GPU-hours", true},
      {"cost.wall_clock_days", T::number, U::days, {}, "expected training days", true},
      {"cost.training_flops", T::number, U::flops, {}, "training compute", true},
      {"memory.per_gpu_gib", T::number, U::gib, {}, "peak training memory per GPU", true},
      {"memory.gpu_gib", T::number, U::gib, {}, "memory of the plan's GPU", true},
      {"memory.fits", T::boolean, U::none, {}, "whether training fits the plan's GPUs", true},
      {"plan.model", T::string, U::none, {}, "open-weight model the plan tunes or serves (empty: none)", true},
      {"plan.api_model", T::string, U::none, {}, "hosted model the plan prompts (empty: none)", true},
      {"plan.serving_kind",
       T::string,
       U::none,
       {"api", "dedicated", "serverless", "owned", "none"},
       "how requests are served",
       true},
      {"plan.replicas", T::number, U::count, {}, "serving replicas at the busiest hour", true},
      {"plan.latency_ms", T::number, U::ms, {}, "latency of one request at the profile's sizes", true},
      {"plan.meets_latency", T::boolean, U::none, {}, "whether one request meets constraints.max_latency_ms", true},
      {"plan.feasible", T::boolean, U::none, {}, "whether the plan search found a plan meeting every constraint", true},
      {"plan.model_tier", T::number, U::none, {}, "quality tier (1-5) of the model or API the plan uses; 0: none cited", true},
      {"cost.people_usd", T::number, U::usd, {}, "expected people's time at team.hourly_usd (null: not given)", true},
      {"plan.retirement",
       T::string,
       U::none,
       {},
       "earliest announced end (YYYY-MM-DD) of a hosted service the plan needs; empty: none",
       true},
      {"plan.months_to_retirement", T::number, U::months, {}, "months until plan.retirement (null: none announced)", true},
      {"plan.teacher", T::string, U::none, {}, "distillation: the model or API that labels the inputs (empty: none)", true},
      {"plan.limit",
       T::string,
       U::none,
       {"", "context", "memory", "examples", "catalog", "policy", "latency", "deadline", "gpus"},
       "what the closest plan fails when the search found none that meets the profile (empty: feasible)",
       true},
      {"plan.problem", T::string, U::none, {}, "what the closest plan fails, in words (empty: feasible)", true},
  };
  facts.insert(facts.end(), derived.begin(), derived.end());
  std::sort(facts.begin(), facts.end(), [](const FactInfo& a, const FactInfo& b) { return a.path < b.path; });
  return facts;
}

/// Paths are looked up on every rule evaluation and cost figure (the estimator reads its facts
/// by path thousands of times an advise): an open-addressing table of views into the catalog's
/// own strings, keyed by the length and the first and last eight bytes (paths that share a
/// prefix differ at the end) rather than every byte. Those alone decide a path of up to 16
/// bytes; longer ones also compare the bytes between.
class PathIndex {
 public:
  explicit PathIndex(const std::vector<FactInfo>& facts) {
    std::size_t size = 16;
    while (size < facts.size() * 4) size *= 2;
    m_mask = size - 1;
    m_slots.assign(size, Slot{});
    for (std::size_t i = 0; i < facts.size(); ++i) {
      Slot slot = key(facts[i].path);
      slot.index = i;
      std::size_t at = hash(slot) & m_mask;
      while (m_slots[at].index != k_empty) at = (at + 1) & m_mask;
      m_slots[at] = slot;
    }
  }

  [[nodiscard]] std::optional<std::size_t> find(std::string_view path) const {
    const Slot wanted = key(path);
    for (std::size_t at = hash(wanted) & m_mask;; at = (at + 1) & m_mask) {
      const Slot& slot = m_slots[at];
      if (slot.index == k_empty) return std::nullopt;
      if (slot.head == wanted.head && slot.tail == wanted.tail && slot.path.size() == path.size() &&
          middle_equal(slot.path, path))
        return slot.index;
    }
  }

 private:
  static constexpr std::size_t k_empty = static_cast<std::size_t>(-1);
  struct Slot {
    std::string_view path;
    std::uint64_t head = 0;  ///< the first eight bytes (fewer, zero-filled, for a shorter path)
    std::uint64_t tail = 0;  ///< the last eight bytes of a path of eight or more
    std::size_t index = k_empty;
  };

  /// Eight bytes at `p` (fixed-size copies compile to one load).
  static std::uint64_t word(const char* p) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, sizeof w);
    return w;
  }
  /// Whether two texts of one length, whose first and last eight bytes are equal, are equal: the
  /// bytes between compared eight at a time (paths are short: a call to memcmp costs more).
  static bool middle_equal(std::string_view a, std::string_view b) {
    const std::size_t n = a.size();
    if (n <= 16) return true;
    std::size_t at = 8;
    for (; at + 8 < n - 8; at += 8) {
      if (word(a.data() + at) != word(b.data() + at)) return false;
    }
    return word(a.data() + at) == word(b.data() + at);  // overlaps the tail where it must
  }
  static Slot key(std::string_view s) {
    Slot k;
    k.path = s;
    const std::size_t n = s.size();
    if (n >= 8) {
      k.head = word(s.data());
      k.tail = word(s.data() + n - 8);
    } else {
      for (std::size_t i = 0; i < n; ++i) k.head |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[i])) << (8 * i);
    }
    return k;
  }
  static std::size_t hash(const Slot& k) {
    std::uint64_t h = (k.head * 0x9E3779B97F4A7C15ULL) ^ (k.tail * 0xC2B2AE3D27D4EB4FULL) ^ k.path.size();
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    return static_cast<std::size_t>(h ^ (h >> 32));
  }

  std::vector<Slot> m_slots;
  std::size_t m_mask = 0;
};

const PathIndex& index_by_path() {
  static const PathIndex index(fact_catalog());
  return index;
}

}  // namespace

const std::vector<FactInfo>& fact_catalog() {
  static const std::vector<FactInfo> facts = build_catalog();
  return facts;
}

std::optional<std::size_t> fact_index(std::string_view path) {
  return index_by_path().find(path);
}

const std::vector<std::string>& fact_paths() {
  static const std::vector<std::string> paths = [] {
    std::vector<std::string> out;
    for (const auto& f : fact_catalog()) out.push_back(f.path);
    return out;
  }();
  return paths;
}

std::size_t fact_slot(std::string_view path) {
  const auto index = fact_index(path);
  if (!index) throw std::logic_error("unknown fact path: " + std::string(path));
  return *index;
}

Facts::Facts() : m_values(fact_catalog().size()) {}

void Facts::set(std::string_view path, Value value) {
  const auto index = fact_index(path);
  if (!index) throw std::logic_error("unknown fact path: " + std::string(path));
  m_values[*index] = std::move(value);
}

const Value& Facts::get(std::string_view path) const {
  const auto index = fact_index(path);
  if (!index) throw std::logic_error("unknown fact path: " + std::string(path));
  return m_values[*index];
}

double Facts::number(std::string_view path, double fallback) const {
  const Value& v = get(path);
  return v.type == Value::Type::number ? v.number : fallback;
}

const std::string& Facts::text(std::string_view path) const {
  return get(path).text;
}

bool Facts::flag(std::string_view path) const {
  return get(path).boolean;
}

std::string format_fact(const FactInfo& info, const Value& value) {
  switch (value.type) {
    case Value::Type::null: return "not set";
    case Value::Type::boolean: return value.boolean ? "yes" : "no";
    case Value::Type::string: return value.text;
    case Value::Type::list: {
      std::string out;
      for (const auto& item : value.list) out += (out.empty() ? "" : ", ") + item;
      return out.empty() ? "none" : out;
    }
    case Value::Type::number: break;
  }
  const double n = value.number;
  switch (info.unit) {
    case FactUnit::usd: return format_usd(n);
    case FactUnit::count: return format_count(n);
    case FactUnit::tokens: return format_count(n) + " tokens";
    case FactUnit::params: return format_count(n) + " parameters";
    case FactUnit::fraction: return format_number(n * 100, 0) + "%";
    case FactUnit::weeks: return format_number(n, 1) + " weeks";
    case FactUnit::months: return format_number(n, 1) + " months";
    case FactUnit::days: return format_number(round_significant(n, 2), 2) + " days";
    case FactUnit::hours: return format_count(round_significant(n, 3)) + " GPU-hours";
    case FactUnit::gib: return format_number(n, 1) + " GiB";
    case FactUnit::flops: return format_scientific(n) + " FLOPs";
    case FactUnit::ms: return format_number(n, 0) + " ms";
    case FactUnit::none: break;
  }
  return format_number(n, 2);
}

}  // namespace llmplan
