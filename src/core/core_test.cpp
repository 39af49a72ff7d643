#include <gtest/gtest.h>

#include <future>
#include <vector>

#include "core/clock.h"
#include "core/serial_worker.h"
#include "core/sha256.h"

namespace callboard {
namespace {

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(1795861293123)), "2026-11-28T10:21:33.123Z");
}

TEST(Rfc3339, ParsesOffsetsAndFractions) {
  EXPECT_EQ(ToUnixMillis(*ParseRfc3339("2026-11-28T10:21:33.123Z")), 1795861293123);
  EXPECT_EQ(ToUnixMillis(*ParseRfc3339("2026-11-28T11:21:33.1+01:00")), 1795861293100);
  EXPECT_EQ(ToUnixMillis(*ParseRfc3339("1970-01-01T00:00:00-00:30")), 30 * 60 * 1000);
}

TEST(Rfc3339, RejectsMalformedText) {
  EXPECT_FALSE(ParseRfc3339("2026-11-28"));
  EXPECT_FALSE(ParseRfc3339("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2026-02-30T00:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2026-11-28T10:21:33"));
  EXPECT_FALSE(ParseRfc3339("2026-11-28T10:21:33Zjunk"));
}

TEST(FakeClock, MovesOnlyWhenTold) {
  FakeClock clock(FromUnixMillis(1000));
  EXPECT_EQ(ToUnixMillis(clock.Now()), 1000);
  clock.Advance(std::chrono::hours(8));
  EXPECT_EQ(ToUnixMillis(clock.Now()), 1000 + 8 * 3600 * 1000);
}

TEST(Sha256, MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SerialWorker, RunsJobsInOrderRefusesOverCapacityAndDrainsOnDestruction) {
  std::vector<int> ran;  // written by the worker only
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  int posted = 0;
  {
    SerialWorker worker(2);
    worker.Post([&, gate] {
      gate.wait();  // holds the worker until the queue is full
      ran.push_back(1);
    });
    posted = 1;
    // The first job may still wait in the queue or already run: fill up to the capacity.
    while (worker.Post([&, n = posted + 1] { ran.push_back(n); })) ++posted;
    release.set_value();
  }  // the destructor runs what was given, then joins
  EXPECT_GE(posted, 2);
  EXPECT_LE(posted, 3);  // two waiting at most, besides the running one
  std::vector<int> want;
  for (int i = 1; i <= posted; ++i) want.push_back(i);
  EXPECT_EQ(ran, want);
}

}  // namespace
}  // namespace callboard

#include "core/time_zone.h"

namespace callboard {
namespace {

TEST(TimeZone, KnowsIanaNamesOnly) {
  EXPECT_TRUE(IsValidTimeZone("Europe/Berlin"));
  EXPECT_TRUE(IsValidTimeZone("America/New_York"));
  EXPECT_TRUE(IsValidTimeZone("UTC"));
  EXPECT_FALSE(IsValidTimeZone("Mars/Olympus"));
  EXPECT_FALSE(IsValidTimeZone(""));
}

}  // namespace
}  // namespace callboard
