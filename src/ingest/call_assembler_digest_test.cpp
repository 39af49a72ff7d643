// The queue_log engine's output over simulated days must not change when its internals do
// (the parser and assembler are tuned for speed, DESIGN §7). Each case simulates a day of
// traffic, optionally perturbs the lines (drops, swaps and repeats some, so that the
// data-quality paths run too), feeds them through the parser and the assembler the way an
// import does (Expire every 5,000 lines, and a SaveState/LoadState round trip into a fresh
// assembler every 20,000 lines, as a resumed tail would), and compares a SHA-256 digest of
// every call, agent state change and diagnostic with a checked-in value.
//
// The expected digests (and counts) were produced by this very test compiled against the code of
// commit b10c7fd, before the engine's speed work, by copying the printed values.
// If a deliberate behaviour change alters them, say so in the commit and regenerate them the same
// way; an unexplained change is a regression.

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "core/sha256.h"
#include "ingest/call_assembler.h"
#include "ingest/parsed.h"
#include "ingest/simulator.h"

namespace callboard {
namespace {

std::string Ms(TimePoint t) { return std::to_string(ToUnixMillis(t)); }

// Every field the assembler fills, one line per item, in output order.
void Canonical(const AssemblerOutput& out, std::string& text) {
  for (const CallRecord& c : out.calls) {
    text += "call " + c.pbx_call_id + "|" + std::string(CallDirectionName(c.direction)) + "|" +
            c.queue + "|" + c.agent + "|" + c.caller + "|" + c.callee + "|" + Ms(c.started_at) +
            "|" + (c.answered_at ? Ms(*c.answered_at) : "-") + "|" + Ms(c.ended_at) + "|" +
            std::to_string(c.wait_ms) + "|" + std::to_string(c.talk_ms) + "|" +
            std::to_string(c.hold_ms) + "|" + std::to_string(c.acw_ms) + "|" +
            std::string(CallOutcomeName(c.outcome)) + "|" + std::to_string(c.transfer_count) + "|" +
            c.transferred_to + "|" + c.disposition + "|" + c.call_type + "|" +
            (c.fcr ? (*c.fcr ? "1" : "0") : "-") + "|" + (c.csat ? std::to_string(*c.csat) : "-") +
            "\n";
  }
  for (const AgentStateChange& s : out.states) {
    text += "state " + Ms(s.at) + "|" + s.agent + "|" + std::string(AgentStateName(s.state)) + "|" +
            s.reason + "|" + s.queue + "\n";
  }
  for (const AssemblyDiagnostic& d : out.diagnostics) {
    text +=
        "diag " + d.kind + "|" + d.call_id + "|" + std::to_string(d.line) + "|" + d.detail + "\n";
  }
}

std::vector<std::string> SimulatedLines(const SimulationOptions& options) {
  std::ostringstream stream;
  EXPECT_TRUE(WriteSimulation(options, stream).ok());
  std::vector<std::string> lines;
  std::istringstream in(stream.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Deterministic damage: every 211th line dropped, every 97th swapped with the next one, every
// 173rd written twice.
std::vector<std::string> Perturb(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i % 211 == 210) continue;
    if (i % 97 == 96 && i + 1 < lines.size()) {
      out.push_back(lines[i + 1]);
      out.push_back(lines[i]);
      ++i;
      continue;
    }
    out.push_back(lines[i]);
    if (i % 173 == 172) out.push_back(lines[i]);
  }
  return out;
}

struct Digest {
  std::string sha256;
  size_t calls = 0;
  size_t states = 0;
  size_t diagnostics = 0;
  size_t rejects = 0;
};

Digest DigestOf(const std::vector<std::string>& lines) {
  auto parser = MakeParser(SourceFormat::kAsteriskQueueLog, {});
  EXPECT_TRUE(parser.has_value());
  auto assembler = std::make_unique<CallAssembler>();
  std::vector<ParsedItem> items;
  std::vector<ParseReject> rejects;
  AssemblerOutput out;
  TimePoint latest{};
  std::string text;
  Digest d;
  auto drain = [&] {
    d.calls += out.calls.size();
    d.states += out.states.size();
    d.diagnostics += out.diagnostics.size();
    Canonical(out, text);
    out = AssemblerOutput{};
  };
  int64_t line_no = 0;
  for (const std::string& line : lines) {
    ++line_no;
    items.clear();
    (*parser)->ParseLine(line, line_no, items, rejects);
    for (const ParsedItem& item : items) {
      const auto& e = std::get<QueueLogEvent>(item);
      if (e.at > latest) latest = e.at;
      assembler->Add(e, line_no, out);
    }
    if (line_no % 5000 == 0) {
      assembler->Expire(latest, out);
      drain();
    }
    if (line_no % 20000 == 0) {
      const std::string state = assembler->SaveState();
      assembler = std::make_unique<CallAssembler>();
      EXPECT_TRUE(assembler->LoadState(state).ok()) << "line " << line_no;
    }
  }
  assembler->Finish(out);
  assembler->Expire(latest + std::chrono::hours(5), out);
  drain();
  d.rejects = rejects.size();
  d.sha256 = Sha256Hex(text);
  return d;
}

SimulationOptions Day(int queues, int agents, uint64_t seed) {
  SimulationOptions options;
  options.format = SourceFormat::kAsteriskQueueLog;
  options.queues = queues;
  options.agents = agents;
  options.hours = 24;
  options.seed = seed;
  return options;
}

TEST(CallAssemblerDigest, SimulatedDayIsUnchanged) {
  const Digest d = DigestOf(SimulatedLines(Day(3, 60, 42)));
  std::printf("clean day: %zu calls, %zu states, %zu diagnostics, %zu rejects, sha256 %s\n",
              d.calls, d.states, d.diagnostics, d.rejects, d.sha256.c_str());
  EXPECT_EQ(d.calls, 11818u);
  EXPECT_EQ(d.states, 19484u);
  EXPECT_EQ(d.diagnostics, 0u);
  EXPECT_EQ(d.rejects, 0u);
  EXPECT_EQ(d.sha256, "f9fe6923d4445ac3893fdbc3067f9d3bc0171add11d5dc823fe147937300ff54");
}

TEST(CallAssemblerDigest, PerturbedDayIsUnchanged) {
  const Digest d = DigestOf(Perturb(SimulatedLines(Day(2, 25, 7))));
  std::printf("perturbed day: %zu calls, %zu states, %zu diagnostics, %zu rejects, sha256 %s\n",
              d.calls, d.states, d.diagnostics, d.rejects, d.sha256.c_str());
  EXPECT_EQ(d.calls, 4930u);
  EXPECT_EQ(d.states, 7118u);
  EXPECT_EQ(d.diagnostics, 116u);
  EXPECT_EQ(d.sha256, "c521e07a353ed3e56bca979ed5838a8b56f0fd98b17e2542ceaecc0c3168b4e6");
}

}  // namespace
}  // namespace callboard
