#include "ingest/sources/threecx_tcp.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "ingest/sources/line_splitter.h"
#include "ingest/sources/socket_io.h"
#include "ingest/sources/stop_signal.h"

namespace callboard {

namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr size_t kMaxConnections = 8;  // listener: more pending peers close the idlest
constexpr size_t kReadChunk = 16 * 1024;
constexpr milliseconds kMaxPollWait{1000};

std::string Duration(milliseconds d) {
  if (d.count() % 1000 != 0) return std::to_string(d.count()) + " ms";
  return std::to_string(d.count() / 1000) + " s";
}

// One TCP connection delivering CDR lines.
struct Connection {
  UniqueFd fd;
  std::string peer;
  LineSplitter split;
  SteadyClock::time_point last_byte = SteadyClock::now();
  std::optional<SteadyClock::time_point> partial_since;  // when the unfinished line began
};

enum class Outcome { kOpen, kClosed };

// Reads everything pending on `c` into the feed. kClosed when the peer closed (its partial
// line delivered).
Result<Outcome> ReadLines(Connection& c, SourceFeed& feed, std::vector<char>& buffer) {
  const auto on_line = [&](std::string_view line, int64_t) { feed.Line(line); };
  for (;;) {
    const ssize_t n = recv(c.fd.get(), buffer.data(), buffer.size(), 0);
    if (n > 0) {
      const auto now = SteadyClock::now();
      c.last_byte = now;
      const int64_t before = c.split.offset();
      const bool had_partial = c.split.partial_bytes() > 0;
      c.split.Append(std::string_view(buffer.data(), static_cast<size_t>(n)), on_line);
      if (c.split.partial_bytes() == 0) {
        c.partial_since.reset();
      } else if (!had_partial || c.split.offset() != before) {
        c.partial_since = now;
      }
      CB_RETURN_IF_ERROR(feed.FlushIfDue());
      continue;
    }
    if (n == 0) {
      c.split.FlushPartial(on_line);
      return Outcome::kClosed;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Outcome::kOpen;
    const int err = errno;
    c.split.FlushPartial(on_line);
    return Status::Unavailable("read from " + c.peer + ": " + std::strerror(err));
  }
}

// Why `c` must be closed now, if it must.
std::optional<std::string> Expired(const Connection& c, const SourceTimings& t,
                                   SteadyClock::time_point now) {
  if (c.partial_since && now - *c.partial_since >= t.line_timeout) {
    return c.peer + ": a line did not end within " + Duration(t.line_timeout);
  }
  if (now - c.last_byte >= t.idle_timeout) {
    return c.peer + ": nothing received for " + Duration(t.idle_timeout);
  }
  return std::nullopt;
}

// How long poll() may wait before a timeout of `c` is due.
milliseconds UntilExpiry(const Connection& c, const SourceTimings& t, SteadyClock::time_point now) {
  auto due = c.last_byte + t.idle_timeout;
  if (c.partial_since) due = std::min(due, *c.partial_since + t.line_timeout);
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(due - now));
}

void NoteError(const SourceContext& ctx, const std::string& message) {
  const TimePoint now = ctx.clock.Now();
  ctx.status.Update([&](SourceStatus& s) {
    s.last_error = message;
    s.last_error_at = now;
  });
}

}  // namespace

Status ThreeCxListener::Run() {
  auto opened = SourceFeed::Open(ctx_, k3cxTcpStream);
  if (!opened) return opened.error();
  SourceFeed& feed = **opened;
  const SourceConfig& config = ctx_.config;
  auto listener = ListenTcp(config.host, config.port.value_or(0));
  if (!listener) return listener.error();
  const std::string listening = "listening on " +
                                (config.host.empty() ? std::string("*") : config.host) + ":" +
                                std::to_string(LocalPort(listener->get()));
  std::vector<std::unique_ptr<Connection>> conns;
  std::vector<char> buffer(kReadChunk);
  const auto on_line = [&](std::string_view line, int64_t) { feed.Line(line); };
  auto show_state = [&] {
    if (conns.empty()) {
      feed.SetState(SourceState::kListening, listening);
      return;
    }
    std::string peers;
    for (const auto& c : conns) peers += (peers.empty() ? "" : ", ") + c->peer;
    feed.SetState(SourceState::kConnected, "3CX connected from " + peers);
  };
  show_state();

  std::vector<pollfd> fds;
  while (!ctx_.stop.triggered()) {
    const auto now = SteadyClock::now();
    milliseconds wait = std::min(kMaxPollWait, feed.TimeToFlush(kMaxPollWait));
    fds.assign({{listener->get(), POLLIN, 0}, {ctx_.stop.fd(), POLLIN, 0}});
    for (const auto& c : conns) {
      fds.push_back({c->fd.get(), POLLIN, 0});
      wait = std::min(wait, UntilExpiry(*c, ctx_.timings, now));
    }
    if (poll(fds.data(), fds.size(), static_cast<int>(wait.count())) < 0 && errno != EINTR) {
      return Status::Unavailable(std::string("poll: ") + std::strerror(errno));
    }
    if (ctx_.stop.triggered()) break;
    bool changed = false;
    // Readable connections first (their pollfd indices are stable until accept adds more).
    for (size_t i = 0; i < conns.size();) {
      Connection& c = *conns[i];
      const short revents = fds[i + 2].revents;
      std::optional<std::string> close_reason;
      if (revents != 0) {
        auto outcome = ReadLines(c, feed, buffer);
        if (!outcome) {
          close_reason = outcome.error().message();
        } else if (*outcome == Outcome::kClosed) {
          close_reason = "";
        }
      }
      if (!close_reason) {
        close_reason = Expired(c, ctx_.timings, SteadyClock::now());
        if (close_reason) c.split.FlushPartial(on_line);
      }
      if (close_reason) {
        if (!close_reason->empty()) NoteError(ctx_, *close_reason);
        conns.erase(conns.begin() + static_cast<std::ptrdiff_t>(i));
        fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(i) + 2);
        changed = true;
      } else {
        ++i;
      }
    }
    if (fds[0].revents != 0) {
      for (;;) {
        std::string peer;
        auto accepted = AcceptTcp(listener->get(), peer);
        if (!accepted) return accepted.error();
        if (!accepted->valid()) break;
        if (conns.size() >= kMaxConnections) {
          auto idlest = std::min_element(
              conns.begin(), conns.end(),
              [](const auto& a, const auto& b) { return a->last_byte < b->last_byte; });
          (*idlest)->split.FlushPartial(on_line);
          NoteError(ctx_, (*idlest)->peer + ": closed for a newer connection");
          conns.erase(idlest);
        }
        auto c = std::make_unique<Connection>();
        c->fd = std::move(*accepted);
        c->peer = std::move(peer);
        conns.push_back(std::move(c));
        changed = true;
      }
    }
    if (changed) show_state();
    CB_RETURN_IF_ERROR(feed.FlushIfDue());
  }
  for (auto& c : conns) c->split.FlushPartial(on_line);
  return feed.Flush();
}

Status ThreeCxClient::Run() {
  auto opened = SourceFeed::Open(ctx_, k3cxTcpStream);
  if (!opened) return opened.error();
  SourceFeed& feed = **opened;
  const SourceConfig& config = ctx_.config;
  const std::string where = config.host + ":" + std::to_string(config.port.value_or(0));
  feed.SetState(SourceState::kStarting, "connecting to " + where);
  auto fd =
      ConnectTcp(config.host, config.port.value_or(0), ctx_.timings.connect_timeout, ctx_.stop);
  if (!fd) return ctx_.stop.triggered() ? Status::Ok() : fd.error();
  Connection c;
  c.fd = std::move(*fd);
  c.peer = where;
  feed.SetState(SourceState::kConnected, "connected to 3CX at " + where);
  std::vector<char> buffer(kReadChunk);
  while (!ctx_.stop.triggered()) {
    const auto now = SteadyClock::now();
    const milliseconds wait =
        std::min({kMaxPollWait, feed.TimeToFlush(kMaxPollWait), UntilExpiry(c, ctx_.timings, now)});
    pollfd fds[2] = {{c.fd.get(), POLLIN, 0}, {ctx_.stop.fd(), POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(wait.count())) < 0 && errno != EINTR) {
      return Status::Unavailable(std::string("poll: ") + std::strerror(errno));
    }
    if (ctx_.stop.triggered()) break;
    if (fds[0].revents != 0) {
      auto outcome = ReadLines(c, feed, buffer);
      if (!outcome || *outcome == Outcome::kClosed) {
        CB_RETURN_IF_ERROR(feed.Flush());
        return outcome ? Status::Unavailable("3CX at " + where + " closed the connection")
                       : outcome.error();
      }
    }
    if (auto reason = Expired(c, ctx_.timings, SteadyClock::now())) {
      c.split.FlushPartial([&](std::string_view line, int64_t) { feed.Line(line); });
      CB_RETURN_IF_ERROR(feed.Flush());
      return Status::Unavailable(*reason);
    }
    CB_RETURN_IF_ERROR(feed.FlushIfDue());
  }
  c.split.FlushPartial([&](std::string_view line, int64_t) { feed.Line(line); });
  return feed.Flush();
}

}  // namespace callboard
