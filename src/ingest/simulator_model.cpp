#include "ingest/simulator_model.h"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace callboard {

namespace {

constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kPauseGapS = 10 * kMinute;  // planned pauses keep this far apart

constexpr std::array<std::string_view, 8> kQueueNames = {"sales", "support", "billing", "retention",
                                                         "tech",  "orders",  "returns", "vip"};
constexpr std::array<int64_t, 5> kQueueTimeoutsS = {300, 600, 420, 480, 360};

// Relative arrival level by local hour of day (piecewise linear between knots).
struct Knot {
  double hour;
  double level;
};
constexpr std::array<Knot, 17> kProfile = {{{0, 0.10},
                                            {6, 0.10},
                                            {7, 0.30},
                                            {8, 0.60},
                                            {9, 0.90},
                                            {10, 1.00},
                                            {11, 1.00},
                                            {12, 0.75},
                                            {13, 0.70},
                                            {14, 0.95},
                                            {15, 1.00},
                                            {16, 0.85},
                                            {17, 0.60},
                                            {18, 0.35},
                                            {19, 0.20},
                                            {21, 0.12},
                                            {24, 0.10}}};

double ProfileLevel(double hour) {
  for (size_t i = 1; i < kProfile.size(); ++i) {
    if (hour <= kProfile[i].hour) {
      const Knot& a = kProfile[i - 1];
      const Knot& b = kProfile[i];
      return a.level + (b.level - a.level) * (hour - a.hour) / (b.hour - a.hour);
    }
  }
  return kProfile.back().level;
}

std::string Capitalized(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

}  // namespace

std::vector<SimQueue> SimulationQueues(int queues) {
  std::vector<SimQueue> out;
  double weight = 1;
  for (int i = 0; i < queues; ++i) {
    SimQueue q;
    q.name = i < static_cast<int>(kQueueNames.size()) ? std::string(kQueueNames[i])
                                                      : "queue" + std::to_string(i + 1);
    q.dn = std::to_string(800 + i);
    q.did = "+18005550" + std::to_string(100 + i);
    q.display = Capitalized(q.name);
    q.weight = weight;
    q.timeout_s = kQueueTimeoutsS[static_cast<size_t>(i) % kQueueTimeoutsS.size()];
    weight *= 0.6;
    out.push_back(std::move(q));
  }
  return out;
}

std::vector<SimAgent> SimulationAgents(int agents) {
  std::vector<SimAgent> out;
  out.reserve(static_cast<size_t>(agents));
  for (int k = 0; k < agents; ++k) {
    SimAgent a;
    a.extension = std::to_string(1001 + k);
    a.channel = "Local/a" + a.extension + "@agents/n";
    a.dn = std::to_string(agents < 700 ? 101 + k : 20001 + k);
    a.display = "Agent " + a.extension;
    out.push_back(std::move(a));
  }
  return out;
}

std::string TransferTarget(SourceFormat format, int target) {
  return std::to_string((format == SourceFormat::k3cxCdr ? 901 : 2001) + target);
}

CallTraits DrawCallTraits(SimRandom& rng, const std::vector<SimQueue>& queues) {
  CallTraits t;
  double total_weight = 0;
  for (const SimQueue& q : queues) total_weight += q.weight;
  double pick = rng.Uniform() * total_weight;
  t.queue = static_cast<int>(queues.size()) - 1;
  for (size_t q = 0; q < queues.size(); ++q) {
    if (pick < queues[q].weight) {
      t.queue = static_cast<int>(q);
      break;
    }
    pick -= queues[q].weight;
  }
  t.repeat_caller = rng.Chance(kRepeatCallerShare);
  t.repeat_pick = rng.Next();
  char number[16];
  std::snprintf(number, sizeof number, "+1555%07lld",
                static_cast<long long>(rng.UniformInt(0, 9999999)));
  t.new_number = number;
  const bool impatient = rng.Chance(kImpatientShare);
  const int64_t short_patience = rng.UniformInt(1, 4);
  const double patience = rng.Weibull(kPatienceScaleS, kPatienceShape);
  t.patience_s = impatient ? short_patience : std::max<int64_t>(1, std::llround(patience));
  t.talk_s = std::clamp<int64_t>(std::llround(rng.LogNormal(kTalkMedianS, kTalkSigma)), kTalkMinS,
                                 kTalkMaxS);
  const bool held = rng.Chance(kHoldShare);
  const int64_t hold = std::llround(rng.LogNormal(kHoldMedianS, kHoldSigma));
  t.hold_s = held ? std::min(hold, t.talk_s / 2) : 0;
  t.acw_s =
      std::min<int64_t>(std::llround(kAcwBaseS + rng.LogNormal(kAcwMedianS, kAcwSigma)), kAcwMaxS);
  t.agent_hangs_up = rng.Chance(kAgentHangsUpShare);
  const bool transfer = rng.Chance(kTransferShare);
  const int64_t target = rng.UniformInt(0, kTransferTargets - 1);
  t.transfer_target = transfer ? static_cast<int>(target) : -1;
  t.disposition = static_cast<int>(rng.UniformInt(0, kDispositions.size() - 1));
  const bool surveyed = rng.Chance(kCsatShare);
  const double score = rng.Uniform();  // 1..5 in 5 %, 7 %, 13 %, 30 %, 45 % of surveys
  t.csat = !surveyed      ? 0
           : score < 0.05 ? 1
           : score < 0.12 ? 2
           : score < 0.25 ? 3
           : score < 0.55 ? 4
                          : 5;
  t.channel_age_s = rng.UniformInt(0, 2);
  return t;
}

std::vector<PlannedPause> PlanPauses(SimRandom& rng, int64_t login_s, int64_t end_s) {
  std::vector<PlannedPause> plan;
  auto seconds = [](double s) { return static_cast<int64_t>(std::llround(s)); };
  auto add_if_free = [&](int64_t at, int64_t duration, std::string_view reason) {
    if (at < login_s || at + duration > end_s) return;
    for (const PlannedPause& p : plan) {
      if (at < p.at + p.duration_s + kPauseGapS && p.at < at + duration + kPauseGapS) return;
    }
    plan.push_back({at, duration, reason});
  };
  for (int64_t block = login_s; block < end_s; block += 8 * kHour) {
    const int64_t len = std::min<int64_t>(8 * kHour, end_s - block);
    const int64_t lunch_at = block + seconds(rng.Uniform(3.5 * kHour, 4.5 * kHour));
    const int64_t lunch_len = seconds(rng.Uniform(30 * kMinute, 45 * kMinute));
    if (len >= 5 * kHour) add_if_free(lunch_at, lunch_len, "Lunch");
    const bool training = rng.Chance(0.15);
    const double training_at = rng.Uniform();
    const int64_t training_len = seconds(rng.Uniform(30 * kMinute, 60 * kMinute));
    if (training && len >= 2 * kHour) {
      add_if_free(block + kHour + seconds(training_at * static_cast<double>(len - 2 * kHour)),
                  training_len, "Training");
    }
    const bool meeting = rng.Chance(0.2);
    const double meeting_at = rng.Uniform();
    const int64_t meeting_len = seconds(rng.Uniform(15 * kMinute, 30 * kMinute));
    if (meeting && len >= 2 * kHour) {
      add_if_free(block + kHour / 2 + seconds(meeting_at * static_cast<double>(len - 2 * kHour)),
                  meeting_len, "Meeting");
    }
  }
  for (int64_t t = login_s;;) {
    t += seconds(rng.Uniform(70 * kMinute, 140 * kMinute));
    if (t >= end_s - 20 * kMinute) break;
    const bool bathroom = rng.Chance(0.6);
    const int64_t len = bathroom ? seconds(rng.Uniform(3 * kMinute, 7 * kMinute))
                                 : seconds(rng.Uniform(5 * kMinute, 10 * kMinute));
    add_if_free(t, len, bathroom ? "Bathroom" : "Smoke");
  }
  std::sort(plan.begin(), plan.end(),
            [](const PlannedPause& a, const PlannedPause& b) { return a.at < b.at; });
  return plan;
}

std::vector<double> ArrivalRatePerMinute(const SimulationOptions& options, int64_t start_s,
                                         int64_t duration_s, double calls_per_hour) {
  const date::time_zone* zone = nullptr;
  if (options.time_zone != "UTC") zone = date::locate_zone(options.time_zone);
  const size_t minutes = static_cast<size_t>((duration_s + kMinute - 1) / kMinute);
  std::vector<double> rate(minutes);
  double sum = 0;
  for (size_t m = 0; m < minutes; ++m) {
    const int64_t mid = start_s + static_cast<int64_t>(m) * kMinute + kMinute / 2;
    int64_t local = mid;
    if (zone != nullptr) {
      const date::sys_seconds t{std::chrono::seconds{mid}};
      local += zone->get_info(t).offset.count();
    }
    const int64_t second_of_day = ((local % kDay) + kDay) % kDay;
    rate[m] = ProfileLevel(static_cast<double>(second_of_day) / kHour);
    sum += rate[m];
  }
  const double scale = calls_per_hour / 3600.0 / (sum / static_cast<double>(minutes));
  for (double& r : rate) r *= scale;
  return rate;
}

}  // namespace callboard
