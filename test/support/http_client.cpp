#include "test/support/http_client.h"

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <system_error>

namespace callboard {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// Runs the io_context until the operation(s) just started have completed.
void RunAll(net::io_context& ioc) {
  ioc.restart();
  ioc.run();
}

[[noreturn]] void Fail(beast::error_code ec, const std::string& what) {
  throw std::system_error(ec, what);
}

bool IsClosedByPeer(beast::error_code ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

}  // namespace

std::optional<std::string> ClientResponse::Header(std::string_view name) const {
  std::string lower = ToLower(name);
  for (const auto& [k, v] : headers) {
    if (k == lower) return v;
  }
  return std::nullopt;
}

struct HttpClient::Impl {
  std::string host;
  uint16_t port = 0;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  int connections = 0;
  std::chrono::milliseconds timeout{30000};

  void Connect() {
    Close();
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) Fail(ec, "resolve " + host);
    stream.emplace(ioc);
    stream->expires_after(timeout);
    stream->async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    RunAll(ioc);
    if (ec) {
      stream.reset();
      Fail(ec, "connect to " + host + ":" + std::to_string(port));
    }
    ++connections;
  }

  void Close() {
    if (!stream) return;
    beast::error_code ignored;
    stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream->close();
    stream.reset();
    buffer.clear();
  }

  // One attempt on the current connection. Returns the error, if any, and whether any
  // response byte had arrived when it happened.
  beast::error_code Exchange(http::request<http::string_body>& req, bool head,
                             ClientResponse& out) {
    beast::error_code ec;
    stream->expires_after(timeout);
    http::async_write(*stream, req, [&](beast::error_code e, size_t) { ec = e; });
    RunAll(ioc);
    if (ec) return ec;
    for (;;) {
      http::response_parser<http::string_body> parser;
      parser.body_limit(boost::none);
      if (head) parser.skip(true);
      http::async_read(*stream, buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
      RunAll(ioc);
      if (ec) return ec;
      auto res = parser.release();
      int status = static_cast<int>(res.result_int());
      if (status >= 100 && status < 200 && status != 101) continue;  // 100 Continue: interim
      out.status = status;
      out.headers.clear();
      for (const auto& field : res) {
        out.headers.emplace_back(ToLower(field.name_string()), std::string(field.value()));
      }
      out.body = std::move(res.body());
      if (!res.keep_alive()) Close();
      return {};
    }
  }
};

HttpClient::HttpClient(std::string host, uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
}

HttpClient::~HttpClient() {
  if (impl_) impl_->Close();
}

HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

ClientResponse HttpClient::Request(std::string method, std::string target, std::string body,
                                   std::vector<std::pair<std::string, std::string>> headers) {
  http::request<http::string_body> req;
  req.version(11);
  if (http::verb verb = http::string_to_verb(method); verb != http::verb::unknown) {
    req.method(verb);
  } else {
    req.method_string(method);
  }
  req.target(target);
  bool has_host = false;
  bool has_framing = false;
  for (const auto& [name, value] : headers) {
    std::string lower = ToLower(name);
    has_host = has_host || lower == "host";
    has_framing = has_framing || lower == "content-length" || lower == "transfer-encoding";
    req.insert(name, value);
  }
  if (!has_host) req.set(http::field::host, impl_->host + ":" + std::to_string(impl_->port));
  req.body() = std::move(body);
  if (!has_framing &&
      (!req.body().empty() || method == "POST" || method == "PUT" || method == "PATCH")) {
    req.content_length(req.body().size());
  }
  const bool head = method == "HEAD";

  bool reused = connected();
  if (!reused) impl_->Connect();
  ClientResponse out;
  beast::error_code ec = impl_->Exchange(req, head, out);
  if (ec && reused && IsClosedByPeer(ec)) {  // the server closed the idle connection first
    impl_->Connect();
    ec = impl_->Exchange(req, head, out);
  }
  if (ec) {
    impl_->Close();
    Fail(ec, method + " " + target);
  }
  return out;
}

bool HttpClient::connected() const {
  if (!impl_->stream || !impl_->stream->socket().is_open()) return false;
  pollfd pfd{};
  pfd.fd = impl_->stream->socket().native_handle();
  pfd.events = POLLIN;
  if (::poll(&pfd, 1, 0) < 0) return false;
  if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) return false;
  if (pfd.revents & POLLIN) {
    char c;
    ssize_t n = ::recv(pfd.fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return false;  // orderly close by the server
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
  }
  return true;
}

int HttpClient::connection_count() const { return impl_->connections; }

std::chrono::milliseconds HttpClient::timeout() const { return impl_->timeout; }

void HttpClient::set_timeout(std::chrono::milliseconds timeout) { impl_->timeout = timeout; }

std::string RawExchange(uint16_t port, std::string bytes, std::chrono::milliseconds timeout) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(timeout);  // one deadline for the whole exchange
  beast::error_code ec;
  stream.async_connect(tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), port),
                       [&](beast::error_code e) { ec = e; });
  RunAll(ioc);
  if (ec) Fail(ec, "connect to port " + std::to_string(port));

  // A write error is not fatal: the server may answer and close before taking everything.
  net::async_write(stream, net::buffer(bytes), [&](beast::error_code e, size_t) { ec = e; });
  RunAll(ioc);

  std::string received;
  char chunk[4096];
  for (;;) {
    size_t n = 0;
    stream.async_read_some(net::buffer(chunk), [&](beast::error_code e, size_t k) {
      ec = e;
      n = k;
    });
    RunAll(ioc);
    received.append(chunk, n);
    if (ec) break;  // closed, reset or timed out
  }
  return received;
}

}  // namespace callboard
