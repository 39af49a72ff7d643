// The live WebSocket, /api/v1/live/ws: a snapshot then deltas (LiveService), filtered by the
// connection's role and scope.
//
// Authentication: the session cookie of the upgrade request (its Origin must be this host's),
// a bearer token in the upgrade's Authorization header, or — for clients that cannot set
// headers — a first message {"type":"auth","token":"…"} within 10 s. Never a token in the URL.
// Resuming: ?after=SEQ (or "after" in the auth message) replays the deltas missed since SEQ
// when they are still held, else sends a snapshot.
// Compression: ?compress=deflate-raw asks for every message of at least kCompressFrom bytes
// as a binary message holding the JSON text in raw DEFLATE (a browser reads it with
// DecompressionStream("deflate-raw")); smaller ones stay text. The compressed form of a delta
// message is made once and shared by every socket that carries it, which is what permessage
// -deflate (compressing per connection) cannot do.

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <charconv>
#include <mutex>

#include "api/api.h"
#include "api/responses.h"
#include "auth/auth_service.h"
#include "live/live_service.h"

namespace callboard {

namespace {

constexpr auto kAuthWait = std::chrono::seconds(10);
constexpr uint16_t kCloseUnauthenticated = 4401;
constexpr uint16_t kCloseForbidden = 4403;
constexpr uint16_t kCloseUnavailable = 4503;
constexpr size_t kCompressFrom = 512;

std::optional<int64_t> ParseSeq(std::string_view text) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

class LiveSocket final : public WebSocketHandler {
 public:
  LiveSocket(LiveService& live, AuthService& auth, std::optional<Principal> principal,
             std::optional<int64_t> after, bool compress)
      : live_(live),
        auth_(auth),
        principal_(std::move(principal)),
        after_(after),
        compress_(compress) {}

  void OnOpen(const std::shared_ptr<WebSocketPeer>& peer) override {
    peer_ = peer;
    if (principal_) {
      Subscribe(*principal_, after_);
    } else {
      peer->CloseAfter(kAuthWait, kCloseUnauthenticated, "authenticate within 10 s");
    }
  }

  void OnMessage(std::string_view text) override {
    auto peer = peer_.lock();
    if (!peer) return;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    const boost::json::object* o = ec ? nullptr : v.if_object();
    const boost::json::string* type =
        o != nullptr && o->contains("type") ? o->at("type").if_string() : nullptr;
    if (type == nullptr) return peer->Close(4400, "messages are JSON objects with a type");
    if (*type == "auth") {
      if (subscription_) return;  // already authenticated
      const boost::json::string* token =
          o->contains("token") ? o->at("token").if_string() : nullptr;
      if (token == nullptr) return peer->Close(kCloseUnauthenticated, "token required");
      auto who = auth_.Authenticate(std::string_view(*token));
      if (!who) return peer->Close(kCloseUnauthenticated, "invalid or expired token");
      if (!Can(who->principal, Permission::kViewOwnPerformance)) {
        return peer->Close(kCloseForbidden, "not allowed to see the live floor");
      }
      std::optional<int64_t> after = after_;
      if (o->contains("after") && o->at("after").is_int64()) after = o->at("after").as_int64();
      peer->CancelDeadline();
      principal_ = who->principal;
      Subscribe(*principal_, after);
    } else if (*type == "ping") {
      peer->Send(std::make_shared<const std::string>(R"({"type":"pong"})"));
    }
    // Other message types are ignored: newer clients may send what this server does not know.
  }

  void OnClose() override {
    std::lock_guard lock(mu_);
    subscription_.reset();
  }

  std::string Resync() override {
    std::lock_guard lock(mu_);
    return subscription_ ? subscription_->Snapshot() : std::string();
  }

 private:
  void Subscribe(const Principal& p, std::optional<int64_t> after) {
    std::weak_ptr<WebSocketPeer> weak = peer_;
    auto sub = live_.Subscribe(
        p,
        [weak, compress = compress_](const std::shared_ptr<const LiveMessage>& message) {
          auto peer = weak.lock();
          if (!peer) return;
          if (compress && message->text()->size() >= kCompressFrom) {
            peer->SendBinary(message->deflated());
          } else {
            peer->Send(message->text());
          }
        },
        after);
    if (!sub) {
      spdlog::warn("live socket: {}", sub.error().ToString());
      if (auto peer = peer_.lock()) peer->Close(kCloseUnavailable, "live state unavailable");
      return;
    }
    std::lock_guard lock(mu_);
    subscription_ = std::move(*sub);
  }

  LiveService& live_;
  AuthService& auth_;
  std::optional<Principal> principal_;
  std::optional<int64_t> after_;
  const bool compress_;
  std::weak_ptr<WebSocketPeer> peer_;
  std::mutex mu_;
  std::unique_ptr<LiveService::Subscription> subscription_;
};

// A cookie-authenticated upgrade must come from a page of this server (no cross-site
// WebSocket hijacking with the user's cookie).
bool SameOrigin(const HttpRequest& req) {
  auto origin = req.Header("origin");
  if (!origin) return true;  // not a browser
  auto host = req.Header("host");
  if (!host) return false;
  const std::string expected = std::string(req.tls ? "https://" : "http://") + std::string(*host);
  return *origin == expected;
}

}  // namespace

WebSocketAccept Api::Upgrade(HttpRequest& req) {
  WebSocketAccept out;
  if (req.path != "/api/v1/live/ws") {
    out.refusal = Dispatch(req);
    if (out.refusal.status < 400) {
      out.refusal = ErrorResponse(Status::NotFound("no WebSocket at " + req.path), req.request_id);
    }
    return out;
  }
  out.refusal.route = "/api/v1/live/ws";
  if (deps_.live == nullptr) {
    out.refusal =
        ErrorResponse(Status::Unavailable("live operations are not running"), req.request_id);
    return out;
  }
  std::optional<int64_t> after;
  if (auto a = req.Query("after")) {
    after = ParseSeq(*a);
    if (!after) {
      out.refusal = ErrorResponse(Status::Invalid({{"after", "invalid", "a sequence number"}}),
                                  req.request_id);
      return out;
    }
  }
  bool compress = false;
  if (auto c = req.Query("compress")) {
    if (*c != "deflate-raw") {
      out.refusal =
          ErrorResponse(Status::Invalid({{"compress", "invalid", "deflate-raw, or leave it out"}}),
                        req.request_id);
      return out;
    }
    compress = true;
  }
  std::optional<Principal> principal;
  const bool has_credentials = req.Header("authorization") || req.Header("cookie");
  if (has_credentials) {
    auto who = AuthenticateRequest(deps_.auth, req);
    if (!who) {
      out.refusal = ErrorResponse(who.error(), req.request_id);
      return out;
    }
    if (!req.Header("authorization") && !SameOrigin(req)) {
      out.refusal = ErrorResponse(Status::Denied("cross-origin WebSocket refused"), req.request_id);
      return out;
    }
    if (!Can(who->principal, Permission::kViewOwnPerformance)) {
      out.refusal = ErrorResponse(Status::Denied("requires the view_own_performance permission"),
                                  req.request_id);
      return out;
    }
    principal = who->principal;
    out.refusal.user_id = principal->user_id;
  }
  out.refusal.route = "/api/v1/live/ws";
  out.handler =
      std::make_shared<LiveSocket>(*deps_.live, deps_.auth, std::move(principal), after, compress);
  return out;
}

}  // namespace callboard
