#pragma once
// LiveFeed: how the live state of several `callboard serve` nodes on one database stays the
// same (DESIGN §2 "Storage", many nodes). A node publishes each change it makes to a tenant's
// live board — an ingest batch it committed, a person's status change, alerts it raised,
// ended or acknowledged, changed pause reasons or alert rules — and every other node applies
// it to its own board, so a browser connected to any node sees every event. On PostgreSQL
// the change is stored in a small table and a NOTIFY carries only its id (PgLiveFeed); a
// single SQLite process has no other nodes and no feed.
//
//   feed.Start(receiver);                        // items of the other nodes, in commit order
//   feed.Publish(scope, "batch", EncodeBatch(b)); // after the change itself committed
//
// Thread-safety: every method may be called from any thread; Publish never blocks on the
// database (items wait in a bounded queue, in order).

#include <cstdint>
#include <string>
#include <string_view>

#include "core/tenant_scope.h"

namespace callboard {

class LiveFeedReceiver {
 public:
  virtual ~LiveFeedReceiver() = default;
  // One item another node published, in the order that node published them. Called on the
  // feed's own thread.
  virtual void OnFeedItem(int64_t tenant_id, std::string_view kind, std::string_view payload) = 0;
  // Items may have been missed (the feed's connection was lost and is back): every tenant's
  // board must be read again from the store.
  virtual void OnFeedGap() = 0;
};

class LiveFeed {
 public:
  virtual ~LiveFeed() = default;
  // Starts delivering the other nodes' items to `receiver` (which must outlive Stop()).
  virtual void Start(LiveFeedReceiver& receiver) = 0;
  // Stops delivering and publishing; items still queued are published first.
  virtual void Stop() = 0;
  // Publishes an item for the other nodes. `kind` is a short constant; `payload` any text.
  // Dropped with a warning when the queue is full (the other nodes' boards then resync).
  virtual void Publish(TenantScope scope, std::string_view kind, std::string payload) = 0;
};

}  // namespace callboard
