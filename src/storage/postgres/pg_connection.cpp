#include "storage/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <string>
#include <utility>

#include "storage/postgres/pg_error.h"

namespace callboard {

namespace {

// Prepared statements kept per connection; SQL texts beyond this run unnamed.
constexpr size_t kMaxPrepared = 2000;

std::string_view Field(const PGresult* r, int code) {
  const char* v = r != nullptr ? PQresultErrorField(r, code) : nullptr;
  return v != nullptr ? std::string_view(v) : std::string_view();
}

// INSERT/UPDATE/DELETE that a constraint may refuse (ON CONFLICT statements do not fail on
// the conflicts they name).
bool MayViolate(std::string_view sql) {
  while (!sql.empty() && sql.front() == ' ') sql.remove_prefix(1);
  const bool write =
      sql.starts_with("INSERT") || sql.starts_with("UPDATE") || sql.starts_with("DELETE");
  return write && sql.find("ON CONFLICT") == std::string_view::npos;
}

}  // namespace

void PgResultDeleter::operator()(pg_result* r) const { PQclear(r); }

std::string NumberPlaceholders(std::string_view sql, int& count) {
  std::string out;
  out.reserve(sql.size() + 16);
  count = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$' + std::to_string(++count);
    } else {
      out += c;
    }
  }
  return out;
}

// ---- PgStatement ----

void PgStatement::BindOne(const PgValue& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) {
    BindOne(*i);
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    BindOne(*s);
  } else {
    BindOne(std::nullopt);
  }
}

Status PgStatement::Execute() {
  if (static_cast<int>(params_.size()) != n_params_) {
    return Status::Internal("statement bound " + std::to_string(params_.size()) +
                            " parameters, expected " + std::to_string(n_params_));
  }
  std::vector<const char*> values;
  values.reserve(params_.size());
  for (const auto& p : params_) values.push_back(p ? p->c_str() : nullptr);
  CB_RETURN_IF_ERROR(conn_->Flush());
  const bool savepoint = guarded_ && conn_->in_transaction_;
  if (savepoint) CB_RETURN_IF_ERROR(conn_->Exec("SAVEPOINT cb_statement"));
  result_.reset(
      PQexecPrepared(conn_->conn_, name_->c_str(), n_params_, values.data(), nullptr, nullptr, 0));
  const ExecStatusType st = result_ ? PQresultStatus(result_.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    Status error = conn_->Error(result_.get());
    result_.reset();
    if (savepoint && conn_->Healthy()) (void)conn_->Exec("ROLLBACK TO SAVEPOINT cb_statement");
    return error;
  }
  if (savepoint) CB_RETURN_IF_ERROR(conn_->Exec("RELEASE SAVEPOINT cb_statement"));
  row_ = -1;
  return Status::Ok();
}

Result<bool> PgStatement::Step() {
  if (!result_) CB_RETURN_IF_ERROR(Execute());
  ++row_;
  return row_ < PQntuples(result_.get());
}

Status PgStatement::Run() { return Execute(); }

int PgStatement::Changes() const {
  if (!result_) return 0;
  if (PQresultStatus(result_.get()) == PGRES_TUPLES_OK) return PQntuples(result_.get());
  const char* n = PQcmdTuples(result_.get());
  return n != nullptr && *n != '\0' ? std::atoi(n) : 0;
}

bool PgStatement::IsNull(int column) const { return PQgetisnull(result_.get(), row_, column) != 0; }

int64_t PgStatement::Int(int column) const {
  const char* v = PQgetvalue(result_.get(), row_, column);
  const int len = PQgetlength(result_.get(), row_, column);
  if (len == 1 && (v[0] == 't' || v[0] == 'f')) return v[0] == 't' ? 1 : 0;  // boolean
  int64_t out = 0;
  std::from_chars(v, v + len, out);
  return out;
}

std::optional<int64_t> PgStatement::OptInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

std::string PgStatement::Text(int column) const {
  return std::string(PQgetvalue(result_.get(), row_, column),
                     static_cast<size_t>(PQgetlength(result_.get(), row_, column)));
}

std::optional<TimePoint> PgStatement::OptTime(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Time(column);
}

// ---- PgConnection ----

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& url,
                                                         std::chrono::seconds connect_timeout) {
  const std::string timeout = std::to_string(std::max<int64_t>(1, connect_timeout.count()));
  const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {url.c_str(), timeout.c_str(), "callboard", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Status::Unavailable("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    PQfinish(conn);
    return Status::Unavailable("cannot connect to PostgreSQL: " + message);
  }
  auto out = std::unique_ptr<PgConnection>(new PgConnection(conn));
  // Times are unix milliseconds in bigint columns; the session's zone must not matter, and
  // statements must not wait forever on a lock.
  CB_RETURN_IF_ERROR(out->Exec("SET TIME ZONE 'UTC'; SET lock_timeout = '30s'"));
  return out;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Result<PgStatement> PgConnection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end() || it->second.name.empty()) CB_RETURN_IF_ERROR(Flush());
  if (it == cache_.end()) {
    int count = 0;
    const std::string numbered = NumberPlaceholders(sql, count);
    const bool guarded = MayViolate(sql);
    Prepared p{cache_.size() < kMaxPrepared ? "cb" + std::to_string(cache_.size()) : "", count,
               guarded};
    if (p.name.empty()) {
      // Unnamed: re-prepared on every use, replacing the previous unnamed statement.
      PgResultPtr r(PQprepare(conn_, "", numbered.c_str(), count, nullptr));
      if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return Error(r.get(), numbered);
      static const std::string kUnnamed;
      return PgStatement(this, &kUnnamed, count, guarded);
    }
    PgResultPtr r(PQprepare(conn_, p.name.c_str(), numbered.c_str(), count, nullptr));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return Error(r.get(), numbered);
    it = cache_.emplace(std::string(sql), std::move(p)).first;
  }
  return PgStatement(this, &it->second.name, it->second.n_params, it->second.guarded);
}

Status PgConnection::Exec(const std::string& sql) {
  CB_RETURN_IF_ERROR(Flush());
  PgResultPtr r(PQexec(conn_, sql.c_str()));
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error(r.get());
  return Status::Ok();
}

Status PgConnection::UseTenant(int64_t tenant_id) {
  if (tenant_id_ == tenant_id) return Status::Ok();
  CB_RETURN_IF_ERROR(SetLocal("app.tenant_id", std::to_string(tenant_id)));
  tenant_id_ = tenant_id;
  return Status::Ok();
}

Status PgConnection::SetLocal(const char* name, const std::string& value) {
  auto stmt = Prepare("SELECT set_config(?, ?, true)");
  if (!stmt) return stmt.error();
  stmt->Bind(name, value);
  return stmt->Run();
}

Status PgConnection::LockUntilCommit(const char* name, int64_t key) {
  auto lock = Prepare("SELECT pg_advisory_xact_lock(hashtext(?), ?::int)");
  if (!lock) return lock.error();
  lock->Bind(std::string(name), key % 2147483647);
  return lock->Run();
}

Status PgConnection::SendDeferred(const PgStatement& stmt) {
  if (static_cast<int>(stmt.params_.size()) != stmt.n_params_) {
    return Status::Internal("statement bound " + std::to_string(stmt.params_.size()) +
                            " parameters, expected " + std::to_string(stmt.n_params_));
  }
  if (stmt.name_->empty()) {  // unnamed statements are re-prepared: run it now
    PgStatement copy(this, stmt.name_, stmt.n_params_, false);
    copy.params_ = stmt.params_;
    return copy.Run();
  }
  if (deferred_ >= kMaxDeferred) CB_RETURN_IF_ERROR(Flush());
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && PQenterPipelineMode(conn_) != 1) {
    return Error(nullptr, "entering pipeline mode");
  }
  std::vector<const char*> values;
  values.reserve(stmt.params_.size());
  for (const auto& p : stmt.params_) values.push_back(p ? p->c_str() : nullptr);
  if (PQsendQueryPrepared(conn_, stmt.name_->c_str(), stmt.n_params_, values.data(), nullptr,
                          nullptr, 0) != 1) {
    return Error(nullptr, "sending a pipelined statement");
  }
  ++deferred_;
  return Status::Ok();
}

Status PgConnection::Flush() {
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF) return Status::Ok();
  Status first = Status::Ok();
  if (PQpipelineSync(conn_) != 1) first = Error(nullptr, "pipeline sync");
  // Every statement's result (then a null), and finally the sync marker.
  for (bool synced = !first.ok(); !synced;) {
    PgResultPtr r(PQgetResult(conn_));
    if (!r) {
      if (!Healthy()) {
        first = Error(nullptr);
        break;
      }
      continue;  // the end of one statement's results
    }
    switch (PQresultStatus(r.get())) {
      case PGRES_PIPELINE_SYNC:
        synced = true;
        break;
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
        break;
      case PGRES_PIPELINE_ABORTED:  // after an earlier failure, which is reported
        break;
      default:
        if (first.ok()) first = Error(r.get());
        break;
    }
  }
  deferred_ = 0;
  if (PQexitPipelineMode(conn_) != 1 && first.ok()) first = Error(nullptr, "leaving pipeline mode");
  return first;
}

Status PgConnection::Commit() {
  const Status flushed = Flush();
  if (!flushed.ok()) {
    in_transaction_ = false;
    return flushed;
  }
  in_transaction_ = false;
  PgResultPtr r(PQexec(conn_, "COMMIT"));
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return Error(r.get(), "COMMIT");
  if (std::string_view(PQcmdStatus(r.get())) == "ROLLBACK") {
    return Status::Unavailable("the transaction was rolled back by the server; retry");
  }
  return Status::Ok();
}

bool PgConnection::Healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

Status PgConnection::Reset() {
  PQreset(conn_);
  cache_.clear();
  tenant_id_.reset();
  if (!Healthy()) {
    return Status::Unavailable(std::string("PostgreSQL connection lost: ") + PQerrorMessage(conn_));
  }
  return Exec("SET TIME ZONE 'UTC'; SET lock_timeout = '30s'");
}

Status PgConnection::Error(const pg_result* result, std::string_view context) const {
  if (!Healthy()) {
    std::string message = PQerrorMessage(conn_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    return Status::Unavailable("PostgreSQL connection lost: " + message);
  }
  if (result == nullptr)
    return Status::Internal(std::string("database error: ") + PQerrorMessage(conn_));
  std::string_view message = Field(result, PG_DIAG_MESSAGE_PRIMARY);
  std::string fallback;
  if (message.empty()) {
    fallback = PQresultErrorMessage(result);
    message = fallback;
  }
  return PgErrorStatus(Field(result, PG_DIAG_SQLSTATE), message,
                       Field(result, PG_DIAG_MESSAGE_DETAIL), Field(result, PG_DIAG_TABLE_NAME),
                       context.size() > 200 ? context.substr(0, 200) : context,
                       Field(result, PG_DIAG_CONSTRAINT_NAME));
}

std::string PgConnection::Quote(const std::string& literal) const {
  char* q = PQescapeLiteral(conn_, literal.data(), literal.size());
  std::string out = q != nullptr ? q : "''";
  PQfreemem(q);
  return out;
}

std::string PgConnection::QuoteIdentifier(const std::string& identifier) const {
  char* q = PQescapeIdentifier(conn_, identifier.data(), identifier.size());
  std::string out = q != nullptr ? q : "\"\"";
  PQfreemem(q);
  return out;
}

}  // namespace callboard
