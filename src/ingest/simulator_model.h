#pragma once
// The simulator's model: its parameters, the roster (queues, agents and their identities in
// each format), the time-of-day arrival profile and the agents' pause plans. Internal to the
// simulator (simulator.h is the interface); the engine (simulator_engine.h) runs it.
// Thread-safety: values and pure functions.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/simulator.h"
#include "ingest/simulator_random.h"

namespace callboard {

// ---- Parameters (seconds unless named otherwise) ----
inline constexpr double kTalkMedianS = 240;  // log-normal talk time
inline constexpr double kTalkSigma = 0.65;
inline constexpr int64_t kTalkMinS = 10;
inline constexpr int64_t kTalkMaxS = int64_t{2} * 3600;
inline constexpr double kAcwBaseS = 5;  // wrap-up = base + log-normal
inline constexpr double kAcwMedianS = 12;
inline constexpr double kAcwSigma = 0.6;
inline constexpr int64_t kAcwMaxS = 180;
inline constexpr double kHoldShare = 0.15;  // answered calls with a hold (inside talk time)
inline constexpr double kHoldMedianS = 40;
inline constexpr double kHoldSigma = 0.7;
inline constexpr double kTransferShare = 0.03;      // answered calls blind-transferred
inline constexpr double kAgentHangsUpShare = 0.45;  // COMPLETEAGENT rather than COMPLETECALLER
inline constexpr double kImpatientShare = 0.03;     // callers who give up within 1..4 s
inline constexpr double kPatienceScaleS = 180;      // Weibull patience of everyone else
inline constexpr double kPatienceShape = 1.2;
inline constexpr double kRingNoAnswerShare = 0.06;  // rings that go unanswered
inline constexpr int64_t kRingTimeoutMs = 15000;    // member ring timeout
inline constexpr double kRingTimeoutShare = 0.7;    // of unanswered rings: ran to the timeout
inline constexpr double kRingMeanS = 2.5;           // answered ring = 1 s + exponential
inline constexpr int64_t kRingMaxS = 12;
inline constexpr double kRepeatCallerShare = 0.12;  // callers who called earlier in the run
inline constexpr double kCsatShare = 0.25;          // answered calls with a survey score
inline constexpr int64_t kLoginSpreadS = 180;       // agents log in within 3 min of the start
inline constexpr int64_t kLogoffSpreadS = 90;
inline constexpr double kTargetOccupancy = 0.85;  // for the derived calls per hour
inline constexpr double kPausedShare = 0.14;      // of a shift, from the pause plan below

// Queue i: name, 3CX DN 800+i, DID, display name, weight 0.6^i, timeout.
struct SimQueue {
  std::string name;     // queue_log and calls-json: "sales", "support", …
  std::string dn;       // 3CX queue DN: "800", "801", …
  std::string did;      // the number callers dial: "+18005550100", …
  std::string display;  // 3CX display name
  double weight = 1;
  int64_t timeout_s = 300;
};

// Agent k: extension 1001+k.
struct SimAgent {
  std::string channel;    // queue_log member: "Local/a1001@agents/n"
  std::string extension;  // calls-json: "1001"
  std::string dn;         // 3CX DN: "101", … (20001+k beyond 699 agents)
  std::string display;    // 3CX display name: "Agent 1001"
};

std::vector<SimQueue> SimulationQueues(int queues);
std::vector<SimAgent> SimulationAgents(int agents);

// Back-office extensions transfers go to (outside the agent pool).
inline constexpr int kTransferTargets = 3;
std::string TransferTarget(SourceFormat format, int target);  // "2001"… or 3CX "901"…
inline constexpr std::string_view k3cxVoicemailDn = "999";
inline constexpr std::string_view k3cxTrunkDn = "10000";

inline constexpr std::array<std::string_view, 6> kDispositions = {
    "Billing question", "Technical issue", "New order", "Account change", "Complaint", "Other"};

// What a caller brings and how the call goes once answered. Drawn from the call's own stream,
// every value in a fixed order whether used or not, so each call's draws are independent of
// the rest of the run.
struct CallTraits {
  int queue = 0;               // by the queues' weights
  bool repeat_caller = false;  // reuse an earlier caller's number, chosen by repeat_pick
  uint64_t repeat_pick = 0;
  std::string new_number;  // "+1555xxxxxxx", used when not a repeat caller
  int64_t patience_s = 1;  // gives up after waiting this long
  int64_t talk_s = 0;      // connected time, hold included
  int64_t hold_s = 0;
  int64_t acw_s = 0;
  bool agent_hangs_up = false;
  int transfer_target = -1;   // TransferTarget index; -1: not transferred
  int disposition = 0;        // index into kDispositions
  int csat = 0;               // 1..5; 0: no survey
  int64_t channel_age_s = 0;  // the caller's channel was created this long before the queue
};
CallTraits DrawCallTraits(SimRandom& rng, const std::vector<SimQueue>& queues);

struct PlannedPause {
  int64_t at = 0;  // epoch seconds the agent means to pause (or when next free after that)
  int64_t duration_s = 0;
  std::string_view reason;  // Lunch, Bathroom, Smoke, Training, Meeting
};

// An agent's pauses over [login_s, end_s), in time order, non-overlapping: per 8-hour block a
// lunch (30–45 min, 3.5–4.5 h in, blocks ≥ 5 h), sometimes a training (30–60 min) or a meeting
// (15–30 min); and a Bathroom (3–7 min) or Smoke (5–10 min) break every 70–140 min.
std::vector<PlannedPause> PlanPauses(SimRandom& rng, int64_t login_s, int64_t end_s);

// The arrival rate (calls per second) for each minute of the run [start, start + duration_s),
// following the time-of-day profile in options.time_zone and averaging calls_per_hour.
// REQUIRES: the options are valid.
std::vector<double> ArrivalRatePerMinute(const SimulationOptions& options, int64_t start_s,
                                         int64_t duration_s, double calls_per_hour);

}  // namespace callboard
