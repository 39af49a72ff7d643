#pragma once
// PgLiveFeed: the LiveFeed between `callboard serve` nodes on one PostgreSQL database. A
// published item is a row of live_feed (tenant, node, kind, payload; row-level security
// applies), and the same transaction sends NOTIFY callboard_live with only
// "<tenant>:<id>:<node>"; every node LISTENs on a connection of its own and reads the rows
// of the other nodes' notices in the order they came (PostgreSQL delivers notices in commit
// order). Rows older than kKeep are deleted by their publisher.
//
// A lost connection is opened again with backoff (1 s, doubling to 10 s); after the listening
// one comes back the receiver is told of a gap (items may have been missed). Items wait for
// the publishing connection in a queue of at most kMaxQueued; more are dropped with a warning.
//
// Thread-safety: Publish from any thread; Start and Stop from one.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "live/live_feed.h"
#include "storage/postgres/pg_database.h"

namespace callboard {

class PgConnection;

class PgLiveFeed final : public LiveFeed {
 public:
  static constexpr size_t kMaxQueued = 10000;
  static constexpr size_t kMaxPayload = 16 << 20;
  static constexpr std::chrono::minutes kKeep{5};

  // `node` names this node in its notices (any text without ':'); a random one when empty.
  explicit PgLiveFeed(PostgresOptions options, std::string node = {});
  ~PgLiveFeed() override;
  PgLiveFeed(const PgLiveFeed&) = delete;
  PgLiveFeed& operator=(const PgLiveFeed&) = delete;

  void Start(LiveFeedReceiver& receiver) override;
  void Stop() override;
  void Publish(TenantScope scope, std::string_view kind, std::string payload) override;

  const std::string& node() const { return node_; }

 private:
  struct Item {
    int64_t tenant_id = 0;
    std::string kind;
    std::string payload;
  };
  void PublishLoop();
  void ListenLoop();
  Status PublishItems(PgConnection& conn, std::deque<Item>& items);
  // Waits up to `d` unless stopping; false when stopping.
  bool Pause(std::chrono::milliseconds d);

  const PostgresOptions options_;
  const std::string node_;
  LiveFeedReceiver* receiver_ = nullptr;

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Item> queue_;                   // GUARDED_BY(mu_)
  bool stop_ = false;                        // GUARDED_BY(mu_)
  bool started_ = false;                     // GUARDED_BY(mu_)
  std::map<int64_t, int64_t> pruned_at_ms_;  // by tenant; the publisher thread's only
  std::thread publisher_;
  std::thread listener_;
};

}  // namespace callboard
