#include "storage/sqlite/sqlite_connection.h"

#include <sqlite3.h>

#include <string>
#include <utility>

#include "storage/sqlite/sqlite_error.h"

namespace callboard {

// ---- SqliteStatement ----

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      conn_(other.conn_),
      cache_in_use_(other.cache_in_use_),
      next_index_(other.next_index_),
      bind_rc_(other.bind_rc_) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    Release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    conn_ = other.conn_;
    cache_in_use_ = other.cache_in_use_;
    next_index_ = other.next_index_;
    bind_rc_ = other.bind_rc_;
  }
  return *this;
}

SqliteStatement::~SqliteStatement() { Release(); }

void SqliteStatement::Release() {
  if (stmt_ == nullptr) return;
  if (cache_in_use_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *cache_in_use_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
}

void SqliteStatement::BindOne(int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, next_index_++, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::BindOne(std::string_view value) {
  const int rc = sqlite3_bind_text64(stmt_, next_index_++, value.data(), value.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::BindOne(std::nullopt_t) {
  const int rc = sqlite3_bind_null(stmt_, next_index_++);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::BindOne(const SqlValue& value) {
  std::visit([this](const auto& v) { BindOne(v); }, value);
}

Result<bool> SqliteStatement::Step() {
  if (bind_rc_ != SQLITE_OK) return conn_->Error(bind_rc_, "bind");
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return conn_->Error(rc);
}

Status SqliteStatement::Run() {
  for (;;) {
    auto row = Step();
    if (!row) return row.error();
    if (!*row) return Status::Ok();
  }
}

int64_t SqliteStatement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<int64_t> SqliteStatement::OptInt(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<TimePoint> SqliteStatement::OptTime(int column) const {
  auto ms = OptInt(column);
  if (!ms) return std::nullopt;
  return FromUnixMillis(*ms);
}

// ---- SqliteConnection ----

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::filesystem::path& path, Mode mode, std::chrono::milliseconds busy_timeout) {
  // NOMUTEX: each connection is used by one thread at a time (writer thread or a pooled
  // reader), so SQLite's own per-connection mutex is not needed.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (mode == Mode::kWriter) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = SqliteError(db, rc, "open " + path.string());
    sqlite3_close_v2(db);
    return status;
  }
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));

  if (mode == Mode::kWriter) {
    auto stmt = conn->Prepare("PRAGMA journal_mode=WAL");
    if (!stmt) return stmt.error();
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row || stmt->Text(0) != "wal") {
      return Status::Internal("database " + path.string() + " cannot use WAL journal mode");
    }
  }
  CB_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  if (mode == Mode::kReader) CB_RETURN_IF_ERROR(conn->Exec("PRAGMA query_only=1;"));
  return conn;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close_v2(db_);
}

Result<SqliteStatement> SqliteConnection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return SqliteStatement(it->second.stmt, this, &it->second.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  const int flags = it == cache_.end() ? SQLITE_PREPARE_PERSISTENT : 0;
  const int rc =
      sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), flags, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error(rc, "prepare");
  }
  if (stmt == nullptr) return Status::Internal("prepare: empty SQL statement");
  if (it != cache_.end()) {  // the cached one is busy (nested use): a private one
    return SqliteStatement(stmt, this, nullptr);
  }
  auto inserted = cache_.emplace(std::string(sql), CachedStatement{stmt, true}).first;
  return SqliteStatement(stmt, this, &inserted->second.in_use);
}

Status SqliteConnection::Exec(const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  sqlite3_free(error);  // the same text is available from sqlite3_errmsg
  if (rc != SQLITE_OK) return Error(rc);
  return Status::Ok();
}

int64_t SqliteConnection::LastInsertId() const { return sqlite3_last_insert_rowid(db_); }

int SqliteConnection::Changes() const { return sqlite3_changes(db_); }

bool SqliteConnection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Status SqliteConnection::Error(int rc, std::string_view context) const {
  return SqliteError(db_, rc, context);
}

}  // namespace callboard
