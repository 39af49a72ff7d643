#pragma once
// The Asterisk Manager Interface wire format: messages of "Key: Value" lines ending in CRLF,
// a blank line ending each message, and on a fresh connection one banner line
// ("Asterisk Call Manager/13.0.0") before the first message.
//
// - AmiMessage — one message (an action, a response or an event): headers in order; a key may
//   repeat (Variable, Output). "Response: Follows" output (Command on old Asterisk versions)
//   is kept in body().
// - AmiFramer — cuts a byte stream into messages however the reads split it; tolerates bare
//   LF line ends; enforces AmiLimits and answers kInvalidArgument naming the limit and the
//   message when the peer breaks one (the connection should then be closed: the framer does
//   not resynchronise).
// - AmiAction / SerializeAction — what Callboard sends, with its ActionID.
//
//   AmiFramer framer(limits);
//   std::vector<AmiMessage> out;
//   CB_RETURN_IF_ERROR(framer.Feed(bytes_read, out));
//   for (const AmiMessage& m : out) if (m.Get("Event")) …
//
// Thread-safety: values; an AmiFramer belongs to one connection.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace callboard {

struct AmiHeader {
  std::string key;
  std::string value;
};

class AmiMessage {
 public:
  void Add(std::string key, std::string value);
  // The first value of `key` (compared without regard to case); nullopt when absent.
  std::optional<std::string_view> Get(std::string_view key) const;
  // The first value of `key`, or "" when absent.
  std::string_view Value(std::string_view key) const { return Get(key).value_or(""); }
  // Every value of `key`, in order.
  std::vector<std::string_view> GetAll(std::string_view key) const;
  const std::vector<AmiHeader>& headers() const { return headers_; }

  bool is_event() const { return Get("Event").has_value(); }
  bool is_response() const { return !is_event() && Get("Response").has_value(); }

  // Lines that are not "Key: Value" — the output of "Response: Follows", joined by '\n'.
  const std::string& body() const { return body_; }
  bool has_body() const { return has_body_; }
  void AppendBody(std::string_view line);

  // The wire form: each header as "Key: Value\r\n", then "\r\n".
  std::string Serialize() const;

 private:
  std::vector<AmiHeader> headers_;
  std::string body_;
  bool has_body_ = false;
};

struct AmiLimits {
  size_t max_line = 8 * 1024;        // bytes of one line (without its line end)
  size_t max_headers = 512;          // headers of one message
  size_t max_message = 1024 * 1024;  // bytes of one message, Follows output included
};

class AmiFramer {
 public:
  // `expect_banner`: the first line of the stream is the server's banner (a client's view).
  explicit AmiFramer(AmiLimits limits = {}, bool expect_banner = true);

  // Consumes `bytes`; appends each message completed by them to `out`. After an error every
  // further call answers the same error.
  Status Feed(std::string_view bytes, std::vector<AmiMessage>& out);

  // The banner line without its line end, once received.
  const std::optional<std::string>& banner() const { return banner_; }
  // Messages completed so far.
  size_t messages() const { return messages_; }

 private:
  Status Line(std::string_view line, std::vector<AmiMessage>& out);
  Status Fail(std::string message);

  AmiLimits limits_;
  bool expect_banner_;
  std::optional<std::string> banner_;
  std::string partial_;  // bytes of a line whose end has not arrived yet
  AmiMessage current_;
  size_t current_bytes_ = 0;  // bytes of `current_` so far
  bool in_message_ = false;
  bool follows_ = false;  // inside "Response: Follows" output, before --END COMMAND--
  bool follows_ended_ = false;
  size_t messages_ = 0;
  Status error_;
};

// An action to send: its name and fields in order (ActionID is added by the sender).
struct AmiAction {
  std::string name;
  std::vector<std::pair<std::string, std::string>> fields;

  AmiAction& Set(std::string key, std::string value) {
    fields.emplace_back(std::move(key), std::move(value));
    return *this;
  }
};

// "Action: <name>\r\n<fields>\r\nActionID: <id>\r\n\r\n". kInvalidArgument naming the field
// when a key is empty or holds ':' or a line break, or a value holds a line break (which
// would let text inject a second action).
Result<std::string> SerializeAction(const AmiAction& action, std::string_view action_id);

}  // namespace callboard
