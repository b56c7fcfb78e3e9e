#include "llmplan/rules/prng.hpp"

namespace llmplan {

std::uint64_t SplitMix64::next() {
  std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31U);
}

double SplitMix64::uniform() {
  return static_cast<double>(next() >> 11U) * 0x1.0p-53;
}

std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t index) {
  SplitMix64 mix(seed ^ (index * 0xd1b54a32d192ed03ULL));
  return mix.next();
}

}  // namespace llmplan
