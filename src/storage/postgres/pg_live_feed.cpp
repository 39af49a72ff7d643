#include "storage/postgres/pg_live_feed.h"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <map>
#include <random>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "storage/postgres/pg_connection.h"

namespace callboard {

namespace {

constexpr const char* kChannel = "callboard_live";
constexpr std::chrono::milliseconds kFirstBackoff{1000};
constexpr std::chrono::milliseconds kMaxBackoff{10000};
constexpr size_t kItemsPerTransaction = 200;
constexpr int64_t kPrunePeriodMs = 60000;

std::string RandomNode() {
  std::random_device rd;
  const uint64_t v = (static_cast<uint64_t>(rd()) << 32) | rd();
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(v));
  return out;
}

std::optional<int64_t> ToInt64(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// A notice "<tenant>:<id>:<node>".
struct Notice {
  int64_t tenant_id = 0;
  int64_t id = 0;
  std::string node;
};

std::optional<Notice> ParseNotice(std::string_view text) {
  const size_t a = text.find(':');
  const size_t b = a == std::string_view::npos ? a : text.find(':', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  auto tenant = ToInt64(text.substr(0, a));
  auto id = ToInt64(text.substr(a + 1, b - a - 1));
  if (!tenant || !id) return std::nullopt;
  return Notice{*tenant, *id, std::string(text.substr(b + 1))};
}

Result<std::unique_ptr<PgConnection>> Connect(const PostgresOptions& options) {
  auto conn = PgConnection::Open(options.url, options.connect_timeout);
  if (!conn) return conn.error();
  // Over TCP, a dead server (or network) is noticed within seconds, not hours.
  CB_RETURN_IF_ERROR(
      (*conn)->Exec("SET tcp_keepalives_idle = 3; SET tcp_keepalives_interval = 1;"
                    " SET tcp_keepalives_count = 3"));
  return conn;
}

}  // namespace

PgLiveFeed::PgLiveFeed(PostgresOptions options, std::string node)
    : options_(std::move(options)), node_(node.empty() ? RandomNode() : std::move(node)) {}

PgLiveFeed::~PgLiveFeed() { Stop(); }

void PgLiveFeed::Start(LiveFeedReceiver& receiver) {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  stop_ = false;
  receiver_ = &receiver;
  publisher_ = std::thread([this] { PublishLoop(); });
  listener_ = std::thread([this] { ListenLoop(); });
}

void PgLiveFeed::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!started_) return;
    started_ = false;
    stop_ = true;
  }
  wake_.notify_all();
  if (publisher_.joinable()) publisher_.join();
  if (listener_.joinable()) listener_.join();
}

void PgLiveFeed::Publish(TenantScope scope, std::string_view kind, std::string payload) {
  if (payload.size() > kMaxPayload) {
    spdlog::warn("live feed: a {} item of {} bytes is too large for the other nodes", kind,
                 payload.size());
    return;
  }
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= kMaxQueued) {
      spdlog::warn("live feed: {} items wait for the database; a {} item is dropped", queue_.size(),
                   kind);
      return;
    }
    queue_.push_back({scope.tenant_id(), std::string(kind), std::move(payload)});
  }
  wake_.notify_all();
}

bool PgLiveFeed::Pause(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !wake_.wait_for(lock, d, [this] { return stop_; });
}

Status PgLiveFeed::PublishItems(PgConnection& conn, std::deque<Item>& items) {
  const int64_t now_ms = ToUnixMillis(SystemClock().Now());
  CB_RETURN_IF_ERROR(conn.Exec("BEGIN"));
  conn.BeginTransaction();
  Status s = [&]() -> Status {
    for (const Item& item : items) {
      CB_RETURN_IF_ERROR(conn.UseTenant(item.tenant_id));
      auto stmt = conn.Prepare(
          "WITH row AS (INSERT INTO live_feed (tenant_id, node, kind, payload, created_at)"
          " VALUES (?, ?, ?, ?, ?) RETURNING id)"
          " SELECT pg_notify(?, ?::bigint || ':' || row.id || ':' || ?::text) FROM row");
      if (!stmt) return stmt.error();
      stmt->Bind(item.tenant_id, node_, item.kind, item.payload, now_ms, std::string(kChannel),
                 item.tenant_id, node_);
      CB_RETURN_IF_ERROR(stmt->Run());
    }
    // Every node has read an item long before kKeep has passed. Each tenant's old rows go at
    // most once a minute, not with every item.
    for (const Item& item : items) {
      const int64_t tenant_id = item.tenant_id;
      int64_t& last = pruned_at_ms_[tenant_id];
      if (now_ms - last < kPrunePeriodMs) continue;
      last = now_ms;
      CB_RETURN_IF_ERROR(conn.UseTenant(tenant_id));
      auto old = conn.Execute("DELETE FROM live_feed WHERE tenant_id = ? AND created_at < ?",
                              tenant_id, now_ms - std::chrono::milliseconds(kKeep).count());
      if (!old) return old.error();
    }
    return conn.Commit();
  }();
  conn.EndTransaction();
  if (!s.ok() && conn.Healthy()) (void)conn.Exec("ROLLBACK");
  return s;
}

void PgLiveFeed::PublishLoop() {
  std::unique_ptr<PgConnection> conn;
  auto backoff = kFirstBackoff;
  for (;;) {
    std::deque<Item> items;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, everything published
      while (!queue_.empty() && items.size() < kItemsPerTransaction) {
        items.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Status s = Status::Ok();
    if (!conn || !conn->Healthy()) {
      auto c = Connect(options_);
      if (c) {
        conn = std::move(*c);
      } else {
        s = c.error();
      }
    }
    if (s.ok()) s = PublishItems(*conn, items);
    if (s.ok()) {
      backoff = kFirstBackoff;
      continue;
    }
    spdlog::warn("live feed: {} items not published (retrying in {} ms): {}", items.size(),
                 backoff.count(), s.ToString());
    {  // back at the front, in order, unless that overfills the queue
      std::lock_guard lock(mu_);
      while (!items.empty() && queue_.size() < kMaxQueued) {
        queue_.push_front(std::move(items.back()));
        items.pop_back();
      }
      if (!items.empty()) spdlog::warn("live feed: {} items dropped", items.size());
    }
    bool stopping = !Pause(backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
    if (stopping) {
      std::lock_guard lock(mu_);
      if (!queue_.empty()) {
        spdlog::warn("live feed: {} items not published at stop", queue_.size());
      }
      return;
    }
  }
}

void PgLiveFeed::ListenLoop() {
  std::unique_ptr<PgConnection> conn;
  auto backoff = kFirstBackoff;
  bool listened_before = false;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    if (!conn || !conn->Healthy()) {
      conn.reset();
      auto c = Connect(options_);
      Status s = c ? (*c)->Exec(std::string("LISTEN ") + kChannel) : c.error();
      if (!s.ok()) {
        spdlog::warn("live feed: not listening (retrying in {} ms): {}", backoff.count(),
                     s.ToString());
        if (!Pause(backoff)) return;
        backoff = std::min(backoff * 2, kMaxBackoff);
        continue;
      }
      conn = std::move(*c);
      backoff = kFirstBackoff;
      if (listened_before) {
        spdlog::info("live feed: listening again; reloading live boards");
        receiver_->OnFeedGap();
      } else {
        spdlog::info("live feed: node {} listening for the other nodes' changes", node_);
      }
      listened_before = true;
    }
    pollfd fd{PQsocket(conn->handle()), POLLIN, 0};
    const int ready = poll(&fd, 1, 250);
    if (ready < 0 && errno != EINTR) {
      conn.reset();
      continue;
    }
    if (ready > 0 && PQconsumeInput(conn->handle()) == 0) {
      spdlog::warn("live feed: connection lost: {}", PQerrorMessage(conn->handle()));
      conn.reset();
      continue;
    }
    std::vector<Notice> notices;
    while (PGnotify* n = PQnotifies(conn->handle())) {
      auto notice = ParseNotice(n->extra);
      if (notice && notice->node != node_) notices.push_back(std::move(*notice));
      PQfreemem(n);
    }
    if (notices.empty()) continue;
    // The rows of these notices, read in one transaction, delivered in notice order.
    struct Row {
      int64_t tenant_id;
      std::string kind, payload;
    };
    std::vector<Row> rows;
    Status s = conn->Exec("BEGIN READ ONLY");
    if (s.ok()) {
      conn->BeginTransaction();
      for (const Notice& n : notices) {
        s = conn->UseTenant(n.tenant_id);
        if (!s.ok()) break;
        auto stmt =
            conn->Prepare("SELECT kind, payload FROM live_feed WHERE tenant_id = ? AND id = ?");
        if (!stmt) {
          s = stmt.error();
          break;
        }
        stmt->Bind(n.tenant_id, n.id);
        auto row = stmt->Step();
        if (!row) {
          s = row.error();
          break;
        }
        if (*row) rows.push_back({n.tenant_id, stmt->Text(0), stmt->Text(1)});
      }
      if (s.ok()) s = conn->Commit();
      conn->EndTransaction();
    }
    if (!s.ok()) {
      spdlog::warn("live feed: {} items of other nodes not read: {}", notices.size(), s.ToString());
      conn.reset();  // reconnects and reports a gap
      continue;
    }
    for (const Row& r : rows) receiver_->OnFeedItem(r.tenant_id, r.kind, r.payload);
  }
}

}  // namespace callboard
