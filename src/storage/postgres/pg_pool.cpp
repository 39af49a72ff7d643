#include "storage/postgres/pg_pool.h"

#include <utility>

#include "storage/postgres/pg_connection.h"

namespace callboard {

PgPool::Lease::Lease(PgPool* pool, std::unique_ptr<PgConnection> conn)
    : pool_(pool), conn_(std::move(conn)) {}

PgPool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {}

PgPool::Lease::~Lease() {
  if (conn_) pool_->Release(std::move(conn_));
}

PgPool::PgPool(std::string url, int size, std::chrono::seconds connect_timeout,
               std::chrono::milliseconds acquire_timeout)
    : url_(std::move(url)),
      size_(size),
      connect_timeout_(connect_timeout),
      acquire_timeout_(acquire_timeout) {}

PgPool::~PgPool() = default;

Result<PgPool::Lease> PgPool::Acquire() {
  std::unique_lock lock(mutex_);
  const bool ready = released_.wait_for(lock, acquire_timeout_,
                                        [this] { return !idle_.empty() || open_ < size_; });
  if (!ready) {
    return Status::Unavailable("no free PostgreSQL connection within " +
                               std::to_string(acquire_timeout_.count()) + " ms");
  }
  if (!idle_.empty()) {
    std::unique_ptr<PgConnection> conn = std::move(idle_.back());
    idle_.pop_back();
    lock.unlock();
    if (!conn->Healthy()) {
      Status reset = conn->Reset();
      if (!reset.ok()) {
        Lease lease(this, std::move(conn));  // back to the pool: retried on the next use
        return reset;
      }
    }
    return Lease(this, std::move(conn));
  }
  ++open_;
  lock.unlock();
  auto conn = PgConnection::Open(url_, connect_timeout_);
  if (!conn) {
    std::lock_guard relock(mutex_);
    --open_;
    released_.notify_one();
    return conn.error();
  }
  return Lease(this, std::move(*conn));
}

void PgPool::Release(std::unique_ptr<PgConnection> conn) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(conn));
  released_.notify_one();
}

}  // namespace callboard
