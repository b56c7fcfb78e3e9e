#pragma once

#include "llmplan/cost/catalog.hpp"
#include "llmplan/cost/estimate.hpp"
#include "llmplan/input/diagnostic.hpp"

namespace llmplan {

/// Range-checks every number of a loaded catalog (GPUs, models, APIs, utilization curves and
/// every cost-model constant) against a table of bounds per key, as the profile's fields are:
/// finite, within the key's bounds, whole where a count is meant, and `low <= expected <= high`.
/// Each finding is an `out-of-range` error at the entry's place, naming the key. The rule-set
/// loader runs it once after loading, so `rules lint` reports the same.
void check_catalog_bounds(const Catalog& catalog, Diagnostics& diags);

/// The estimator's own invariants for one strategy's figures: every figure finite and not
/// negative, every range ordered. A broken one is a `broken-estimate` error naming the figure
/// and the constants and catalog entry it came from; returns false then.
bool check_cost_invariants(const StrategyCost& cost, const std::string& strategy, const Catalog& catalog, const SourceLoc& where,
                           Diagnostics& diags);

}  // namespace llmplan
