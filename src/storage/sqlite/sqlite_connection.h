#pragma once
// SqliteConnection and SqliteStatement: RAII over sqlite3 and sqlite3_stmt.
//
// A connection caches its prepared statements by SQL text; Prepare() hands one out and the
// SqliteStatement returns it (reset, bindings cleared) when destroyed. Nested use of the same
// SQL text gets a private statement, so callers need not care about the cache.
//
//   auto stmt = conn.Prepare("SELECT name FROM sites WHERE tenant_id = ? AND id = ?");
//   if (!stmt) return stmt.error();
//   stmt->Bind(scope.tenant_id(), id);
//   auto row = stmt->Step();
//   if (!row) return row.error();
//   if (!*row) return Status::NotFound("site not found");
//   std::string name = stmt->Text(0);
//
// Thread-safety: a connection and its statements are used by one thread at a time.
// REQUIRES: every SqliteStatement is destroyed before its connection.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "core/clock.h"
#include "core/status.h"
#include "core/string_hash.h"

struct sqlite3;
struct sqlite3_stmt;

namespace callboard {

class SqliteConnection;

// A value bound to a parameter of a dynamically built query.
using SqlValue = std::variant<std::nullopt_t, int64_t, std::string>;

class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Binds the next parameters in order (1, 2, …). Accepts integers, bool, strings,
  // TimePoint (unix ms), std::optional of those (empty -> NULL), std::nullopt and SqlValue.
  // A binding error is reported by the next Step()/Run().
  template <typename... Args>
  SqliteStatement& Bind(const Args&... args) {
    (BindOne(args), ...);
    return *this;
  }

  // Advances to the next row: true when a row is ready, false when done.
  Result<bool> Step();
  // Runs the statement to completion, ignoring any rows.
  Status Run();

  // Column readers. REQUIRES: the last Step() returned true.
  int64_t Int(int column) const;
  std::optional<int64_t> OptInt(int column) const;
  bool Bool(int column) const { return Int(column) != 0; }
  std::string Text(int column) const;
  TimePoint Time(int column) const { return FromUnixMillis(Int(column)); }
  std::optional<TimePoint> OptTime(int column) const;

 private:
  friend class SqliteConnection;
  SqliteStatement(sqlite3_stmt* stmt, SqliteConnection* conn, bool* cache_in_use)
      : stmt_(stmt), conn_(conn), cache_in_use_(cache_in_use) {}

  void BindOne(int64_t value);
  void BindOne(int value) { BindOne(static_cast<int64_t>(value)); }
  void BindOne(bool value) { BindOne(static_cast<int64_t>(value ? 1 : 0)); }
  void BindOne(std::string_view value);
  void BindOne(const std::string& value) { BindOne(std::string_view(value)); }
  void BindOne(const char* value) { BindOne(std::string_view(value)); }
  void BindOne(TimePoint value) { BindOne(ToUnixMillis(value)); }
  void BindOne(std::nullopt_t);
  void BindOne(const SqlValue& value);
  template <typename T>
  void BindOne(const std::optional<T>& value) {
    if (value) {
      BindOne(*value);
    } else {
      BindOne(std::nullopt);
    }
  }
  void Release();

  sqlite3_stmt* stmt_ = nullptr;
  SqliteConnection* conn_ = nullptr;
  bool* cache_in_use_ = nullptr;  // the cache entry's flag; null: not cached, finalized here
  int next_index_ = 1;
  int bind_rc_ = 0;  // first binding error, SQLITE_OK when none
};

class SqliteConnection {
 public:
  enum class Mode {
    kWriter,  // read-write; creates the file; switches the database to WAL
    kReader,  // PRAGMA query_only
  };

  // Opens `path` with WAL, synchronous=FULL, foreign_keys=ON and the busy timeout.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::filesystem::path& path,
                                                        Mode mode,
                                                        std::chrono::milliseconds busy_timeout);
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection();

  Result<SqliteStatement> Prepare(std::string_view sql);
  // Runs one or more statements that return no rows (DDL, BEGIN/COMMIT, PRAGMA …).
  Status Exec(const char* sql);
  // Prepares, binds `args` and runs `sql`; returns the number of rows it changed.
  template <typename... Args>
  Result<int> Execute(std::string_view sql, const Args&... args) {
    auto stmt = Prepare(sql);
    if (!stmt) return stmt.error();
    stmt->Bind(args...);
    CB_RETURN_IF_ERROR(stmt->Run());
    return Changes();
  }

  // PostgreSQL sets the tenant for row-level security here; SQLite has none (every statement
  // filters by tenant itself), so stores shared by both backends call it for nothing.
  Status UseTenant(int64_t /*tenant_id*/) { return Status::Ok(); }
  // PostgreSQL's row-level security admits a lookup before the tenant is known through a
  // transaction setting; SQLite has none to set.
  Status SetLocal(const char* /*name*/, const std::string& /*value*/) { return Status::Ok(); }
  // Writers that must take turns until they commit: SQLite has one writer, so they do.
  Status LockUntilCommit(const char* /*name*/, int64_t /*key*/) { return Status::Ok(); }
  // What an INSERT appends so that LastInsertId() gives the new row's id: nothing here.
  static constexpr const char* kReturningId = "";

  int64_t LastInsertId() const;
  int Changes() const;
  // True while a transaction is open (false after COMMIT, ROLLBACK or an automatic rollback).
  bool InTransaction() const;
  // The Status for a failed call on this connection.
  Status Error(int rc, std::string_view context = {}) const;
  sqlite3* handle() const { return db_; }

 private:
  friend class SqliteStatement;
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  // By SQL text. Node-based, so the in_use flags that statements point at never move.
  std::unordered_map<std::string, CachedStatement, StringHash, std::equal_to<>> cache_;
};

}  // namespace callboard
