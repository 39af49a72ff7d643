// Sources through the running server: created over the API, run inside it (a 3CX feed on a
// real socket, a file tail on a real file), their live status in the API, validation.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "app/app.h"
#include "ingest/sources/source_test_support.h"
#include "kpi/kpi_store.h"
#include "store/transaction.h"
#include "test/support/test_server.h"

namespace callboard {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
using testing::AcceptanceLines;
using testing::AppendFile;
using testing::TcpPeer;
using testing::WaitUntil;

class SourcesApi : public ::testing::Test {
 protected:
  SourcesApi() {
    tenant_ = server_.CreateTenant("acme");
    server_.CreateUser(tenant_, "admin@acme.test", Role::kAdmin);
    auth_ = Bearer(server_.Login("admin@acme.test"));
    auth_.emplace_back("Content-Type", "application/json");
  }

  ClientResponse Call(const std::string& method, const std::string& path,
                      const std::string& body = "") {
    return client_.Request(method, path, body, auth_);
  }
  boost::json::object Source(int64_t id) {
    ClientResponse r = Call("GET", "/api/v1/sources/" + std::to_string(id));
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r).as_object();
  }
  boost::json::object StatusOf(int64_t id) { return Source(id).at("status").as_object(); }

  // field → code of a 400 answer's field errors.
  static std::map<std::string, std::string> FieldErrors(const ClientResponse& r) {
    std::map<std::string, std::string> out;
    EXPECT_EQ(r.status, 400) << r.body;
    const boost::json::value body = Json(r);
    for (const auto& e : body.at("error").at("field_errors").as_array()) {
      out[std::string(e.at("field").as_string())] = std::string(e.at("code").as_string());
    }
    return out;
  }

  size_t CallsOfSource(int64_t source_id) {
    size_t n = 0;
    Status s = server_.app().db().Read([&](Transaction& tx) -> Status {
      return tx.Kpi().ScanCalls(TenantScope(tenant_), TimePoint{}, TimePoint::max(),
                                [&](const StoredCall& c) {
                                  if (c.source_id == source_id) ++n;
                                  return Status::Ok();
                                });
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }

  TestServer server_;
  HttpClient client_ = server_.Client();
  int64_t tenant_ = 0;
  Headers auth_;
};

// A port that was free a moment ago (the listener must be told a port up front).
int FreePort() {
  auto fd = ListenTcp("127.0.0.1", 0);
  EXPECT_TRUE(fd.has_value());
  return fd ? LocalPort(fd->get()) : 0;
}

TEST_F(SourcesApi, A3cxListenerCreatedOverTheApiIngestsAndShowsItsStatus) {
  const int port = FreePort();
  ClientResponse created = Call("POST", "/api/v1/sources",
                                R"({"name":"3cx","kind":"3cx-tcp-listen","format":"3cx-cdr",)"
                                R"("host":"127.0.0.1","port":)" +
                                    std::to_string(port) + "}");
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t id = Json(created).at("id").as_int64();
  EXPECT_EQ(created.Header("location"), "/api/v1/sources/" + std::to_string(id));
  ASSERT_TRUE(WaitUntil([&] { return StatusOf(id).at("state").as_string() == "listening"; }));

  TcpPeer pbx = TcpPeer::Connect(port);
  for (const std::string& line : AcceptanceLines()) pbx.Write(line);
  ASSERT_TRUE(WaitUntil([&] { return StatusOf(id).at("calls").as_int64() == 4; }));

  const boost::json::object source = Source(id);
  EXPECT_EQ(source.at("name").as_string(), "3cx");
  EXPECT_EQ(source.at("kind").as_string(), "3cx-tcp-listen");
  EXPECT_EQ(source.at("format").as_string(), "3cx-cdr");
  EXPECT_EQ(source.at("port").as_int64(), port);
  EXPECT_TRUE(source.at("enabled").as_bool());
  const boost::json::object& status = source.at("status").as_object();
  EXPECT_EQ(status.at("state").as_string(), "connected");
  EXPECT_TRUE(status.at("connected").as_bool());
  EXPECT_EQ(status.at("lines").as_int64(), 4);
  EXPECT_EQ(status.at("calls").as_int64(), 4);
  EXPECT_EQ(status.at("rejects").as_int64(), 0);
  EXPECT_TRUE(status.at("last_error").is_null());
  // Times: the server's (fake) clock says now; the newest record ended at 09:40:49.
  const TimePoint now = server_.clock().Now();
  EXPECT_EQ(status.at("last_event_at").as_string(), FormatRfc3339(now));
  EXPECT_EQ(status.at("newest_event_time").as_string(), "2026-03-02T09:40:49.000Z");
  const TimePoint newest = *ParseRfc3339("2026-03-02T09:40:49Z");
  EXPECT_EQ(status.at("lag_s").as_int64(),
            std::chrono::duration_cast<std::chrono::seconds>(now - newest).count());
  // The calls are stored under the source's id.
  EXPECT_EQ(CallsOfSource(id), 4u);

  // The list shows it with the same status; the creation is in the audit log.
  auto list = Json(Call("GET", "/api/v1/sources")).at("items").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("id").as_int64(), id);
  EXPECT_EQ(list[0].at("status").at("calls").as_int64(), 4);
  ClientResponse audit = Call("GET", "/api/v1/audit");
  EXPECT_NE(audit.body.find("source.create"), std::string::npos) << audit.body;

  // 3CX hangs up: the listener waits for it again.
  pbx.Close();
  ASSERT_TRUE(WaitUntil([&] { return StatusOf(id).at("state").as_string() == "listening"; }));
  EXPECT_FALSE(StatusOf(id).at("connected").as_bool());
}

TEST_F(SourcesApi, AFileTailCreatedOverTheApiFollowsItsFileUntilDisabled) {
  const std::filesystem::path dir = server_.data_dir() / "tail";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "cdr.log").string();
  AppendFile(path, AcceptanceLines()[0]);
  ClientResponse created =
      Call("POST", "/api/v1/sources",
           R"({"name":"cdr","kind":"file-tail","format":"3cx-cdr","path":")" + path + R"("})");
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t id = Json(created).at("id").as_int64();
  ASSERT_TRUE(WaitUntil([&] { return StatusOf(id).at("calls").as_int64() == 1; }));
  AppendFile(path, AcceptanceLines()[1]);
  ASSERT_TRUE(WaitUntil([&] { return StatusOf(id).at("calls").as_int64() == 2; }));
  EXPECT_EQ(StatusOf(id).at("state").as_string(), "following");
  EXPECT_EQ(StatusOf(id).at("detail").as_string(), path);

  ClientResponse disabled =
      Call("PATCH", "/api/v1/sources/" + std::to_string(id), R"({"enabled":false})");
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_FALSE(Json(disabled).at("enabled").as_bool());
  ASSERT_TRUE(WaitUntil([&] { return StatusOf(id).at("state").as_string() == "stopped"; }));

  // Deleted: it no longer runs; the source stays, with its calls, as a push source.
  EXPECT_EQ(Call("DELETE", "/api/v1/sources/" + std::to_string(id)).status, 204);
  const boost::json::object after = Source(id);
  EXPECT_EQ(after.at("kind").as_string(), "push");
  EXPECT_TRUE(after.at("status").is_null());
  EXPECT_EQ(CallsOfSource(id), 2u);
  EXPECT_EQ(Call("DELETE", "/api/v1/sources/" + std::to_string(id)).status, 409);
}

TEST_F(SourcesApi, InvalidSourcesAreRefusedFieldByField) {
  EXPECT_EQ(FieldErrors(
                Call("POST", "/api/v1/sources", R"({"name":"x","kind":"ftp","format":"3cx-cdr"})")),
            (std::map<std::string, std::string>{{"kind", "invalid"}}));
  EXPECT_EQ(FieldErrors(Call("POST", "/api/v1/sources",
                             R"({"name":"x","kind":"file-tail","format":"asterisk-queue-log",)"
                             R"("path":"/etc/passwd"})")),
            (std::map<std::string, std::string>{{"path", "outside_roots"}}));
  EXPECT_EQ(FieldErrors(Call("POST", "/api/v1/sources",
                             R"({"name":"x","kind":"3cx-tcp-listen","format":"calls-json",)"
                             R"("port":80,"time_zone":"Nowhere/Land","colour":"red"})")),
            (std::map<std::string, std::string>{{"format", "invalid"},
                                                {"port", "out_of_range"},
                                                {"time_zone", "invalid"},
                                                {"colour", "unknown_field"}}));
  EXPECT_EQ(FieldErrors(Call("POST", "/api/v1/sources",
                             R"({"name":"x","kind":"3cx-tcp-connect","format":"3cx-cdr"})")),
            (std::map<std::string, std::string>{{"host", "required"}, {"port", "required"}}));

  const std::string ok =
      R"({"name":"pbx","kind":"3cx-tcp-connect","format":"3cx-cdr","host":"127.0.0.1",)"
      R"("port":9,"enabled":false})";
  ClientResponse created = Call("POST", "/api/v1/sources", ok);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Call("POST", "/api/v1/sources", ok).status, 409);
  const std::string item = "/api/v1/sources/" + std::to_string(Json(created).at("id").as_int64());
  EXPECT_EQ(FieldErrors(Call("PATCH", item, R"({"name":"other","port":70000})")),
            (std::map<std::string, std::string>{{"name", "read_only"}}));
  EXPECT_EQ(FieldErrors(Call("PATCH", item, R"({"port":70000})")),
            (std::map<std::string, std::string>{{"port", "out_of_range"}}));
  EXPECT_EQ(Call("GET", "/api/v1/sources/999999").status, 404);
}

TEST_F(SourcesApi, APushSourceIsListedButCannotBeChanged) {
  ClientResponse pushed = Call("POST", "/api/v1/ingest/3cx-cdr?source=webhook",
                               AcceptanceLines()[0] + AcceptanceLines()[1]);
  ASSERT_EQ(pushed.status, 200) << pushed.body;
  auto list = Json(Call("GET", "/api/v1/sources")).at("items").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("name").as_string(), "webhook");
  EXPECT_EQ(list[0].at("kind").as_string(), "push");
  EXPECT_EQ(list[0].at("format").as_string(), "3cx-cdr");
  const int64_t id = list[0].at("id").as_int64();
  EXPECT_EQ(CallsOfSource(id), 2u);
  ClientResponse patched =
      Call("PATCH", "/api/v1/sources/" + std::to_string(id), R"({"enabled":false})");
  EXPECT_EQ(patched.status, 409) << patched.body;
  // Running it as a listener is creating a source of the same name and format.
  const int port = FreePort();
  ClientResponse run = Call("POST", "/api/v1/sources",
                            R"({"name":"webhook","kind":"3cx-tcp-listen","format":"3cx-cdr",)"
                            R"("host":"127.0.0.1","port":)" +
                                std::to_string(port) + "}");
  ASSERT_EQ(run.status, 201) << run.body;
  EXPECT_EQ(Json(run).at("id").as_int64(), id);
  ASSERT_TRUE(WaitUntil([&] { return StatusOf(id).at("state").as_string() == "listening"; }));
  TcpPeer pbx = TcpPeer::Connect(port);
  for (const std::string& line : AcceptanceLines()) pbx.Write(line);
  // Two records are new, two were pushed before: counted once.
  ASSERT_TRUE(WaitUntil([&] { return StatusOf(id).at("lines").as_int64() == 4; }));
  ASSERT_TRUE(WaitUntil([&] { return CallsOfSource(id) == 4u; }));
  ASSERT_TRUE(WaitUntil([&] { return StatusOf(id).at("duplicates").as_int64() == 2; }));
  EXPECT_EQ(StatusOf(id).at("calls").as_int64(), 2);
}

}  // namespace
}  // namespace callboard
