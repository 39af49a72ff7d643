#include "ingest/freeswitch_cc_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/parser_test_support.h"

namespace callboard {
namespace {

using ::testing::IsEmpty;
using testing::ItemsOf;
using ::testing::Pair;
using testing::ParseFixture;
using ::testing::StartsWith;

constexpr SourceFormat kFormat = SourceFormat::kFreeswitchCc;

std::vector<std::pair<int64_t, std::string>> Rejects(const testing::ParseOutput& out) {
  std::vector<std::pair<int64_t, std::string>> got;
  for (const ParseReject& r : out.rejects) got.emplace_back(r.line, r.reason);
  return got;
}

TEST(FreeswitchCcParser, ReadsFlatAndJsonCdrLayouts) {
  const testing::ParseOutput out = ParseFixture(kFormat, "freeswitch/member_legs.json");
  const std::vector<CallRecord> c = ItemsOf<CallRecord>(out.items);
  ASSERT_EQ(c.size(), 6u);  // lines 1, 3, 4, 5, 6, 11; line 2 is an agent leg

  // Line 1: flat variables, answered by agent 1001.
  EXPECT_EQ(c[0].pbx_call_id, "6f1c2d3e-0001");
  EXPECT_EQ(c[0].direction, CallDirection::kInbound);
  EXPECT_EQ(c[0].queue, "support@default");
  EXPECT_EQ(c[0].agent, "1001@default");
  EXPECT_EQ(c[0].caller, "+15551230001");
  EXPECT_EQ(c[0].callee, "7000");
  EXPECT_EQ(c[0].started_at, FromUnixMillis(1795340000000));
  EXPECT_EQ(c[0].answered_at, FromUnixMillis(1795340012000));
  EXPECT_EQ(c[0].ended_at, FromUnixMillis(1795340200000));
  EXPECT_EQ(c[0].wait_ms, 12000);
  EXPECT_EQ(c[0].talk_ms, 188000);
  EXPECT_EQ(c[0].outcome, CallOutcome::kAnswered);

  // Line 3: mod_json_cdr layout, URL-encoded variables, caller from the callflow array.
  EXPECT_EQ(c[1].pbx_call_id, "a2b3c4d5-0003");
  EXPECT_EQ(c[1].queue, "sales@default");
  EXPECT_EQ(c[1].outcome, CallOutcome::kAbandoned);  // BREAK_OUT
  EXPECT_EQ(c[1].caller, "+15551230002");
  EXPECT_EQ(c[1].callee, "7001");
  EXPECT_EQ(c[1].agent, "");
  EXPECT_FALSE(c[1].answered_at.has_value());
  EXPECT_EQ(c[1].ended_at, FromUnixMillis(1795340325000));
  EXPECT_EQ(c[1].wait_ms, 25000);

  // Line 4: TIMEOUT; caller_id_number URL-encoded; callflow as an object.
  EXPECT_EQ(c[2].outcome, CallOutcome::kTimeout);
  EXPECT_EQ(c[2].caller, "+15551230003");
  EXPECT_EQ(c[2].callee, "7001");
  EXPECT_EQ(c[2].wait_ms, 300000);
  EXPECT_EQ(c[3].outcome, CallOutcome::kTimeout);  // line 5: NO_AGENT_TIMEOUT
  EXPECT_EQ(c[4].outcome, CallOutcome::kExitKey);  // line 6: EXIT_WITH_KEY
  EXPECT_EQ(c[4].wait_ms, 9000);

  // Line 11: epochs as JSON numbers, canceled 0 = unset.
  EXPECT_EQ(c[5].pbx_call_id, "6f1c2d3e-0011");
  EXPECT_EQ(c[5].agent, "1002@default");
  EXPECT_EQ(c[5].talk_ms, 60000);
  EXPECT_EQ(c[5].wait_ms, 5000);

  const auto got = Rejects(out);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_THAT(got[0], Pair(7, "cc_queue_joined_epoch: missing"));
  EXPECT_THAT(got[1], Pair(8, "cc_side: missing (not a mod_callcenter leg)"));
  EXPECT_THAT(got[2], Pair(9, StartsWith("line: invalid JSON")));
  EXPECT_THAT(got[3], Pair(10, "cc_cancel_reason: unknown value 'SOMETHING'"));
  EXPECT_THAT(got[4], Pair(12, "cc_queue_terminated_epoch: before cc_queue_joined_epoch"));
}

TEST(FreeswitchCcParser, ReadsCsvByItsHeaderAndIgnoresAgentLegs) {
  const auto parser = testing::NewParser(kFormat);
  const testing::ParseOutput out =
      testing::ParseText(*parser, testing::ReadTestData("freeswitch/member_legs.csv"));
  const std::vector<CallRecord> c = ItemsOf<CallRecord>(out.items);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].pbx_call_id, "c1");
  EXPECT_EQ(c[0].outcome, CallOutcome::kAnswered);
  EXPECT_EQ(c[0].agent, "1001@default");
  EXPECT_EQ(c[0].caller, "+15550001");
  EXPECT_EQ(c[0].talk_ms, 90000);
  EXPECT_EQ(c[1].pbx_call_id, "c3");
  EXPECT_EQ(c[1].outcome, CallOutcome::kTimeout);
  EXPECT_EQ(c[1].wait_ms, 60000);
  ASSERT_EQ(out.rejects.size(), 1u);
  EXPECT_EQ(out.rejects[0].line, 5);
  EXPECT_EQ(out.rejects[0].reason, "columns: 12 cells, the header has 13");
  EXPECT_THAT(parser->HeaderLine(), StartsWith("uuid,cc_queue,cc_side,"));
  EXPECT_FALSE(parser->HeaderLine().ends_with("\r"));
}

TEST(FreeswitchCcParser, RejectsACsvRowBeforeAnyHeader) {
  const auto parser = testing::NewParser(kFormat);
  std::vector<ParsedItem> items;
  std::vector<ParseReject> rejects;
  parser->ParseLine("c1,support@default,member", 1, items, rejects);
  EXPECT_THAT(items, IsEmpty());
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].reason, "header: a CSV row before any header naming the variables");
}

}  // namespace
}  // namespace callboard
