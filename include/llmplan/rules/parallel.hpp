#pragma once

#include <cstddef>
#include <functional>

namespace llmplan {

/// Runs body(0) .. body(n - 1) on up to hardware_concurrency() threads and waits for all.
/// Each index runs exactly once; callers write results into slots by index, so the outcome
/// does not depend on scheduling. The first exception thrown by a body is rethrown here.
void parallel_for(std::size_t n, const std::function<void(std::size_t)>& body);

}  // namespace llmplan
