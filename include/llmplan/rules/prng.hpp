#pragma once

#include <cstdint>

namespace llmplan {

/// splitmix64 (Steele, Lea and Flood 2014): a small, fixed pseudo-random generator, so that a
/// seed gives the same samples on every platform and standard library (never random_device).
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : m_state(seed) {}
  std::uint64_t next();
  /// A double in [0, 1) from the top 53 bits.
  double uniform();

 private:
  std::uint64_t m_state;
};

/// The seed of stream `index` of a run seeded with `seed` (each sample draws from its own
/// stream, so results do not depend on how samples are spread over threads).
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t index);

}  // namespace llmplan
