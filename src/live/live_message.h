#pragma once
// LiveMessage: one live message (JSON text) for many subscribers, held once. Connections that
// asked for compression get its raw DEFLATE form (RFC 1951 — what a browser's
// DecompressionStream("deflate-raw") reads), made on first use and shared in turn: a delta
// message is compressed once however many sockets carry it.
//
//   auto m = std::make_shared<const LiveMessage>(std::move(json_text));
//   peer.Send(m->text());            // or
//   peer.SendBinary(m->deflated());
//
// Thread-safety: const methods may be called from any thread.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace callboard {

class LiveMessage {
 public:
  explicit LiveMessage(std::string text)
      : text_(std::make_shared<const std::string>(std::move(text))) {}

  const std::shared_ptr<const std::string>& text() const { return text_; }
  // The text compressed with raw DEFLATE; made once.
  const std::shared_ptr<const std::string>& deflated() const;

 private:
  std::shared_ptr<const std::string> text_;
  mutable std::once_flag once_;
  mutable std::shared_ptr<const std::string> deflated_;
};

// `text` compressed with raw DEFLATE (no zlib or gzip header), at zlib's default level.
std::string DeflateRaw(std::string_view text);
// The text of a raw DEFLATE stream (what clients do with a compressed message); nullopt when
// `bytes` is not one or would inflate past `limit` bytes.
std::optional<std::string> InflateRaw(std::string_view bytes, size_t limit = 64 << 20);

}  // namespace callboard
