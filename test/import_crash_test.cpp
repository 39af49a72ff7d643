// Crash safety of `callboard import` (issue 3, acceptance 3; DESIGN §3.1): a large import
// killed with SIGKILL at random moments (seeded) and then run again to completion leaves
// exactly the reports of one clean import into a fresh data directory — nothing lost,
// nothing counted twice — for queue_log (assembler and agent-state checkpoints) and for
// calls-json (one call per line).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ingest/simulator.h"
#include "test/support/process.h"

namespace callboard {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class ImportCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    root_ = fs::temp_directory_path() / ("callboard-crash-" + std::to_string(rd()));
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path NewDataDir(const std::string& name) {
    const fs::path dir = root_ / name;
    fs::create_directories(dir);
    CommandRun t = RunCallboard(root_, {"tenant", "add", "acme", "--data", dir.string()});
    EXPECT_EQ(t.exit_code, 0) << t.err;
    return dir;
  }

  std::vector<std::string> ImportArgs(const fs::path& dir) const {
    return {"import",   "--data", dir.string(), "--tenant", "acme",
            "--format", format_,  "--source",   "pbx",      file_.string()};
  }

  // The queue report by hour and the agent report (state seconds too) over the run.
  std::string Reports(const fs::path& dir) {
    std::string all;
    for (const char* kind : {"queues", "agents"}) {
      CommandRun r = RunCallboard(
          root_, {"report", kind, "--data", dir.string(), "--tenant", "acme", "--from",
                  "2026-11-01", "--to", "2026-11-06", "--interval", "1h", "--format", "json"});
      EXPECT_EQ(r.exit_code, 0) << r.err;
      all += r.out;
    }
    return all;
  }

  // Simulates `format` traffic into a file; returns its line count.
  int64_t Simulate(SourceFormat format, const std::string& format_name, int agents) {
    format_ = format_name;
    file_ = root_ / ("traffic." + format_name);
    std::ofstream out(file_, std::ios::binary);
    const SimulationOptions options{
        .format = format, .queues = 3, .agents = agents, .hours = 48, .seed = 3};
    EXPECT_TRUE(WriteSimulation(options, out).ok());
    out.close();
    const std::string text = ReadFile(file_);
    return std::count(text.begin(), text.end(), '\n');
  }

  // One clean import, then `trials` fresh data directories each with two imports killed at
  // seeded random moments and a third run to completion; every final report must equal the
  // clean one.
  void KillAndResume(int64_t lines, int trials, uint64_t seed) {
    const fs::path clean = NewDataDir("clean");
    const auto t0 = Clock::now();
    CommandRun whole = RunCallboard(root_, ImportArgs(clean));
    const auto clean_time = Clock::now() - t0;
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    const boost::json::object clean_summary = boost::json::parse(whole.out).as_object();
    ASSERT_EQ(clean_summary.at("accepted").as_int64(), lines);
    const std::string want = Reports(clean);
    ASSERT_GT(want.size(), 10000u);

    std::mt19937_64 rng(seed);
    int resumed = 0;
    for (int trial = 0; trial < trials; ++trial) {
      const fs::path dir = NewDataDir("trial" + std::to_string(trial));
      // First kill somewhere in the first 50 % of a clean run's time; the second, of the
      // resumed import, in the first 40 % (it may finish first when little was left).
      for (const double upper : {0.5, 0.4}) {
        std::uniform_real_distribution<double> at(0.05, upper);
        const auto delay =
            std::chrono::duration_cast<std::chrono::microseconds>(clean_time * at(rng));
        const auto start = Clock::now();
        const pid_t pid = SpawnCallboard(root_, ImportArgs(dir));
        std::this_thread::sleep_until(start + delay);  // the kill point itself, not a wait
        kill(pid, SIGKILL);
        int status = 0;
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        SCOPED_TRACE("trial " + std::to_string(trial) + ", kill after " +
                     std::to_string(delay.count()) + " us");
        if (upper == 0.5) {
          ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
              << "the import finished before the kill point";
        }
      }
      CommandRun rest = RunCallboard(root_, ImportArgs(dir));
      ASSERT_EQ(rest.exit_code, 0) << rest.err;
      const boost::json::object s = boost::json::parse(rest.out).as_object();
      EXPECT_EQ(s.at("rejected").as_int64(), 0);
      if (s.at("duplicates").as_int64() > 0) ++resumed;
      EXPECT_EQ(Reports(dir), want) << "trial " << trial;
    }
    // At least one import resumed from a checkpoint a killed run had committed.
    EXPECT_GT(resumed, 0);
  }

  fs::path root_;
  fs::path file_;
  std::string format_;
};

TEST_F(ImportCrash, KilledQueueLogImportsResumeToTheCleanNumbers) {
  const int64_t lines = Simulate(SourceFormat::kAsteriskQueueLog, "asterisk-queue-log", 130);
  ASSERT_GT(lines, 200000);
  KillAndResume(lines, 3, 20260303);
}

TEST_F(ImportCrash, KilledCallsJsonImportsResumeToTheCleanNumbers) {
  const int64_t lines = Simulate(SourceFormat::kCallsJson, "calls-json", 130);
  ASSERT_GT(lines, 40000);
  KillAndResume(lines, 3, 20260304);
}

}  // namespace
}  // namespace callboard
