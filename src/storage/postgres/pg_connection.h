#pragma once
// PgConnection and PgStatement: RAII over a libpq connection and its prepared statements,
// shaped like PgConnection so that the PostgreSQL stores read like the PostgreSQL ones.
//
// SQL is written with '?' placeholders (numbered $1, $2 … when prepared). A connection
// prepares each distinct SQL text once (server-side, named) and keeps it for its lifetime.
// Parameters travel as text and the server infers their types from the statement. Step()
// executes the statement on its first call and then walks the rows of the result.
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
// REQUIRES: every PgStatement is destroyed before its connection.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "core/string_hash.h"

struct pg_conn;
struct pg_result;

namespace callboard {

class PgConnection;

// A value bound to a parameter of a dynamically built query.
using PgValue = std::variant<std::nullopt_t, int64_t, std::string>;

// Owns a PGresult.
struct PgResultDeleter {
  void operator()(pg_result* r) const;
};
using PgResultPtr = std::unique_ptr<pg_result, PgResultDeleter>;

class PgStatement {
 public:
  PgStatement(PgStatement&&) noexcept = default;
  PgStatement& operator=(PgStatement&&) noexcept = default;
  PgStatement(const PgStatement&) = delete;
  PgStatement& operator=(const PgStatement&) = delete;
  ~PgStatement() = default;

  // Binds the next parameters in order. Accepts integers, bool (1/0), strings, TimePoint
  // (unix ms), std::optional of those (empty -> NULL), std::nullopt and PgValue.
  template <typename... Args>
  PgStatement& Bind(const Args&... args) {
    (BindOne(args), ...);
    return *this;
  }

  // Executes on the first call; then true while a row is ready, false when done.
  Result<bool> Step();
  // Executes the statement, ignoring any rows.
  Status Run();
  // Rows changed by the last Run()/Step() (INSERT/UPDATE/DELETE), or rows returned.
  int Changes() const;

  // Column readers. REQUIRES: the last Step() returned true.
  int64_t Int(int column) const;
  std::optional<int64_t> OptInt(int column) const;
  bool Bool(int column) const { return Int(column) != 0; }
  std::string Text(int column) const;
  TimePoint Time(int column) const { return FromUnixMillis(Int(column)); }
  std::optional<TimePoint> OptTime(int column) const;
  bool IsNull(int column) const;

 private:
  friend class PgConnection;
  PgStatement(PgConnection* conn, const std::string* name, int n_params, bool guarded)
      : conn_(conn), name_(name), n_params_(n_params), guarded_(guarded) {}

  void BindOne(int64_t value) { params_.push_back(std::to_string(value)); }
  void BindOne(int value) { BindOne(static_cast<int64_t>(value)); }
  void BindOne(bool value) { BindOne(static_cast<int64_t>(value ? 1 : 0)); }
  void BindOne(std::string_view value) { params_.emplace_back(std::string(value)); }
  void BindOne(const std::string& value) { params_.emplace_back(value); }
  void BindOne(const char* value) { params_.emplace_back(std::string(value)); }
  void BindOne(TimePoint value) { BindOne(ToUnixMillis(value)); }
  void BindOne(std::nullopt_t) { params_.emplace_back(std::nullopt); }
  void BindOne(const PgValue& value);
  template <typename T>
  void BindOne(const std::optional<T>& value) {
    if (value) {
      BindOne(*value);
    } else {
      BindOne(std::nullopt);
    }
  }
  Status Execute();

  PgConnection* conn_ = nullptr;
  const std::string* name_ = nullptr;  // the prepared statement's name, owned by the cache
  int n_params_ = 0;
  bool guarded_ = false;  // runs inside a savepoint (see PgConnection::Prepare)
  std::vector<std::optional<std::string>> params_;
  PgResultPtr result_;
  int row_ = -1;
};

class PgConnection {
 public:
  // Connects to `url` (a libpq URI or key=value string); kUnavailable when it cannot.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& url,
                                                    std::chrono::seconds connect_timeout);
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  // A write that may fail on a constraint (INSERT/UPDATE/DELETE without ON CONFLICT) runs in
  // a savepoint inside a transaction, so that its failure leaves the transaction usable, as
  // a failed statement does on SQLite.
  Result<PgStatement> Prepare(std::string_view sql);
  // Runs one or more statements without parameters (DDL, BEGIN/COMMIT …).
  Status Exec(const std::string& sql);
  // Prepares, binds `args` and runs `sql`; returns the number of rows it changed (or
  // returned, for INSERT … RETURNING). The first column of the first returned row is kept
  // as LastInsertId().
  template <typename... Args>
  Result<int> Execute(std::string_view sql, const Args&... args) {
    auto stmt = Prepare(sql);
    if (!stmt) return stmt.error();
    stmt->Bind(args...);
    auto row = stmt->Step();
    if (!row) return row.error();
    if (*row) last_insert_id_ = stmt->Int(0);
    return stmt->Changes();
  }
  // Sends `sql` with `args` without waiting for its result (libpq pipeline mode), for writes
  // whose result is only success: a batch of them costs one round trip instead of one each.
  // A failure is returned by the next call that waits (Execute, Prepare, Step, Flush, Commit)
  // and leaves the transaction failed. At most kMaxDeferred wait; more flush first.
  template <typename... Args>
  Status Defer(std::string_view sql, const Args&... args) {
    auto stmt = Prepare(sql);
    if (!stmt) return stmt.error();
    stmt->Bind(args...);
    return SendDeferred(*stmt);
  }
  // Defer for a statement prepared and bound by the caller (for parameter lists built in a
  // loop). REQUIRES: `stmt` comes from Prepare on this connection and is fully bound.
  Status DeferBound(const PgStatement& stmt) { return SendDeferred(stmt); }
  // Waits for every deferred statement; the first failure among them, if any.
  Status Flush();
  static constexpr int kMaxDeferred = 4096;

  // The id returned by the last Execute() of an INSERT … RETURNING id.
  int64_t LastInsertId() const { return last_insert_id_; }
  // What an INSERT appends so that LastInsertId() gives the new row's id (stores shared with
  // SQLite, where it is empty).
  static constexpr const char* kReturningId = " RETURNING id";

  // Sets app.tenant_id for the rest of the transaction (SET LOCAL), which row-level
  // security checks; a no-op when the transaction already acts for this tenant.
  Status UseTenant(int64_t tenant_id);
  // Sets the transaction-local setting `name` (a constant) to `value`.
  Status SetLocal(const char* name, const std::string& value);
  // Takes the transaction-scoped advisory lock (`name`, `key`): writers of the same key take
  // turns until they commit (e.g. one tenant's audit chain across nodes and connections).
  Status LockUntilCommit(const char* name, int64_t key);
  // Forgets per-transaction state; called when a transaction begins.
  void BeginTransaction() {
    tenant_id_.reset();
    in_transaction_ = true;
  }
  void EndTransaction() { in_transaction_ = false; }
  // COMMIT; kUnavailable when the server rolled the transaction back instead.
  Status Commit();

  // False once the connection to the server is lost.
  bool Healthy() const;
  // Tries to reconnect a lost connection; prepared statements are forgotten.
  Status Reset();
  // The Status for a failed result (or a null one) on this connection.
  Status Error(const pg_result* result, std::string_view context = {}) const;
  // The server's role attributes of the session user: superuser, or owner of `table`.
  pg_conn* handle() const { return conn_; }
  std::string Quote(const std::string& literal) const;
  std::string QuoteIdentifier(const std::string& identifier) const;

 private:
  friend class PgStatement;
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  Status SendDeferred(const PgStatement& stmt);

  pg_conn* conn_;
  // By SQL text: the server-side statement name and its parameter count.
  struct Prepared {
    std::string name;
    int n_params = 0;
    bool guarded = false;
  };
  std::unordered_map<std::string, Prepared, StringHash, std::equal_to<>> cache_;
  std::optional<int64_t> tenant_id_;
  bool in_transaction_ = false;
  int deferred_ = 0;  // statements sent in pipeline mode whose results are not yet read
  int64_t last_insert_id_ = 0;
};

// `sql` with each '?' outside quotes replaced by $1, $2 …; `count` receives how many.
std::string NumberPlaceholders(std::string_view sql, int& count);

}  // namespace callboard
