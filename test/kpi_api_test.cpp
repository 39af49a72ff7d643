// Ingest over HTTP, queue and agent reports (JSON and CSV), queue settings and the call log,
// end to end over real HTTP on a real Asterisk queue_log (testdata/ingest/asterisk/run2).

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>
#include <sstream>

#include "app/app.h"
#include "auth/auth_service.h"
#include "core/sha256.h"
#include "ingest/parser_test_support.h"
#include "kpi/call_log.h"
#include "org/org_service.h"
#include "test/support/test_server.h"

namespace callboard {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kQueueReport = "/api/v1/reports/queues?from=2026-11-01&to=2026-12-01";
constexpr const char* kIngestRun2 = "/api/v1/ingest/asterisk-queue-log?source=pbx";

std::string Gzip(const std::string& text) {
  z_stream zs{};
  EXPECT_EQ(
      deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
      Z_OK);
  std::string out(deflateBound(&zs, text.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::set<std::string> ErrorFields(const ClientResponse& r) {
  std::set<std::string> fields;
  const auto body = Json(r);
  for (const auto& f : body.at("error").at("field_errors").as_array())
    fields.insert(std::string(f.at("field").as_string()));
  return fields;
}

double Number(const boost::json::value& v) { return v.to_number<double>(); }

// The report's row for `queue`; fails the test when there is none.
boost::json::object Row(const boost::json::value& report, const std::string& queue) {
  for (const auto& row : report.at("rows").as_array()) {
    if (row.at("queue").as_string() == queue) return row.as_object();
  }
  ADD_FAILURE() << "no row for " << queue;
  return {};
}

class KpiApi : public ::testing::Test {
 protected:
  void SetUp() override {
    tenant_ = server_.CreateTenant("acme");
    server_.CreateUser(tenant_, "admin@acme.test", Role::kAdmin);
    server_.CreateUser(tenant_, "manager@acme.test", Role::kManager);
    admin_ = Bearer(server_.Login("admin@acme.test"));
    manager_ = Bearer(server_.Login("manager@acme.test"));
    ingest_ = Bearer(
        server_.app().auth().CreateApiToken(TenantScope(tenant_), "pbx", {"ingest"}, {})->token);
    run2_ = testing::ReadTestData("asterisk/run2.queue_log");
  }

  ClientResponse Post(const std::string& target, const std::string& body, Headers headers) {
    headers.emplace_back("Content-Type", "text/plain");
    return client_.Request("POST", target, body, headers);
  }

  // Ingests run2 once and checks the summary.
  void IngestRun2() {
    ClientResponse r = Post(kIngestRun2, run2_, ingest_);
    ASSERT_EQ(r.status, 200) << r.body;
    auto s = Json(r);
    EXPECT_EQ(s.at("accepted").as_int64(), 122);
    EXPECT_EQ(s.at("duplicates").as_int64(), 0);
    EXPECT_EQ(s.at("rejected").as_int64(), 0);
    EXPECT_EQ(s.at("calls").as_int64(), 40);
    EXPECT_TRUE(s.at("rejects").as_array().empty());
  }

  boost::json::value Get(const std::string& target, const Headers& who) {
    ClientResponse r = client_.Request("GET", target, "", who);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return Json(r);
  }

  int64_t QueueId(const std::string& name) {
    const auto list = Get("/api/v1/queues", manager_);
    for (const auto& q : list.at("items").as_array()) {
      if (q.at("name").as_string() == name) return q.at("id").as_int64();
    }
    ADD_FAILURE() << "no queue " << name;
    return 0;
  }

  int64_t AgentId(const std::string& pbx_identity) {
    auto list = Get("/api/v1/agents?limit=500", admin_);
    for (const auto& a : list.at("items").as_array()) {
      if (a.at("name").as_string() == pbx_identity) return a.at("id").as_int64();
    }
    ADD_FAILURE() << "no agent " << pbx_identity;
    return 0;
  }

  TestServer server_;
  HttpClient client_ = server_.Client();
  int64_t tenant_ = 0;
  Headers admin_, manager_, ingest_;
  std::string run2_;
};

TEST_F(KpiApi, IngestedRun2GivesAsterisksOwnNumbers) {
  IngestRun2();
  auto report = Get(kQueueReport, manager_);
  ASSERT_EQ(report.at("rows").as_array().size(), 2u);
  EXPECT_EQ(report.at("definition").at("tz").as_string(), "UTC");
  EXPECT_EQ(report.at("definition").at("from").as_string(), "2026-11-01T00:00:00.000Z");
  auto sales = Row(report, "sales");
  EXPECT_EQ(sales.at("offered").as_int64(), 15);
  EXPECT_EQ(sales.at("answered").as_int64(), 9);
  EXPECT_EQ(sales.at("abandoned").as_int64(), 6);
  EXPECT_DOUBLE_EQ(Number(sales.at("service_level_variants").at("abandons_ignored")), 0.777778);
  EXPECT_DOUBLE_EQ(Number(sales.at("service_level_variants").at("abandons_in_sl_success")),
                   0.733333);
  auto support = Row(report, "support");
  EXPECT_EQ(support.at("offered").as_int64(), 25);
  EXPECT_EQ(support.at("answered").as_int64(), 15);
  EXPECT_EQ(support.at("abandoned").as_int64(), 10);
  EXPECT_DOUBLE_EQ(Number(support.at("service_level_variants").at("abandons_ignored")), 0.533333);
  EXPECT_DOUBLE_EQ(Number(support.at("service_level_variants").at("abandons_in_sl_success")), 0.6);
  // Plain decimals in the body, never exponent notation.
  ClientResponse raw = client_.Request("GET", kQueueReport, "", manager_);
  EXPECT_NE(raw.body.find("\"abandons_ignored\":0.777778"), std::string::npos) << raw.body;
  EXPECT_EQ(raw.body.find("E-"), std::string::npos);

  // One queue by id, and a day interval in another zone: one row per queue and day.
  auto only_sales = Get(std::string(kQueueReport) + "&tz=America/New_York&interval=day&queue_id=" +
                            std::to_string(QueueId("sales")),
                        manager_);
  ASSERT_EQ(only_sales.at("rows").as_array().size(), 30u);  // November 2026 in New York
  int64_t offered = 0;
  for (const auto& row : only_sales.at("rows").as_array()) {
    EXPECT_EQ(row.at("queue").as_string(), "sales");
    offered += row.at("offered").as_int64();
  }
  EXPECT_EQ(offered, 15);
}

TEST_F(KpiApi, PostingTheSameBodyAgainIsANoOp) {
  IngestRun2();
  const std::string before = client_.Request("GET", kQueueReport, "", manager_).body;
  ClientResponse again = Post(kIngestRun2, run2_, ingest_);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Json(again).at("accepted").as_int64(), 0);
  EXPECT_EQ(Json(again).at("duplicates").as_int64(), 122);
  EXPECT_EQ(Json(again).at("calls").as_int64(), 0);
  // The same content gzipped is the same stream, so again nothing new.
  Headers gz = ingest_;
  gz.emplace_back("Content-Encoding", "gzip");
  ClientResponse zipped = Post(kIngestRun2, Gzip(run2_), gz);
  ASSERT_EQ(zipped.status, 200) << zipped.body;
  EXPECT_EQ(Json(zipped).at("accepted").as_int64(), 0);
  EXPECT_EQ(Json(zipped).at("duplicates").as_int64(), 122);
  EXPECT_EQ(client_.Request("GET", kQueueReport, "", manager_).body, before);
}

TEST_F(KpiApi, GzipBodiesAreInflatedAndTruncatedOnesRefused) {
  Headers gz = ingest_;
  gz.emplace_back("Content-Encoding", "gzip");
  const std::string zipped = Gzip(run2_);
  ClientResponse cut = Post(kIngestRun2, zipped.substr(0, zipped.size() / 2), gz);
  EXPECT_EQ(cut.status, 400) << cut.body;
  EXPECT_EQ(ErrorFields(cut), std::set<std::string>{"body"});
  ClientResponse r = Post(kIngestRun2, zipped, gz);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("accepted").as_int64(), 122);
  EXPECT_EQ(Json(r).at("calls").as_int64(), 40);
  EXPECT_EQ(Row(Get(kQueueReport, manager_), "support").at("offered").as_int64(), 25);
  // Other encodings and binary content are refused.
  Headers br = ingest_;
  br.emplace_back("Content-Encoding", "br");
  EXPECT_EQ(ErrorFields(Post(kIngestRun2, "x", br)), std::set<std::string>{"content-encoding"});
  ClientResponse binary = Post(kIngestRun2, std::string("abc\0def\n", 8), ingest_);
  EXPECT_EQ(binary.status, 400);
  EXPECT_EQ(ErrorFields(binary), std::set<std::string>{"body"});
}

TEST_F(KpiApi, ABrokenLineIsRejectedWithItsNumberAndTheOthersAccepted) {
  std::vector<std::string> lines = Lines(run2_);
  std::string body;
  for (size_t i = 0; i < 10; ++i) {
    if (i == 5) body += "this is not a queue_log line\n";
    body += lines[i] + "\n";
  }
  ClientResponse r = Post("/api/v1/ingest/asterisk-queue-log?source=broken", body, ingest_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto s = Json(r);
  EXPECT_EQ(s.at("accepted").as_int64(), 10);
  EXPECT_EQ(s.at("rejected").as_int64(), 1);
  ASSERT_EQ(s.at("rejects").as_array().size(), 1u);
  const auto& reject = s.at("rejects").as_array()[0];
  EXPECT_EQ(reject.at("line").as_int64(), 6);
  EXPECT_EQ(reject.at("raw").as_string(), "this is not a queue_log line");
  EXPECT_FALSE(reject.at("reason").as_string().empty());

  // The reject is stored, with its source and stream.
  auto rejects = Get("/api/v1/ingest/rejects", admin_);
  ASSERT_EQ(rejects.at("items").as_array().size(), 1u);
  const auto& stored = rejects.at("items").as_array()[0];
  EXPECT_EQ(stored.at("line").as_int64(), 6);
  EXPECT_EQ(stored.at("source").as_string(), "broken");
  EXPECT_EQ(stored.at("raw").as_string(), "this is not a queue_log line");
  EXPECT_EQ(stored.at("reason"), reject.at("reason"));
  const std::string source_id = std::to_string(stored.at("source_id").as_int64());
  EXPECT_EQ(
      Get("/api/v1/ingest/rejects?source_id=" + source_id, admin_).at("items").as_array().size(),
      1u);
  EXPECT_TRUE(Get("/api/v1/ingest/rejects?source_id=999", admin_).at("items").as_array().empty());
}

TEST_F(KpiApi, IngestNeedsTheIngestScopeAKnownFormatAndASource) {
  const Headers read =
      Bearer(server_.app().auth().CreateApiToken(TenantScope(tenant_), "bi", {"read"}, {})->token);
  ClientResponse r = Post(kIngestRun2, run2_, read);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Json(r).at("error").at("code").as_string(), "forbidden");
  EXPECT_EQ(Post(kIngestRun2, run2_, manager_).status, 403);
  ClientResponse unknown = Post("/api/v1/ingest/sip-trace?source=pbx", run2_, ingest_);
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(ErrorFields(unknown), std::set<std::string>{"format"});
  ClientResponse no_source = Post("/api/v1/ingest/asterisk-queue-log", run2_, ingest_);
  EXPECT_EQ(no_source.status, 400);
  EXPECT_EQ(ErrorFields(no_source), std::set<std::string>{"source"});
  // The refused requests stored nothing: a report has no queues.
  EXPECT_TRUE(Get(kQueueReport, manager_).at("rows").as_array().empty());
}

// Signed webhooks: a source with a webhook secret posts without a token, signing
// timestamp "." body with HMAC-SHA256 under its secret (docs/sources.md).
class SignedIngest : public KpiApi {
 protected:
  static constexpr const char* kSigned = "/api/v1/ingest/asterisk-queue-log?source=pbx&tenant=acme";

  void SetUp() override {
    KpiApi::SetUp();
    // The push source "pbx" exists once something was posted to it (a line without calls).
    ASSERT_EQ(Post(kIngestRun2, "1795342401|NONE|NONE|NONE|QUEUESTART|\n", ingest_).status, 200);
    int64_t id = 0;
    const auto sources = Get("/api/v1/sources", admin_);
    for (const auto& s : sources.at("items").as_array()) {
      if (s.at("name").as_string() == "pbx") id = s.at("id").as_int64();
    }
    ASSERT_NE(id, 0);
    source_id_ = std::to_string(id);
    ClientResponse r =
        client_.Request("POST", "/api/v1/sources/" + source_id_ + "/webhook-secret", "", admin_);
    ASSERT_EQ(r.status, 200) << r.body;
    secret_ = std::string(Json(r).at("secret").as_string());
    ASSERT_FALSE(secret_.empty());
  }

  int64_t Now() { return ToUnixMillis(server_.clock().Now()) / 1000; }

  Headers Signed(const std::string& body, int64_t at, const std::string& secret) const {
    const std::string ts = std::to_string(at);
    return {{"X-Callboard-Timestamp", ts},
            {"X-Callboard-Signature", "sha256=" + HmacSha256Hex(secret, ts + "." + body)}};
  }

  std::string source_id_;
  std::string secret_;
};

TEST_F(SignedIngest, ASignedPostIngests) {
  ClientResponse r = Post(kSigned, run2_, Signed(run2_, Now(), secret_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("calls").as_int64(), 40);
  EXPECT_EQ(Json(r).at("accepted").as_int64(), 122);
}

TEST_F(SignedIngest, WrongSignatureOldTimestampOrNoAuthIsUnauthenticated) {
  auto expect_401 = [&](const std::string& target, const Headers& headers, const char* what) {
    ClientResponse r = Post(target, run2_, headers);
    EXPECT_EQ(r.status, 401) << what << ": " << r.body;
    if (r.status == 401) {
      EXPECT_EQ(Json(r).at("error").at("code").as_string(), "unauthenticated") << what;
    }
  };
  expect_401(kSigned, Signed(run2_, Now(), "cbwh_not-the-secret"), "wrong secret");
  expect_401(kSigned, Signed(run2_ + "x", Now(), secret_), "body changed");
  expect_401(kSigned, Signed(run2_, Now() - 301, secret_), "old timestamp");
  expect_401(kSigned, Signed(run2_, Now() + 301, secret_), "future timestamp");
  expect_401("/api/v1/ingest/asterisk-queue-log?source=pbx&tenant=nobody",
             Signed(run2_, Now(), secret_), "another tenant");
  expect_401("/api/v1/ingest/asterisk-queue-log?source=other&tenant=acme",
             Signed(run2_, Now(), secret_), "a source without a secret");
  expect_401(kSigned, {}, "no auth");
  // Rotating the secret retires the old one.
  ASSERT_EQ(client_.Request("POST", "/api/v1/sources/" + source_id_ + "/webhook-secret", "", admin_)
                .status,
            200);
  expect_401(kSigned, Signed(run2_, Now(), secret_), "rotated secret");
  // Nothing was stored.
  EXPECT_TRUE(Get("/api/v1/calls", admin_).at("items").as_array().empty());
}

TEST_F(SignedIngest, TheSecretIsNeverReadBack) {
  for (const std::string& target :
       std::vector<std::string>{"/api/v1/sources", "/api/v1/sources/" + source_id_,
                                "/api/v1/audit?limit=500", "/api/v1/openapi.json"}) {
    ClientResponse r = client_.Request("GET", target, "", admin_);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    EXPECT_EQ(r.body.find(secret_), std::string::npos) << target;
  }
  // Managing sources is for administrators.
  EXPECT_EQ(
      client_.Request("POST", "/api/v1/sources/" + source_id_ + "/webhook-secret", "", manager_)
          .status,
      403);
}

TEST_F(KpiApi, CsvExportsAreDownloadsAndAudited) {
  IngestRun2();
  Headers csv = manager_;
  csv.emplace_back("Accept", "text/csv");
  ClientResponse r = client_.Request("GET", kQueueReport, "", csv);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"queues-report.csv\"");
  std::vector<std::string> lines = Lines(r.body);
  ASSERT_EQ(lines.size(), 3u);  // header, sales, support
  EXPECT_TRUE(lines[0].starts_with("queue,queue_id,interval_start,offered,answered,abandoned,"))
      << lines[0];
  EXPECT_TRUE(lines[0].ends_with(",service_level_abandons_in_sl_success")) << lines[0];
  EXPECT_TRUE(lines[1].starts_with("sales,")) << lines[1];
  EXPECT_TRUE(lines[2].starts_with("support,")) << lines[2];

  ClientResponse agents = client_.Request(
      "GET", "/api/v1/reports/agents?from=2026-11-01&to=2026-12-01&format=csv", "", manager_);
  ASSERT_EQ(agents.status, 200) << agents.body;
  EXPECT_EQ(agents.Header("content-disposition"), "attachment; filename=\"agents-report.csv\"");
  lines = Lines(agents.body);
  ASSERT_EQ(lines.size(), 6u);  // header and the five agents that took calls
  EXPECT_TRUE(lines[0].starts_with("agent,agent_id,interval_start,")) << lines[0];
  EXPECT_TRUE(lines[1].starts_with("Local/a1001@agents/n,")) << lines[1];

  // JSON reads are not exports; the two downloads are.
  Get(kQueueReport, manager_);
  auto audit = Get("/api/v1/audit?action=report.export", admin_);
  ASSERT_EQ(audit.at("items").as_array().size(), 2u);
  const auto& newest = audit.at("items").as_array()[0];
  EXPECT_EQ(newest.at("object_type").as_string(), "report");
  EXPECT_EQ(newest.at("after").at("report").as_string(), "agents");
  EXPECT_EQ(newest.at("after").at("rows").as_int64(), 5);
  EXPECT_EQ(audit.at("items").as_array()[1].at("after").at("report").as_string(), "queues");

  ClientResponse bad = client_.Request(
      "GET", "/api/v1/reports/queues?from=2026-11-01&to=yesterday&format=xml&interval=2h", "",
      manager_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ErrorFields(bad), (std::set<std::string>{"to", "format", "interval"}));
}

TEST_F(KpiApi, TheCallLogExportsAsCsvForManagersAudited) {
  IngestRun2();
  const int64_t sales = QueueId("sales");
  const std::string filter = "outcome=abandoned&queue_id=" + std::to_string(sales);
  ClientResponse r = client_.Request("GET", "/api/v1/calls.csv?" + filter, "", manager_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"calls.csv\"");
  ASSERT_TRUE(r.body.ends_with("\r\n"));
  const std::vector<std::string> lines = Lines(r.body);
  // The header and the six abandoned sales calls, as the JSON list has them, in its order.
  ASSERT_EQ(lines.size(), 7u) << r.body;
  EXPECT_EQ(lines[0],
            "id,started_at,answered_at,ended_at,direction,queue,agent,caller,callee,wait_s,talk_s,"
            "hold_s,acw_s,outcome,transfer_count,transferred_to,disposition,fcr,fcr_source,csat\r");
  const auto listed = Get("/api/v1/calls?" + filter, manager_).at("items").as_array();
  ASSERT_EQ(listed.size(), 6u);
  for (size_t i = 0; i < listed.size(); ++i) {
    const boost::json::object& c = listed[i].as_object();
    EXPECT_TRUE(lines[i + 1].starts_with(std::to_string(c.at("id").as_int64()) + "," +
                                         std::string(c.at("started_at").as_string()) +
                                         ",,"))  // no answered_at
        << lines[i + 1];
    EXPECT_NE(lines[i + 1].find(",sales,,"), std::string::npos) << lines[i + 1];  // no agent
    // No transfer target, disposition, fcr (an abandoned call has none), fcr source or csat.
    EXPECT_NE(lines[i + 1].find(",abandoned,0,,,,,\r"), std::string::npos) << lines[i + 1];
    // The caller's number starts with + : a spreadsheet would take it for a formula.
    EXPECT_NE(lines[i + 1].find(",'" + std::string(c.at("caller").as_string()) + ","),
              std::string::npos)
        << lines[i + 1];
  }
  // Audited with the filters and the number of calls.
  auto audit = Get("/api/v1/audit?action=calls.export", admin_);
  ASSERT_EQ(audit.at("items").as_array().size(), 1u);
  EXPECT_EQ(audit.at("items").as_array()[0].at("after").at("filters").as_string(), filter);
  EXPECT_EQ(audit.at("items").as_array()[0].at("after").at("calls").as_int64(), 6);

  // Bad filters are named; more calls than an export holds are refused, not cut short.
  ClientResponse bad = client_.Request("GET", "/api/v1/calls.csv?outcome=lost", "", manager_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ErrorFields(bad), (std::set<std::string>{"outcome"}));
  const Principal op = OperatorPrincipal(tenant_);
  CallLog log(server_.app().db(), server_.app().org(), server_.app().audit());
  auto capped = log.Export(op, CallFilter{}, 5, "", {});
  ASSERT_FALSE(capped.has_value());
  EXPECT_EQ(capped.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(capped.error().field_errors().at(0).field, "filters");
  EXPECT_EQ(Get("/api/v1/audit?action=calls.export", admin_).at("items").as_array().size(), 1u);
}

TEST_F(KpiApi, QueueSettingsChangesAreVersionedAndAudited) {
  IngestRun2();
  const int64_t sales = QueueId("sales");
  const std::string path = "/api/v1/queues/" + std::to_string(sales);
  auto queue = Get(path, manager_);
  EXPECT_EQ(queue.at("settings_version").as_int64(), 1);
  EXPECT_EQ(queue.at("sl_formula").as_string(), "abandons_count");
  auto before = Row(Get(kQueueReport, manager_), "sales");
  EXPECT_DOUBLE_EQ(Number(before.at("service_level")),
                   Number(before.at("service_level_variants").at("abandons_count")));

  Headers json = manager_;
  json.emplace_back("Content-Type", "application/json");
  ClientResponse bad = client_.Request(
      "PATCH", path, R"({"sl_threshold_s":17,"sl_formula":"median","target_sl":1.5})", json);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ErrorFields(bad), (std::set<std::string>{"sl_formula"}));
  bad = client_.Request("PATCH", path, R"({"sl_threshold_s":17,"target_sl":1.5})", json);
  EXPECT_EQ(ErrorFields(bad), (std::set<std::string>{"sl_threshold_s", "target_sl"}));

  ClientResponse r =
      client_.Request("PATCH", path, R"({"sl_formula":"abandons_ignored","target_sl":0.8})", json);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("settings_version").as_int64(), 2);
  EXPECT_EQ(Json(r).at("sl_formula").as_string(), "abandons_ignored");
  EXPECT_DOUBLE_EQ(Number(Json(r).at("target_sl")), 0.8);
  auto report = Get(kQueueReport, manager_);
  EXPECT_DOUBLE_EQ(Number(Row(report, "sales").at("service_level")), 0.777778);
  for (const auto& q : report.at("definition").at("queues").as_array()) {
    EXPECT_EQ(q.at("settings_version").as_int64(), q.at("queue").as_string() == "sales" ? 2 : 1);
  }
  // The same values again change nothing: no new version.
  r = client_.Request("PATCH", path, R"({"sl_formula":"abandons_ignored"})", json);
  EXPECT_EQ(Json(r).at("settings_version").as_int64(), 2);

  auto audit = Get("/api/v1/audit?action=queue.update", admin_);
  ASSERT_EQ(audit.at("items").as_array().size(), 1u);
  const auto& entry = audit.at("items").as_array()[0];
  EXPECT_EQ(entry.at("object_id").as_int64(), sales);
  EXPECT_EQ(entry.at("before").at("sl_formula").as_string(), "abandons_count");
  EXPECT_EQ(entry.at("before").at("settings_version").as_int64(), 1);
  EXPECT_EQ(entry.at("after").at("sl_formula").as_string(), "abandons_ignored");
  EXPECT_EQ(entry.at("after").at("settings_version").as_int64(), 2);
  EXPECT_TRUE(
      Json(client_.Request("GET", "/api/v1/audit/verify", "", admin_)).at("intact").as_bool());

  // A supervisor reads queues but may not configure them.
  server_.CreateUser(tenant_, "sup@acme.test", Role::kSupervisor);
  Headers sup = Bearer(server_.Login("sup@acme.test"));
  EXPECT_EQ(Get(path, sup).at("settings_version").as_int64(), 2);
  sup.emplace_back("Content-Type", "application/json");
  EXPECT_EQ(client_.Request("PATCH", path, R"({"sl_threshold_s":30})", sup).status, 403);
}

TEST_F(KpiApi, CallLogFiltersAndPages) {
  IngestRun2();
  const int64_t sales = QueueId("sales");
  auto answered = Get("/api/v1/calls?outcome=answered&queue_id=" + std::to_string(sales), manager_);
  ASSERT_EQ(answered.at("items").as_array().size(), 9u);
  for (const auto& c : answered.at("items").as_array()) {
    EXPECT_EQ(c.at("queue").as_string(), "sales");
    EXPECT_EQ(c.at("outcome").as_string(), "answered");
    EXPECT_FALSE(c.at("answered_at").is_null());
  }
  auto abandoned = Get(
      "/api/v1/calls?outcome=abandoned&queue_id=" + std::to_string(sales) + "&direction=inbound",
      manager_);
  EXPECT_EQ(abandoned.at("items").as_array().size(), 6u);
  auto waited = Get("/api/v1/calls?min_wait_s=20&outcome=answered", manager_);
  for (const auto& c : waited.at("items").as_array()) EXPECT_GE(Number(c.at("wait_s")), 20.0);
  auto caller = Get("/api/v1/calls?caller=5841861", manager_);
  ASSERT_EQ(caller.at("items").as_array().size(), 1u);
  EXPECT_EQ(caller.at("items").as_array()[0].at("caller").as_string(), "+15555841861");
  // That call rang Local/a1001 for 10 s (RINGNOANSWER 10000 ms) before Local/a1002 answered.
  auto rung =
      Get("/api/v1/calls/" + std::to_string(caller.at("items").as_array()[0].at("id").as_int64()),
          manager_);
  const auto& rna = rung.at("ring_no_answer").as_array();
  ASSERT_EQ(rna.size(), 1u);
  EXPECT_EQ(rna[0].at("agent").as_string(), "Local/a1001@agents/n");
  EXPECT_EQ(rna[0].at("ring_ms").as_int64(), 10000);
  EXPECT_EQ(rna[0].at("at").as_string(), "2026-11-22T10:13:41.000Z");
  EXPECT_TRUE(rung.at("recording").is_null());
  std::vector<std::string> events;
  for (const auto& e : rung.at("timeline").as_array()) {
    events.emplace_back(e.at("event").as_string());
  }
  EXPECT_EQ(events,
            (std::vector<std::string>{"entered_queue", "ring_no_answer", "answered", "ended"}));
  // queue_log carries no recordings.
  EXPECT_TRUE(Get("/api/v1/calls?has_recording=true", manager_).at("items").as_array().empty());
  EXPECT_EQ(Get("/api/v1/calls?has_recording=false", manager_).at("items").as_array().size(), 40u);

  // Keyset pages of 15, newest first, cover the 40 calls exactly once.
  std::vector<int64_t> ids;
  std::string cursor;
  int pages = 0;
  for (;;) {
    auto page =
        Get("/api/v1/calls?limit=15" + (cursor.empty() ? "" : "&cursor=" + cursor), manager_);
    ++pages;
    for (const auto& c : page.at("items").as_array()) ids.push_back(c.at("id").as_int64());
    if (page.at("next_cursor").is_null()) break;
    cursor = std::string(page.at("next_cursor").as_string());
  }
  EXPECT_EQ(ids.size(), 40u);
  EXPECT_EQ(pages, 3);
  EXPECT_TRUE(std::is_sorted(ids.rbegin(), ids.rend()));
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), 40u);

  // One call with its derived timeline.
  auto call =
      Get("/api/v1/calls/" + std::to_string(answered.at("items").as_array()[0].at("id").as_int64()),
          manager_);
  EXPECT_EQ(call.at("timeline_source").as_string(), "call_record");
  const auto& timeline = call.at("timeline").as_array();
  const size_t rings = call.at("ring_no_answer").as_array().size();
  ASSERT_EQ(timeline.size(), 3u + rings);
  EXPECT_EQ(timeline[0].at("event").as_string(), "entered_queue");
  EXPECT_EQ(timeline[0].at("at"), call.at("started_at"));
  EXPECT_EQ(timeline[1 + rings].at("event").as_string(), "answered");
  EXPECT_EQ(timeline[1 + rings].at("agent"), call.at("agent"));
  EXPECT_EQ(timeline[2 + rings].at("event").as_string(), "ended");
  EXPECT_EQ(timeline[2 + rings].at("outcome").as_string(), "answered");

  ClientResponse bad = client_.Request(
      "GET", "/api/v1/calls?outcome=lost&min_wait_s=x&has_recording=yes", "", manager_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ErrorFields(bad), (std::set<std::string>{"outcome", "min_wait_s", "has_recording"}));
}

TEST_F(KpiApi, CallLogIsScopedByRoleAndTenant) {
  IngestRun2();
  const Principal op = OperatorPrincipal(tenant_);
  const int64_t blue = server_.app().org().Create(op, Team{.name = "Blue"}, {})->id;
  const int64_t red = server_.app().org().Create(op, Team{.name = "Red"}, {})->id;
  const int64_t agent_user = server_.CreateUser(tenant_, "a1001@acme.test", Role::kAgent, blue);
  const int64_t red_sup = server_.CreateUser(tenant_, "red@acme.test", Role::kSupervisor, red);
  Team red_team = *server_.app().org().Get<Team>(op, red);
  red_team.supervisor_ids = {red_sup};
  ASSERT_TRUE(server_.app().org().Update(op, red_team, {}));
  const Headers agent = Bearer(server_.Login("a1001@acme.test"));

  // Not linked to an agent yet: no calls at all.
  EXPECT_TRUE(Get("/api/v1/calls", agent).at("items").as_array().empty());

  // Link the PBX agent Local/a1001@agents/n to the user, in the Blue team.
  const int64_t a1001 = AgentId("Local/a1001@agents/n");
  Headers json = admin_;
  json.emplace_back("Content-Type", "application/json");
  ClientResponse link = client_.Request(
      "PATCH", "/api/v1/agents/" + std::to_string(a1001),
      R"({"user_id":)" + std::to_string(agent_user) + R"(,"team_id":)" + std::to_string(blue) + "}",
      json);
  ASSERT_EQ(link.status, 200) << link.body;

  auto own = Get("/api/v1/calls", agent);
  ASSERT_EQ(own.at("items").as_array().size(), 5u);
  for (const auto& c : own.at("items").as_array()) {
    EXPECT_EQ(c.at("agent").as_string(), "Local/a1001@agents/n");
    EXPECT_EQ(c.at("agent_id").as_int64(), a1001);
    EXPECT_EQ(c.at("queue").as_string(), "support");
  }
  const int64_t own_call = own.at("items").as_array()[0].at("id").as_int64();
  EXPECT_EQ(client_.Request("GET", "/api/v1/calls/" + std::to_string(own_call), "", agent).status,
            200);
  // Another agent's call is not found for this agent.
  auto a1002 =
      Get("/api/v1/calls?agent_id=" + std::to_string(AgentId("Local/a1002@agents/n")), manager_);
  ASSERT_EQ(a1002.at("items").as_array().size(), 5u);
  const int64_t other_call = a1002.at("items").as_array()[0].at("id").as_int64();
  EXPECT_EQ(client_.Request("GET", "/api/v1/calls/" + std::to_string(other_call), "", agent).status,
            404);
  // Asking for another agent's calls narrows, never widens.
  EXPECT_TRUE(
      Get("/api/v1/calls?agent_id=" + std::to_string(AgentId("Local/a1002@agents/n")), agent)
          .at("items")
          .as_array()
          .empty());

  // The Red supervisor's team has none of the PBX agents: no calls, and 404 on one.
  const Headers red_headers = Bearer(server_.Login("red@acme.test"));
  EXPECT_TRUE(Get("/api/v1/calls", red_headers).at("items").as_array().empty());
  EXPECT_EQ(
      client_.Request("GET", "/api/v1/calls/" + std::to_string(own_call), "", red_headers).status,
      404);
  // A Blue supervisor sees the Blue agent's five calls.
  const int64_t blue_sup = server_.CreateUser(tenant_, "blue@acme.test", Role::kSupervisor, blue);
  Team blue_team = *server_.app().org().Get<Team>(op, blue);
  blue_team.supervisor_ids = {blue_sup};
  ASSERT_TRUE(server_.app().org().Update(op, blue_team, {}));
  EXPECT_EQ(
      Get("/api/v1/calls", Bearer(server_.Login("blue@acme.test"))).at("items").as_array().size(),
      5u);

  // Another tenant's manager gets 404 for this tenant's call, and an empty log.
  const int64_t beta = server_.CreateTenant("beta");
  server_.CreateUser(beta, "manager@beta.test", Role::kManager);
  const Headers beta_manager = Bearer(server_.Login("manager@beta.test"));
  ClientResponse cross =
      client_.Request("GET", "/api/v1/calls/" + std::to_string(own_call), "", beta_manager);
  EXPECT_EQ(cross.status, 404);
  EXPECT_EQ(Json(cross).at("error").at("code").as_string(), "not_found");
  EXPECT_TRUE(Get("/api/v1/calls", beta_manager).at("items").as_array().empty());

  // A client viewer holds no performance permission.
  server_.CreateUser(tenant_, "client@acme.test", Role::kClientViewer);
  EXPECT_EQ(
      client_.Request("GET", "/api/v1/calls", "", Bearer(server_.Login("client@acme.test"))).status,
      403);
}

}  // namespace
}  // namespace callboard
