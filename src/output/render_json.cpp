#include <cmath>

#include <fmt/format.h>

#include "llmplan/output/format.hpp"
#include "llmplan/output/json_writer.hpp"
#include "llmplan/output/render.hpp"
#include "llmplan/output/render_diff.hpp"
#include "llmplan/version.hpp"

namespace llmplan {

namespace {

/// The texts a batch repeats in every result, escaped once per rendering thread (EscapeCache).
struct RepeatedTexts {
  EscapeCache title;    ///< strategies' titles, by strategy id
  EscapeCache source;   ///< rules' and combinations' sources, by id
  EscapeCache message;  ///< rules' and combinations' messages (those without figures), by id
  EscapeCache note;     ///< the cost notes' reasons, by note name
  EscapeCache why;      ///< the reasons of the profile's assumed defaults, by field
};

RepeatedTexts& repeated() {
  thread_local RepeatedTexts texts;
  return texts;
}

double tidy(double x) {
  return round_significant(x, 4);
}

void write_value(JsonWriter& w, const Value& v) {
  switch (v.type) {
    case Value::Type::null: w.null(); return;
    case Value::Type::boolean: w.value(v.boolean); return;
    case Value::Type::number: w.value(v.number); return;
    case Value::Type::string: w.value(v.text); return;
    case Value::Type::list:
      w.begin_array();
      for (const auto& item : v.list) w.value(item);
      w.end_array();
      return;
  }
}

void write_range(JsonWriter& w, std::string_view name, const Range& r) {
  w.key(name);
  w.begin_object();
  w.field("low", tidy(r.low));
  w.field("expected", tidy(r.expected));
  w.field("high", tidy(r.high));
  w.end_object();
}

void write_optional(JsonWriter& w, std::string_view name, const std::optional<double>& v) {
  w.key(name);
  if (v)
    w.value(*v);
  else
    w.null();
}

void write_cost(JsonWriter& w, const StrategyCost& c, const std::optional<BreakEven>& be, const std::string& versus) {
  w.key("cost");
  w.begin_object();
  write_range(w, "one_time_usd", c.one_time_usd);
  write_range(w, "monthly_usd", c.monthly_usd);
  write_range(w, "horizon_usd", c.horizon_usd);
  w.field("training_flops", tidy(c.training_flops));
  write_range(w, "gpu_hours", c.gpu_hours);
  write_range(w, "wall_clock_days", c.wall_clock_days);
  w.field("peak_memory_gib", tidy(c.memory.total));
  w.field("gpus", c.gpus);
  write_range(w, "energy_kwh", c.energy_kwh);
  write_range(w, "emissions_kgco2e", c.emissions_kgco2e);
  w.key("people_usd");
  if (c.people_usd) {
    w.begin_object();
    w.field("low", tidy(c.people_usd->low));
    w.field("expected", tidy(c.people_usd->expected));
    w.field("high", tidy(c.people_usd->high));
    w.end_object();
  } else {
    w.null();
  }
  w.key("break_even");
  if (be) {
    w.begin_object();
    w.field("versus", versus);
    write_optional(w, "requests_per_month", be->requests_per_month);
    w.field("below", be->below);
    write_optional(w, "months", be->months);
    w.end_object();
  } else {
    w.null();
  }
  w.key("plan");
  w.begin_object();
  w.field("method", c.method);
  w.field("model", c.model);
  w.field("params", tidy(c.params));
  w.key("gpu");
  if (c.gpu.empty())
    w.null();
  else
    w.value(c.gpu);
  w.field("owned_hardware", c.owned);
  w.field("training_tokens", tidy(c.training_tokens));
  w.field("serving", c.serving);
  w.end_object();
  w.key("memory");
  w.begin_object();
  w.field("per_gpu_gib", tidy(c.memory.total));
  w.field("gpu_gib", tidy(c.memory.gpu_gib));
  w.field("fits", c.gpu.empty() || c.memory.fits);
  w.key("breakdown");
  w.begin_object();
  w.field("weights", tidy(c.memory.weights));
  w.field("gradients", tidy(c.memory.gradients));
  w.field("optimizer", tidy(c.memory.optimizer));
  w.field("activations", tidy(c.memory.activations));
  w.field("overhead", tidy(c.memory.overhead));
  w.end_object();
  w.end_object();
  w.key("assumptions");
  w.begin_array();
  for (const auto& n : c.notes) {
    w.begin_object();
    w.field("name", n.name);
    w.key("value");
    write_value(w, n.value);
    w.key("why");
    w.value(repeated().note, n.name, n.why);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_string_or_null(JsonWriter& w, std::string_view name, const std::string& value) {
  w.key(name);
  if (value.empty())
    w.null();
  else
    w.value(value);
}

/// The `plan` object of cli.md: what the figures price.
void write_plan(JsonWriter& w, const StrategyCost& c) {
  w.key("plan");
  w.begin_object();
  write_string_or_null(w, "model", c.plan_model);
  write_string_or_null(w, "api_model", c.plan_api);
  w.key("training");
  if (c.training_provider.empty() || (c.training_provider == "self" && c.gpu.empty())) {
    w.null();
  } else {
    w.begin_object();
    w.field("provider", c.training_provider);
    w.field("method", c.method);
    write_string_or_null(w, "gpu", c.gpu);
    w.field("gpus", c.gpus);
    w.field("owned", c.owned);
    w.field("seq_len", c.seq_len);
    w.end_object();
  }
  const ServingPlan& s = c.serving_plan;
  w.key("serving");
  w.begin_object();
  w.field("kind", s.kind);
  write_string_or_null(w, "model", s.model);
  write_string_or_null(w, "gpu", s.gpu);
  w.field("gpus_per_replica", s.gpus_per_replica);
  w.field("replicas", s.replicas);
  w.field("owned_gpus", s.owned_gpus);
  w.field("rented_gpus", s.rented_gpus);
  w.field("latency_ms", tidy(s.latency_ms));
  w.field("meets_latency", s.meets_latency);
  w.field("usd_per_m_tokens", tidy(s.usd_per_m_tokens));
  w.field("batch_prices", s.batch_prices);
  w.field("cached_prompt", s.cached_prompt);
  w.end_object();
  write_string_or_null(w, "price_date", c.price_date);
  write_string_or_null(w, "teacher", c.teacher);
  write_string_or_null(w, "retirement", c.retirement);
  w.field("label", c.label);
  w.field("feasible", c.feasible);
  write_string_or_null(w, "problem", c.problem);
  w.field("candidates", c.candidates);
  w.key("runner_up");
  if (c.runner_up) {
    w.begin_object();
    write_string_or_null(w, "model", c.runner_up->model);
    write_string_or_null(w, "api_model", c.runner_up->api_model);
    w.field("label", c.runner_up->label);
    w.field("horizon_usd", tidy(c.runner_up->horizon_usd.expected));
    w.field("feasible", c.runner_up->feasible);
    w.field("why", c.runner_up->why);
    w.end_object();
  } else {
    w.null();
  }
  w.end_object();
}

void write_reasons(JsonWriter& w, std::string_view name, const std::vector<Reason>& reasons) {
  w.key(name);
  w.begin_array();
  for (const auto& r : reasons) {
    w.begin_object();
    w.field("rule", r.rule);
    if (!r.blocks) w.field("effect", r.effect);
    w.key("message");
    w.value(repeated().message, r.rule, r.message);
    w.key("source");
    w.value(repeated().source, r.rule, r.source);
    w.end_object();
  }
  w.end_array();
}

void write_result(JsonWriter& w, const ProfileOutcome& o) {
  w.begin_object();
  w.field("file", o.file);
  w.field("name", o.name);
  w.field("status", status_name(o.status));
  w.key("recommendation");
  if (o.advice && o.advice->recommendation)
    w.value(*o.advice->recommendation);
  else
    w.null();
  if (o.advice && !o.advice->recommendation) w.field("no_recommendation", o.advice->no_recommendation);
  w.key("ranking");
  w.begin_array();
  if (o.advice) {
    for (const auto& r : o.advice->ranking) {
      w.begin_object();
      w.field("rank", r.rank);
      w.field("strategy", r.strategy->id);
      w.key("title");
      w.value(repeated().title, r.strategy->id, r.strategy->title);
      w.field("verdict", verdict_name(r.verdict));
      w.field("score", r.score);
      if (o.uncertainty) w.field("p_best", round_significant(p_best_of(*o.uncertainty, r.strategy->id), 4));
      write_reasons(w, "reasons", r.reasons);
      write_reasons(w, "blockers", r.blockers);
      write_plan(w, r.cost);
      write_cost(w, r.cost, r.break_even, o.advice->break_even_baseline);
      w.end_object();
    }
  }
  w.end_array();
  if (o.uncertainty) {
    w.field("samples", o.uncertainty->samples);
    w.key("uncertainty");
    write_uncertainty_json(w, *o.uncertainty);
  }
  if (o.baseline) {
    w.key("baseline");
    write_diff_json(w, *o.baseline);
  }
  if (o.advice) {
    w.key("combinations");
    w.begin_array();
    for (const auto& c : o.advice->combinations) {
      w.begin_object();
      w.field("id", c.id);
      w.key("strategies");
      w.begin_array();
      for (const auto& s : c.strategies) w.value(s);
      w.end_array();
      w.key("message");
      w.value(repeated().message, c.id, c.message);
      w.key("source");
      w.value(repeated().source, c.id, c.source);
      w.end_object();
    }
    w.end_array();
  }
  if (o.explanation) {
    const auto write_trace = [&](const RuleTrace& t) {
      w.begin_object();
      w.field("rule", t.rule);
      if (!t.blocks) w.field("effect", t.effect);
      w.field("blocks", t.blocks);
      w.field("condition", t.condition);
      w.key("facts");
      w.begin_object();
      for (const auto& [path, value] : t.facts) w.field(path, value);
      w.end_object();
      w.end_object();
    };
    w.key("explanation");
    w.begin_object();
    w.key("strategies");
    w.begin_array();
    for (const auto& s : o.explanation->strategies) {
      w.begin_object();
      w.field("strategy", s.strategy);
      w.key("fired");
      w.begin_array();
      for (const auto& t : s.fired) write_trace(t);
      w.end_array();
      w.key("not_fired");
      w.begin_array();
      for (const auto& t : s.not_fired) write_trace(t);
      w.end_array();
      w.end_object();
    }
    w.end_array();
    w.key("counterfactuals");
    w.begin_array();
    for (const auto& c : o.explanation->counterfactuals) {
      w.begin_object();
      w.field("fact", c.fact);
      w.field("direction", c.direction);
      w.field("value", c.value);
      w.field("recommendation", c.recommendation);
      w.field("message", c.message);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.key("assumptions");
  w.begin_array();
  if (o.profile) {
    for (const auto& a : o.profile->assumptions) {
      w.begin_object();
      w.field("field", a.field);
      w.key("value");
      write_value(w, a.value);
      w.key("why");
      w.value(repeated().why, a.field, a.why);
      w.end_object();
    }
  }
  w.end_array();
  w.key("diagnostics");
  w.begin_array();
  for (const auto& d : o.diagnostics.items()) write_diagnostic(w, d);
  w.end_array();
  w.end_object();
}

}  // namespace

std::string result_json(const ProfileOutcome& outcome, bool pretty) {
  std::string out;
  JsonWriter w(out, pretty);
  write_result(w, outcome);
  return out;
}

std::string render_json_head(const RuleSet& rules) {
  std::string out = "{\n  \"schema_version\": 1,\n  \"tool\": {\n    \"name\": \"llmplan\",\n    \"version\": ";
  append_json_string(out, k_version);
  out += "\n  },\n  \"ruleset\": {\n    \"name\": ";
  append_json_string(out, rules.name);
  out += ",\n    \"version\": ";
  append_json_string(out, rules.version);
  out += "\n  },\n  \"results\": [";
  return out;
}

std::string render_json_result(const ProfileOutcome& outcome, bool first) {
  std::string out = first ? "\n    " : ",\n    ";
  JsonWriter w(out, true, 2);
  write_result(w, outcome);
  return out;
}

std::string render_json_tail(const RunSummary& summary) {
  std::string out = summary.profiles == 0 ? "]" : "\n  ]";
  out += fmt::format(
      ",\n  \"summary\": {{\n    \"profiles\": {},\n    \"ok\": {},\n    \"invalid\": {},\n    \"error\": {}\n  }}\n}}\n",
      summary.profiles, summary.ok, summary.invalid, summary.error);
  return out;
}

std::string render_json(const std::vector<ProfileOutcome>& outcomes, const RuleSet& rules) {
  std::string out = render_json_head(rules);
  RunSummary summary;
  for (const auto& o : outcomes) {
    out += render_json_result(o, summary.profiles == 0);
    summary.add(o.status);
  }
  return out + render_json_tail(summary);
}

std::string render_jsonl(const std::vector<ProfileOutcome>& outcomes) {
  std::string out;
  for (const auto& o : outcomes) {
    JsonWriter w(out, false);
    write_result(w, o);
    out += "\n";
  }
  return out;
}

std::string render_jsonl_result(const ProfileOutcome& outcome) {
  // A line is tens of kilobytes: room for about the last one's size saves growing it a dozen times.
  thread_local std::size_t last_size = 0;
  std::string out;
  out.reserve(last_size + last_size / 4);
  JsonWriter w(out, false);
  write_result(w, outcome);
  out += "\n";
  last_size = out.size();
  return out;
}

}  // namespace llmplan
