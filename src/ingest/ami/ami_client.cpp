#include "ingest/ami/ami_client.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <utility>
#include <vector>

namespace callboard {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

const char* AmiLinkStateName(AmiLinkState state) {
  switch (state) {
    case AmiLinkState::kStopped:
      return "stopped";
    case AmiLinkState::kConnecting:
      return "connecting";
    case AmiLinkState::kLoggingIn:
      return "logging_in";
    case AmiLinkState::kConnected:
      return "connected";
    case AmiLinkState::kWaitingRetry:
      return "waiting_retry";
  }
  return "unknown";
}

namespace {

constexpr std::string_view kBannerPrefix = "Asterisk Call Manager/";
constexpr std::chrono::milliseconds kLogoffWait{1000};

std::string Ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

// Rethrows what a coroutine threw (a programmer error) out of io_context::run.
void Rethrow(const std::exception_ptr& e) {
  if (e) std::rethrow_exception(e);
}

}  // namespace

struct AmiClient::Impl {
  struct Pending {
    std::string action;
    SteadyClock::time_point deadline;
    ResponseHandler done;
    bool close_on_timeout = false;  // Login and Ping: no answer means a dead connection
  };

  Impl(AmiClientOptions o, EventHandler e, StatusHandler s)
      : options(std::move(o)),
        on_event(std::move(e)),
        on_status(std::move(s)),
        peer(options.host + ":" + std::to_string(options.port)),
        socket(io),
        resolver(io),
        retry_timer(io),
        random(std::random_device{}()) {}

  asio::awaitable<void> Run();
  asio::awaitable<Status> Connection();
  asio::awaitable<void> Housekeeping(uint64_t conn, std::shared_ptr<asio::steady_timer> timer);
  asio::awaitable<void> WriteLoop(uint64_t conn);

  void BeginStop();
  void Close(Status reason);
  void SendLogin();
  void StartAction(AmiAction action, std::chrono::milliseconds timeout, bool close_on_timeout,
                   ResponseHandler done);
  void Write(std::string bytes);
  void Dispatch(AmiMessage message);
  void FailPending(const Status& status);
  std::chrono::milliseconds NextBackoff(int attempt);
  void Publish(const std::function<void(AmiLinkStatus&)>& change);

  const AmiClientOptions options;
  const EventHandler on_event;
  const StatusHandler on_status;
  const std::string peer;  // host:port, for messages

  asio::io_context io;
  tcp::socket socket;
  tcp::resolver resolver;
  asio::steady_timer retry_timer;
  std::thread thread;

  // The I/O thread only.
  bool stopping = false;
  bool open = false;  // the current connection has not been closed
  bool logged_in = false;
  std::optional<SteadyClock::time_point> logged_in_at;
  uint64_t connection = 0;  // number of the current connection
  uint64_t next_action = 0;
  Status close_reason;
  std::optional<SteadyClock::time_point> phase_deadline;  // connect / banner
  std::string phase_what;
  SteadyClock::time_point next_ping;
  std::shared_ptr<asio::steady_timer> housekeeping_timer;
  std::map<std::string, Pending> pending;  // by ActionID
  std::deque<std::string> writes;
  size_t write_bytes = 0;
  uint64_t writer_of = 0;  // the connection whose write loop runs; 0 = none
  std::minstd_rand random;

  mutable std::mutex mutex;
  bool running = false;  // GUARDED_BY(mutex): posts to `io` will run
  AmiLinkStatus status;  // GUARDED_BY(mutex)
};

void AmiClient::Impl::Publish(const std::function<void(AmiLinkStatus&)>& change) {
  AmiLinkStatus copy;
  {
    std::lock_guard lock(mutex);
    change(status);
    copy = status;
  }
  if (on_status) on_status(copy);
}

std::chrono::milliseconds AmiClient::Impl::NextBackoff(int attempt) {
  double delay = static_cast<double>(options.backoff_initial.count());
  const double max =
      static_cast<double>(std::max(options.backoff_initial, options.backoff_max).count());
  for (int i = 0; i < attempt && delay < max; ++i) delay *= 2;
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  delay = std::min(std::min(delay, max) * jitter(random), max);
  return std::chrono::milliseconds(static_cast<int64_t>(delay));
}

asio::awaitable<void> AmiClient::Impl::Run() {
  int attempt = 0;
  while (!stopping) {
    Status result = co_await Connection();
    FailPending(Status::Unavailable("AMI connection to " + peer +
                                    " ended before the response: " + result.message()));
    if (stopping) break;
    if (logged_in_at && SteadyClock::now() - *logged_in_at >= options.healthy_after) attempt = 0;
    logged_in_at.reset();
    const std::chrono::milliseconds delay = NextBackoff(attempt++);
    Publish([&](AmiLinkStatus& s) {
      s.state = AmiLinkState::kWaitingRetry;
      s.error = result.message();
      s.consecutive_failures = attempt;
      s.retry_in = delay;
    });
    retry_timer.expires_after(delay);
    boost::system::error_code ec;
    co_await retry_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  Publish([](AmiLinkStatus& s) {
    s.state = AmiLinkState::kStopped;
    s.retry_in = std::chrono::milliseconds(0);
  });
}

asio::awaitable<Status> AmiClient::Impl::Connection() {
  ++connection;
  open = true;
  logged_in = false;
  close_reason = Status::Ok();
  Publish([](AmiLinkStatus& s) { s.state = AmiLinkState::kConnecting; });
  phase_deadline = SteadyClock::now() + options.connect_timeout;
  phase_what = "no connection to " + peer + " within " + Ms(options.connect_timeout);
  housekeeping_timer = std::make_shared<asio::steady_timer>(io);
  asio::co_spawn(io, Housekeeping(connection, housekeeping_timer), Rethrow);

  // The reason the connection ended: ours when we closed it, else what the socket said.
  auto finish = [&](Status reason) {
    if (!close_reason.ok()) return close_reason;
    Close(reason);
    return reason;
  };

  boost::system::error_code ec;
  auto endpoints = co_await resolver.async_resolve(options.host, std::to_string(options.port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec || !open) {
    co_return finish(Status::Unavailable("cannot resolve " + peer + ": " + ec.message()));
  }
  co_await asio::async_connect(socket, endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec || !open) {
    co_return finish(Status::Unavailable("cannot connect to " + peer + ": " + ec.message()));
  }
  phase_deadline = SteadyClock::now() + options.login_timeout;
  phase_what = "no AMI banner from " + peer + " within " + Ms(options.login_timeout);
  housekeeping_timer->cancel();

  AmiFramer framer(options.limits, /*expect_banner=*/true);
  std::vector<char> buffer(16 * 1024);
  std::vector<AmiMessage> messages;
  bool login_sent = false;
  for (;;) {
    const size_t n = co_await socket.async_read_some(asio::buffer(buffer),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !open) {
      co_return finish(Status::Unavailable(
          ec == asio::error::eof ? peer + " closed the AMI connection"
                                 : "AMI connection to " + peer + " failed: " + ec.message()));
    }
    messages.clear();
    const Status framed = framer.Feed(std::string_view(buffer.data(), n), messages);
    if (!login_sent && framer.banner()) {
      const std::string& banner = *framer.banner();
      if (banner.rfind(kBannerPrefix, 0) != 0) {
        co_return finish(Status::Unavailable(peer +
                                             " is not an Asterisk Manager Interface: it "
                                             "greeted with '" +
                                             banner.substr(0, 80) + "'"));
      }
      Publish([&](AmiLinkStatus& s) {
        s.banner = banner;
        s.state = AmiLinkState::kLoggingIn;
      });
      phase_deadline.reset();
      SendLogin();
      login_sent = true;
    }
    for (AmiMessage& m : messages) {
      if (!open) break;
      Dispatch(std::move(m));
    }
    if (!framed.ok()) co_return finish(framed);
    if (!open) co_return finish(close_reason);
  }
}

asio::awaitable<void> AmiClient::Impl::Housekeeping(uint64_t conn,
                                                    std::shared_ptr<asio::steady_timer> timer) {
  while (open && connection == conn) {
    SteadyClock::time_point next = SteadyClock::now() + std::chrono::hours(1);
    if (phase_deadline) next = std::min(next, *phase_deadline);
    for (const auto& [id, p] : pending) next = std::min(next, p.deadline);
    if (logged_in) next = std::min(next, next_ping);
    timer->expires_at(next);
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!open || connection != conn) co_return;
    const SteadyClock::time_point now = SteadyClock::now();
    if (phase_deadline && now >= *phase_deadline) {
      Close(Status::Unavailable(phase_what));
      co_return;
    }
    std::vector<Pending> expired;
    for (auto it = pending.begin(); it != pending.end();) {
      if (it->second.deadline <= now) {
        expired.push_back(std::move(it->second));
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
    for (Pending& p : expired) {
      Status timeout =
          Status::Unavailable("no AMI response to " + p.action + " from " + peer + " in time");
      if (p.close_on_timeout) Close(timeout);
      p.done(std::move(timeout));
    }
    if (!open || connection != conn) co_return;
    if (logged_in && now >= next_ping) {
      next_ping = now + options.ping_interval;
      StartAction(AmiAction{.name = "Ping"}, options.ping_timeout, /*close_on_timeout=*/true,
                  [](const Result<AmiMessage>&) {});
    }
  }
}

void AmiClient::Impl::Close(Status reason) {
  if (!open) return;
  open = false;
  logged_in = false;
  close_reason = std::move(reason);
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  resolver.cancel();
  if (housekeeping_timer) housekeeping_timer->cancel();
  writes.clear();
  write_bytes = 0;
}

void AmiClient::Impl::FailPending(const Status& status) {
  std::map<std::string, Pending> failed = std::move(pending);
  pending.clear();
  for (auto& [id, p] : failed) p.done(status);
}

void AmiClient::Impl::SendLogin() {
  AmiAction login{.name = "Login"};
  login.Set("Username", options.username).Set("Secret", options.secret);
  login.Set("Events", options.events);
  const uint64_t conn = connection;
  StartAction(
      std::move(login), options.login_timeout, /*close_on_timeout=*/true,
      [this, conn](Result<AmiMessage> response) {
        if (!response || connection != conn || !open) return;
        if (response->Value("Response") != "Success") {
          Close(Status::Unauthenticated("AMI login as '" + options.username + "' to " + peer +
                                        " refused: " + std::string(response->Value("Message"))));
          return;
        }
        logged_in = true;
        logged_in_at = SteadyClock::now();
        next_ping = *logged_in_at + options.ping_interval;
        if (housekeeping_timer) housekeeping_timer->cancel();
        Publish([](AmiLinkStatus& s) {
          s.state = AmiLinkState::kConnected;
          s.retry_in = std::chrono::milliseconds(0);
          ++s.logins;
        });
      });
}

void AmiClient::Impl::StartAction(AmiAction action, std::chrono::milliseconds timeout,
                                  bool close_on_timeout, ResponseHandler done) {
  const bool login = action.name == "Login";
  if (!open || (!logged_in && !login) || (stopping && action.name != "Logoff")) {
    done(Status::Unavailable("AMI not connected to " + peer + "; " + action.name + " not sent"));
    return;
  }
  if (pending.size() >= options.max_pending_actions) {
    done(Status::Unavailable("AMI: " + std::to_string(pending.size()) +
                             " actions already wait for a response from " + peer));
    return;
  }
  std::string id = "cb-" + std::to_string(connection) + "-" + std::to_string(++next_action);
  Result<std::string> bytes = SerializeAction(action, id);
  if (!bytes) {
    done(bytes.error());
    return;
  }
  if (write_bytes + bytes->size() > options.max_write_bytes) {
    done(Status::Unavailable("AMI: send queue to " + peer + " full; " + action.name + " not sent"));
    return;
  }
  pending.emplace(std::move(id), Pending{.action = action.name,
                                         .deadline = SteadyClock::now() + timeout,
                                         .done = std::move(done),
                                         .close_on_timeout = close_on_timeout});
  Write(std::move(*bytes));
  if (housekeeping_timer) housekeeping_timer->cancel();  // recompute the next deadline
}

void AmiClient::Impl::Write(std::string bytes) {
  write_bytes += bytes.size();
  writes.push_back(std::move(bytes));
  if (writer_of != connection) {
    writer_of = connection;
    asio::co_spawn(io, WriteLoop(connection), Rethrow);
  }
}

asio::awaitable<void> AmiClient::Impl::WriteLoop(uint64_t conn) {
  while (open && connection == conn && !writes.empty()) {
    // Owned here: Close may clear the queue while the write is in flight.
    const std::string data = std::move(writes.front());
    writes.pop_front();
    boost::system::error_code ec;
    co_await asio::async_write(socket, asio::buffer(data),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (connection != conn) break;
    write_bytes -= std::min(write_bytes, data.size());
    if (ec) {
      Close(Status::Unavailable("cannot send to AMI " + peer + ": " + ec.message()));
      break;
    }
  }
  if (writer_of == conn) writer_of = 0;
}

void AmiClient::Impl::Dispatch(AmiMessage message) {
  if (message.is_event()) {
    Result<AmiEvent> event = ParseAmiEvent(message);
    if (event) {
      std::lock_guard lock(mutex);
      ++status.events;
    } else {
      std::lock_guard lock(mutex);
      ++status.events;
      ++status.malformed_events;
      status.last_malformed = event.error().message();
    }
    if (!on_event) return;
    if (event) {
      on_event(*event);
    } else {
      std::string name(message.Value("Event"));
      on_event(AmiGenericEvent{.name = std::move(name), .message = std::move(message)});
    }
    return;
  }
  const std::optional<std::string_view> id = message.Get("ActionID");
  if (!id) return;  // an unsolicited response; nothing waits for it
  auto it = pending.find(std::string(*id));
  if (it == pending.end()) return;  // answered after its timeout
  ResponseHandler done = std::move(it->second.done);
  pending.erase(it);
  done(std::move(message));
}

void AmiClient::Impl::BeginStop() {
  stopping = true;
  retry_timer.cancel();
  if (open && logged_in) {
    StartAction(
        AmiAction{.name = "Logoff"}, kLogoffWait, /*close_on_timeout=*/true,
        [this](const Result<AmiMessage>&) { Close(Status::Unavailable("AMI client stopped")); });
  } else {
    Close(Status::Unavailable("AMI client stopped"));
  }
}

AmiClient::AmiClient(AmiClientOptions options, EventHandler on_event, StatusHandler on_status)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(on_event), std::move(on_status))) {
}

AmiClient::~AmiClient() { Stop(); }

void AmiClient::Start() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->running = true;
  }
  impl_->thread = std::thread([impl = impl_.get()] {
    asio::co_spawn(impl->io, impl->Run(), Rethrow);
    impl->io.run();
  });
}

void AmiClient::Stop() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->running) {
      impl_->running = false;
      asio::post(impl_->io, [impl = impl_.get()] { impl->BeginStop(); });
    }
  }
  if (impl_->thread.joinable()) impl_->thread.join();
}

void AmiClient::Send(AmiAction action, ResponseHandler done) {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->running) {
      asio::post(impl_->io, [impl = impl_.get(), action = std::move(action),
                             done = std::move(done)]() mutable {
        impl->StartAction(std::move(action), impl->options.action_timeout,
                          /*close_on_timeout=*/false, std::move(done));
      });
      return;
    }
  }
  done(Status::Unavailable("AMI client to " + impl_->peer + " is not running; " + action.name +
                           " not sent"));
}

std::future<Result<AmiMessage>> AmiClient::Send(AmiAction action) {
  auto promise = std::make_shared<std::promise<Result<AmiMessage>>>();
  std::future<Result<AmiMessage>> future = promise->get_future();
  Send(std::move(action),
       [promise](Result<AmiMessage> response) { promise->set_value(std::move(response)); });
  return future;
}

AmiLinkStatus AmiClient::status() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->status;
}

}  // namespace callboard
