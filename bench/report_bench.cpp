// report_bench: queue and agent report latency over HTTP from a running `callboard serve`
// (GET /api/v1/reports/{queues,agents}) for a 1-day, 1-month (30 days) and 1-year (365 days)
// range ending at midnight after the last stored call's day, in UTC and in America/New_York,
// by day and in total, beside the baseline: the same report as a plain SQL GROUP BY over the
// raw calls table of the same database (SQLite through the sqlite3 library, PostgreSQL
// through libpq; local days by the zone's UTC offsets over the range, as a CASE). p50 and max
// over the repeats, after one warm-up.
// DESIGN §7: a queue or agent report over any range ≤ 50 ms server time with 10 M calls:
// the server's Server-Timing header (its first request bytes to the response ready to send),
// beside the time at the client on loopback (with the transfer of the answer).
//
//   CALLBOARD_TOKEN=<bearer> report_bench DB PORT [repeats, default 15] [SQL repeats, default 3]
//
// DB is the SQLite file or a postgresql:// URL that sees every tenant's calls (the
// superuser's: the app role sees none without a tenant). Not a test: run by
// bench/report_bench.sh and bench/postgres_report_bench.sh (make bench).

#include <arpa/inet.h>
#include <date/tz.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"

namespace callboard {
namespace {

using Millis = std::chrono::duration<double, std::milli>;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "report_bench: %s\n", what.c_str());
  std::exit(1);
}

// One keep-alive HTTP/1.1 connection to 127.0.0.1; responses must carry Content-Length.
class Http {
 public:
  explicit Http(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      Die("cannot connect to port " + std::to_string(port));
    }
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Http() { close(fd_); }
  Http(const Http&) = delete;
  Http& operator=(const Http&) = delete;

  struct Response {
    int status = 0;
    std::string body;
    double server_ms = -1;  // the server's own time (Server-Timing: app;dur=…), -1 without it
  };

  // GET `target` with the bearer token.
  Response Get(const std::string& target, const std::string& token) {
    const std::string request = "GET " + target +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                                "\r\nAccept: application/json\r\n\r\n";
    if (send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      Die("send failed");
    }
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) Fill();
    std::string head = buffer_.substr(0, header_end);
    for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const size_t cl = head.find("\r\ncontent-length:");
    if (cl == std::string::npos) Die("response without Content-Length");
    const size_t length = std::strtoull(head.c_str() + cl + 17, nullptr, 10);
    const int status = std::atoi(head.c_str() + 9);  // "http/1.1 200"
    double server_ms = -1;
    if (const size_t st = head.find("\r\nserver-timing:"); st != std::string::npos) {
      if (const size_t dur = head.find("dur=", st); dur != std::string::npos) {
        server_ms = std::strtod(head.c_str() + dur + 4, nullptr);
      }
    }
    while (buffer_.size() < header_end + 4 + length) Fill();
    std::string body = buffer_.substr(header_end + 4, length);
    buffer_.erase(0, header_end + 4 + length);
    return {status, std::move(body), server_ms};
  }

 private:
  void Fill() {
    char chunk[65536];
    const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) Die("connection closed by the server");
    buffer_.append(chunk, static_cast<size_t>(n));
  }

  int fd_ = -1;
  std::string buffer_;
};

struct Stats {
  double p50 = 0;
  double max = 0;
};

Stats Summarise(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.back()};
}

// The report as plain SQL over raw calls: DESIGN §3.4 counters per queue (or agent) for
// calls that entered the queue in [from, to), with the default thresholds (20 s, 5 s).
// Portable between SQLite and PostgreSQL.
constexpr const char* kSqlColumns =
    "COUNT(*), SUM(CASE WHEN outcome = 'answered' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN outcome = 'abandoned' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN outcome = 'abandoned' AND wait_ms < 5000 THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN outcome = 'timeout' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN outcome = 'answered' AND wait_ms <= 20000 THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN outcome = 'abandoned' AND wait_ms <= 20000 THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN outcome = 'answered' THEN wait_ms END), "
    "SUM(CASE WHEN outcome = 'abandoned' THEN wait_ms END), MAX(wait_ms), "
    "SUM(CASE WHEN outcome = 'answered' THEN talk_ms + hold_ms + acw_ms END), "
    "SUM(transfer_count) ";

// The raw-calls database: rows of integers (NULL as 0); parameters $1, $2, … in order.
class Database {
 public:
  virtual ~Database() = default;
  virtual std::vector<std::vector<int64_t>> Query(const std::string& sql,
                                                  const std::vector<int64_t>& params) = 0;
};

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      Die("cannot open " + path);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~SqliteDatabase() override { sqlite3_close(db_); }
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  std::vector<std::vector<int64_t>> Query(const std::string& sql,
                                          const std::vector<int64_t>& params) override {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      Die(std::string("SQL: ") + sqlite3_errmsg(db_));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      sqlite3_bind_int64(st, static_cast<int>(i + 1), params[i]);
    }
    std::vector<std::vector<int64_t>> rows;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      std::vector<int64_t> row;
      for (int c = 0; c < sqlite3_column_count(st); ++c) row.push_back(sqlite3_column_int64(st, c));
      rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) Die(std::string("SQL: ") + sqlite3_errmsg(db_));
    sqlite3_finalize(st);
    return rows;
  }

 private:
  sqlite3* db_ = nullptr;
};

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) Die(std::string("PostgreSQL: ") + PQerrorMessage(conn_));
  }
  ~PostgresDatabase() override { PQfinish(conn_); }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  std::vector<std::vector<int64_t>> Query(const std::string& sql,
                                          const std::vector<int64_t>& params) override {
    std::vector<std::string> texts;
    for (int64_t p : params) texts.push_back(std::to_string(p));
    std::vector<const char*> values;
    for (const std::string& t : texts) values.push_back(t.c_str());
    PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      const std::string error = PQresultErrorMessage(r);
      PQclear(r);
      Die("SQL: " + error);
    }
    std::vector<std::vector<int64_t>> rows;
    for (int i = 0; i < PQntuples(r); ++i) {
      std::vector<int64_t> row;
      for (int c = 0; c < PQnfields(r); ++c) {
        row.push_back(PQgetisnull(r, i, c) ? 0 : std::strtoll(PQgetvalue(r, i, c), nullptr, 10));
      }
      rows.push_back(std::move(row));
    }
    PQclear(r);
    return rows;
  }

 private:
  PGconn* conn_;
};

// The local day of a call in `zone` as SQL, over [from, to): (started_at + the zone's UTC
// offset at started_at) / one day, the offsets as a CASE over the zone's changes in the range.
std::string LocalDaySql(const date::time_zone* zone, int64_t from, int64_t to) {
  std::string offsets = "CASE";
  date::sys_seconds t{std::chrono::seconds(from / 1000)};
  for (int n = 0; n < 1000; ++n) {
    const date::sys_info info = zone->get_info(t);
    const std::string offset_ms = std::to_string(info.offset.count() * 1000);
    const int64_t end_ms = info.end.time_since_epoch().count() * 1000;
    if (end_ms >= to) {
      offsets = offsets == "CASE" ? offset_ms : offsets + " ELSE " + offset_ms + " END";
      break;
    }
    offsets += " WHEN started_at < " + std::to_string(end_ms) + " THEN " + offset_ms;
    t = info.end;
  }
  return "((started_at + " + offsets + ") / 86400000)";
}

// Unix ms of the first instant of local date `day` in `zone`.
int64_t LocalMidnight(const date::time_zone* zone, date::local_days day) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             zone->to_sys(date::local_seconds{day}, date::choose::earliest).time_since_epoch())
      .count();
}

}  // namespace
}  // namespace callboard

int main(int argc, char** argv) {
  using namespace callboard;
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: CALLBOARD_TOKEN=... report_bench DB PORT [repeats] [SQL repeats]\n");
    return 2;
  }
  const char* token_env = std::getenv("CALLBOARD_TOKEN");
  if (!token_env) Die("CALLBOARD_TOKEN is not set");
  const std::string token = token_env;
  const std::string db_path = argv[1];
  const auto port = static_cast<uint16_t>(std::atoi(argv[2]));
  const int repeats = argc > 3 ? std::clamp(std::atoi(argv[3]), 1, 1000) : 15;
  const int sql_repeats = argc > 4 ? std::clamp(std::atoi(argv[4]), 1, 1000) : 3;

  const bool postgres = db_path.rfind("postgres", 0) == 0;
  std::unique_ptr<Database> db;
  if (postgres) {
    db = std::make_unique<PostgresDatabase>(db_path);
  } else {
    db = std::make_unique<SqliteDatabase>(db_path);
  }
  const auto overview = db->Query(
      "SELECT tenant_id, COUNT(*), MIN(started_at), MAX(started_at) FROM calls GROUP BY tenant_id "
      "ORDER BY COUNT(*) DESC LIMIT 1",
      {});
  if (overview.empty()) Die("no calls stored");
  const int64_t tenant = overview[0][0];
  const int64_t calls = overview[0][1];
  const int64_t aggregate_rows =
      db->Query("SELECT COUNT(*) FROM interval_aggregates WHERE tenant_id = $1", {tenant})[0][0];
  std::printf(
      "Report benchmark (%s): %lld calls stored (%s .. %s), %lld interval aggregate rows; "
      "median (p50) and max of %d HTTP runs and %d SQL runs after a warm-up\n",
      postgres ? "PostgreSQL" : "SQLite", static_cast<long long>(calls),
      FormatRfc3339(FromUnixMillis(overview[0][2])).substr(0, 10).c_str(),
      FormatRfc3339(FromUnixMillis(overview[0][3])).substr(0, 10).c_str(),
      static_cast<long long>(aggregate_rows), repeats, sql_repeats);
  std::printf("  %-7s %-8s %-16s %-5s %6s %24s %24s %24s %8s\n", "kind", "range", "zone", "by",
              "rows", "server time p50 / max", "HTTP report p50 / max", "SQL GROUP BY p50 / max",
              "ratio");

  Http http(port);
  struct Range {
    const char* name;
    int days;
  };
  double worst_ms = 0;  // the slowest request of any figure
  std::string worst;
  for (const char* kind : {"queues", "agents"}) {
    for (const Range range : {Range{"1 day", 1}, Range{"1 month", 30}, Range{"1 year", 365}}) {
      for (const char* tz : {"UTC", "America/New_York"}) {
        const date::time_zone* zone = date::locate_zone(tz);
        // From local midnight `days` days before the local midnight after the last call.
        const auto last_day = std::chrono::floor<date::days>(
            zone->to_local(date::sys_seconds{std::chrono::seconds(overview[0][3] / 1000)}));
        const int64_t to = LocalMidnight(zone, last_day + date::days{1});
        const int64_t from = LocalMidnight(zone, last_day + date::days{1 - range.days});
        for (const char* by : {"total", "day"}) {
          const std::string target = std::string("/api/v1/reports/") + kind + "?interval=" + by +
                                     "&tz=" + tz + "&from=" + FormatRfc3339(FromUnixMillis(from)) +
                                     "&to=" + FormatRfc3339(FromUnixMillis(to));
          const std::string group = std::string(kind) == "queues" ? "queue_id" : "agent_id";
          const std::string day = std::string(by) == "day" ? LocalDaySql(zone, from, to) : "";
          const std::string keys = day.empty() ? group : group + ", " + day;
          const std::string sql = "SELECT " + keys + ", " + kSqlColumns +
                                  "FROM calls WHERE tenant_id = $1 AND started_at >= $2 AND "
                                  "started_at < $3 AND queue_id IS NOT NULL AND " +
                                  group + " IS NOT NULL GROUP BY " + keys;

          auto warm = http.Get(target, token);  // warm-up, and a check of the answer
          if (warm.status != 200) {
            Die(target + " answered " + std::to_string(warm.status) + ": " + warm.body);
          }
          const size_t report_rows = boost::json::parse(warm.body).at("rows").as_array().size();
          db->Query(sql, {tenant, from, to});

          std::vector<double> http_ms;
          std::vector<double> server_ms;
          std::vector<double> sql_ms;
          for (int i = 0; i < repeats; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            auto response = http.Get(target, token);
            http_ms.push_back(Millis(std::chrono::steady_clock::now() - t0).count());
            if (response.status != 200)
              Die(target + " answered " + std::to_string(response.status));
            if (response.server_ms < 0) Die(target + " answered without Server-Timing");
            server_ms.push_back(response.server_ms);
          }
          for (int i = 0; i < sql_repeats; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            db->Query(sql, {tenant, from, to});
            sql_ms.push_back(Millis(std::chrono::steady_clock::now() - t0).count());
          }
          const Stats h = Summarise(http_ms);
          const Stats s = Summarise(server_ms);
          const Stats q = Summarise(sql_ms);
          if (s.max > worst_ms) {
            worst_ms = s.max;
            worst = std::string(kind) + " " + range.name + " " + tz + " by " + by;
          }
          char server_text[64];
          char http_text[64];
          char sql_text[64];
          std::snprintf(server_text, sizeof server_text, "%9.2f / %9.2f ms", s.p50, s.max);
          std::snprintf(http_text, sizeof http_text, "%9.2f / %9.2f ms", h.p50, h.max);
          std::snprintf(sql_text, sizeof sql_text, "%9.2f / %9.2f ms", q.p50, q.max);
          std::printf("  %-7s %-8s %-16s %-5s %6zu %24s %24s %24s %7.2fx\n", kind, range.name, tz,
                      by, report_rows, server_text, http_text, sql_text, q.p50 / h.p50);
        }
      }
    }
  }
  std::printf(
      "  ratio = SQL p50 / HTTP p50 (above 1: the aggregates beat raw calls); local days in "
      "SQL: started_at plus the zone's UTC offset\n");
  std::printf(
      "  server time = the server's Server-Timing (first request bytes to response ready);"
      " HTTP = at this client, with the transfer\n");
  if (worst_ms <= 50) {
    std::printf("  every report: server time max %.1f ms (%s), within the 50 ms target\n", worst_ms,
                worst.c_str());
  } else {
    std::printf(
        "  every report: server time max %.1f ms (%s), MISSES the 50 ms target by %.1f ms "
        "(%.1fx)\n",
        worst_ms, worst.c_str(), worst_ms - 50, worst_ms / 50);
  }
  return 0;
}
