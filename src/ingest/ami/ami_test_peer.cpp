#include "ingest/ami/ami_test_peer.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace callboard::testing {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::string Reply(const std::string& response, std::string_view action_id,
                  const std::string& message) {
  std::string out = "Response: " + response + "\r\n";
  if (!action_id.empty()) out += "ActionID: " + std::string(action_id) + "\r\n";
  return out + "Message: " + message + "\r\n\r\n";
}

bool IsTrue(std::string_view v) { return v == "true" || v == "yes" || v == "1" || v == "on"; }

}  // namespace

struct AmiTestPeer::Impl {
  struct Session {
    int number = 0;
    tcp::socket socket;
    bool logged_in = false;
    explicit Session(tcp::socket s) : socket(std::move(s)) {}
  };

  explicit Impl(AmiTestPeerOptions o)
      : options(std::move(o)), acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port = acceptor.local_endpoint().port();
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      auto session = std::make_shared<Session>(std::move(socket));
      {
        std::lock_guard lock(mutex);
        session->number = ++connections;
        accepted.push_back(std::chrono::steady_clock::now());
      }
      newest = session;
      changed.notify_all();
      asio::co_spawn(io, Serve(session), asio::detached);
    }
  }

  void Write(Session& s, const std::string& bytes) {
    boost::system::error_code ec;
    asio::write(s.socket, asio::buffer(bytes), ec);
  }

  void Close(Session& s) {
    boost::system::error_code ignored;
    s.socket.shutdown(tcp::socket::shutdown_both, ignored);
    s.socket.close(ignored);
  }

  asio::awaitable<void> Serve(std::shared_ptr<Session> s) {
    Write(*s, options.banner + "\r\n");
    std::string pending;
    char buffer[4096];
    for (;;) {
      boost::system::error_code ec;
      const size_t n = co_await s->socket.async_read_some(
          asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      pending.append(buffer, n);
      for (size_t end; (end = pending.find("\r\n\r\n")) != std::string::npos;) {
        std::string raw = pending.substr(0, end + 4);
        pending.erase(0, end + 4);
        AmiFramer framer(AmiLimits{}, /*expect_banner=*/false);
        std::vector<AmiMessage> parsed;
        (void)framer.Feed(raw, parsed);
        if (parsed.empty()) continue;
        {
          std::lock_guard lock(mutex);
          received.push_back({.connection = s->number,
                              .raw = raw,
                              .message = parsed.front(),
                              .at = std::chrono::steady_clock::now()});
        }
        changed.notify_all();
        if (!Handle(*s, parsed.front())) co_return;
      }
    }
  }

  // Answers one action; false when the session ends.
  bool Handle(Session& s, const AmiMessage& m) {
    const std::string action(m.Value("Action"));
    const std::string_view id = m.Value("ActionID");
    auto answer = [&](const std::string& bytes) {
      if (held.count(std::string(id)) != 0) {
        held_replies[std::string(id)] = bytes;
      } else {
        Write(s, bytes);
      }
    };
    if (action == "Login") {
      const bool right =
          m.Value("Username") == options.username && m.Value("Secret") == options.secret;
      if (!right || rejected < options.reject_logins) {
        ++rejected;
        Write(s, Reply("Error", id, "Authentication failed"));
        Close(s);
        return false;
      }
      s.logged_in = true;
      {
        std::lock_guard lock(mutex);
        ++logins;
      }
      changed.notify_all();
      Write(s, Reply("Success", id, "Authentication accepted"));
      Write(s,
            "Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 21\r\nLastReload: 21\r\n"
            "Status: Fully Booted\r\n\r\n");
      return true;
    }
    if (!s.logged_in) {
      Write(s, Reply("Error", id, "Permission denied"));
      return true;
    }
    if (action == "Ping") {
      if (answer_pings) {
        std::string out = "Response: Success\r\n";
        if (!id.empty()) out += "ActionID: " + std::string(id) + "\r\n";
        answer(out + "Ping: Pong\r\nTimestamp: 1795340190.000000\r\n\r\n");
      }
      return true;
    }
    if (options.silent_actions.count(std::string(action)) != 0) return true;  // a hung PBX
    if (action == "Logoff") {
      Write(s, Reply("Goodbye", id, "Thanks for all the fish."));
      Close(s);
      return false;
    }
    if (action == "QueuePause") {
      const std::string interface(m.Value("Interface"));
      if (interface.empty() || !m.Get("Paused")) {
        answer(Reply("Error", id, "Need 'Interface' and 'Paused' parameters."));
        return true;
      }
      const std::string queue(m.Value("Queue"));
      bool found = false;
      for (const auto& [q, members] : options.members) {
        if ((queue.empty() || q == queue) && members.count(interface) != 0) found = true;
      }
      answer(!found ? Reply("Error", id, "Interface not found")
                    : Reply("Success", id,
                            IsTrue(m.Value("Paused")) ? "Interface paused successfully"
                                                      : "Interface unpaused successfully"));
      return true;
    }
    if (action == "QueueAdd" || action == "QueueRemove") {
      const std::string queue(m.Value("Queue"));
      const std::string interface(m.Value("Interface"));
      if (queue.empty() || interface.empty()) {
        answer(Reply("Error", id, "'Queue' and 'Interface' not specified."));
        return true;
      }
      auto q = options.members.find(queue);
      const bool add = action == "QueueAdd";
      if (q == options.members.end()) {
        answer(Reply("Error", id,
                     add ? "Unable to add interface to queue: No such queue"
                         : "Unable to remove interface from queue: No such queue"));
      } else if (add && !q->second.insert(interface).second) {
        answer(Reply("Error", id, "Unable to add interface: Already there"));
      } else if (!add && q->second.erase(interface) == 0) {
        answer(Reply("Error", id, "Unable to remove interface: Not there"));
      } else {
        answer(Reply("Success", id,
                     add ? "Added interface to queue" : "Removed interface from queue"));
      }
      return true;
    }
    if (action == "Originate") {
      if (m.Value("Channel").empty()) {
        answer(Reply("Error", id, "Channel not specified"));
      } else {
        answer(Reply("Success", id, "Originate successfully queued"));
      }
      return true;
    }
    answer(Reply("Error", id, "Invalid/unknown command"));
    return true;
  }

  AmiTestPeerOptions options;
  asio::io_context io;
  tcp::acceptor acceptor;
  int port = 0;
  std::thread thread;

  // The I/O thread only.
  std::weak_ptr<Session> newest;
  int rejected = 0;
  bool answer_pings = true;
  std::set<std::string> held;
  std::map<std::string, std::string> held_replies;

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<AmiReceivedAction> received;                      // GUARDED_BY(mutex)
  int connections = 0;                                          // GUARDED_BY(mutex)
  int logins = 0;                                               // GUARDED_BY(mutex)
  std::vector<std::chrono::steady_clock::time_point> accepted;  // GUARDED_BY(mutex)
};

AmiTestPeer::AmiTestPeer(AmiTestPeerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->answer_pings = impl_->options.answer_pings;
  asio::co_spawn(impl_->io, impl_->Accept(), asio::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

AmiTestPeer::~AmiTestPeer() {
  impl_->io.stop();
  impl_->thread.join();
}

int AmiTestPeer::port() const { return impl_->port; }

void AmiTestPeer::Send(std::string bytes) {
  asio::post(impl_->io, [impl = impl_.get(), bytes = std::move(bytes)] {
    if (auto s = impl->newest.lock()) impl->Write(*s, bytes);
  });
}

void AmiTestPeer::Drop() {
  asio::post(impl_->io, [impl = impl_.get()] {
    if (auto s = impl->newest.lock()) impl->Close(*s);
  });
}

void AmiTestPeer::SetAnswerPings(bool answer) {
  asio::post(impl_->io, [impl = impl_.get(), answer] { impl->answer_pings = answer; });
}

void AmiTestPeer::Hold(std::string action_id) {
  asio::post(impl_->io, [impl = impl_.get(), id = std::move(action_id)] { impl->held.insert(id); });
}

void AmiTestPeer::Release(const std::string& action_id) {
  asio::post(impl_->io, [impl = impl_.get(), id = action_id] {
    impl->held.erase(id);
    auto it = impl->held_replies.find(id);
    if (it == impl->held_replies.end()) return;
    if (auto s = impl->newest.lock()) impl->Write(*s, it->second);
    impl->held_replies.erase(it);
  });
}

std::vector<AmiReceivedAction> AmiTestPeer::actions() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

std::vector<AmiReceivedAction> AmiTestPeer::actions(const std::string& name) const {
  std::vector<AmiReceivedAction> out;
  for (AmiReceivedAction& a : actions()) {
    if (a.message.Value("Action") == name) out.push_back(std::move(a));
  }
  return out;
}

int AmiTestPeer::connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections;
}

std::vector<std::chrono::steady_clock::time_point> AmiTestPeer::accepted_at() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->accepted;
}

int AmiTestPeer::successful_logins() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->logins;
}

bool AmiTestPeer::WaitFor(const std::function<bool(const std::vector<AmiReceivedAction>&)>& ready,
                          std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return ready(impl_->received); });
}

bool AmiTestPeer::WaitForActions(const std::string& name, size_t count,
                                 std::chrono::milliseconds timeout) const {
  return WaitFor(
      [&](const std::vector<AmiReceivedAction>& all) {
        size_t n = 0;
        for (const AmiReceivedAction& a : all) n += a.message.Value("Action") == name ? 1 : 0;
        return n >= count;
      },
      timeout);
}

bool AmiTestPeer::WaitForConnections(int count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->connections >= count; });
}

std::string ReadAmiFixture() {
  const char* root = std::getenv("CALLBOARD_SOURCE");
  const std::string base =
      root != nullptr && *root != '\0'
          ? std::string(root)
          : std::string(__FILE__).substr(0, std::string(__FILE__).rfind('/')) + "/../../..";
  const std::string path = base + "/testdata/ingest/ami/ami-session.txt";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string AmiServerSide(const std::string& session) {
  std::string out;
  bool sent = false;
  size_t pos = 0;
  while (pos < session.size()) {
    size_t nl = session.find('\n', pos);
    if (nl == std::string::npos) nl = session.size() - 1;
    const std::string line = session.substr(pos, nl + 1 - pos);
    pos = nl + 1;
    if (line == ">>> SENT\r\n") {
      sent = true;
      continue;
    }
    if (sent) {
      if (line == "\r\n") sent = false;
      continue;
    }
    out += line;
  }
  return out;
}

std::vector<std::string> AmiFixtureMessages(const std::string& session,
                                            const std::string& event_name) {
  std::string server = AmiServerSide(session);
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < server.size()) {
    // Banner lines stand alone, without a blank line after them.
    if (server.compare(pos, 22, "Asterisk Call Manager/") == 0) {
      pos = server.find("\r\n", pos) + 2;
      continue;
    }
    const size_t end = server.find("\r\n\r\n", pos);
    if (end == std::string::npos) break;
    std::string raw = server.substr(pos, end + 4 - pos);
    pos = end + 4;
    if (event_name.empty() || raw.rfind("Event: " + event_name + "\r\n", 0) == 0) {
      out.push_back(std::move(raw));
    }
  }
  return out;
}

}  // namespace callboard::testing
