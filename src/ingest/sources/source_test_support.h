#pragma once
// Test support for the running sources: a migrated temporary database with one tenant, a
// directory for tailed files, fast timings, a source running on its own thread, and waiting
// for a condition with a deadline. For tests only.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ingest/sources/file_tail.h"
#include "ingest/sources/socket_io.h"
#include "ingest/sources/source_feed.h"
#include "ingest/sources/stop_signal.h"
#include "ingest/sources/threecx_tcp.h"
#include "kpi/kpi_store.h"
#include "org/org_store.h"
#include "storage/sqlite/sqlite_test_support.h"
#include "store/transaction.h"

namespace callboard::testing {

// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
inline bool WaitUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

struct SourceHarness {
  std::unique_ptr<Database> db = TempSqliteDatabase::Open();
  TempDir files;
  SystemClock clock;
  int64_t tenant = 0;
  SourcePolicy policy;
  SourceTimings timings;

  SourceHarness() {
    if (!db) throw std::runtime_error("no database");
    Status s = db->Write([&](Transaction& tx) -> Status {
      auto t = tx.Org().InsertTenant("acme", clock.Now());
      if (!t) return t.error();
      tenant = t->id;
      return Status::Ok();
    });
    if (!s.ok()) throw std::runtime_error(s.ToString());
    policy.tail_roots = {files.path()};
    timings.poll = std::chrono::milliseconds(20);
    timings.flush_after = std::chrono::milliseconds(50);
    timings.backoff_initial = std::chrono::milliseconds(200);
  }

  std::string File(const std::string& name) const { return (files.path() / name).string(); }

  std::vector<StoredCall> Calls() {
    std::vector<StoredCall> out;
    Status s = db->Read([&](Transaction& tx) -> Status {
      return tx.Kpi().ScanCalls(TenantScope(tenant), TimePoint{}, TimePoint::max(),
                                [&](const StoredCall& c) {
                                  out.push_back(c);
                                  return Status::Ok();
                                });
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
  size_t CallCount() { return Calls().size(); }

  std::vector<StoredReject> Rejects() {
    std::vector<StoredReject> out;
    Status s = db->Read([&](Transaction& tx) -> Status {
      auto page =
          tx.Kpi().ListRejects(TenantScope(tenant), std::nullopt, PageRequest{.limit = 500});
      if (!page) return page.error();
      out = page->items;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
};

// Runs one source (FileTail, ThreeCxListener or ThreeCxClient) on its own thread until Stop.
template <typename Source>
class RunningSource {
 public:
  RunningSource(SourceHarness& h, SourceConfig config)
      : config_(std::move(config)), ctx_{*h.db,   h.clock,  TenantScope(h.tenant),
                                         config_, h.policy, h.timings,
                                         stop_,   status_} {
    thread_ = std::thread([this] { result_ = Source(ctx_).Run(); });
  }
  ~RunningSource() { (void)Stop(); }

  // Stops the source and returns what its Run returned.
  Status Stop() {
    stop_.Trigger();
    if (thread_.joinable()) thread_.join();
    return result_;
  }
  SourceStatus status() const { return status_.Get(); }

 private:
  SourceConfig config_;
  StopSignal stop_;
  SourceStatusCell status_;
  SourceContext ctx_;
  Status result_;
  std::thread thread_;
};

inline void AppendFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

// The four 3CX CDR lines of issue 3's acceptance item 5 (default field order), CRLF each.
inline const std::vector<std::string>& AcceptanceLines() {
  static const std::vector<std::string> lines = {
      "Call 512,00000188AB01C2D3_101,,2026/03/02 09:14:05,,2026/03/02 09:14:21,Failed_Cancelled,"
      "Ext.201,Ext.305,201,305,305,,,,,,,,,Internal,Internal,Internal,Reception 201,Desk 305,Desk "
      "305,\r\n",
      "Call 513,00000188AB02F0A1_102,00:05:15,2026/03/02 09:20:43,2026/03/02 09:20:43,2026/03/02 "
      "09:25:58,TerminatedByDst,07700900123,Ext.610,10000,610,610,ReplacedDst,Ext.185,185,,,,,"
      "\"Chain: 07700900123,Ext.610,Ext.185,\",External,Internal,Internal,Caller,Queue 610,Desk "
      "185,\r\n",
      "Call 514,00000188AB03AA10_103,00:02:07,2026/03/02 09:31:58,2026/03/02 09:32:03,2026/03/02 "
      "09:34:10,TerminatedBySrc,Ext.114,02079460000,114,10001,02079460000,,,,,1,5.12,default,"
      "\"Chain: Ext.114,02079460000,\",Internal,External,External,Desk 114,,,\r\n",
      "Call 515,00000188AB04BB20_104,,2026/03/02 09:40:12,,2026/03/02 09:40:49,Failed,Ext.195,"
      "0033144556677,195,0033144556677,0033144556677,,,,,,,,,Internal,External,External,Desk "
      "195,,,\r\n",
  };
  return lines;
}

// A blocking TCP peer for the tests: 3CX's side of a CDR socket.
class TcpPeer {
 public:
  // Connects to 127.0.0.1:port (3CX in active-socket mode).
  static TcpPeer Connect(int port) {
    TcpPeer p;
    p.fd_ = UniqueFd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(p.fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    return p;
  }
  explicit TcpPeer(UniqueFd fd = UniqueFd()) : fd_(std::move(fd)) {}

  void Write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
      ASSERT_GT(n, 0) << "send failed";
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }
  // True when the other side closes the connection within `timeout`.
  bool ClosedWithin(std::chrono::milliseconds timeout) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char c;
    return recv(fd_.get(), &c, 1, 0) <= 0;
  }
  void Close() { fd_.Reset(); }

 private:
  UniqueFd fd_;
};

// A listening socket on 127.0.0.1 (3CX in passive-socket mode).
class TcpServer {
 public:
  TcpServer() {
    auto fd = ListenTcp("127.0.0.1", 0);
    EXPECT_TRUE(fd.has_value());
    if (fd) fd_ = std::move(*fd);
  }
  int port() const { return LocalPort(fd_.get()); }
  // Waits up to `timeout` for Callboard to connect.
  std::optional<TcpPeer> Accept(std::chrono::milliseconds timeout) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    std::string peer;
    auto fd = AcceptTcp(fd_.get(), peer);
    if (!fd || !fd->valid()) return std::nullopt;
    return TcpPeer(std::move(*fd));
  }

 private:
  UniqueFd fd_;
};

}  // namespace callboard::testing
