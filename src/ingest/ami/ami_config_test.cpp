#include "ingest/ami/ami_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace callboard {
namespace {

std::vector<std::string> Fields(const Status& s) {
  std::vector<std::string> out;
  for (const FieldError& e : s.field_errors()) out.push_back(e.field);
  return out;
}

TEST(AmiLinkConfig, AValidLinkPassesAndBecomesClientOptions) {
  const AmiLinkConfig c{.host = "10.0.4.10", .username = "callboard", .secret = "s3cret pass"};
  ASSERT_TRUE(ValidateAmiLinkConfig(c).ok());
  const AmiClientOptions o = ClientOptionsOf(c);
  EXPECT_EQ(o.host, "10.0.4.10");
  EXPECT_EQ(o.port, 5038);
  EXPECT_EQ(o.username, "callboard");
  EXPECT_EQ(o.secret, "s3cret pass");
  EXPECT_EQ(o.events, "on");
  EXPECT_EQ(o.ping_interval, std::chrono::milliseconds(20000));
  EXPECT_EQ(ChanSpyOptionsOf(c).channel_template, "PJSIP/{ext}");
  EXPECT_TRUE(ValidateAmiLinkConfig({.host = "pbx.example.net",
                                     .port = 5039,
                                     .username = "cb",
                                     .secret = "x",
                                     .channel_template = "Local/{ext}@from-internal"})
                  .ok());
}

TEST(AmiLinkConfig, EveryWrongFieldIsNamed) {
  const Status s = ValidateAmiLinkConfig(
      {.host = "", .port = 0, .username = "", .secret = "", .channel_template = "PJSIP/2001"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(s),
            (std::vector<std::string>{"host", "port", "username", "secret", "channel_template"}));
  EXPECT_EQ(s.field_errors()[0].code, "required");

  const Status t = ValidateAmiLinkConfig({.host = "pbx;rm -rf",
                                          .port = 70000,
                                          .username = "cb user",
                                          .secret = "a\r\nAction: Originate",
                                          .channel_template = "PJSIP/{ext},B"});
  EXPECT_EQ(Fields(t),
            (std::vector<std::string>{"host", "port", "username", "secret", "channel_template"}));
  EXPECT_EQ(t.field_errors()[3].message, "must be at most 200 characters without line breaks");
  EXPECT_EQ(Fields(ValidateAmiLinkConfig(
                {.host = "h", .username = "u", .secret = "s", .channel_template = "{ext}/{ext}"})),
            std::vector<std::string>{"channel_template"});
  EXPECT_EQ(Fields(ValidateAmiLinkConfig(
                {.host = "h", .username = "u", .secret = "s", .channel_template = "{ext}"})),
            std::vector<std::string>{"channel_template"});
}

}  // namespace
}  // namespace callboard
