#include "storage/sqlite/reader_pool.h"

#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_transaction.h"

namespace callboard {

struct ReaderPool::Reader {
  std::unique_ptr<SqliteConnection> conn;
  std::unique_ptr<SqliteTransaction> tx;
};

namespace {

// The reader this thread is reading with, for nested Read() calls.
struct Borrowed {
  const ReaderPool* pool = nullptr;
  SqliteTransaction* tx = nullptr;
};
thread_local Borrowed borrowed;

}  // namespace

Result<std::unique_ptr<ReaderPool>> ReaderPool::Open(const std::filesystem::path& path, int count,
                                                     std::chrono::milliseconds busy_timeout) {
  std::unique_ptr<ReaderPool> pool(new ReaderPool());
  for (int i = 0; i < count; ++i) {
    auto conn = SqliteConnection::Open(path, SqliteConnection::Mode::kReader, busy_timeout);
    if (!conn) return conn.error();
    auto reader = std::make_unique<Reader>();
    reader->tx = std::make_unique<SqliteTransaction>(**conn);
    reader->conn = std::move(*conn);
    pool->idle_.push_back(reader.get());
    pool->readers_.push_back(std::move(reader));
  }
  return pool;
}

ReaderPool::~ReaderPool() {
  for (auto& reader : readers_) reader->tx.reset();  // before the connections close
}

ReaderPool::Reader* ReaderPool::Acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [this] { return !idle_.empty(); });
  Reader* reader = idle_.back();
  idle_.pop_back();
  return reader;
}

void ReaderPool::Release(Reader* reader) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(reader);
  }
  returned_.notify_one();
}

Status ReaderPool::Read(const Database::Work& work) {
  if (borrowed.pool == this) return RunWork(work, *borrowed.tx);  // nested: same snapshot

  Reader* reader = Acquire();
  Status status = reader->conn->Exec("BEGIN");
  if (status.ok()) {
    borrowed = {this, reader->tx.get()};
    status = RunWork(work, *reader->tx);
    borrowed = {};
    // Nothing to keep: ending the snapshot either way is the same for a reader.
    Status ended = reader->conn->Exec(status.ok() ? "COMMIT" : "ROLLBACK");
    if (status.ok()) status = std::move(ended);
  }
  if (reader->conn->InTransaction()) (void)reader->conn->Exec("ROLLBACK");
  Release(reader);
  return status;
}

Status ReaderPool::Ping() {
  Reader* reader = Acquire();
  const Status status = [&]() -> Status {
    auto stmt = reader->conn->Prepare("SELECT 1");
    if (!stmt) return stmt.error();
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row || stmt->Int(0) != 1) return Status::Internal("SELECT 1 did not answer 1");
    return Status::Ok();
  }();  // the statement is reset before the connection goes back
  Release(reader);
  return status;
}

}  // namespace callboard
