#pragma once
// WebSockets between the HTTP transport and what a socket is for. The transport (HttpServer)
// accepts an upgrade when the WebSocketUpgrade function returns a handler, then runs the
// socket: ping/pong and idle timeout, a message size limit, text and binary messages in the
// order they were queued, one write in flight with a bounded queue — a peer too slow to keep up has
// its backlog replaced by the handler's Resync() message instead of an ever-growing queue.
//
// Thread-safety: WebSocketPeer methods may be called from any thread. Handler methods are
// called on the socket's strand, one at a time.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "api/http_message.h"

namespace callboard {

class WebSocketPeer {
 public:
  virtual ~WebSocketPeer() = default;
  // Queues a text message. Shared: one message sent to many sockets is held once.
  virtual void Send(std::shared_ptr<const std::string> text) = 0;
  // Queues a binary message, shared likewise.
  virtual void SendBinary(std::shared_ptr<const std::string> bytes) = 0;
  // Sends a close frame with `code` (e.g. 4401) and `reason`, then closes.
  virtual void Close(uint16_t code, std::string reason) = 0;
  // Closes with `code` unless CancelDeadline is called within `after`.
  virtual void CloseAfter(std::chrono::milliseconds after, uint16_t code, std::string reason) = 0;
  virtual void CancelDeadline() = 0;
};

class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  // The handshake completed. Keep `peer` weakly: the socket owns the handler.
  virtual void OnOpen(const std::shared_ptr<WebSocketPeer>& peer) = 0;
  virtual void OnMessage(std::string_view text) = 0;
  // The socket closed (either side, or an error); no more calls follow.
  virtual void OnClose() = 0;
  // The message that replaces a backlog the peer could not keep up with ("" to drop it).
  virtual std::string Resync() = 0;
};

// The transport's question for an upgrade request: a handler to accept it, or the response
// that refuses it.
struct WebSocketAccept {
  std::shared_ptr<WebSocketHandler> handler;
  HttpResponse refusal;
};
using WebSocketUpgrade = std::function<WebSocketAccept(HttpRequest&)>;

}  // namespace callboard
