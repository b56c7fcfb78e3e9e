#include "llmplan/rules/snapshot.hpp"

#include <map>
#include <utility>
#include <vector>

namespace llmplan {

namespace {

// Each type's fields, listed once for writing and reading. A field missing here would be lost
// from the built-in rule set: the sizes checked below make adding a field without listing it a
// compile error on the usual platform, and tests compare the restored rule set with a fresh
// load of rules/*.yaml.

template <typename A>
void fields(A& a, SourceLoc& x) {
  a(x.file, x.line, x.column);
}
template <typename A>
void fields(A& a, Range& x) {
  a(x.low, x.expected, x.high);
}
template <typename A>
void fields(A& a, PriceQuote& x) {
  a(x.usd_per_hour, x.vendor, x.date, x.source);
}
template <typename A>
void fields(A& a, Gpu& x) {
  a(x.id, x.name, x.aliases, x.memory_gib, x.peak_tflops, x.fp8_tflops, x.memory_bandwidth_tbps, x.generation, x.board_power_w,
    x.utilization_curve, x.spec_source, x.prices, x.price_note, x.loc, x.price, x.pretrain_knots, x.finetune_knots,
    x.finetune_curve);
}
template <typename A>
void fields(A& a, ModelShape& x) {
  a(x.id, x.params, x.active_params, x.layers, x.hidden, x.ffn, x.heads, x.kv_heads, x.vocab, x.gated_mlp, x.tied_embeddings);
}
template <typename A>
void fields(A& a, ModelInfo& x) {
  a(x.id, x.name, x.aliases, x.shape, x.context, x.licence, x.quality_tier, x.date, x.source, x.why, x.loc);
}
template <typename A>
void fields(A& a, ApiPrice& x) {
  a(x.id, x.name, x.vendor, x.usd_per_m_input, x.usd_per_m_output, x.usd_per_m_cached_input, x.batch_discount, x.context,
    x.quality_tier, x.ttft_ms, x.output_tokens_per_s, x.finetune_usd_per_m_training, x.finetune_usd_per_m_input,
    x.finetune_usd_per_m_output, x.finetune_hosting_usd_per_hour, x.finetune_min_examples, x.finetune_jobs_end, x.retirement,
    x.date, x.source, x.why, x.loc);
}
template <typename A>
void fields(A& a, UtilizationCurve& x) {
  a(x.id, x.points, x.why, x.source, x.date, x.loc);
}
template <typename A>
void fields(A& a, CostConstant& x) {
  a(x.name, x.value, x.text, x.unit, x.why, x.source, x.date, x.loc);
}
template <typename A>
void fields(A& a, Catalog& x) {
  a(x.gpus, x.models, x.apis, x.constants, x.utilization_curves, x.model, x.strategy_ids);
}
template <typename A>
void fields(A& a, Strategy& x) {
  a(x.id, x.rung, x.costing, x.title, x.summary, x.base_score, x.loc);
}
template <typename A>
void fields(A& a, Rule& x) {
  a(x.id, x.strategies, x.when, x.blocks, x.delta, x.message, x.source, x.loc);
}
template <typename A>
void fields(A& a, Combination& x) {
  a(x.id, x.when, x.strategies, x.message, x.source, x.loc);
}
template <typename A>
void fields(A& a, RuleSet& x) {
  a(x.name, x.version, x.viable_min, x.strategies, x.rules, x.combinations, x.catalog);
}
template <typename A>
void fields(A& a, Diagnostic& x) {
  a(x.severity, x.code, x.message, x.loc, x.path);
}

#if defined(__GLIBCXX__) && defined(__x86_64__) && !defined(_GLIBCXX_DEBUG)
// The sizes of the types above on x86-64 with libstdc++. When one changes, a field was added or
// removed: list it in fields() above, then update its size here.
static_assert(sizeof(SourceLoc) == 40, "SourceLoc changed: update fields() in snapshot.cpp");
static_assert(sizeof(PriceQuote) == 104, "PriceQuote changed: update fields() in snapshot.cpp");
static_assert(sizeof(Gpu) == 424, "Gpu changed: update fields() in snapshot.cpp");
static_assert(sizeof(ModelShape) == 80, "ModelShape changed: update fields() in snapshot.cpp");
static_assert(sizeof(ModelInfo) == 352, "ModelInfo changed: update fields() in snapshot.cpp");
static_assert(sizeof(ApiPrice) == 392, "ApiPrice changed: update fields() in snapshot.cpp");
static_assert(sizeof(UtilizationCurve) == 192, "UtilizationCurve changed: update fields() in snapshot.cpp");
static_assert(sizeof(CostConstant) == 256, "CostConstant changed: update fields() in snapshot.cpp");
static_assert(sizeof(Catalog) == 2208, "Catalog changed: update fields() in snapshot.cpp");
static_assert(sizeof(Strategy) == 152, "Strategy changed: update fields() in snapshot.cpp");
static_assert(sizeof(Rule) == 224, "Rule changed: update fields() in snapshot.cpp");
static_assert(sizeof(Combination) == 208, "Combination changed: update fields() in snapshot.cpp");
static_assert(sizeof(RuleSet) == 2352, "RuleSet changed: update fields() in snapshot.cpp");
static_assert(sizeof(Diagnostic) == 144, "Diagnostic changed: update fields() in snapshot.cpp");
#endif

class Writer {
 public:
  explicit Writer(std::string& out) : m_out(out) {}

  template <typename... T>
  void operator()(const T&... xs) {
    (item(xs), ...);
  }

 private:
  void item(const std::string& x) { m_out.text(x); }
  void item(double x) { m_out.number(x); }
  void item(int x) { m_out.integer(x); }
  void item(bool x) { m_out.size(x ? 1 : 0); }
  void item(const Expr& x) { x.save(m_out); }
  void item(const CostModel& x) { m_out.bytes(x); }  // plain ranges, filled once from the constants
  template <typename A, typename B>
  void item(const std::pair<A, B>& x) {
    item(x.first);
    item(x.second);
  }
  template <typename T>
  void item(const std::vector<T>& xs) {
    m_out.size(xs.size());
    for (const auto& x : xs) item(x);
  }
  template <typename T>
  void item(const std::map<std::string, T, std::less<>>& xs) {
    m_out.size(xs.size());
    for (const auto& [key, x] : xs) {
      item(key);
      item(x);
    }
  }
  template <typename T>
  void item(const T& x) {
    if constexpr (std::is_enum_v<T>) {
      m_out.integer(static_cast<long long>(x));
    } else {
      fields(*this, const_cast<T&>(x));  // fields() only reads through a Writer
    }
  }

  SnapshotWriter m_out;
};

class Reader {
 public:
  explicit Reader(std::string_view data) : m_in(data) {}

  template <typename... T>
  void operator()(T&... xs) {
    (item(xs), ...);
  }
  [[nodiscard]] bool done() const { return m_in.done(); }

 private:
  void item(std::string& x) { x.assign(m_in.text()); }
  void item(double& x) { x = m_in.number(); }
  void item(int& x) { x = static_cast<int>(m_in.integer()); }
  void item(bool& x) { x = m_in.size() != 0; }
  void item(Expr& x) { x = Expr::restore(m_in); }
  void item(CostModel& x) { m_in.bytes(x); }
  template <typename A, typename B>
  void item(std::pair<A, B>& x) {
    item(x.first);
    item(x.second);
  }
  template <typename T>
  void item(std::vector<T>& xs) {
    xs.resize(m_in.size());
    for (auto& x : xs) item(x);
  }
  template <typename T>
  void item(std::map<std::string, T, std::less<>>& xs) {
    const std::size_t n = m_in.size();
    for (std::size_t i = 0; i < n; ++i) {
      std::string key;
      item(key);
      item(xs.emplace_hint(xs.end(), std::move(key), T{})->second);  // written in key order
    }
  }
  template <typename T>
  void item(T& x) {
    if constexpr (std::is_enum_v<T>) {
      x = static_cast<T>(m_in.integer());
    } else {
      fields(*this, x);
    }
  }

  SnapshotReader m_in;
};

}  // namespace

std::string save_ruleset(const RuleSet& set, const Diagnostics& diags) {
  std::string out;
  Writer write(out);
  write(set, diags.items());
  return out;
}

RuleSet restore_ruleset(std::string_view data, Diagnostics& diags) {
  Reader read(data);
  RuleSet set;
  std::vector<Diagnostic> found;
  read(set, found);
  if (!read.done()) throw std::runtime_error("corrupt rule-set snapshot: data after the end");
  for (auto& d : found) diags.add(std::move(d));
  return set;
}

}  // namespace llmplan
