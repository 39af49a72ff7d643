#pragma once
// PgPool: up to `size` connections to one PostgreSQL database, opened on demand and shared
// by the threads that read and write. Acquire() hands out an idle connection (reconnecting
// one whose server connection was lost) and waits at most `acquire_timeout` for one.
//
// Thread-safety: Acquire() and the Lease's destructor may be called from any thread.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"

namespace callboard {

class PgConnection;

class PgPool {
 public:
  // Returns a connection to its pool when destroyed.
  class Lease {
   public:
    Lease(PgPool* pool, std::unique_ptr<PgConnection> conn);
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    PgConnection& operator*() const { return *conn_; }
    PgConnection* operator->() const { return conn_.get(); }

   private:
    PgPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  // REQUIRES: size >= 1.
  PgPool(std::string url, int size, std::chrono::seconds connect_timeout,
         std::chrono::milliseconds acquire_timeout);
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;
  ~PgPool();

  // kUnavailable when no connection frees up in time or the server cannot be reached.
  Result<Lease> Acquire();

 private:
  void Release(std::unique_ptr<PgConnection> conn);

  const std::string url_;
  const int size_;
  const std::chrono::seconds connect_timeout_;
  const std::chrono::milliseconds acquire_timeout_;
  std::mutex mutex_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // GUARDED_BY(mutex_)
  int open_ = 0;                                     // GUARDED_BY(mutex_): idle + leased
};

}  // namespace callboard
