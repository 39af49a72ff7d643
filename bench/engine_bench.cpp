// engine_bench: the in-memory ingest engine over N simulated Asterisk queue_log lines —
// parse → assemble (calls and agent states) → aggregate (15-minute interval counters per
// queue and agent, agent state seconds) — on one core, in events (lines) per second
// (DESIGN §7: ≥ 1,000,000 events/s per core). Baseline from the same run: splitting the
// same bytes into lines with a memchr loop and touching each line, the floor any
// line-oriented reader pays.
//
//   engine_bench [N lines, default 2000000] [repeats, default 3]
//
// Not a test: built by bench/CMakeLists.txt and run by bench/engine_bench.sh (make bench).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/interval_counters.h"
#include "core/intervals.h"
#include "core/kpi.h"
#include "ingest/asterisk_queue_log_parser.h"
#include "ingest/call_assembler.h"
#include "ingest/parsed.h"
#include "ingest/simulator.h"
#include "kpi/agent_state_tracker.h"

namespace callboard {
namespace {

using Seconds = std::chrono::duration<double>;

// At least `lines` queue_log lines of simulated traffic, cut to exactly `lines`.
std::string SimulatedQueueLog(int64_t lines) {
  SimulationOptions options;
  options.format = SourceFormat::kAsteriskQueueLog;
  options.queues = 3;
  options.agents = 200;
  options.seed = 42;
  // About 33 lines per agent-hour; aim a little high, then double until there are enough.
  options.hours = std::max(1.0, static_cast<double>(lines) / (33.0 * options.agents) * 1.1);
  for (;;) {
    std::ostringstream out;
    if (!WriteSimulation(options, out).ok()) {
      std::fprintf(stderr, "engine_bench: simulation failed\n");
      std::exit(1);
    }
    std::string text = std::move(out).str();
    size_t pos = 0;
    int64_t n = 0;
    while (n < lines) {
      const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
      if (!nl) break;
      pos = static_cast<size_t>(static_cast<const char*>(nl) - text.data()) + 1;
      ++n;
    }
    if (n == lines) {
      text.resize(pos);
      return text;
    }
    options.hours *= 2;
  }
}

using AggregateKey = std::tuple<int64_t, int64_t, TimePoint>;  // queue, agent, bucket
struct AggregateKeyHash {
  size_t operator()(const AggregateKey& k) const {
    const auto& [queue, agent, bucket] = k;
    uint64_t h = static_cast<uint64_t>(ToUnixMillis(bucket)) * 0x9E3779B97F4A7C15ULL;
    h ^= static_cast<uint64_t>(queue) * 0xC2B2AE3D27D4EB4FULL + (h << 6) + (h >> 2);
    h ^= static_cast<uint64_t>(agent) * 0x165667B19E3779F9ULL + (h << 6) + (h >> 2);
    return static_cast<size_t>(h);
  }
};

struct EngineResult {
  int64_t events = 0;
  int64_t calls = 0;
  int64_t state_changes = 0;
  int64_t rejects = 0;
  size_t aggregate_rows = 0;
  size_t agent_state_rows = 0;
};

// How much of the pipeline to run: the stages are timed separately to show where time goes.
enum class Stage { kParse, kAssemble, kAggregate };

// The import pipeline (StreamIngestor, src/ingest/stream_ingestor.cpp) without the store: the
// same parser, assembler, tracker and counters, flushed every `batch_lines` lines as an
// import does.
EngineResult RunEngine(std::string_view text, int64_t batch_lines, Stage stage) {
  EngineResult r;
  AsteriskQueueLogParser parser{ZoneConverter()};
  CallAssembler assembler;
  AgentStateTracker tracker;
  const QueueSettings settings;
  std::unordered_map<std::string, int64_t> queue_ids;
  std::unordered_map<std::string, int64_t> agent_ids;
  auto id_of = [](std::unordered_map<std::string, int64_t>& ids, const std::string& name) {
    return ids.try_emplace(name, static_cast<int64_t>(ids.size()) + 1).first->second;
  };
  QueueLogEventView e;
  std::vector<ParseReject> rejects;
  AssemblerOutput out;
  TimePoint latest{};

  auto drain = [&] {
    if (stage != Stage::kAggregate) {
      r.calls += static_cast<int64_t>(out.calls.size());
      r.state_changes += static_cast<int64_t>(out.states.size());
      out.calls.clear();
      out.states.clear();
      out.diagnostics.clear();
      return;
    }
    // One batch's sums, as the import hands each batch to the store (one transaction).
    std::unordered_map<AggregateKey, IntervalCounters, AggregateKeyHash> sums;
    AgentSecondsByBucket seconds;
    for (const CallRecord& call : out.calls) {
      ++r.calls;
      if (call.queue.empty()) continue;
      const int64_t queue = id_of(queue_ids, call.queue);
      const TimePoint bucket = BucketStart(call.started_at);
      CountCall(sums[{queue, 0, bucket}], call, settings);
      if (!call.agent.empty()) {
        CountCall(sums[{queue, id_of(agent_ids, call.agent), bucket}], call, settings);
      }
    }
    for (const AgentStateChange& change : out.states) {
      ++r.state_changes;
      tracker.Apply(id_of(agent_ids, change.agent), change, seconds);
    }
    r.aggregate_rows += sums.size();
    r.agent_state_rows += seconds.size();
    out.calls.clear();
    out.states.clear();
    out.diagnostics.clear();
  };

  int64_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const char* start = text.data() + pos;
    const void* nl = std::memchr(start, '\n', text.size() - pos);
    const size_t len =
        nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : text.size() - pos;
    pos += len + 1;
    ++line_no;
    if (parser.ParseEvent(std::string_view(start, len), line_no, e, rejects) &&
        stage != Stage::kParse) {
      if (e.at > latest) latest = e.at;
      assembler.Add(e, line_no, out);
    }
    if (line_no % batch_lines == 0) {
      assembler.Expire(latest, out);
      drain();
    }
  }
  assembler.Expire(latest, out);
  drain();
  r.events = line_no;
  r.rejects = static_cast<int64_t>(rejects.size());
  return r;
}

// The baseline: memchr line splitting over the same bytes, touching every line's first
// and last byte so that the loop cannot be optimised away.
int64_t SplitLines(std::string_view text, uint64_t& checksum) {
  int64_t lines = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const char* start = text.data() + pos;
    const void* nl = std::memchr(start, '\n', text.size() - pos);
    const size_t len =
        nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : text.size() - pos;
    if (len > 0) checksum += static_cast<unsigned char>(start[0]) ^ start[len - 1];
    checksum += len;
    pos += len + 1;
    ++lines;
  }
  return lines;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// CPU seconds of this process (one thread does the work): the per-core figure, not skewed by
// other processes on a busy machine. Wall time is printed beside it.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Timing {
  std::vector<double> cpu;
  std::vector<double> wall;
};

template <typename F>
void Time(Timing& t, F&& run) {
  const double cpu0 = CpuSeconds();
  const auto wall0 = std::chrono::steady_clock::now();
  run();
  t.cpu.push_back(CpuSeconds() - cpu0);
  t.wall.push_back(Seconds(std::chrono::steady_clock::now() - wall0).count());
}

}  // namespace
}  // namespace callboard

int main(int argc, char** argv) {
  using namespace callboard;
  const int64_t lines = argc > 1 ? std::atoll(argv[1]) : 2'000'000;
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  if (lines <= 0) {
    std::fprintf(stderr, "usage: engine_bench [lines > 0] [repeats]\n");
    return 2;
  }
  const std::string text = SimulatedQueueLog(lines);

  Timing split, parse, assemble, full;
  EngineResult result;
  uint64_t checksum = 0;
  int64_t split_lines = 0;
  for (int i = 0; i < repeats; ++i) {
    Time(split, [&] { split_lines = SplitLines(text, checksum); });
    Time(parse, [&] { RunEngine(text, 20000, Stage::kParse); });
    Time(assemble, [&] { RunEngine(text, 20000, Stage::kAssemble); });
    Time(full, [&] { result = RunEngine(text, 20000, Stage::kAggregate); });
  }
  if (split_lines != result.events) {
    std::fprintf(stderr, "engine_bench: %lld lines split, %lld parsed\n",
                 static_cast<long long>(split_lines), static_cast<long long>(result.events));
    return 1;
  }
  const double events = static_cast<double>(result.events);
  std::printf(
      "Engine benchmark: %lld simulated queue_log lines (%.1f MiB) in memory, one thread, median "
      "of %d runs; rates per CPU-second (wall-clock rate after it)\n",
      static_cast<long long>(result.events), static_cast<double>(text.size()) / (1 << 20), repeats);
  std::printf(
      "  %lld calls, %lld agent state changes, %lld rejects -> %zu interval aggregate rows, %zu "
      "agent state rows (summed over the batches, as handed to the store)\n",
      static_cast<long long>(result.calls), static_cast<long long>(result.state_changes),
      static_cast<long long>(result.rejects), result.aggregate_rows, result.agent_state_rows);
  auto row = [&](const char* name, const Timing& t, const char* unit) {
    const double cpu = Median(t.cpu);
    const double wall = Median(t.wall);
    std::printf("  %-46s %13.0f %s  (%.3f s CPU; wall %.0f/s)\n", name, events / cpu, unit, cpu,
                events / wall);
  };
  row("parse + assemble + aggregate", full, "events/s");
  row("  stage: parse only", parse, "events/s");
  row("  stage: parse + assemble", assemble, "events/s");
  row("baseline: memchr line split of the same bytes", split, "lines/s ");
  const double rate = events / Median(full.cpu);
  std::printf(
      "  engine = %.2f%% of the baseline rate; target >= 1,000,000 events/s per core: %s "
      "(%.2fx of it)  [checksum %llu]\n",
      100.0 * Median(split.cpu) / Median(full.cpu), rate >= 1e6 ? "met" : "MISSED", rate / 1e6,
      static_cast<unsigned long long>(checksum % 1000));
  return 0;
}
