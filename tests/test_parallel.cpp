#include <atomic>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

#include "llmplan/rules/parallel.hpp"

using llmplan::parallel_for;

TEST_CASE("parallel_for runs every index exactly once", "[parallel]") {
  std::vector<int> hits(1000, 0);
  parallel_for(hits.size(), [&](std::size_t i) { hits[i] += 1; });
  for (int h : hits) CHECK(h == 1);
  std::atomic<int> calls{0};
  parallel_for(0, [&](std::size_t) { ++calls; });
  CHECK(calls == 0);
}

TEST_CASE("parallel_for rethrows a failure", "[parallel]") {
  CHECK_THROWS_AS(parallel_for(100,
                               [](std::size_t i) {
                                 if (i == 57) throw std::runtime_error("boom");
                               }),
                  std::runtime_error);
}
