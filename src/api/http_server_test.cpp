// Tests of the HTTP transport (HttpServer), StaticFiles and HttpMetrics over real sockets.

#include "api/http_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <system_error>
#include <thread>

#include "api/metrics.h"
#include "api/static_files.h"
#include "core/clock.h"
#include "test/support/http_client.h"

namespace callboard {
namespace {

namespace fs = std::filesystem;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

// Polls `condition` until it holds or `timeout` passes; returns its last value.
template <class F>
bool WaitUntil(F condition, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return condition();
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

bool IsLowerHex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool IsGeneratedId(std::string_view id) { return id.size() == 32 && IsLowerHex(id); }

// Parses the responses in raw bytes read off a socket (e.g. from RawExchange).
std::vector<ClientResponse> ParseResponses(std::string_view raw) {
  std::vector<ClientResponse> out;
  while (!raw.empty()) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(boost::none);
    beast::error_code ec;
    while (!parser.is_done() && !raw.empty()) {
      size_t used = parser.put(net::buffer(raw.data(), raw.size()), ec);
      raw.remove_prefix(used);
      if (ec || used == 0) break;
    }
    if (!parser.is_done()) break;
    auto res = parser.release();
    ClientResponse r;
    r.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers.emplace_back(name, std::string(f.value()));
    }
    r.body = res.body();
    out.push_back(std::move(r));
  }
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteFile(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "cb_http_test_XXXXXX").string();
    path_ = mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// What the dispatcher saw, for assertions.
struct Seen {
  std::mutex mu;
  std::vector<HttpRequest> requests;
  void Add(const HttpRequest& r) {
    std::lock_guard lock(mu);
    requests.push_back(r);
  }
  HttpRequest Last() {
    std::lock_guard lock(mu);
    return requests.empty() ? HttpRequest{} : requests.back();
  }
  size_t Count() {
    std::lock_guard lock(mu);
    return requests.size();
  }
};

// A started HttpServer on 127.0.0.1, port 0, collecting its access log.
class RunningServer {
 public:
  RunningServer(HttpServerOptions options, HttpServer::Dispatch dispatch) {
    options.address = "127.0.0.1";
    options.port = 0;
    if (options.threads == 0) options.threads = 2;
    options.access_log = [this](std::string_view line) {
      std::lock_guard lock(log_mu_);
      log_.emplace_back(line);
    };
    server_ = std::make_unique<HttpServer>(std::move(options), std::move(dispatch), metrics_);
    Status s = server_->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

  HttpServer& server() { return *server_; }
  HttpMetrics& metrics() { return metrics_; }
  uint16_t port() const { return server_->port(); }
  HttpClient Client() const { return HttpClient("127.0.0.1", port()); }

  std::vector<std::string> Log() {
    std::lock_guard lock(log_mu_);
    return log_;
  }
  // Waits for at least n access log lines.
  std::vector<std::string> WaitForLog(size_t n) {
    WaitUntil([&] { return Log().size() >= n; });
    return Log();
  }

 private:
  HttpMetrics metrics_;  // outlives server_
  std::mutex log_mu_;
  std::vector<std::string> log_;
  std::unique_ptr<HttpServer> server_;
};

// Answers "ok <path>" and records the request.
HttpServer::Dispatch Echo(Seen& seen) {
  return [&seen](HttpRequest& req) {
    seen.Add(req);
    HttpResponse res;
    res.content_type = "text/plain";
    res.body = "ok " + req.path;
    res.route = "/echo";
    return res;
  };
}

void ExpectSecurityHeaders(const ClientResponse& r) {
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.Header("content-security-policy"), std::string(kCsp));
  EXPECT_EQ(r.Header("x-frame-options"), "DENY");
  EXPECT_EQ(r.Header("referrer-policy"), "no-referrer");
  ASSERT_TRUE(r.Header("x-request-id").has_value());
  // The server's own time, e.g. "app;dur=0.3".
  const auto timing = r.Header("server-timing");
  ASSERT_TRUE(timing.has_value());
  ASSERT_TRUE(timing->starts_with("app;dur=")) << *timing;
  char* end = nullptr;
  const double ms = std::strtod(timing->c_str() + 8, &end);
  EXPECT_EQ(*end, '\0') << *timing;
  EXPECT_GE(ms, 0.0) << *timing;
}

json::value ParseJson(const std::string& text) {
  beast::error_code ec;
  json::value v = json::parse(text, ec);
  EXPECT_FALSE(ec) << "not JSON: " << text;
  return v;
}

std::string JsonStr(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : "<not a string: " + json::serialize(v) + ">";
}

// ---------------------------------------------------------------------------------------------
// Request ids and headers

TEST(HttpServer, GeneratesRequestIdWhenAbsent) {
  Seen seen;
  RunningServer s({}, Echo(seen));
  HttpClient c = s.Client();
  ClientResponse a = c.Request("GET", "/one");
  ClientResponse b = c.Request("GET", "/two");
  ASSERT_EQ(a.status, 200);
  ASSERT_TRUE(a.Header("x-request-id"));
  EXPECT_TRUE(IsGeneratedId(*a.Header("x-request-id"))) << *a.Header("x-request-id");
  EXPECT_NE(a.Header("x-request-id"), b.Header("x-request-id"));
  EXPECT_EQ(seen.Last().request_id, *b.Header("x-request-id"));
}

TEST(HttpServer, EchoesWellFormedRequestId) {
  Seen seen;
  RunningServer s({}, Echo(seen));
  HttpClient c = s.Client();
  const std::string id = "abc-123.DEF:x_y";
  ClientResponse r = c.Request("GET", "/", "", {{"X-Request-Id", id}});
  EXPECT_EQ(r.Header("x-request-id"), id);
  EXPECT_EQ(seen.Last().request_id, id);
  const std::string longest(128, 'a');
  EXPECT_EQ(c.Request("GET", "/", "", {{"X-Request-Id", longest}}).Header("x-request-id"), longest);
}

TEST(HttpServer, ReplacesMalformedRequestId) {
  Seen seen;
  RunningServer s({}, Echo(seen));
  HttpClient c = s.Client();
  for (const std::string& bad : {std::string("has space"), std::string("semi;colon"),
                                 std::string(129, 'a'), std::string("<script>")}) {
    ClientResponse r = c.Request("GET", "/", "", {{"X-Request-Id", bad}});
    ASSERT_TRUE(r.Header("x-request-id")) << bad;
    EXPECT_TRUE(IsGeneratedId(*r.Header("x-request-id"))) << bad;
    EXPECT_EQ(seen.Last().request_id, *r.Header("x-request-id"));
  }
}

TEST(HttpServer, EveryResponseCarriesSecurityHeaders) {
  Seen seen;
  HttpServerOptions o;
  o.body_limit = 16;
  RunningServer s(o, [&](HttpRequest& req) {
    HttpResponse res = Echo(seen)(req);
    if (req.path == "/cached") res.SetHeader("Cache-Control", "max-age=5");
    return res;
  });
  HttpClient c = s.Client();
  ClientResponse ok = c.Request("GET", "/x");
  ExpectSecurityHeaders(ok);
  EXPECT_EQ(ok.Header("cache-control"), "no-store");
  EXPECT_FALSE(ok.Header("strict-transport-security")) << "HSTS only under TLS";
  EXPECT_EQ(ok.Header("content-type"), "text/plain");

  ClientResponse cached = c.Request("GET", "/cached");
  EXPECT_EQ(cached.Header("cache-control"), "max-age=5");
  ExpectSecurityHeaders(cached);

  ClientResponse too_large = c.Request("POST", "/x", std::string(17, 'x'));
  EXPECT_EQ(too_large.status, 413);
  ExpectSecurityHeaders(too_large);
  EXPECT_EQ(too_large.Header("cache-control"), "no-store");
}

TEST(HttpServer, FillsRequestFromTheWire) {
  Seen seen;
  RunningServer s({}, Echo(seen));
  HttpClient c = s.Client();
  ClientResponse r = c.Request("POST", "/caf%C3%A9/a%2Fb?x=1&name=jane%20doe&sp=a+b&flag&x=2",
                               "payload", {{"X-Custom-Thing", "Value"}});
  ASSERT_EQ(r.status, 200);
  HttpRequest req = seen.Last();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.path, "/caf\xC3\xA9/a/b");
  EXPECT_EQ(req.query,
            (Headers{{"x", "1"}, {"name", "jane doe"}, {"sp", "a b"}, {"flag", ""}, {"x", "2"}}));
  EXPECT_EQ(req.Header("x-custom-thing"), "Value");
  EXPECT_EQ(req.body, "payload");
  EXPECT_EQ(req.remote_ip, "127.0.0.1");
  EXPECT_FALSE(req.tls);
}

TEST(HttpServer, RejectsBadPercentEncodingAndNul) {
  Seen seen;
  RunningServer s({}, Echo(seen));
  HttpClient c = s.Client();
  for (const char* target : {"/a%zz", "/a%0", "/a%00b", "/x?q=%G1"}) {
    ClientResponse r = c.Request("GET", target);
    EXPECT_EQ(r.status, 400) << target;
    json::value body = ParseJson(r.body);
    EXPECT_EQ(body.at("error").at("code"), "bad_request") << target;
    EXPECT_EQ(JsonStr(body.at("error").at("trace_id")), r.Header("x-request-id"));
  }
  EXPECT_EQ(seen.Count(), 0u);
  // The connection survives a bad target: the message framing was fine.
  EXPECT_EQ(c.Request("GET", "/fine").status, 200);
  EXPECT_EQ(c.connection_count(), 1);
}

TEST(HttpServer, MalformedRequestGets400AndClose) {
  Seen seen;
  RunningServer s({}, Echo(seen));
  std::string raw = RawExchange(s.port(), "GET / HTTP/1.1\r\nHost x\r\n\r\n", 5s);
  auto responses = ParseResponses(raw);
  ASSERT_EQ(responses.size(), 1u) << raw;
  EXPECT_EQ(responses[0].status, 400);
  EXPECT_EQ(ParseJson(responses[0].body).at("error").at("code"), "bad_request");
  EXPECT_EQ(responses[0].Header("connection"), "close");
  ExpectSecurityHeaders(responses[0]);
  EXPECT_EQ(seen.Count(), 0u);
}

// ---------------------------------------------------------------------------------------------
// Limits

TEST(HttpServer, BodyOverLimitGets413WithErrorJson) {
  Seen seen;
  HttpServerOptions o;
  o.body_limit = 1024;
  o.ingest_body_limit = 4096;
  RunningServer s(o, Echo(seen));
  HttpClient c = s.Client();

  ClientResponse r = c.Request("POST", "/api/v1/things", std::string(2000, 'x'),
                               {{"X-Request-Id", "client-id-1"}});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("x-request-id"), "client-id-1");
  EXPECT_EQ(r.body,
            R"({"error":{"code":"payload_too_large","message":"request body exceeds 1024 bytes",)"
            R"("trace_id":"client-id-1"}})");
  EXPECT_EQ(seen.Count(), 0u);

  // Exactly at the limit is fine; ingest paths get their own, larger limit.
  EXPECT_EQ(c.Request("POST", "/api/v1/things", std::string(1024, 'x')).status, 200);
  EXPECT_EQ(c.Request("POST", "/api/v1/ingest/queue_log", std::string(4000, 'x')).status, 200);
  ClientResponse ingest = c.Request("POST", "/api/v1/ingest/queue_log", std::string(4097, 'x'));
  EXPECT_EQ(ingest.status, 413);
  EXPECT_EQ(ParseJson(ingest.body).at("error").at("message"), "request body exceeds 4096 bytes");

  // A declared length over both limits is refused before any body byte, with the right limit.
  auto responses = ParseResponses(
      RawExchange(s.port(), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n", 5s));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 413);
  EXPECT_EQ(ParseJson(responses[0].body).at("error").at("message"),
            "request body exceeds 1024 bytes");
  EXPECT_EQ(seen.Count(), 2u);
}

TEST(HttpServer, ChunkedBodyOverLimitGets413) {
  Seen seen;
  HttpServerOptions o;
  o.body_limit = 100;
  RunningServer s(o, Echo(seen));
  std::string chunk(80, 'x');
  std::string raw = RawExchange(s.port(),
                                "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "50\r\n" +
                                    chunk + "\r\n50\r\n" + chunk + "\r\n0\r\n\r\n",
                                5s);
  auto responses = ParseResponses(raw);
  ASSERT_EQ(responses.size(), 1u) << raw;
  EXPECT_EQ(responses[0].status, 413);
  EXPECT_EQ(ParseJson(responses[0].body).at("error").at("code"), "payload_too_large");
  EXPECT_EQ(seen.Count(), 0u);
}

TEST(HttpServer, ExpectContinue) {
  Seen seen;
  HttpServerOptions o;
  o.body_limit = 1000;
  RunningServer s(o, Echo(seen));

  // Within the limit: "100 Continue", then the real response.
  std::string raw = RawExchange(s.port(),
                                "POST /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n"
                                "Content-Length: 5\r\nConnection: close\r\n\r\nhello",
                                5s);
  auto responses = ParseResponses(raw);
  ASSERT_EQ(responses.size(), 2u) << raw;
  EXPECT_EQ(responses[0].status, 100);
  EXPECT_EQ(responses[1].status, 200);
  EXPECT_EQ(seen.Last().body, "hello");

  // Over the limit: 413 straight away, no 100 and without waiting for the body.
  auto start = std::chrono::steady_clock::now();
  raw = RawExchange(s.port(),
                    "POST /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n"
                    "Content-Length: 5000\r\n\r\n",
                    10s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  responses = ParseResponses(raw);
  ASSERT_EQ(responses.size(), 1u) << raw;
  EXPECT_EQ(responses[0].status, 413);
  EXPECT_EQ(seen.Count(), 1u);
}

TEST(HttpServer, HeaderOverLimitGets431AndClose) {
  Seen seen;
  HttpServerOptions o;
  o.header_limit = 1024;
  RunningServer s(o, Echo(seen));
  auto start = std::chrono::steady_clock::now();
  std::string raw = RawExchange(
      s.port(), "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(2000, 'b') + "\r\n\r\n", 10s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << "the server closes the connection";
  auto responses = ParseResponses(raw);
  ASSERT_EQ(responses.size(), 1u) << raw;
  const ClientResponse& r = responses[0];
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.Header("connection"), "close");
  ExpectSecurityHeaders(r);
  json::value body = ParseJson(r.body);
  EXPECT_EQ(body.at("error").at("code"), "header_too_large");
  EXPECT_EQ(body.at("error").at("message"), "request header exceeds 1024 bytes");
  EXPECT_EQ(JsonStr(body.at("error").at("trace_id")), r.Header("x-request-id"));
  EXPECT_EQ(seen.Count(), 0u);

  // A header under the limit passes.
  HttpClient c = s.Client();
  EXPECT_EQ(c.Request("GET", "/", "", {{"X-Small", std::string(500, 's')}}).status, 200);
}

// ---------------------------------------------------------------------------------------------
// Connections and timeouts

TEST(HttpServer, KeepAliveServesRequestsOnOneConnection) {
  Seen seen;
  RunningServer s({}, Echo(seen));
  HttpClient c = s.Client();
  ClientResponse a = c.Request("GET", "/a");
  ClientResponse b = c.Request("GET", "/b");
  EXPECT_EQ(a.body, "ok /a");
  EXPECT_EQ(b.body, "ok /b");
  EXPECT_EQ(c.connection_count(), 1);
  EXPECT_TRUE(c.connected());
  EXPECT_NE(b.Header("connection"), "close");
}

TEST(HttpServer, Http10KeepAliveAndPipelining) {
  Seen seen;
  RunningServer s({}, Echo(seen));
  // Two pipelined HTTP/1.0 requests: the first asks for keep-alive, the second does not.
  std::string raw = RawExchange(s.port(),
                                "GET /first HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                                "GET /second HTTP/1.0\r\n\r\n",
                                5s);
  auto responses = ParseResponses(raw);
  ASSERT_EQ(responses.size(), 2u) << raw;
  EXPECT_EQ(responses[0].body, "ok /first");
  EXPECT_EQ(responses[0].Header("connection"), "keep-alive");
  EXPECT_EQ(responses[1].body, "ok /second");
  EXPECT_NE(responses[1].Header("connection"), "keep-alive");
  EXPECT_THAT(raw, testing::StartsWith("HTTP/1.0 200"));
}

TEST(HttpServer, HeadSendsHeadersWithoutBody) {
  Seen seen;
  RunningServer s({}, Echo(seen));
  std::string raw =
      RawExchange(s.port(), "HEAD /abc HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 5s);
  ASSERT_THAT(raw, HasSubstr("\r\n\r\n"));
  EXPECT_THAT(raw, testing::StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(raw, HasSubstr("Content-Length: 7\r\n"));  // "ok /abc"
  EXPECT_TRUE(raw.ends_with("\r\n\r\n")) << raw;
  EXPECT_EQ(seen.Last().method, "HEAD");

  HttpClient c = s.Client();
  ClientResponse r = c.Request("HEAD", "/abc");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(c.Request("GET", "/abc").body, "ok /abc");  // the connection is still in sync
  EXPECT_EQ(c.connection_count(), 1);
}

TEST(HttpServer, IdleTimeoutClosesKeepAliveConnection) {
  Seen seen;
  HttpServerOptions o;
  o.idle_timeout = 200ms;
  RunningServer s(o, Echo(seen));
  HttpClient c = s.Client();
  ASSERT_EQ(c.Request("GET", "/").status, 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.connected());
  EXPECT_TRUE(WaitUntil([&] { return !c.connected(); }, 5s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
  // The client notices and reconnects.
  EXPECT_EQ(c.Request("GET", "/").status, 200);
  EXPECT_EQ(c.connection_count(), 2);
}

TEST(HttpServer, ReadTimeoutClosesHalfSentRequest) {
  Seen seen;
  HttpServerOptions o;
  o.read_timeout = 300ms;
  RunningServer s(o, Echo(seen));
  auto start = std::chrono::steady_clock::now();
  std::string raw = RawExchange(s.port(), "GET / HTTP/1.1\r\nHost: a\r\n", 10s);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(raw, "") << "a timeout is a plain close";
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 5s);
  EXPECT_EQ(seen.Count(), 0u);
}

TEST(HttpServer, ShutdownFinishesInFlightRequestAndRefusesNewConnections) {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  RunningServer s({}, [&](HttpRequest& req) {
    HttpResponse res;
    if (req.path == "/slow") {
      {
        std::lock_guard lock(mu);
        entered = true;
      }
      cv.notify_all();
      std::this_thread::sleep_for(500ms);
      res.body = std::string(100000, 's');
    } else {
      res.body = "fast";
    }
    return res;
  });
  const uint16_t port = s.port();

  HttpClient idle = s.Client();
  ASSERT_EQ(idle.Request("GET", "/fast").status, 200);
  ASSERT_TRUE(idle.connected());

  ClientResponse slow;
  std::thread client([&] {
    HttpClient c("127.0.0.1", port);
    slow = c.Request("GET", "/slow");
  });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return entered; }));
  }
  auto start = std::chrono::steady_clock::now();
  s.server().Shutdown(5s);
  auto took = std::chrono::steady_clock::now() - start;
  client.join();

  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(slow.body, std::string(100000, 's'));
  EXPECT_EQ(slow.Header("connection"), "close");
  EXPECT_GE(took, 300ms) << "Shutdown waited for the handler";
  EXPECT_LT(took, 4s);
  EXPECT_FALSE(idle.connected()) << "idle keep-alive connections are closed";

  try {
    RawExchange(port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 2s);
    ADD_FAILURE() << "connection accepted after Shutdown";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), ECONNREFUSED) << e.what();
  }
  s.server().Wait();      // returns: shutdown completed
  s.server().Shutdown();  // idempotent
}

TEST(HttpServer, ShutdownWithoutStartAndWait) {
  HttpMetrics metrics;
  HttpServer server(
      {}, [](HttpRequest&) { return HttpResponse{}; }, metrics);
  server.Shutdown();
  server.Wait();
  SUCCEED();
}

TEST(HttpServer, DispatchExceptionBecomes500) {
  RunningServer s({}, [](HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
  HttpClient c = s.Client();
  ClientResponse r = c.Request("GET", "/");
  EXPECT_EQ(r.status, 500);
  json::value body = ParseJson(r.body);
  EXPECT_EQ(body.at("error").at("code"), "internal");
  EXPECT_THAT(r.body, Not(HasSubstr("boom")));
  EXPECT_EQ(JsonStr(body.at("error").at("trace_id")), r.Header("x-request-id"));
}

TEST(HttpServer, StartReportsBindFailure) {
  Seen seen;
  RunningServer first({}, Echo(seen));
  HttpMetrics metrics;
  HttpServerOptions o;
  o.port = first.port();
  HttpServer second(o, Echo(seen), metrics);
  Status status = second.Start();
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("cannot bind 127.0.0.1:" + std::to_string(o.port)));
}

TEST(HttpServer, SendsFileBodies) {
  TempDir dir;
  WriteFile(dir.path() / "f.bin", std::string("\0\1binary\xff", 9));
  RunningServer s({}, [&](HttpRequest& req) {
    HttpResponse res;
    res.content_type = "application/octet-stream";
    res.file_path = (dir.path() / req.path.substr(1)).string();
    return res;
  });
  HttpClient c = s.Client();
  ClientResponse r = c.Request("GET", "/f.bin");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, std::string("\0\1binary\xff", 9));
  EXPECT_EQ(r.Header("content-length"), "9");
  ClientResponse head = c.Request("HEAD", "/f.bin");
  EXPECT_EQ(head.Header("content-length"), "9");
  EXPECT_EQ(head.body, "");
  ClientResponse missing = c.Request("GET", "/gone.bin");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ParseJson(missing.body).at("error").at("code"), "not_found");
}

// ---------------------------------------------------------------------------------------------
// Access log and metrics

TEST(HttpServer, WritesOneAccessLogLinePerRequest) {
  RunningServer s({}, [](HttpRequest& req) {
    HttpResponse res;
    res.status = 201;
    res.body = "created";
    res.route = "/api/v1/things/{id}";
    if (req.path == "/api/v1/things/7") res.user_id = 42;
    return res;
  });
  HttpClient c = s.Client();
  c.Request("POST", "/api/v1/things/7?secret=1", "", {{"X-Request-Id", "log-test-1"}});
  auto log = s.WaitForLog(1);
  ASSERT_EQ(log.size(), 1u);
  json::value line = ParseJson(log[0]);
  EXPECT_TRUE(ParseRfc3339(line.at("ts").as_string().c_str()).has_value()) << log[0];
  EXPECT_EQ(line.at("level"), "info");
  EXPECT_EQ(line.at("msg"), "request");
  EXPECT_EQ(line.at("request_id"), "log-test-1");
  EXPECT_EQ(line.at("method"), "POST");
  EXPECT_EQ(line.at("route"), "/api/v1/things/{id}");
  EXPECT_EQ(line.at("path"), "/api/v1/things/7");
  EXPECT_EQ(line.at("status"), 201);
  EXPECT_TRUE(line.at("duration_ms").is_double());
  EXPECT_GE(line.at("duration_ms").as_double(), 0.0);
  EXPECT_EQ(line.at("user_id"), 42);
  EXPECT_EQ(line.at("remote_ip"), "127.0.0.1");
  EXPECT_EQ(line.at("bytes_out"), 7);

  c.Request("GET", "/other");
  log = s.WaitForLog(2);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_TRUE(ParseJson(log[1]).at("user_id").is_null());
}

TEST(HttpMetrics, RendersCountersAndHistograms) {
  HttpMetrics m;
  m.ObserveRequest("/a", "GET", 200, 0.004);
  m.ObserveRequest("/a", "GET", 200, 0.2);
  m.ObserveRequest("/a", "POST", 500, 20);
  m.ObserveRequest("unmatched", "GET", 404, 0.001);
  std::string text = m.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr("# HELP callboard_http_requests_total "));
  EXPECT_THAT(text, HasSubstr("# TYPE callboard_http_requests_total counter\n"));
  EXPECT_THAT(
      text,
      HasSubstr("callboard_http_requests_total{route=\"/a\",method=\"GET\",status=\"200\"} 2\n"));
  EXPECT_THAT(
      text,
      HasSubstr("callboard_http_requests_total{route=\"/a\",method=\"POST\",status=\"500\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("callboard_http_requests_total{route=\"unmatched\",method=\"GET\","
                              "status=\"404\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE callboard_http_request_duration_seconds histogram\n"));
  const std::string b = "callboard_http_request_duration_seconds_bucket{route=\"/a\",le=";
  EXPECT_THAT(text, HasSubstr(b + "\"0.001\"} 0\n"));
  EXPECT_THAT(text, HasSubstr(b + "\"0.0025\"} 0\n"));
  EXPECT_THAT(text, HasSubstr(b + "\"0.005\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(b + "\"0.1\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(b + "\"0.25\"} 2\n"));
  EXPECT_THAT(text, HasSubstr(b + "\"10\"} 2\n"));
  EXPECT_THAT(text, HasSubstr(b + "\"+Inf\"} 3\n"));
  EXPECT_THAT(text,
              HasSubstr("callboard_http_request_duration_seconds_sum{route=\"/a\"} 20.204\n"));
  EXPECT_THAT(text, HasSubstr("callboard_http_request_duration_seconds_count{route=\"/a\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("callboard_http_request_duration_seconds_bucket{route=\"unmatched\","
                              "le=\"0.001\"} 1\n"));
  // Exactly one bucket line per bound and route.
  size_t lines = 0;
  for (size_t at = text.find(b); at != std::string::npos; at = text.find(b, at + 1)) ++lines;
  EXPECT_EQ(lines, 14u);
}

TEST(HttpMetrics, EscapesLabelValuesAndRendersGauges) {
  HttpMetrics m;
  m.ObserveRequest("a\"b\\c\nd", "GET", 200, 0.01);
  double clients = 3;
  m.AddGauge("callboard_ws_clients", "Connected\nWebSocket clients.", [&] { return clients; });
  std::string text = m.RenderPrometheus();
  EXPECT_THAT(text, HasSubstr("{route=\"a\\\"b\\\\c\\nd\",method=\"GET\",status=\"200\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# HELP callboard_ws_clients Connected\\nWebSocket clients.\n"
                              "# TYPE callboard_ws_clients gauge\n"
                              "callboard_ws_clients 3\n"));
  clients = 2.5;
  m.AddGauge("callboard_ws_clients", "Connected WebSocket clients.", [&] { return clients * 2; });
  EXPECT_THAT(m.RenderPrometheus(), HasSubstr("\ncallboard_ws_clients 5\n"));
  m.RemoveGauge("callboard_ws_clients");
  EXPECT_THAT(m.RenderPrometheus(), Not(HasSubstr("callboard_ws_clients")));
}

TEST(HttpServer, RecordsRequestMetrics) {
  Seen seen;
  HttpServerOptions o;
  o.body_limit = 10;
  RunningServer s(o, Echo(seen));
  HttpClient c = s.Client();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(c.Request("GET", "/x").status, 200);
  ASSERT_EQ(c.Request("POST", "/x", std::string(11, 'x')).status, 413);
  const std::string echo =
      "callboard_http_requests_total{route=\"/echo\",method=\"GET\",status=\"200\"} 3\n";
  const std::string too_large =
      "callboard_http_requests_total{route=\"unmatched\",method=\"POST\",status=\"413\"} 1\n";
  ASSERT_TRUE(WaitUntil([&] {
    std::string text = s.metrics().RenderPrometheus();
    return text.find(echo) != std::string::npos && text.find(too_large) != std::string::npos;
  })) << s.metrics().RenderPrometheus();
  std::string text = s.metrics().RenderPrometheus();
  EXPECT_THAT(text,
              HasSubstr("callboard_http_request_duration_seconds_count{route=\"/echo\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("callboard_http_request_duration_seconds_bucket{route=\"/echo\","
                              "le=\"+Inf\"} 3\n"));
}

// ---------------------------------------------------------------------------------------------
// Static files

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() / "dist";
    WriteFile(root_ / "index.html", "<!doctype html><title>Callboard</title>");
    WriteFile(root_ / "assets" / "app-1a2b.js", "console.log('callboard');");
    WriteFile(root_ / "assets" / "app-1a2b.js.gz", std::string("\x1f\x8b gzipped js", 14));
    WriteFile(root_ / "assets" / "app-1a2b.css", "body{}");
    WriteFile(root_ / "docs" / "index.html", "docs");
    WriteFile(root_ / ".env", "SECRET=1");
    WriteFile(dir_.path() / "secret.txt", "outside the root");
    fs::create_symlink(dir_.path() / "secret.txt", root_ / "escape.txt");
    fs::create_symlink(root_ / "index.html", root_ / "alias.html");
    for (const char* name : {"a.mjs", "a.json", "a.svg", "a.png", "a.jpg", "a.ico", "a.woff2",
                             "a.js.map", "robots.txt", "site.webmanifest", "a.wasm", "a.xyz"}) {
      WriteFile(root_ / name, "x");
    }
  }

  static HttpRequest Get(std::string path, Headers headers = {}) {
    HttpRequest r;
    r.method = "GET";
    r.path = std::move(path);
    r.headers = std::move(headers);
    return r;
  }

  std::optional<std::string> ServedFile(const std::optional<HttpResponse>& r) {
    if (!r || !r->file_path) return std::nullopt;
    return ReadFile(*r->file_path);
  }

  TempDir dir_;
  fs::path root_;
};

TEST_F(StaticFilesTest, Availability) {
  EXPECT_TRUE(StaticFiles(root_).available());
  EXPECT_FALSE(StaticFiles(dir_.path() / "no-such-dir").available());
  EXPECT_FALSE(StaticFiles(root_ / "index.html").available());
  EXPECT_FALSE(StaticFiles(dir_.path() / "no-such-dir").Serve(Get("/index.html")));
}

TEST_F(StaticFilesTest, MimeTypes) {
  StaticFiles web(root_);
  const std::pair<const char*, const char*> cases[] = {
      {"/index.html", "text/html; charset=utf-8"},
      {"/assets/app-1a2b.js", "text/javascript; charset=utf-8"},
      {"/a.mjs", "text/javascript; charset=utf-8"},
      {"/assets/app-1a2b.css", "text/css; charset=utf-8"},
      {"/a.json", "application/json"},
      {"/a.svg", "image/svg+xml"},
      {"/a.png", "image/png"},
      {"/a.jpg", "image/jpeg"},
      {"/a.ico", "image/x-icon"},
      {"/a.woff2", "font/woff2"},
      {"/a.js.map", "application/json"},
      {"/robots.txt", "text/plain; charset=utf-8"},
      {"/site.webmanifest", "application/manifest+json"},
      {"/a.wasm", "application/wasm"},
      {"/a.xyz", "application/octet-stream"},
  };
  for (const auto& [path, type] : cases) {
    auto r = web.Serve(Get(path));
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(r->content_type, type) << path;
  }
}

TEST_F(StaticFilesTest, ETagAndIfNoneMatch) {
  StaticFiles web(root_);
  auto first = web.Serve(Get("/index.html"));
  ASSERT_TRUE(first);
  std::optional<std::string> etag;
  for (const auto& [k, v] : first->headers) {
    if (k == "ETag") etag = v;
  }
  ASSERT_TRUE(etag);
  // "<size hex>-<mtime hex>", quoted: a strong validator.
  ASSERT_GE(etag->size(), 5u);
  EXPECT_EQ(etag->front(), '"');
  EXPECT_EQ(etag->back(), '"');
  std::string_view inner = std::string_view(*etag).substr(1, etag->size() - 2);
  size_t dash = inner.find('-');
  ASSERT_NE(dash, std::string_view::npos) << *etag;
  EXPECT_EQ(inner.substr(0, dash), "27") << "size 39 in hex";
  EXPECT_TRUE(IsLowerHex(inner.substr(dash + 1))) << *etag;
  EXPECT_EQ(web.Serve(Get("/index.html"))->headers, first->headers) << "stable";

  auto not_modified = web.Serve(Get("/index.html", {{"if-none-match", *etag}}));
  ASSERT_TRUE(not_modified);
  EXPECT_EQ(not_modified->status, 304);
  EXPECT_FALSE(not_modified->file_path);
  EXPECT_EQ(not_modified->body, "");
  EXPECT_EQ(web.Serve(Get("/index.html", {{"if-none-match", "\"x\", W/" + *etag}}))->status, 304);
  EXPECT_EQ(web.Serve(Get("/index.html", {{"if-none-match", "\"other\""}}))->status, 200);

  // A changed file gets a new tag.
  WriteFile(root_ / "index.html", "<!doctype html><title>Callboard v2</title>");
  auto changed = web.Serve(Get("/index.html", {{"if-none-match", *etag}}));
  EXPECT_EQ(changed->status, 200);
}

TEST_F(StaticFilesTest, PrecompressedGzip) {
  StaticFiles web(root_);
  auto gz = web.Serve(Get("/assets/app-1a2b.js", {{"accept-encoding", "br, gzip;q=0.8"}}));
  ASSERT_TRUE(gz);
  EXPECT_EQ(ServedFile(gz), std::string("\x1f\x8b gzipped js", 14));
  EXPECT_EQ(gz->content_type, "text/javascript; charset=utf-8");
  auto header = [](const HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return std::optional<std::string>(v);
    }
    return std::optional<std::string>();
  };
  EXPECT_EQ(header(*gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(*gz, "Vary"), "Accept-Encoding");

  auto plain = web.Serve(Get("/assets/app-1a2b.js"));
  EXPECT_EQ(ServedFile(plain), "console.log('callboard');");
  EXPECT_FALSE(header(*plain, "Content-Encoding"));
  EXPECT_EQ(header(*plain, "Vary"), "Accept-Encoding");
  EXPECT_NE(header(*plain, "ETag"), header(*gz, "ETag"));

  auto refused = web.Serve(Get("/assets/app-1a2b.js", {{"accept-encoding", "gzip;q=0"}}));
  EXPECT_EQ(ServedFile(refused), "console.log('callboard');");

  auto css = web.Serve(Get("/assets/app-1a2b.css", {{"accept-encoding", "gzip"}}));
  EXPECT_EQ(ServedFile(css), "body{}") << "no .gz variant";
  EXPECT_FALSE(header(*css, "Vary"));
}

TEST_F(StaticFilesTest, CacheControl) {
  StaticFiles web(root_);
  auto cache = [&](const std::string& path) -> std::string {
    auto r = web.Serve(Get(path));
    if (!r) return "<none>";
    for (const auto& [k, v] : r->headers) {
      if (k == "Cache-Control") return v;
    }
    return "<unset>";
  };
  EXPECT_EQ(cache("/assets/app-1a2b.js"), "public, max-age=31536000, immutable");
  EXPECT_EQ(cache("/index.html"), "no-cache");
  EXPECT_EQ(cache("/"), "no-cache");
  EXPECT_EQ(cache("/assets/route-without-file"), "no-cache") << "SPA fallback is index.html";
}

TEST_F(StaticFilesTest, SinglePageAppFallback) {
  StaticFiles web(root_);
  const std::string index = "<!doctype html><title>Callboard</title>";
  EXPECT_EQ(ServedFile(web.Serve(Get("/"))), index);
  EXPECT_EQ(ServedFile(web.Serve(Get("/reports/queues"))), index);
  EXPECT_EQ(web.Serve(Get("/reports/queues"))->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(ServedFile(web.Serve(Get("/docs/"))), "docs") << "a directory's own index.html";
  EXPECT_FALSE(web.Serve(Get("/missing.js"))) << "a missing asset is a 404, not the app";
  EXPECT_FALSE(web.Serve(Get("/api/v1/users"))) << "the API is not the web app";
  EXPECT_FALSE(web.Serve(Get("/api")));
  HttpRequest post = Get("/");
  post.method = "POST";
  EXPECT_FALSE(web.Serve(post));
  HttpRequest head = Get("/index.html");
  head.method = "HEAD";
  EXPECT_TRUE(web.Serve(head));
}

// The layout `make build` leaves in web/dist: hashed assets and index.html, each with the
// .gz copy web/scripts/check-budgets.mjs writes.
TEST_F(StaticFilesTest, BuiltAppRoutesAreIndexRevalidatedAndAssetsImmutable) {
  WriteFile(root_ / "index.html.gz", std::string("\x1f\x8b index", 8));
  StaticFiles web(root_);
  auto header = [](const HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return std::string("<unset>");
  };
  const Headers gzip = {{"accept-encoding", "gzip, deflate, br"}};
  for (const char* route : {"/calls", "/reports/queues", "/admin/users", "/"}) {
    auto r = web.Serve(Get(route, gzip));
    ASSERT_TRUE(r) << route;
    EXPECT_EQ(r->status, 200) << route;
    EXPECT_EQ(r->content_type, "text/html; charset=utf-8") << route;
    EXPECT_EQ(header(*r, "Cache-Control"), "no-cache") << route;
    EXPECT_EQ(header(*r, "Content-Encoding"), "gzip") << route;
    EXPECT_EQ(ServedFile(r), std::string("\x1f\x8b index", 8)) << route;
  }
  auto asset = web.Serve(Get("/assets/app-1a2b.js", gzip));
  ASSERT_TRUE(asset);
  EXPECT_EQ(header(*asset, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(header(*asset, "Content-Encoding"), "gzip");
  EXPECT_FALSE(web.Serve(Get("/assets/app-0000.js", gzip))) << "a stale hash is a 404";
  EXPECT_FALSE(web.Serve(Get("/api/v1/calls", gzip))) << "API paths never get the app";
  EXPECT_FALSE(web.Serve(Get("/api/v1/no-such-route", gzip)));
}

TEST_F(StaticFilesTest, RefusesTraversalHiddenFilesAndSymlinkEscape) {
  StaticFiles web(root_);
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/./index.html", "/..",
                           "/.env", "/assets/..\\..\\secret.txt", "/escape.txt", "index.html"}) {
    EXPECT_FALSE(web.Serve(Get(path))) << path;
  }
  EXPECT_EQ(ServedFile(web.Serve(Get("/alias.html"))), "<!doctype html><title>Callboard</title>")
      << "a symlink that stays inside the root is fine";
}

TEST_F(StaticFilesTest, ServedThroughTheServer) {
  StaticFiles web(root_);
  RunningServer s({}, [&](HttpRequest& req) {
    if (auto r = web.Serve(req)) return std::move(*r);
    HttpResponse res;
    res.status = 404;
    return res;
  });
  HttpClient c = s.Client();
  ClientResponse gz = c.Request("GET", "/assets/app-1a2b.js", "", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(gz.body, std::string("\x1f\x8b gzipped js", 14));
  EXPECT_EQ(gz.Header("content-encoding"), "gzip");
  EXPECT_EQ(gz.Header("cache-control"), "public, max-age=31536000, immutable");
  ExpectSecurityHeaders(gz);

  ClientResponse page = c.Request("GET", "/agents/7");
  EXPECT_EQ(page.body, "<!doctype html><title>Callboard</title>");
  EXPECT_EQ(page.Header("content-type"), "text/html; charset=utf-8");
  ASSERT_TRUE(page.Header("etag"));
  ClientResponse again =
      c.Request("GET", "/index.html", "", {{"If-None-Match", *page.Header("etag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(again.Header("etag"), page.Header("etag"));

  ClientResponse head = c.Request("HEAD", "/index.html");
  EXPECT_EQ(head.Header("content-length"), std::to_string(page.body.size()));
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(c.Request("GET", "/%2e%2e/secret.txt").status, 404);
  EXPECT_EQ(c.connection_count(), 1);
}

// ---------------------------------------------------------------------------------------------
// TLS

// Writes a self-signed P-256 certificate for "localhost" / 127.0.0.1 and its key.
void WriteSelfSignedCert(const fs::path& cert_file, const fs::path& key_file) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    ASSERT_NE(ext, nullptr);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  FILE* f = std::fopen(cert_file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_X509(f, cert);
  std::fclose(f);
  f = std::fopen(key_file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
}

// One HTTPS GET that verifies the server against `ca_file` as "localhost".
ClientResponse HttpsGet(uint16_t port, const fs::path& ca_file, const std::string& target) {
  net::io_context ioc;
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.load_verify_file(ca_file.string());
  ctx.set_verify_mode(net::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  stream.set_verify_callback(net::ssl::host_name_verification("localhost"));
  beast::get_lowest_layer(stream).expires_after(10s);  // bounds every step below

  auto run = [&](auto start) {
    beast::error_code ec;
    start([&](beast::error_code e, auto&&...) { ec = e; });
    ioc.restart();
    ioc.run();
    if (ec) throw std::system_error(ec);
  };
  run([&](auto done) {
    beast::get_lowest_layer(stream).async_connect(
        net::ip::tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), port), done);
  });
  run([&](auto done) { stream.async_handshake(net::ssl::stream_base::client, done); });
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "localhost");
  run([&](auto done) { http::async_write(stream, req, done); });
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  run([&](auto done) { http::async_read(stream, buffer, res, done); });

  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string lower(f.name_string());
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers.emplace_back(lower, std::string(f.value()));
  }
  out.body = res.body();
  return out;
}

TEST(HttpServer, ServesHttpsWithHsts) {
  TempDir dir;
  fs::path cert = dir.path() / "cert.pem";
  fs::path key = dir.path() / "key.pem";
  ASSERT_NO_FATAL_FAILURE(WriteSelfSignedCert(cert, key));
  Seen seen;
  HttpServerOptions o;
  o.tls_cert_file = cert.string();
  o.tls_key_file = key.string();
  RunningServer s(o, Echo(seen));

  ClientResponse r = HttpsGet(s.port(), cert, "/secure");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok /secure");
  EXPECT_EQ(r.Header("strict-transport-security"), "max-age=31536000; includeSubDomains");
  ExpectSecurityHeaders(r);
  EXPECT_TRUE(seen.Last().tls);

  // Plain HTTP on the TLS port gets no HTTP answer.
  EXPECT_THAT(RawExchange(s.port(), "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 5s),
              Not(HasSubstr("HTTP/1.1 200")));
}

TEST(HttpServer, StartReportsTlsMisconfiguration) {
  TempDir dir;
  HttpMetrics metrics;
  auto start = [&](std::optional<std::string> cert, std::optional<std::string> key) {
    HttpServerOptions o;
    o.port = 0;
    o.tls_cert_file = std::move(cert);
    o.tls_key_file = std::move(key);
    HttpServer server(
        o, [](HttpRequest&) { return HttpResponse{}; }, metrics);
    return server.Start();
  };
  Status only_cert = start((dir.path() / "cert.pem").string(), std::nullopt);
  EXPECT_FALSE(only_cert.ok());
  EXPECT_THAT(only_cert.message(), HasSubstr("both"));
  Status missing = start((dir.path() / "nope.pem").string(), (dir.path() / "nope.key").string());
  EXPECT_FALSE(missing.ok());
  EXPECT_THAT(missing.message(), HasSubstr("nope.pem"));
}

}  // namespace
}  // namespace callboard
