// live_bench: event → WebSocket client latency of a running `callboard serve`.
//
//   live_bench PORT READ_TOKEN INGEST_TOKEN CLIENTS EVENTS_PER_S SECONDS
//   live_bench PORT READ_TOKEN - CLIENTS 0 SECONDS        (against `serve --demo`)
//
// Opens CLIENTS WebSockets on /api/v1/live/ws (bearer READ_TOKEN), then posts queue_log
// batches to /api/v1/ingest/asterisk-queue-log every 100 ms, EVENTS_PER_S / 10 events each:
// callers entering 20 queues and the previous batch's callers abandoning. Every batch's
// change carries its batch number in the waiting callers' ids; each client records when it
// first sees a batch. Prints p50/p99/max of (first sight − the moment the post was sent)
// over all clients, the baseline — the same post's own round trip — and messages received.
// One io thread drives all clients; one thread posts. Clients ask for compressed messages
// (?compress=deflate-raw) and inflate them, as the web app does; LIVE_COMPRESS=0 turns that
// off.
//
// With INGEST_TOKEN "-" nothing is posted: the clients follow the demo tenant's own traffic,
// and the figure is (arrival − the agent's "since") for every agent state change, and
// (arrival − the caller's "since") for every caller who joins a queue, i.e. from the moment
// the PBX event happened (its queue_log time) to the client. The baseline is a
// GET /healthz round trip on the same server.

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "live/live_message.h"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kQueues = 20;
constexpr int kMaxBatches = 100000;

std::vector<std::atomic<int64_t>> g_sent(kMaxBatches);  // ns since epoch of Clock
std::mutex g_mu;
std::vector<double> g_latencies_ms;
std::atomic<int64_t> g_messages{0};
std::atomic<int> g_open{0};
bool g_demo = false;
bool g_compress = true;           // ?compress=deflate-raw (LIVE_COMPRESS=0 turns it off)
std::atomic<int64_t> g_bytes{0};  // WebSocket payload bytes received

// Milliseconds since the Unix epoch of an RFC 3339 UTC time ("2026-11-22T15:04:05.123Z");
// 0 when it does not read as one.
int64_t ParseUtcMs(std::string_view text) {
  std::tm tm{};
  int ms = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec) != 6) {
    return 0;
  }
  if (const size_t dot = s.find('.'); dot != std::string::npos) ms = std::atoi(s.c_str() + dot + 1);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(net::io_context& io, std::string token, bool measured)
      : ws_(io), token_(std::move(token)), measured_(measured) {}

  void Start(const tcp::endpoint& ep) {
    auto self = shared_from_this();
    beast::get_lowest_layer(ws_).async_connect(ep, [self, ep](beast::error_code ec) {
      if (ec) return std::fprintf(stderr, "connect: %s\n", ec.message().c_str()), void();
      beast::get_lowest_layer(self->ws_).expires_never();
      self->ws_.set_option(websocket::stream_base::decorator([self](websocket::request_type& r) {
        r.set(http::field::authorization, "Bearer " + self->token_);
      }));
      self->ws_.async_handshake(
          "127.0.0.1:" + std::to_string(ep.port()),
          g_compress ? "/api/v1/live/ws?compress=deflate-raw" : "/api/v1/live/ws",
          [self](beast::error_code ec2) {
            if (ec2) {
              std::fprintf(stderr, "handshake: %s\n", ec2.message().c_str());
              return;
            }
            ++g_open;
            self->Read();
          });
    });
  }

 private:
  void Read() {
    auto self = shared_from_this();
    ws_.async_read(buffer_, [self](beast::error_code ec, size_t) {
      if (ec) return;
      ++g_messages;
      const auto data = self->buffer_.cdata();
      std::string_view text(static_cast<const char*>(data.data()), data.size());
      g_bytes += static_cast<int64_t>(text.size());
      const int64_t arrived = NowNs();  // before inflating: the bytes are at the client
      if (!self->measured_) {
        self->buffer_.clear();
        return self->Read();
      }
      std::optional<std::string> inflated;
      if (!self->ws_.got_text()) {  // compressed: what every browser client does too
        inflated = callboard::InflateRaw(text);
        if (!inflated) return std::fprintf(stderr, "a binary message is not raw DEFLATE\n"), void();
        text = *inflated;
      }
      if (g_demo) {
        self->ScanStates(text);
      } else {
        self->Scan(text, arrived);
      }
      self->buffer_.clear();
      self->Read();
    });
  }

  // Every batch number in the message ("call_id":"b<batch>q…) not seen before.
  void Scan(std::string_view text, int64_t now) {
    static constexpr std::string_view kKey = "\"call_id\":\"b";
    for (size_t at = text.find(kKey); at != std::string_view::npos; at = text.find(kKey, at + 1)) {
      int batch = 0;
      size_t i = at + kKey.size();
      while (i < text.size() && text[i] >= '0' && text[i] <= '9')
        batch = batch * 10 + (text[i++] - '0');
      if (batch <= seen_ || batch >= kMaxBatches) continue;
      const int64_t sent = g_sent[batch].load();
      if (sent == 0) continue;
      for (int b = seen_ + 1; b <= batch; ++b) {
        const int64_t s = g_sent[b].load();
        if (s == 0) continue;
        std::lock_guard lock(g_mu);
        g_latencies_ms.push_back(static_cast<double>(now - s) / 1e6);
      }
      seen_ = batch;
    }
  }

  // Demo mode: every agent whose "since" moved, measured from that time.
  void ScanStates(std::string_view text) {
    const int64_t now = SystemNowMs();
    boost::system::error_code ec;
    const boost::json::value message = boost::json::parse(text, ec);
    if (ec || !message.is_object()) return;
    const boost::json::object& m = message.as_object();
    const bool snapshot = m.at("type") == "snapshot";
    auto visit = [&](const boost::json::value& agent) {
      if (!agent.is_object() || !agent.at("since").is_string()) return;
      const int64_t id = agent.at("id").as_int64();
      const int64_t since = ParseUtcMs(agent.at("since").as_string());
      int64_t& last = since_[id];
      if (since == last) return;
      last = since;
      if (snapshot || since == 0) return;
      std::lock_guard lock(g_mu);
      g_latencies_ms.push_back(static_cast<double>(now - since));
    };
    if (snapshot) {
      for (const auto& a : m.at("agents").as_array()) visit(a);
      for (const auto& q : m.at("queues").as_array()) {
        for (const auto& w : q.at("waiting").as_array())
          waiting_.insert(std::string(w.at("call_id").as_string()));
      }
      return;
    }
    for (const auto& item : m.at("items").as_array()) {
      if (item.at("type") == "agent") visit(item.at("agent"));
      if (item.at("type") != "queue") continue;
      // A caller who joined a queue: from the ENTERQUEUE's time.
      for (const auto& w : item.at("queue").at("waiting").as_array()) {
        if (!waiting_.insert(std::string(w.at("call_id").as_string())).second) continue;
        std::lock_guard lock(g_mu);
        g_latencies_ms.push_back(static_cast<double>(now - ParseUtcMs(w.at("since").as_string())));
      }
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::map<int64_t, int64_t> since_;  // agent id → the last "since" seen
  std::set<std::string> waiting_;     // waiting callers seen
  std::string token_;
  bool measured_ = true;
  int seen_ = 0;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// Demo mode: follows the demo tenant for `seconds`, then prints the figures.
int FollowDemo(const tcp::endpoint& ep, net::io_context& io, std::thread& io_thread, int seconds) {
  net::io_context probe_io;
  beast::tcp_stream stream(probe_io);
  stream.connect(ep);
  std::vector<double> round_trips_ms;
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < end) {
    http::request<http::empty_body> req(http::verb::get, "/healthz", 11);
    req.set(http::field::host, "127.0.0.1");
    const int64_t sent = NowNs();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    round_trips_ms.push_back(static_cast<double>(NowNs() - sent) / 1e6);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  io.stop();
  io_thread.join();
  std::lock_guard lock(g_mu);
  std::printf("demo traffic for %d s, %d clients, %lld messages\n", seconds, g_open.load(),
              static_cast<long long>(g_messages.load()));
  std::printf(
      "PBX event time -> client (agent state changes, callers joining): p50 %.1f ms  p99 %.1f ms  "
      "max %.1f ms  "
      "(%zu changes)\n",
      Percentile(g_latencies_ms, 0.5), Percentile(g_latencies_ms, 0.99),
      Percentile(g_latencies_ms, 1.0), g_latencies_ms.size());
  std::printf("baseline, GET /healthz round trip: p50 %.1f ms  p99 %.1f ms\n",
              Percentile(round_trips_ms, 0.5), Percentile(round_trips_ms, 0.99));
  return g_latencies_ms.empty() ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr,
                 "usage: live_bench PORT READ_TOKEN INGEST_TOKEN CLIENTS EVENTS_PER_S SECONDS\n");
    return 2;
  }
  const auto port = static_cast<uint16_t>(std::atoi(argv[1]));
  const std::string read_token = argv[2];
  const std::string ingest_token = argv[3];
  const int clients = std::atoi(argv[4]);
  const int events_per_s = std::atoi(argv[5]);
  const int seconds = std::atoi(argv[6]);
  const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  g_demo = ingest_token == "-";
  if (const char* c = std::getenv("LIVE_COMPRESS")) g_compress = std::string(c) != "0";

  net::io_context io;
  // Every client reads every message; one in `sample` also inflates and scans it. A browser
  // decodes only its own messages on its own CPU, while this one thread serves them all:
  // decoding all 1,000 in turn would add the other clients' decoding to the later ones.
  int sample = 10;
  if (const char* v = std::getenv("LIVE_SAMPLE")) sample = std::max(1, std::atoi(v));
  int measured = 0;
  for (int i = 0; i < clients; ++i) {
    const bool m = g_demo || i % sample == 0;
    measured += m ? 1 : 0;
    std::make_shared<Client>(io, read_token, m)->Start(ep);
  }
  std::thread io_thread([&io] {
    auto guard = net::make_work_guard(io);
    io.run();
  });
  for (int i = 0; i < 300 && g_open.load() < clients; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::printf("clients connected: %d of %d\n", g_open.load(), clients);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the snapshots arrive
  g_messages = 0;
  g_bytes = 0;
  if (g_demo) return FollowDemo(ep, io, io_thread, seconds);

  // The poster: one keep-alive HTTP connection.
  net::io_context post_io;
  beast::tcp_stream stream(post_io);
  stream.connect(ep);
  const int per_batch = std::max(2, events_per_s / 10);
  const int enters = per_batch / 2;
  std::vector<double> round_trips_ms;
  const int64_t base_epoch = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
  auto next = Clock::now();
  int batches = seconds * 10;
  int64_t events = 0;
  for (int b = 1; b <= batches && b < kMaxBatches; ++b) {
    std::string body;
    const std::string at = std::to_string(base_epoch + b / 10);
    for (int i = 0; i < enters; ++i) {
      body += at + "|b" + std::to_string(b) + "q" + std::to_string(i % kQueues) + "n" +
              std::to_string(i) + "|bench" + std::to_string(i % kQueues) +
              "|NONE|ENTERQUEUE||5550" + std::to_string(i) + "|1\n";
      if (b > 1) {
        body += at + "|b" + std::to_string(b - 1) + "q" + std::to_string(i % kQueues) + "n" +
                std::to_string(i) + "|bench" + std::to_string(i % kQueues) +
                "|NONE|ABANDON|1|1|5\n";
      }
    }
    events += b > 1 ? 2 * enters : enters;
    http::request<http::string_body> req(http::verb::post,
                                         "/api/v1/ingest/asterisk-queue-log?source=bench", 11);
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + ingest_token);
    req.set(http::field::content_type, "text/plain");
    req.body() = std::move(body);
    req.prepare_payload();
    std::this_thread::sleep_until(next);
    next += std::chrono::milliseconds(100);
    const int64_t sent = NowNs();
    g_sent[b].store(sent);
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    round_trips_ms.push_back(static_cast<double>(NowNs() - sent) / 1e6);
    if (res.result_int() != 200) {
      std::fprintf(stderr, "ingest answered %d: %s\n", res.result_int(), res.body().c_str());
      return 1;
    }
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the last pushes arrive
  io.stop();
  io_thread.join();

  std::lock_guard lock(g_mu);
  std::printf(
      "events ingested: %lld in %d posts (%d events/s), %d clients, %lld messages, %.1f MiB "
      "received (%s)\n",
      static_cast<long long>(events), batches, events_per_s, clients,
      static_cast<long long>(g_messages.load()), static_cast<double>(g_bytes.load()) / 1048576.0,
      g_compress ? "compressed, ?compress=deflate-raw" : "uncompressed");
  std::printf(
      "event -> client latency: p50 %.1f ms  p99 %.1f ms  max %.1f ms  (%zu deliveries, "
      "%zu expected)\n",
      Percentile(g_latencies_ms, 0.5), Percentile(g_latencies_ms, 0.99),
      Percentile(g_latencies_ms, 1.0), g_latencies_ms.size(),
      static_cast<size_t>(batches) * static_cast<size_t>(measured));
  std::printf("(every client reads every message; 1 in %d inflates and measures it: LIVE_SAMPLE)\n",
              sample);
  std::printf("baseline, the ingest post's own round trip: p50 %.1f ms  p99 %.1f ms\n",
              Percentile(round_trips_ms, 0.5), Percentile(round_trips_ms, 0.99));
  return 0;
}
