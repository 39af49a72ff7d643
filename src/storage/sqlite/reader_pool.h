#pragma once
// ReaderPool: read-only SQLite connections (PRAGMA query_only) shared by the threads that
// read. Each Read() borrows one, runs the work inside BEGIN … COMMIT (one WAL snapshot) and
// gives it back; reads run in parallel with each other and with the writer. A Read() nested
// inside another Read() on the same thread reuses the outer connection and snapshot.
//
// Thread-safety: Read() and Ping() may be called from any thread; they block while every
// connection is borrowed.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "core/status.h"
#include "store/transaction.h"

namespace callboard {

class SqliteConnection;
class SqliteTransaction;

class ReaderPool {
 public:
  // Opens `count` connections to `path`. REQUIRES: count >= 1; the file exists.
  static Result<std::unique_ptr<ReaderPool>> Open(const std::filesystem::path& path, int count,
                                                  std::chrono::milliseconds busy_timeout);
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;
  ~ReaderPool();

  Status Read(const Database::Work& work);
  // OK when a connection answers SELECT 1.
  Status Ping();

 private:
  struct Reader;
  ReaderPool() = default;
  Reader* Acquire();
  void Release(Reader* reader);

  std::vector<std::unique_ptr<Reader>> readers_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<Reader*> idle_;  // GUARDED_BY(mutex_)
};

}  // namespace callboard
