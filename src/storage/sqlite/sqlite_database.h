#pragma once
// The SQLite backend of Database (store/transaction.h): the embedded default store.
//
// One file in WAL mode with synchronous=FULL and foreign keys on. One writer thread commits
// concurrent Write() calls in groups (one transaction and one fsync per group, each call in
// its own savepoint so a failing call never affects the others); a pool of read-only
// connections serves Read() calls in parallel, each in its own snapshot.
//
//   auto db = OpenSqliteDatabase({.path = data_dir / "callboard.db"});
//   if (!db) return db.error();
//   auto applied = (*db)->Migrate();
//
// Thread-safety: the returned Database is safe to use from any thread. Destroying it
// finishes every queued Write() first; no call may be in progress or start meanwhile.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>

#include "core/status.h"
#include "store/transaction.h"

namespace callboard {

struct SqliteOptions {
  std::filesystem::path path;  // the database file; created with its directory if missing
  int readers = 4;             // read-only connections (parallel Read() calls)
  int max_group = 256;         // most Write() calls committed together
  size_t max_queue = 10000;    // queued Write() calls before callers block (back-pressure)
  std::chrono::milliseconds busy_timeout{5000};  // waiting for another process's lock
};

// Opens (creating if missing) the database at options.path. Does not migrate: call
// Migrate() before using the stores. Fails with kInvalidArgument on bad options and
// kUnavailable when the file cannot be opened.
Result<std::unique_ptr<Database>> OpenSqliteDatabase(const SqliteOptions& options);

}  // namespace callboard
