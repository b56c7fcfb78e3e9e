#pragma once
// The profile facts the pricing code (plan.cpp, serving.cpp) reads, each resolved once to its
// slot in fact_catalog(). The plan search reads them thousands of times an advise; a read by
// path hashes the path every time.
//
// Every profile fact the pricing reads is listed here and read through these slots only, so
// that a what-if can tell whether a changed profile needs pricing again (`same_pricing_inputs`).

#include <cstddef>

#include "llmplan/input/facts.hpp"

namespace llmplan::detail {

// X(member, "fact.path")
#define LLMPLAN_PRICING_FACTS(X)                              \
  X(budget_horizon_months, "budget.horizon_months")           \
  X(constraints_deadline_weeks, "constraints.deadline_weeks") \
  X(constraints_max_latency_ms, "constraints.max_latency_ms") \
  X(constraints_self_hosted, "constraints.self_hosted")       \
  X(data_domain_tokens, "data.domain_tokens")                 \
  X(data_example_tokens, "data.example_tokens")               \
  X(data_labeled_examples, "data.labeled_examples")           \
  X(data_preference_pairs, "data.preference_pairs")           \
  X(data_unlabeled_inputs, "data.unlabeled_inputs")           \
  X(hardware_count, "hardware.count")                         \
  X(hardware_gpu, "hardware.gpu")                             \
  X(hardware_owned, "hardware.owned")                         \
  X(model_active_params, "model.active_params")               \
  X(model_api, "model.api")                                   \
  X(model_name, "model.name")                                 \
  X(model_params, "model.params")                             \
  X(risk_tolerance, "risk.tolerance")                         \
  X(task_needs, "task.needs")                                 \
  X(task_type, "task.type")                                   \
  X(team_hourly_usd, "team.hourly_usd")                       \
  X(usage_input_tokens, "usage.input_tokens")                 \
  X(usage_interactive, "usage.interactive")                   \
  X(usage_output_tokens, "usage.output_tokens")               \
  X(usage_peak_to_mean, "usage.peak_to_mean")                 \
  X(usage_requests_per_month, "usage.requests_per_month")

/// One member per fact: `facts.number(slots().usage_input_tokens)`.
struct PricingFacts {
#define LLMPLAN_PRICING_SLOT(member, path) std::size_t member = fact_slot(path);
  LLMPLAN_PRICING_FACTS(LLMPLAN_PRICING_SLOT)
#undef LLMPLAN_PRICING_SLOT
};

/// The slots, resolved at first use.
inline const PricingFacts& slots() {
  static const PricingFacts resolved;
  return resolved;
}

}  // namespace llmplan::detail
