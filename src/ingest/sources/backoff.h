#pragma once
// Backoff: the delays between attempts of a failing source — exponential from `initial` to
// `max`, each with ±20 % random jitter (never above `max`) so that many sources failing together (a
// PBX restart) do not retry in step.
//
//   Backoff backoff(1s, 60s);
//   stop.WaitFor(backoff.Next());  // ~1 s, ~2 s, ~4 s … ~60 s
//   backoff.Reset();               // after a healthy run
//
// Thread-safety: none.

#include <chrono>
#include <random>

namespace callboard {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max);

  std::chrono::milliseconds Next();
  void Reset() { attempt_ = 0; }
  int attempt() const { return attempt_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  int attempt_ = 0;
  std::minstd_rand random_;
};

}  // namespace callboard
