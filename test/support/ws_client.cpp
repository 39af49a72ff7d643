#include "test/support/ws_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

#include "live/live_message.h"

namespace callboard {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

struct WsClient::Impl {
  net::io_context io;
  std::optional<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buffer;
  bool closed = false;
  int close_code = 0;
  bool reading = false;
  std::deque<std::string> inbox;
  int receive_buffer = 0;
  int binary_messages = 0;

  // Runs the io_context until `done` or the timeout; false on timeout.
  bool RunUntil(const bool& done, std::chrono::milliseconds timeout) {
    io.restart();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done) {
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) return false;
      if (io.run_one_for(left) == 0 && !done) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
      }
    }
    return true;
  }
};

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}
WsClient::~WsClient() = default;

Status WsClient::Connect(uint16_t port, const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  s.ws.emplace(s.io);
  beast::error_code result;
  bool done = false;
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  if (s.receive_buffer > 0) {
    auto& socket = beast::get_lowest_layer(*s.ws).socket();
    socket.open(tcp::v4());
    socket.set_option(net::socket_base::receive_buffer_size(s.receive_buffer));
  }
  beast::get_lowest_layer(*s.ws).expires_after(timeout);
  beast::get_lowest_layer(*s.ws).async_connect(ep, [&](beast::error_code ec) {
    if (ec) {
      result = ec;
      done = true;
      return;
    }
    s.ws->set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      for (const auto& [name, value] : headers) req.set(name, value);
    }));
    auto response = std::make_shared<websocket::response_type>();
    s.ws->async_handshake(*response, "127.0.0.1:" + std::to_string(ep.port()), target,
                          [&, response](beast::error_code ec2) {
                            result = ec2;
                            if (ec2 == websocket::error::upgrade_declined) {
                              s.close_code = static_cast<int>(response->result_int());
                            }
                            done = true;
                          });
  });
  if (!s.RunUntil(done, timeout + std::chrono::milliseconds(500))) {
    return Status::Unavailable("handshake timed out");
  }
  if (result) {
    if (s.close_code != 0) return Status::Unavailable("status " + std::to_string(s.close_code));
    return Status::Unavailable(result.message());
  }
  beast::get_lowest_layer(*s.ws).expires_never();
  return Status::Ok();
}

Status WsClient::Send(const std::string& text) {
  Impl& s = *impl_;
  beast::error_code result;
  bool done = false;
  s.ws->text(true);
  s.ws->async_write(net::buffer(text), [&](beast::error_code ec, size_t) {
    result = ec;
    done = true;
  });
  if (!s.RunUntil(done, std::chrono::seconds(5))) return Status::Unavailable("write timed out");
  return result ? Status::Unavailable(result.message()) : Status::Ok();
}

int WsClient::binary_messages() const { return impl_->binary_messages; }

std::optional<std::string> WsClient::Next(std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  // A read left pending by an earlier timeout continues; reads are never cancelled (that
  // would leave the WebSocket stream unusable).
  if (!s.reading && !s.closed && s.inbox.empty()) {
    s.reading = true;
    s.ws->async_read(s.buffer, [&s](beast::error_code ec, size_t n) {
      s.reading = false;
      if (ec) {
        s.closed = true;
        s.close_code = s.ws->reason().code;
        return;
      }
      std::string message = beast::buffers_to_string(s.buffer.data());
      s.buffer.consume(n);
      if (!s.ws->got_text()) {  // a compressed live message (?compress=deflate-raw)
        ++s.binary_messages;
        message = InflateRaw(message).value_or("<not raw DEFLATE>");
      }
      s.inbox.push_back(std::move(message));
    });
  }
  bool ready = !s.inbox.empty() || s.closed;
  if (!ready) {
    s.io.restart();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (s.inbox.empty() && !s.closed && std::chrono::steady_clock::now() < deadline) {
      s.io.run_one_for(deadline - std::chrono::steady_clock::now());
    }
  }
  if (s.inbox.empty()) return std::nullopt;
  std::string text = std::move(s.inbox.front());
  s.inbox.pop_front();
  return text;
}

void WsClient::set_receive_buffer(int bytes) { impl_->receive_buffer = bytes; }

bool WsClient::closed() const { return impl_->closed; }
int WsClient::close_code() const { return impl_->close_code; }

void WsClient::Close() {
  Impl& s = *impl_;
  if (s.closed || !s.ws) return;
  bool done = false;
  if (s.reading) {  // the pending read completes with the close
    s.ws->async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
    s.RunUntil(done, std::chrono::seconds(2));
    s.closed = true;
    return;
  }
  s.ws->async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
  s.RunUntil(done, std::chrono::seconds(2));
  s.closed = true;
}

}  // namespace callboard
