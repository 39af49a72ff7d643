#include "ingest/ami/ami_message.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "ingest/ami/ami_test_peer.h"

namespace callboard {
namespace {

using testing::AmiServerSide;
using testing::ReadAmiFixture;

// The server side of the captured session's second (successful) connection: its banner, the
// Login response and everything after.
std::string SuccessfulConnection() {
  const std::string server = AmiServerSide(ReadAmiFixture());
  const size_t second = server.find("Asterisk Call Manager/", 1);
  EXPECT_NE(second, std::string::npos);
  return server.substr(second);
}

std::vector<AmiMessage> FeedInChunks(const std::string& bytes, size_t chunk, Status* status) {
  AmiFramer framer;
  std::vector<AmiMessage> out;
  for (size_t pos = 0; pos < bytes.size(); pos += chunk) {
    *status = framer.Feed(std::string_view(bytes).substr(pos, chunk), out);
    if (!status->ok()) break;
  }
  EXPECT_EQ(framer.banner().value_or(""), "Asterisk Call Manager/13.0.0");
  return out;
}

TEST(AmiFramer, CapturedSessionFramesAlikeHoweverTheReadsSplitIt) {
  const std::string bytes = SuccessfulConnection();
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{1000}, bytes.size()}) {
    SCOPED_TRACE(chunk);
    Status status;
    std::vector<AmiMessage> messages = FeedInChunks(bytes, chunk, &status);
    ASSERT_TRUE(status.ok()) << status.ToString();
    // 941 events and 10 responses (counted in the fixture with grep).
    ASSERT_EQ(messages.size(), 951u);
    int events = 0;
    int hangups = 0;
    for (const AmiMessage& m : messages) {
      events += m.is_event() ? 1 : 0;
      hangups += m.Value("Event") == "Hangup" ? 1 : 0;
    }
    EXPECT_EQ(events, 941);
    EXPECT_EQ(hangups, 40);
    EXPECT_EQ(messages[0].Value("Response"), "Success");
    EXPECT_EQ(messages[0].Value("ActionID"), "login-1");
    EXPECT_EQ(messages[0].Value("Message"), "Authentication accepted");
    EXPECT_EQ(messages[1].Value("Event"), "FullyBooted");
    EXPECT_EQ(messages[1].Value("Status"), "Fully Booted");
    EXPECT_EQ(messages.back().Value("Response"), "Goodbye");
    EXPECT_EQ(messages.back().Value("Message"), "Thanks for all the fish.");
  }
}

TEST(AmiFramer, RandomReadSizesGiveTheSameMessages) {
  const std::string bytes = SuccessfulConnection();
  Status status;
  const std::vector<AmiMessage> whole = FeedInChunks(bytes, bytes.size(), &status);
  std::mt19937 random(20261122);
  for (int round = 0; round < 5; ++round) {
    AmiFramer framer;
    std::vector<AmiMessage> out;
    for (size_t pos = 0; pos < bytes.size();) {
      const size_t n = std::uniform_int_distribution<size_t>(1, 300)(random);
      ASSERT_TRUE(framer.Feed(std::string_view(bytes).substr(pos, n), out).ok());
      pos += n;
    }
    ASSERT_EQ(out.size(), whole.size());
    for (size_t i = 0; i < out.size(); ++i) {
      ASSERT_EQ(out[i].Serialize(), whole[i].Serialize()) << "message " << i + 1;
    }
  }
}

TEST(AmiFramer, ToleratesBareLineFeedsAndKeepsEmptyValues) {
  AmiFramer framer;
  std::vector<AmiMessage> out;
  ASSERT_TRUE(framer
                  .Feed("Asterisk Call Manager/13.0.0\nEvent: QueueMemberPause\nQueue: support\n"
                        "PausedReason: \nCause-txt: Normal Clearing\n\n",
                        out)
                  .ok());
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].headers().size(), 4u);
  EXPECT_EQ(out[0].Value("queue"), "support");  // keys compare without case
  EXPECT_EQ(out[0].Get("PausedReason"), std::optional<std::string_view>(""));
  EXPECT_EQ(out[0].Value("Cause-txt"), "Normal Clearing");
  EXPECT_FALSE(out[0].Get("Paused").has_value());
}

TEST(AmiFramer, MessageSplitInsideTheCrLfArrivesWhole) {
  AmiFramer framer;
  std::vector<AmiMessage> out;
  ASSERT_TRUE(framer.Feed("Asterisk Call Manager/13.0.0\r\nResponse: Success\r", out).ok());
  ASSERT_TRUE(framer.Feed("\nActionID: a-1\r\n\r", out).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(framer.Feed("\n", out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].Value("ActionID"), "a-1");
  EXPECT_EQ(out[0].Serialize(), "Response: Success\r\nActionID: a-1\r\n\r\n");
}

TEST(AmiFramer, OversizeLineIsAnErrorEvenBeforeItEnds) {
  AmiFramer framer(AmiLimits{.max_line = 64});
  std::vector<AmiMessage> out;
  ASSERT_TRUE(framer.Feed("Asterisk Call Manager/13.0.0\r\nEvent: A\r\n", out).ok());
  const Status s = framer.Feed("Data: " + std::string(100, 'x'), out);  // no line end yet
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "AMI line longer than 64 bytes (message 1)");
  // The framer stays failed.
  EXPECT_EQ(framer.Feed("\r\n\r\n", out).message(), s.message());
  EXPECT_TRUE(out.empty());
}

TEST(AmiFramer, LineOfExactlyTheLimitPasses) {
  AmiFramer framer(AmiLimits{.max_line = 64});
  std::vector<AmiMessage> out;
  const std::string line = "Data: " + std::string(58, 'x');  // 64 bytes
  ASSERT_TRUE(
      framer.Feed("Asterisk Call Manager/13.0.0\r\nEvent: A\r\n" + line + "\r\n\r\n", out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].Value("Data").size(), 58u);
  EXPECT_FALSE(framer.Feed(line + "x\r\n", out).ok());
}

TEST(AmiFramer, TooManyHeadersAndTooLargeMessagesAreErrors) {
  {
    AmiFramer framer(AmiLimits{.max_headers = 3});
    std::vector<AmiMessage> out;
    const Status s = framer.Feed(
        "Asterisk Call Manager/13.0.0\r\nEvent: A\r\nB: 1\r\nC: 2\r\n\r\nEvent: B\r\nB: 1\r\nC: "
        "2\r\nD: 3\r\n",
        out);
    EXPECT_EQ(s.message(), "AMI message with more than 3 headers (message 2)");
    EXPECT_EQ(out.size(), 1u);
  }
  {
    AmiFramer framer(AmiLimits{.max_message = 40});
    std::vector<AmiMessage> out;
    const Status s = framer.Feed(
        "Asterisk Call Manager/13.0.0\r\nEvent: A\r\nData: 0123456789\r\nMore: 0123456789\r\n",
        out);
    EXPECT_EQ(s.message(), "AMI message larger than 40 bytes (message 1)");
  }
}

TEST(AmiFramer, FollowsOutputRunsToEndCommandBlankLinesIncluded) {
  AmiFramer framer;
  std::vector<AmiMessage> out;
  ASSERT_TRUE(
      framer
          .Feed("Asterisk Call Manager/1.1\r\n"
                "Response: Follows\r\nPrivilege: Command\r\nActionID: cmd-1\r\n"
                "support has 0 calls (max unlimited)\n   Members: \n\n"
                "--END COMMAND--\r\n\r\n"
                "Response: Follows\r\nActionID: cmd-2\r\nNo such command--END COMMAND--\r\n\r\n",
                out)
          .ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].is_response());
  EXPECT_EQ(out[0].headers().size(), 3u);
  EXPECT_EQ(out[0].Value("ActionID"), "cmd-1");
  EXPECT_FALSE(out[0].Get("Members").has_value());  // output, not a header
  EXPECT_EQ(out[0].body(), "support has 0 calls (max unlimited)\n   Members: \n");
  EXPECT_EQ(out[1].Value("ActionID"), "cmd-2");
  EXPECT_EQ(out[1].body(), "No such command");
}

TEST(AmiFramer, NewerCommandOutputIsRepeatedHeaders) {
  AmiFramer framer(AmiLimits{}, /*expect_banner=*/false);
  std::vector<AmiMessage> out;
  ASSERT_TRUE(framer
                  .Feed("Response: Success\r\nActionID: c\r\nMessage: Command output follows\r\n"
                        "Output: line 1\r\nOutput: line 2\r\n\r\n",
                        out)
                  .ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].GetAll("Output"), (std::vector<std::string_view>{"line 1", "line 2"}));
}

TEST(AmiAction, SerialisesInOrderWithItsActionId) {
  AmiAction action{.name = "QueuePause"};
  action.Set("Queue", "support").Set("Interface", "Local/a1002@agents/n").Set("Paused", "true");
  action.Set("Reason", "Lunch");
  Result<std::string> bytes = SerializeAction(action, "pause-1");
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  // Byte for byte what the captured session sent.
  EXPECT_EQ(*bytes,
            "Action: QueuePause\r\nQueue: support\r\nInterface: Local/a1002@agents/n\r\n"
            "Paused: true\r\nReason: Lunch\r\nActionID: pause-1\r\n\r\n");
}

TEST(AmiAction, LineBreaksCannotSmuggleASecondAction) {
  AmiAction action{.name = "QueuePause"};
  action.Set("Interface", "PJSIP/1001").Set("Reason", "Lunch\r\n\r\nAction: Originate");
  Result<std::string> bytes = SerializeAction(action, "x");
  ASSERT_FALSE(bytes);
  EXPECT_EQ(bytes.error().code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(bytes.error().field_errors().size(), 1u);
  EXPECT_EQ(bytes.error().field_errors()[0].field, "Reason");
  EXPECT_FALSE(SerializeAction(AmiAction{.name = "Ping"}.Set("Bad Key", "v"), "x"));
  EXPECT_FALSE(SerializeAction(AmiAction{.name = "Ping"}, "id\n"));
}

}  // namespace
}  // namespace callboard
