#pragma once
// The simulator's own random numbers: xoshiro256** seeded through splitmix64, and the few
// distributions it needs, written out so a seed gives the same draws with any standard library
// (std::*_distribution results differ between implementations). Only IEEE arithmetic, sqrt,
// log, exp and pow are used. Internal to the simulator.
// Thread-safety: none; one SimRandom per stream.

#include <cmath>
#include <cstdint>

namespace callboard {

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Independent streams: one per (seed, kind, index), e.g. one per call and one per agent.
class SimRandom {
 public:
  SimRandom(uint64_t seed, uint64_t kind, uint64_t index) {
    uint64_t sm = seed;
    sm ^= SplitMix64(sm) + kind * 0xD1B54A32D192ED03ULL;
    sm ^= SplitMix64(sm) + index * 0x8CB92BA72F3D8DD7ULL;
    for (uint64_t& word : s_) word = SplitMix64(sm);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [lo, hi]. REQUIRES: lo <= hi.
  int64_t UniformInt(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(span == 0 ? Next() : Next() % span);
  }
  bool Chance(double p) { return Uniform() < p; }
  // Exponential with the given mean.
  double Exponential(double mean) { return -mean * std::log(1.0 - Uniform()); }
  // Standard normal (Marsaglia's polar method).
  double Normal() {
    for (;;) {
      const double u = 2.0 * Uniform() - 1.0;
      const double v = 2.0 * Uniform() - 1.0;
      const double s = u * u + v * v;
      if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
    }
  }
  // Log-normal with the given median and shape sigma.
  double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }
  // Weibull with the given scale and shape k.
  double Weibull(double scale, double k) {
    return scale * std::pow(-std::log(1.0 - Uniform()), 1.0 / k);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace callboard
