#include "ingest/sources/source_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "storage/sqlite/sqlite_test_support.h"

namespace callboard {
namespace {

// field → code of every field error.
std::map<std::string, std::string> Errors(const Status& s) {
  std::map<std::string, std::string> out;
  for (const FieldError& f : s.field_errors()) out[f.field] = f.code;
  return out;
}

class SourceConfigTest : public ::testing::Test {
 protected:
  SourceConfigTest() { policy_.tail_roots = {dir_.path()}; }

  SourceConfig Tail(const std::string& file) {
    SourceConfig c;
    c.name = "pbx";
    c.kind = SourceKind::kFileTail;
    c.format = SourceFormat::kAsteriskQueueLog;
    c.path = (dir_.path() / file).string();
    return c;
  }
  SourceConfig Listen(int port) {
    SourceConfig c;
    c.name = "3cx";
    c.kind = SourceKind::k3cxTcpListen;
    c.format = SourceFormat::k3cxCdr;
    c.port = port;
    return c;
  }

  TempDir dir_;
  SourcePolicy policy_;
};

TEST_F(SourceConfigTest, KindNamesRoundTrip) {
  for (SourceKind k :
       {SourceKind::kFileTail, SourceKind::k3cxTcpListen, SourceKind::k3cxTcpConnect})
    EXPECT_EQ(ParseSourceKind(SourceKindName(k)), k);
  EXPECT_EQ(SourceKindName(SourceKind::k3cxTcpConnect), "3cx-tcp-connect");
  EXPECT_FALSE(ParseSourceKind("ami").has_value());
}

TEST_F(SourceConfigTest, AcceptsEachKindWellConfigured) {
  EXPECT_TRUE(ValidateSourceConfig(Tail("queue_log"), policy_).ok());
  EXPECT_TRUE(ValidateSourceConfig(Listen(5015), policy_).ok());
  SourceConfig connect = Listen(5015);
  connect.kind = SourceKind::k3cxTcpConnect;
  connect.host = "pbx.example.com";
  connect.time_zone = "Europe/London";
  connect.columns = {"callid", "time-start", "time-end", "from-no"};
  EXPECT_TRUE(ValidateSourceConfig(connect, policy_).ok());
}

TEST_F(SourceConfigTest, NamesEveryWrongField) {
  SourceConfig c = Listen(80);
  c.name = "";
  c.format = SourceFormat::kAsteriskQueueLog;
  c.path = "/tmp/x";
  c.host = "not an address";
  c.time_zone = "Mars/Olympus";
  c.columns = {"callid"};
  EXPECT_EQ(Errors(ValidateSourceConfig(c, policy_)),
            (std::map<std::string, std::string>{{"name", "required"},
                                                {"format", "invalid"},
                                                {"path", "not_allowed"},
                                                {"host", "invalid"},
                                                {"port", "out_of_range"},
                                                {"time_zone", "invalid"},
                                                {"columns", "not_allowed"}}));
}

TEST_F(SourceConfigTest, ChecksTheKindsOwnFields) {
  SourceConfig tail = Tail("q");
  tail.path = "relative/queue_log";
  tail.port = 5015;
  tail.host = "pbx";
  EXPECT_EQ(Errors(ValidateSourceConfig(tail, policy_)),
            (std::map<std::string, std::string>{
                {"path", "invalid"}, {"port", "not_allowed"}, {"host", "not_allowed"}}));
  SourceConfig connect = Listen(0);
  connect.kind = SourceKind::k3cxTcpConnect;
  connect.port.reset();
  EXPECT_EQ(Errors(ValidateSourceConfig(connect, policy_)),
            (std::map<std::string, std::string>{{"host", "required"}, {"port", "required"}}));
  EXPECT_EQ(Errors(ValidateSourceConfig(Listen(65536), policy_)),
            (std::map<std::string, std::string>{{"port", "out_of_range"}}));
  SourceConfig columns = Listen(5015);
  columns.columns = {"callid", "no-such-field"};
  EXPECT_EQ(Errors(ValidateSourceConfig(columns, policy_)).count("columns"), 1u);
}

TEST_F(SourceConfigTest, AFileTailStaysUnderTheTailRoots) {
  EXPECT_EQ(Errors(ValidateSourceConfig(Tail("../../etc/passwd"), policy_)),
            (std::map<std::string, std::string>{{"path", "outside_roots"}}));
  // A symbolic link inside the root that points out of it is refused as well.
  std::filesystem::create_symlink("/etc/passwd", dir_.path() / "link");
  EXPECT_EQ(Errors(ValidateSourceConfig(Tail("link"), policy_)),
            (std::map<std::string, std::string>{{"path", "outside_roots"}}));
  // No roots: no file tails at all.
  EXPECT_EQ(Errors(ValidateSourceConfig(Tail("queue_log"), SourcePolicy{})),
            (std::map<std::string, std::string>{{"path", "outside_roots"}}));
  // A file that does not exist yet, under the root, is fine (the tail waits for it).
  EXPECT_TRUE(ValidateSourceConfig(Tail("sub/dir/queue_log"), policy_).ok());
}

}  // namespace
}  // namespace callboard
